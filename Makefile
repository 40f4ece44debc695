# Innexar: `make run` to try it, `make test` to check it. Both install what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.PHONY: run test test-redis install messages lint bench clean-data

install: $(VENV)/.installed node_modules/.installed messages

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Translations are compiled with Babel, so no gettext is needed on the machine.
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel compile --domain django --directory locale --statistics

run: install
	$(PY) manage.py migrate_schemas --noinput
	$(PY) manage.py setup_platform
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 0.0.0.0:$(PORT)

test: install
	$(PY) -m pytest

# The Redis broker and a real Celery worker (needs REDIS_URL).
test-redis: install
	$(PY) -m pytest -m redis

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) bench/signup.py
	$(PY) bench/migrate_noop.py
	$(PY) bench/crm_leads_list.py
	$(PY) bench/crm_import.py
	$(PY) bench/crm_rescore.py
	$(PY) bench/crm_board.py

clean-data:
	rm -rf .data
