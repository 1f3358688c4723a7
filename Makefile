# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# `make run` uses the embedded defaults: SQLite, a broker with no daemon, and the local
# Salesforce sandbox org; override any of these in the environment or in .env.
RUN_ENV := DEBUG=$${DEBUG:-1} \
	SALESFORCE_LOGIN_URL=$${SALESFORCE_LOGIN_URL:-http://127.0.0.1:8765} \
	SALESFORCE_CLIENT_ID=$${SALESFORCE_CLIENT_ID:-sfsandbox-client-id} \
	SALESFORCE_CLIENT_SECRET=$${SALESFORCE_CLIENT_SECRET:-sfsandbox-client-secret}

.PHONY: setup run test lint format bench bench-load clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) bash scripts/run.sh

test: setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup
	$(PY) bench/import_bench.py

bench-load: setup
	$(PY) bench/poll_load.py

clean:
	rm -rf var .pytest_cache .ruff_cache
