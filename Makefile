# `make` sets everything up and builds the publication; `make test` sets up and runs every test.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
STAMP := $(VENV)/.szpub-installed

.PHONY: all setup system build test lint clean

all: build

system:
	@scripts/system-packages.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# axe-core, injected into every page by the browser tests (tests/test_browser.py)
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: system $(STAMP) node_modules/axe-core/axe.min.js

build: setup
	$(BIN)/szpub build

test: lint
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src

clean:
	rm -rf _build
