# Developer commands. The README promises a newcomer exactly two:
#   make run    set everything up and serve the portal at http://127.0.0.1:8000
#               (SQLite, tasks in process, mail to the outbox at /outbox/, demo data loaded)
#   make test   run the whole test suite (PostgreSQL when DATABASE_URL points at it)
# Others: make setup | demo | lint | audit | worker | beat | prod | bench | clean. DEVELOPERS.md
# explains each.
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

.PHONY: install setup demo run test lint audit worker beat prod bench clean FORCE

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
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,run]'
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
# The whole suite (no PYTEST_ARGS) also measures the line coverage of the three apps (pytest-cov,
# the worker thread included, not the subprocesses of the real-services tests) and then fails
# if any one of them is under COVERAGE_MIN percent (ADR 16): the README's `make test` is CI's.
# COVERAGE=0 turns that off; COVERAGE=1 turns it on for a partial run.
COVERAGE ?= $(if $(PYTEST_ARGS),0,1)
COVERAGE_ON := $(filter-out 0 no false,$(COVERAGE))
COVERAGE_APPS := accounts organizations approvals
COVERAGE_MIN ?= 90
COVERAGE_ARGS := $(if $(COVERAGE_ON),$(addprefix --cov=,$(COVERAGE_APPS)) --cov-report=term-missing:skip-covered)

test: install
	$(PY) -m pytest $(COVERAGE_ARGS) $(PYTEST_ARGS)
	@if [ -n "$(COVERAGE_ON)" ]; then \
		echo "Line coverage per app (minimum $(COVERAGE_MIN)%):"; status=0; \
		for app in $(COVERAGE_APPS); do \
			total=$$($(VENV)/bin/coverage report --include="$$app/*" --format=total) || exit 1; \
			if $(PY) -c "import sys; sys.exit(float(sys.argv[1]) < $(COVERAGE_MIN))" "$$total"; then \
				echo "  $$app: $$total%"; \
			else \
				echo "  $$app: $$total% is under $(COVERAGE_MIN)%" >&2; status=1; \
			fi; \
		done; \
		exit $$status; \
	fi

# ruff (lint and format) and bandit (security; medium and high findings fail, ADR 16).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -c pyproject.toml -r . -ll -q

# Known vulnerabilities in the installed Python packages (pip-audit) and the front-end runtime
# packages (npm audit --omit=dev); a NOTICE, not a failure, when the service cannot be reached.
audit: install
	$(PY) .ci/audit_dependencies.py

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

# --- Production mode on this machine (docs/operations.md) ------------------------------------
# The production settings against the local PostgreSQL and Redis: creates the database if it is
# missing, migrates (the release step), collects static files, loads the demo data, then runs
# gunicorn (2 workers), a Celery worker, Celery beat and a mail sink that prints every email,
# all under honcho until Ctrl+C. Any variable below can be overridden: make prod PROD_PORT=8001.
PROD_PORT ?= 8000
PROD_MAIL_PORT ?= 1025
PROD_KEYS := var/production-keys.env

prod: export DJANGO_SETTINGS_MODULE := iacs_portal.settings.production
prod: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/iacs
prod: export CELERY_BROKER_URL ?= redis://127.0.0.1:6379/0
prod: export CACHE_URL ?= redis://127.0.0.1:6379/1
prod: export EMAIL_URL ?= smtp://127.0.0.1:$(PROD_MAIL_PORT)
prod: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
prod: export PORTAL_BASE_URL ?= http://127.0.0.1:$(PROD_PORT)
prod: export GUNICORN_BIND ?= 127.0.0.1:$(PROD_PORT)
prod: export SECURE_SSL_REDIRECT ?= false
prod: export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

# The local run's own keys, made once and kept: what was encrypted under them stays readable.
$(PROD_KEYS): | $(PY_STAMP)
	@mkdir -p var
	@$(PY) -c 'import secrets; from cryptography.fernet import Fernet; \
		print(f"SECRET_KEY={secrets.token_urlsafe(50)}"); \
		print(f"SSN_DIGEST_KEY={secrets.token_urlsafe(50)}"); \
		print(f"FIELD_ENCRYPTION_KEYS={Fernet.generate_key().decode()}")' > $@
	@echo "Made $@: the keys of the local production run (keep it with the database)"

prod: install $(PROD_KEYS)
	@set -a && . ./$(PROD_KEYS) && set +a && \
	python manage.py ensure_database && \
	python manage.py migrate --noinput && \
	python manage.py collectstatic --noinput --verbosity 0 && \
	python manage.py load_demo_data && \
	{ cat Procfile; echo "mail: python -m iacs_portal.mailsink --port $(PROD_MAIL_PORT)"; } > var/Procfile.local && \
	echo && echo "IACS Portal in production mode: http://127.0.0.1:$(PROD_PORT)/ (health: /health/; Ctrl+C stops it)" && echo && \
	exec honcho start --procfile var/Procfile.local --app-root . web worker beat mail

# --- The load benchmark (docs/performance.md) --------------------------------------------------
# Seeds the `iacs_bench` PostgreSQL database at national scale once (a few minutes), then runs
# gunicorn, a Celery worker, its own broker and a mail sink, drives each page with locust and
# writes docs/performance.md. Not part of `make test`. Arguments: make bench BENCH_ARGS="--reseed"
# (--duration SECONDS per scenario, --users N, --no-write).
BENCH_ARGS ?=

bench: install
	@$(PY) -c 'import locust' 2>/dev/null && test -x $(VENV)/bin/py-spy || $(PY) -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(PY) -m tests.performance.run $(BENCH_ARGS)

# Removes everything the commands above created, including the local database and outbox.
clean:
	rm -rf $(VENV) node_modules var db.sqlite3 .pytest_cache .ruff_cache test-results *.egg-info \
		.coverage .coverage.* htmlcov
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

FORCE:
