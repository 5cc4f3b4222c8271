# The two commands of the README:
#   make run   set everything up (virtualenv, Python and npm packages, database, demo data)
#              and serve the portal at http://127.0.0.1:8000
#   make test  run the whole test suite (PostgreSQL when DATABASE_URL points at it)
# The first of these that runs and is Python 3.11 or newer (a pyenv shim may exist but not run).
PYTHON ?= $(shell for c in python3 python3.12 python3.11; do $$c -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null && { echo $$c; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: setup demo run test lint worker clean

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed: install it, or run make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall Python packages only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Front-end packages (USWDS, axe-core) come from npm and are served locally: no CDN.
node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data

run: demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .

worker: setup
	$(VENV)/bin/celery -A iacs_portal worker -l info

clean:
	rm -rf $(VENV) node_modules var db.sqlite3
