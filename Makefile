# Two entry points for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck format bench clean

# constraints.txt pins the versions CI tested (both targets install within it)
$(BIN)/.runtime: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e .
	touch $@

$(BIN)/.installed: $(BIN)/.runtime
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

## run: start the SMTP gateway (:10025) and the console (:8025) on embedded defaults
##      (installs only the runtime dependencies)
run: $(BIN)/.runtime
	$(BIN)/dlp-gateway serve

## test: add the test extra and what the tests need (Python packages; Debian chromium, postfix,
##       postgresql, prometheus when run as root), then run lint, type checks and every test
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
