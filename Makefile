# `make` sets up what building needs and builds the publication; `make test` adds the test tools and runs every test.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
STAMP := $(VENV)/.szpub-installed
TEST_STAMP := $(VENV)/.szpub-test-installed

.PHONY: all setup setup-test system system-test build test lint clean

all: build

system:
	@scripts/system-packages.sh

# the browser pieces too: npm and Chromium (a missing Chromium is named, not fatal for the rest)
system-test:
	@scripts/system-packages.sh --test

# the runtime only: Sphinx, MyST, Babel, jieba, watchfiles (no pytest, no Playwright)
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

# axe-core, injected into every page by the browser tests (tests/test_browser.py)
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: system $(STAMP)

setup-test: system-test $(STAMP) $(TEST_STAMP) node_modules/axe-core/axe.min.js

build: setup
	$(BIN)/szpub build

test: lint
	$(BIN)/pytest -n auto  # one worker per core (pytest-xdist): the builds are CPU-bound

lint: setup-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src

clean:
	rm -rf _build
