# wingrant — the two promises: `make run` and `make test` on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

AXE    := node_modules/axe-core/axe.min.js

.PHONY: install db run test bench clean translations extract-messages update-translations new-translation

# Message catalogues (German is the source language; see docs/translations.md). The .po files are
# committed, the compiled .mo files are not: `translations` builds them for run and test.
TRANSLATIONS := wingrant/translations
POT          := $(TRANSLATIONS)/messages.pot
PO_FILES     := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES     := $(PO_FILES:.po=.mo)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## install: create .venv and install wingrant with its test tools
install: $(STAMP)

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

## run: set everything up, load demo data into an empty database, serve on :5000
run: db translations
	$(BIN)/wingrant demo-data --if-empty
	$(BIN)/wingrant run --host 127.0.0.1 --port 5000

# axe-core for the accessibility tests, from the npm registry (pinned in package-lock.json)
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## test: set everything up and run the whole test suite
test: install translations $(AXE)
	$(BIN)/python -m pytest

## bench: generate (or reuse) benchmark data at SCALES (default "1 10 100"), measure, print and
## write the figures (bench/results/latest.json, latest.md); see BENCHMARKS.md
SCALES ?= 1 10 100
bench: install
	$(BIN)/python -m bench --scales "$(SCALES)" $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache .hypothesis build *.egg-info test-artifacts
