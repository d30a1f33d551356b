# Set-up on a fresh machine needs only Python 3.11 and make:
#   make run    the embedded local stack (moto + API + event pump), foreground until Ctrl-C
#   make test   lint, types and every test suite
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck unit api e2e bench clean

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (or make PYTHON=python3)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m chalicelib.local

lint: $(STAMP)
	$(PY) -m ruff check .

typecheck: $(STAMP)
	$(PY) -m mypy chalicelib

test: $(STAMP) lint typecheck
	$(PY) -m pytest -n 2 -q tests

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .local .pytest_cache .mypy_cache .ruff_cache
