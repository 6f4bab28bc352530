# CAL: the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
export FLASK_APP := wsgi

.PHONY: run test fuzz bench bench-tools lint translations translations-compile e2e-tools clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

translations-compile: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d cal/translations > /dev/null

## Extract the strings of the code and templates into the catalogs (then translate the .po).
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_ngettext:1,2 -o cal/translations/messages.pot --no-location \
		--omit-header --ignore-dirs ".* node_modules tests bench" .
	$(BIN)/pybabel update -i cal/translations/messages.pot -d cal/translations \
		--no-fuzzy-matching --ignore-obsolete

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@

## Install, migrate, load demo data into an empty database, serve on SQLite.
RUN_ENV = SECRET_KEY=$$(cat instance/secret_key) BASE_URL=http://127.0.0.1:$(PORT) \
	SESSION_COOKIE_SECURE=0

run: $(VENV)/.installed translations-compile instance/secret_key
	$(RUN_ENV) $(BIN)/flask db upgrade
	$(RUN_ENV) $(BIN)/flask seed-demo
	@echo "CAL: http://127.0.0.1:$(PORT)  (demo accounts: see README, password demo1234)"
	$(RUN_ENV) $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

e2e-tools: node_modules/.package-lock.json

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

## The whole suite on SQLite and on PostgreSQL (a fresh database per run), side by side
## on the two cores, each run with its own Redis database (tests/suites.py).
test: $(VENV)/.installed-dev translations-compile e2e-tools lint
	$(BIN)/python -m tests.suites "$(PG_URL)"

## The fuzzing at full depth: 500 generated inputs to every form and every page reached
## (as a page and as an htmx fragment), by every role, on SQLite and PostgreSQL.
FUZZ_ENV = FUZZ_EXAMPLES=500 FUZZ_PAGE_EXAMPLES=500
fuzz: $(VENV)/.installed-dev translations-compile
	$(FUZZ_ENV) $(BIN)/pytest -p no:cacheprovider tests/security/test_fuzz.py
	$(FUZZ_ENV) TEST_DATABASE_URL="$(PG_URL)" $(BIN)/pytest -p no:cacheprovider \
		tests/security/test_fuzz.py

## Benchmarks at the size of a large town (README, Performance), on SQLite and PostgreSQL.
## wrk drives the pages (Debian's package; installed when missing).
bench-tools:
	@command -v wrk > /dev/null || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk > /dev/null)

bench: $(VENV)/.installed-dev translations-compile bench-tools
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.matching
	-$(BIN)/python -m bench.load
	@if $(BIN)/python -m tests.services postgres "$(PG_URL)"; then \
		$(BIN)/python -m bench.matching --database "$(PG_URL)"; \
		$(BIN)/python -m bench.load --database "$(PG_URL)"; \
	else \
		echo "PostgreSQL is not reachable at $(PG_URL): its benchmark is skipped."; \
	fi

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
