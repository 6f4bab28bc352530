# CAL: the two commands of the README are `make run` and `make test`; production runs
# `make serve` (README, Production).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
export FLASK_APP := wsgi

.PHONY: run serve test fuzz bench bench-tools lint translations translations-compile e2e-tools clean \
	lock upgrade upgrade-plan workbox

## Installs take the exact versions of the lock files, each checked by its hash: the
## application's in requirements/app.txt, with the development tools in requirements/dev.txt
## (README, Installs). The project itself is installed last, from this folder.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

## The installer comes first, at the lock's version (requirements/pip.in says why).
$(VENV)/.installed-pip: requirements/pip.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/pip.txt
	touch $@

PIP_LOCKED := $(BIN)/pip install --quiet --require-hashes
PIP_PROJECT := $(BIN)/pip install --quiet --no-deps --no-build-isolation -e .

$(VENV)/.installed: requirements/app.txt pyproject.toml $(VENV)/.installed-pip
	$(PIP_LOCKED) -r requirements/app.txt
	$(PIP_PROJECT)
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt pyproject.toml $(VENV)/.installed-pip
	$(PIP_LOCKED) -r requirements/dev.txt
	$(PIP_PROJECT)
	touch $@ $(VENV)/.installed

## The lock files follow pyproject.toml and requirements/*.in (uv, from the dev tools),
## keeping every version they can; with --upgrade, the newest each range allows.
COMPILE := $(BIN)/uv pip compile --quiet --universal --generate-hashes \
	--custom-compile-command "make lock"
define compile-locks
	$(COMPILE) $(1) pyproject.toml --extra dev requirements/build.in requirements/tools.in \
		-o $(2)/dev.txt
	$(COMPILE) $(1) pyproject.toml requirements/build.in -c $(2)/dev.txt -o $(2)/app.txt
	$(COMPILE) $(1) requirements/pip.in -c $(2)/dev.txt -o $(2)/pip.txt
endef

## After a change of pyproject.toml's dependencies: the locks take it in, nothing else moves.
lock: $(VENV)/.installed-dev
	$(call compile-locks,,requirements)

## What `make upgrade` would change, touching nothing: the newest releases the ranges allow.
PLAN := $(VENV)/upgrade-plan
upgrade-plan: $(VENV)/.installed-dev
	rm -rf $(PLAN) && mkdir -p $(PLAN)
	cp requirements/app.txt requirements/dev.txt requirements/pip.txt package.json package-lock.json $(PLAN)/
	$(call compile-locks,--upgrade,$(PLAN))
	cd $(PLAN) && npm update --package-lock-only --no-audit --no-fund --loglevel=error
	$(BIN)/python requirements/changes.py requirements/dev.txt $(PLAN)/dev.txt \
		requirements/app.txt $(PLAN)/app.txt package-lock.json $(PLAN)/package-lock.json
	@echo "Newer releases that pyproject.toml's ranges hold back (against what is installed):"
	@$(BIN)/uv pip list --outdated --exclude-editable --python $(BIN)/python

## Take the newest releases on purpose: the new locks are installed and the whole suite
## runs on them; when it fails, the old locks are put back and installed again.
KEPT := $(VENV)/upgrade-kept
upgrade: upgrade-plan
	rm -rf $(KEPT) && mkdir -p $(KEPT)
	cp requirements/app.txt requirements/dev.txt requirements/pip.txt package-lock.json $(KEPT)/
	cp $(PLAN)/app.txt $(PLAN)/dev.txt $(PLAN)/pip.txt requirements/ && cp $(PLAN)/package-lock.json .
	@if $(MAKE) test; then \
		echo "The suite passed on the new locks: commit requirements/ and package-lock.json."; \
	else \
		cp $(KEPT)/app.txt $(KEPT)/dev.txt $(KEPT)/pip.txt requirements/ && cp $(KEPT)/package-lock.json . && \
		$(MAKE) $(VENV)/.installed-dev e2e-tools > /dev/null && \
		echo "The suite failed on the new locks (above): the old locks are back and installed."; \
		exit 1; \
	fi

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

## The production set in one command (README, Production), on the settings it is given:
## the application's locked packages, the migrations once, then the Procfile's web
## server, RQ worker and rq cron under honcho (its processes find the venv's programs
## first on the PATH; no .env file is read). Ctrl-C stops them all.
SERVE_NEEDS := DATABASE_URL REDIS_URL SECRET_KEY BASE_URL
ifneq ($(filter serve,$(MAKECMDGOALS)),)
SERVE_MISSING := $(strip $(foreach name,$(SERVE_NEEDS),$(if $($(name)),,$(name))))
ifneq ($(SERVE_MISSING),)
$(error make serve needs $(SERVE_MISSING) in the environment (README, Production and Settings))
endif
endif

## The catalogs compiled only when their .po changed: a server started while the suite
## runs beside it never rewrites a file the suite reads.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard cal/translations/*/LC_MESSAGES/messages.po))
%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ > /dev/null

serve: $(VENV)/.installed $(CATALOGS)
	$(BIN)/flask db upgrade
	@$(BIN)/flask check-deploy || echo "make serve: the settings above are unfit for production."
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --port $(PORT) --env /dev/null

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

e2e-tools: node_modules/.package-lock.json

## Workbox's runtime of the service worker (cal/core/offline.py), served from our own static
## files: its modules' production builds copied from the npm packages package-lock.json
## holds into cal/static/vendor/workbox-<version>/ with their licence (MIT). Run after an
## upgrade of workbox-*, and commit the folder.
WORKBOX_MODULES := core routing strategies precaching
workbox: node_modules/.package-lock.json
	version=$$(node -p 'require("./node_modules/workbox-core/package.json").version') && \
	folder=cal/static/vendor/workbox-$$version && \
	rm -rf cal/static/vendor/workbox-* && mkdir -p $$folder && \
	for module in $(WORKBOX_MODULES); do \
		cp node_modules/workbox-$$module/build/workbox-$$module.prod.js $$folder/ || exit 1; \
	done && \
	cp node_modules/workbox-core/LICENSE $$folder/LICENSE

## ruff, and the layers of the rooms (import-linter's contracts in pyproject.toml).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports --cache-dir .import_linter_cache

## The whole suite on SQLite and on PostgreSQL (a fresh database per run), side by side
## on the two cores, each run with its own Redis database (tests/suites.py).
test: $(VENV)/.installed-dev translations-compile e2e-tools lint
	$(BIN)/python -m tests.suites "$(PG_URL)"

## The fuzzing at full depth: 500 generated inputs to every form and every page reached
## (as a page and as an htmx fragment), by every role, on SQLite and PostgreSQL.
FUZZ_ENV = FUZZ_EXAMPLES=500 FUZZ_PAGE_EXAMPLES=500
fuzz: $(VENV)/.installed-dev translations-compile
	$(FUZZ_ENV) $(BIN)/pytest -p no:cacheprovider -rP tests/security/test_fuzz.py
	$(FUZZ_ENV) TEST_DATABASE_URL="$(PG_URL)" $(BIN)/pytest -p no:cacheprovider -rP \
		tests/security/test_fuzz.py

## Benchmarks at the size of a large town (README, Performance), on SQLite and PostgreSQL.
## wrk drives the pages (Debian's package; installed when missing).
bench-tools:
	@command -v wrk > /dev/null || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk > /dev/null)

bench: $(VENV)/.installed-dev translations-compile bench-tools
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.matching
	$(BIN)/python -m bench.report
	-$(BIN)/python -m bench.load
	-$(BIN)/python -m bench.messages
	@if $(BIN)/python -m tests.services postgres "$(PG_URL)"; then \
		$(BIN)/python -m bench.matching --database "$(PG_URL)"; \
		$(BIN)/python -m bench.report --database "$(PG_URL)"; \
		$(BIN)/python -m bench.load --database "$(PG_URL)"; \
		$(BIN)/python -m bench.messages --database "$(PG_URL)"; \
	else \
		echo "PostgreSQL is not reachable at $(PG_URL): its benchmark is skipped."; \
	fi

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .import_linter_cache
