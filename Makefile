# Two entry points for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck format bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

## run: start the SMTP gateway (:10025) and the console (:8025) on embedded defaults
run: $(BIN)/.installed
	$(BIN)/dlp-gateway serve

## test: install what the tests need (Python packages; Debian chromium, postfix, postgresql
##       when run as root) and run lint, type checks and every test
test: $(BIN)/.installed
	bash tests/system-deps.sh
	$(BIN)/ruff check gateway matchers tests benchmarks
	$(BIN)/ruff format --check gateway matchers tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check gateway matchers tests benchmarks

format: $(BIN)/.installed
	$(BIN)/ruff check --fix gateway matchers tests benchmarks
	$(BIN)/ruff format gateway matchers tests benchmarks

typecheck: $(BIN)/.installed
	$(BIN)/mypy

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/matcher.py
	$(BIN)/python benchmarks/extract.py
	$(BIN)/python benchmarks/smtp_load.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
