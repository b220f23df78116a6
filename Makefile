# GOI: `make run` serves the site, `make test` runs the whole suite. Both start from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
export GOI_CONFIG ?= development

.PHONY: run test install install-test translations migrate demo lint chromium clean messages bench bench-search bench-load wrk

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Catalogues are compiled by the build; only the .po sources are committed.
translations: install
	$(BIN)/pybabel -q compile --use-fuzzy -d goi/translations

messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k N_plural:1,2 -k lazy_pgettext:1c,2 -o goi/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel -q update -i goi/translations/messages.pot -d goi/translations --no-fuzzy-matching

migrate: install
	$(FLASK) db upgrade

demo: migrate translations
	$(FLASK) goi seed-demo

# The index follows every commit; a rebuild also covers a database made before the index existed.
run: demo
	$(FLASK) goi search rebuild
	$(FLASK) run --host $(HOST) --port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

lint: install-test
	$(BIN)/ruff check .

# The suite on SQLite, then again on PostgreSQL (GOI_TEST_POSTGRES_URL, by default the local server's `test`
# database; a schema of the run's own, dropped at the end). Without a reachable server the second run says so
# and is skipped.
test: install-test translations chromium lint
	$(BIN)/python -m pytest -q -rs
	GOI_TEST_DATABASE=postgresql $(BIN)/python -m pytest -q -rs

bench: install translations
	$(BIN)/python -m bench.bench_pages

bench-search: install translations
	$(BIN)/python -m bench.search

wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "installing Debian's wrk for the load benchmark"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }

# About 15 minutes: builds a 10k-challenge database in /tmp/goi-load (LOAD_ARGS=--skip-build reuses it).
bench-load: install translations wrk
	$(BIN)/python -m bench.load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) instance/goi.sqlite3* instance/uploads instance/search
