# Quick start: `make demo` (the main job against the sandbox) and `make test` (the whole suite).
# Both create .venv and install what is missing, a browser included.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Parallel pytest workers; browser tests wait on I/O, so a few more than the cores pays off.
WORKERS ?= 3

.PHONY: demo test lint typecheck unit e2e browser bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

browser: $(STAMP)
	@$(BIN)/python -m agent.browser >/dev/null 2>&1 || BIN=$(BIN) sh scripts/install-browser.sh
	@printf 'browser: ' && $(BIN)/python -m agent.browser

demo: browser
	$(BIN)/ozon-rpa demo

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: browser lint typecheck
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup -q

unit: $(STAMP)
	$(BIN)/pytest tests/unit -q

e2e: browser
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup -q -m e2e

bench: browser
	$(BIN)/python bench/bulk_bench.py

clean:
	rm -rf $(VENV) .ozon-rpa .mypy_cache .ruff_cache test-results
