# Quick start: `make demo` (the main job against the sandbox) and `make test` (the whole suite).
# Both create .venv and install what is missing, a browser included.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Parallel pytest workers; browser tests wait on I/O, so twice the cores pays off (2 cores: 3 workers 14 min 19 s,
# 4 workers 13 min 15 s of pytest).
WORKERS ?= 4

.PHONY: demo test lint typecheck unit e2e browser ocr openssh bench clean i18n mutate

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

browser: $(STAMP)
	@BIN=$(BIN) sh scripts/install-browser.sh
	@printf 'browser: ' && $(BIN)/python -m agent.core.browser

# tesseract (Russian, Chinese) reads the evidence images in the tests: no buyer data may be readable.
ocr:
	@sh scripts/install-tesseract.sh

# ssh-keygen (OpenSSH 8.2+) signs and checks bulk approvals; the tests make real keys with it.
openssh:
	@sh scripts/install-openssh.sh

demo: browser
	$(BIN)/ozon-rpa demo

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: browser ocr openssh lint typecheck
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup -q

unit: $(STAMP) openssh
	$(BIN)/pytest tests/unit -q

e2e: browser ocr openssh
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup -q -m e2e

# Re-extract every message people read (babel.cfg) into the .pot and merge it into the ru and zh catalogs;
# then translate the new or fuzzy entries (tests/unit/test_i18n.py names them). English is the source language.
I18N_POT := agent/locales/ozon_rpa.pot
i18n: $(STAMP)
	@mkdir -p agent/locales
	$(BIN)/pybabel extract -F babel.cfg -c TRANSLATORS: --add-location=file --no-wrap --sort-by-file \
		--project=ozon-rpa --copyright-holder=ozon-rpa -o $(I18N_POT) .
	for lang in ru zh; do $(BIN)/pybabel update -i $(I18N_POT) -d agent/locales -D ozon_rpa -l $$lang \
		--init-missing --no-wrap --ignore-obsolete || exit 1; done

# Mutation testing of the safety core ([tool.mutmut] in pyproject.toml); slow, so not part of `make test`.
# Narrow it with mutant-name globs, e.g. `make mutate MUTANTS='agent.rules.tracking* scenarios.precheck*'`.
MUTANTS ?=
mutate: browser ocr openssh
	$(BIN)/mutmut run $(MUTANTS)
	$(BIN)/mutmut results

bench: browser
	$(BIN)/python bench/bulk_bench.py

clean:
	rm -rf $(VENV) .ozon-rpa .mypy_cache .ruff_cache test-results mutants
