# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test test-postgres install browser lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## The demo: SQLite database, multichannel demo data loaded and matched, API + admin on localhost.
demo: $(STAMP)
	$(BIN)/mdm demo

## The whole test suite (SQLite; PostgreSQL too when MDM_TEST_DATABASE_URL is set).
test: $(STAMP) browser
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

## Debian's chromium for the admin's browser tests (Playwright cannot download browsers here).
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

lint: $(STAMP)
	$(BIN)/ruff check mdm matching golden_records admin tests benchmarks

clean:
	rm -rf $(VENV) instance .pytest_cache
