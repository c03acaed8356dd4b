# wingrant — the two promises: `make run` and `make test` on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

AXE    := node_modules/axe-core/axe.min.js

.PHONY: install system-run system-test db run test test-fast test-random lint bench migration-check clean translations \
	extract-messages update-translations new-translation

# Where `make run` serves: `make run HOST=0.0.0.0 PORT=8080`.
HOST ?= 127.0.0.1
PORT ?= 5000
# pytest over every core, idle workers taking tests queued for busy ones; more options with ARGS=…
PYTEST := $(BIN)/python -m pytest -n auto --dist worksteal
ARGS ?=

# Message catalogues (German is the source language; see docs/translations.md). The .po files are
# committed, the compiled .mo files are not: `translations` builds them for run and test.
TRANSLATIONS := wingrant/translations
POT          := $(TRANSLATIONS)/messages.pot
PO_FILES     := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES     := $(PO_FILES:.po=.mo)

$(STAMP): pyproject.toml | system-run
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## install: create .venv and install wingrant with its test tools
install: $(STAMP)

# The system packages (.ci/system-packages.txt): installed on Debian as root, else the exact command.
system-run:
	@$(PYTHON) .ci/system_packages.py run
system-test:
	@$(PYTHON) .ci/system_packages.py test

## db: bring the database (default: SQLite in instance/) to the newest schema
db: install
	$(BIN)/wingrant db upgrade

## translations: compile the message catalogues (.po → .mo)
translations: $(MO_FILES)

%.mo: %.po | $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

## extract-messages: collect every UI string (_(), _l(), lazy_gettext, ngettext) into messages.pot
extract-messages: | $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -c TRANSLATORS: --add-location=file \
		--sort-by-file --project=wingrant -o $(POT) .

## update-translations: extract, then merge new and changed strings into every language's .po
update-translations: extract-messages
	$(BIN)/pybabel update -i $(POT) -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

## new-translation: start a language, e.g. `make new-translation LANG_CODE=fr`
new-translation: extract-messages
	$(BIN)/pybabel init -i $(POT) -d $(TRANSLATIONS) -l $(LANG_CODE)

## run: set everything up, load demo data into an empty database, serve on HOST:PORT (127.0.0.1:5000)
## with the mail worker beside it (mail lands as .eml files in instance/mail/ unless WINGRANT_MAIL_URL is set)
run: system-run db translations
	$(BIN)/wingrant demo-data --if-empty
	WINGRANT_PUBLIC_URL=$${WINGRANT_PUBLIC_URL:-http://$(HOST):$(PORT)} sh -c '\
	  $(BIN)/wingrant worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/wingrant run --host $(HOST) --port $(PORT)'

# axe-core for the accessibility tests, from the npm registry (pinned in package-lock.json)
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## test: set everything up, lint, and run the whole test suite in parallel
test: system-test install translations $(AXE) lint
	$(PYTEST) $(ARGS)

## test-fast: the inner loop: lint, then every test not marked slow (browser, fuzzing, PDF)
test-fast: system-test install translations $(AXE) lint
	$(PYTEST) -m "not slow" $(ARGS)

## test-random: the whole suite in a random order (pytest-randomly), to prove no test depends on another
test-random: system-test install translations $(AXE)
	$(PYTEST) -p randomly $(ARGS)

## lint: ruff (lint and import order) over the code and tests; strict mypy over the pure rules
lint: install
	$(BIN)/ruff check wingrant tests bench migrations .ci
	$(BIN)/mypy

## bench: generate (or reuse) benchmark data at SCALES (default "1 10 100"), measure, print and
## write the figures (bench/results/latest.json, latest.md); see BENCHMARKS.md
SCALES ?= 1 10 100
bench: install
	$(BIN)/python -m bench --scales "$(SCALES)" $(BENCH_ARGS)

## migration-check: the cities migration on a copy of the 10x benchmark database (SQLite and
## PostgreSQL): down to 0016, up, down, up; every neighbourhood in Bremen, row counts unchanged
migration-check: install
	$(BIN)/python -m bench.migration_check $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache .hypothesis build *.egg-info test-artifacts
