# Developer commands. The README promises a newcomer exactly two:
#   make run    set everything up and serve the portal at http://127.0.0.1:8000
#               (SQLite, tasks in process, mail to the outbox at /outbox/, demo data loaded)
#   make test   run the whole test suite (PostgreSQL when DATABASE_URL points at it)
# Others: make setup | demo | lint | worker | beat | clean. DEVELOPERS.md explains each.
#
# Installing is remembered by stamp files, so a second `make run` starts at once: Python
# packages are reinstalled only when pyproject.toml changes, npm packages only when
# package.json or package-lock.json changes.

VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed-from-pyproject
NODE_STAMP := node_modules/.installed-from-package-json
PYTEST_ARGS ?=

# The interpreter that creates .venv: the first candidate that runs and is 3.11 or newer.
# Each is run, not just found, because a pyenv shim can sit on PATH for a version it lacks.
# Override with `make PYTHON=/path/to/python3.12 setup`.
ifndef PYTHON
PYTHON := $(shell for c in python3 python3.13 python3.12 python3.11; do \
	$$c -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$c; break; }; done)
endif

.PHONY: install setup demo run test lint worker beat clean FORCE

# --- Installing ------------------------------------------------------------------------------

# A stamp is trusted only while what it vouches for is still there (a half-deleted .venv or
# node_modules would otherwise be taken as installed).
$(PY_STAMP): pyproject.toml $(if $(wildcard $(PY)),,FORCE)
	@if [ ! -x "$(PY)" ]; then \
		if [ -z "$(PYTHON)" ]; then \
			echo "error: Python 3.11 or newer is needed and none was found (tried python3, python3.13," \
				"python3.12, python3.11). Install it, or run: make PYTHON=/path/to/python3.11 $(MAKECMDGOALS)" >&2; \
			exit 1; \
		fi; \
		echo "Creating $(VENV) with $$($(PYTHON) --version)"; \
		$(PYTHON) -m venv --clear $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

# Front-end packages (USWDS for every page, axe-core for the accessibility tests) come from npm
# and are served by Django from node_modules: no CDN, nothing vendored. npm writes
# node_modules/.package-lock.json on every install; without it node_modules is not usable.
$(NODE_STAMP): package.json $(wildcard package-lock.json) $(if $(wildcard node_modules/.package-lock.json),,FORCE)
	@command -v npm >/dev/null || { echo "error: npm is needed (install Node.js and npm)" >&2; exit 1; }
	@if [ -f package-lock.json ]; then \
		echo "npm ci"; npm ci --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm install"; npm install --no-audit --no-fund --loglevel=error; \
	fi
	@touch $@

# Everything installed, nothing touched in the database: what the tests and lint need.
install: $(PY_STAMP) $(NODE_STAMP)

# --- The README's commands -------------------------------------------------------------------

# manage.py defaults to iacs_portal.settings.local: DEBUG on, SQLite, eager tasks, file outbox.
setup: install
	$(PY) manage.py migrate --noinput

demo: setup
	$(PY) manage.py load_demo_data

run: demo
	$(PY) manage.py runserver 127.0.0.1:8000

# pytest reads iacs_portal.settings.test from pyproject.toml and builds its own test database,
# so no migrate here. Extra arguments: make test PYTEST_ARGS="-k outbox -x".
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Only useful with a broker: without CELERY_BROKER_URL every task already runs in process.
worker: setup
	@test -n "$$CELERY_BROKER_URL" || { \
		echo "error: set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) for the portal and the worker" >&2; exit 1; }
	$(VENV)/bin/celery -A iacs_portal worker -l info

# The periodic tasks (draft purge, reminders and expiry of pending requests); needs a broker too.
beat: setup
	@test -n "$$CELERY_BROKER_URL" || { \
		echo "error: set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) for the portal and beat" >&2; exit 1; }
	$(VENV)/bin/celery -A iacs_portal beat -l info

# Removes everything the commands above created, including the local database and outbox.
clean:
	rm -rf $(VENV) node_modules var db.sqlite3 .pytest_cache .ruff_cache test-results *.egg-info
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

FORCE:
