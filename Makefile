# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench translations clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "cadreflow needs Python 3.11 or newer"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	CADREFLOW_COOKIE_SECURE=false $(BIN)/cadreflow init-db
	CADREFLOW_COOKIE_SECURE=false $(BIN)/cadreflow seed-demo
	CADREFLOW_COOKIE_SECURE=false $(BIN)/cadreflow serve --host 127.0.0.1 --port 5000

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_complete.py

translations: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -o webapp/translations/messages.pot .
	$(BIN)/pybabel update -i webapp/translations/messages.pot -d webapp/translations
	$(BIN)/pybabel compile -d webapp/translations

clean:
	rm -rf $(VENV) build *.egg-info
