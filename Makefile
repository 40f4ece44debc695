# Innexar: `make run` to try it, `make test` to check it. Both install what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.PHONY: run dev test mutants test-redis install messages lint bench clean-data

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

# The Procfile's web (gunicorn), worker and beat, with PostgreSQL and a broker when none is
# configured; Ctrl-C stops all of them (innexar/run.py).
run: install
	$(PY) -m innexar.run

# The same, with Django's auto-reloading server as the web process.
dev: install
	$(PY) -m innexar.run --dev

test: install
	$(PY) -m pytest

# The Redis broker and a real Celery worker (needs REDIS_URL).
test-redis: install
	$(PY) -m pytest -m redis

# Mutation testing of the core paths (config: [tool.mutmut] in pyproject.toml). Runs against a
# database kept between runs (DATABASE_URL, or the embedded server), one pytest per mutant.
mutants: install
	$(VENV)/bin/mutmut run --max-children 2
	$(VENV)/bin/mutmut results

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) bench/signup.py
	$(PY) bench/migrate_noop.py
	$(PY) bench/crm_leads_list.py
	$(PY) bench/crm_import.py
	$(PY) bench/crm_rescore.py
	$(PY) bench/crm_board.py
	$(PY) bench/finance_cashflow.py
	$(PY) bench/finance_ledger.py
	$(PY) bench/brpay.py
	$(PY) bench/fiscal_cfdi.py
	$(PY) bench/fiscal_nfe.py
	$(PY) bench/fiscal_issue_api.py
	$(PY) bench/finance_reconcile.py
	$(PY) bench/finance_import.py
	$(PY) bench/invoicing_invoices.py
	$(PY) bench/invoicing_charges.py
	$(PY) bench/invoicing_billing.py
	$(PY) bench/inventory_movements.py
	$(PY) bench/projects_board.py
	$(PY) bench/integrations_quickbooks.py
	$(PY) bench/api_overhead.py
	$(PY) bench/broker_candidates.py

clean-data:
	rm -rf .data
