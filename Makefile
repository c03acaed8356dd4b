# wingrant — the two promises: `make run` and `make test` on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

AXE    := node_modules/axe-core/axe.min.js

.PHONY: install db run test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## install: create .venv and install wingrant with its test tools
install: $(STAMP)

## db: bring the database (default: SQLite in instance/) to the newest schema
db: install
	$(BIN)/wingrant db upgrade

## run: set everything up, load demo data into an empty database, serve on :5000
run: db
	$(BIN)/wingrant demo-data --if-empty
	$(BIN)/wingrant run --host 127.0.0.1 --port 5000

# axe-core for the accessibility tests, from the npm registry (pinned in package-lock.json)
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## test: set everything up and run the whole test suite
test: install $(AXE)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) node_modules .pytest_cache .hypothesis build *.egg-info test-artifacts
