# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test browser browser-packages fonts bench load translations clean

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

# The demo signs checkpoints with a key of its own in instance/ (outside the database).
DEMO_KEY := instance/signing-key.pem
DEMO_ENV := CADREFLOW_COOKIE_SECURE=false CADREFLOW_SIGNING_KEY=$(CURDIR)/$(DEMO_KEY)

demo: $(VENV)/.installed fonts
	@mkdir -p instance
	@test -f $(DEMO_KEY) || CADREFLOW_COOKIE_SECURE=false $(BIN)/cadreflow audit keygen $(DEMO_KEY)
	$(DEMO_ENV) $(BIN)/cadreflow init-db
	$(DEMO_ENV) $(BIN)/cadreflow seed-demo
	$(DEMO_ENV) $(BIN)/cadreflow serve --host 127.0.0.1 --port 5000 --with-timers

# The PDF papers embed a TrueType 宋体-style face (workflows/papers/fonts.py); elsewhere than Debian,
# CADREFLOW_PAPER_FONT names one.
PAPER_FONT := /usr/share/fonts/truetype/arphic/uming.ttc

fonts:
	@if [ -f $(PAPER_FONT) ] || [ -n "$$CADREFLOW_PAPER_FONT" ]; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-arphic-uming; \
	else \
		echo "The PDF papers need a Chinese TrueType font: install fonts-arphic-uming or set CADREFLOW_PAPER_FONT"; \
	fi

# The browser tests drive Debian's Chromium with Playwright (its own browser download cannot
# work here); a CJK font makes the screenshots readable; pdftotext (poppler, with the CJK maps of
# poppler-data) reads the exported PDFs back.
# bpmn-js (npm, pinned by its lock file) imports the packaged models in Chromium (tests/browser/test_bpmnjs_import.py).
# nodejs and npm only where no npm is on the PATH: a NodeSource nodejs brings its own npm and conflicts with Debian's.
BROWSER_PACKAGES := chromium fonts-wqy-microhei fonts-arphic-uming poppler-utils poppler-data
NODE_PACKAGES := $(if $(shell command -v npm),,nodejs npm)
BPMNJS := tests/browser/bpmnjs

browser: $(BPMNJS)/node_modules/.package-lock.json

$(BPMNJS)/node_modules/.package-lock.json: $(BPMNJS)/package.json $(BPMNJS)/package-lock.json | browser-packages
	cd $(BPMNJS) && npm ci --no-audit --no-fund
	touch $@

browser-packages:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi wenquanyi && command -v pdftotext >/dev/null \
		&& [ -d /usr/share/poppler/cMap ] && [ -f $(PAPER_FONT) ] && command -v npm >/dev/null; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) $(NODE_PACKAGES); \
	else \
		echo "Install $(BROWSER_PACKAGES) $(NODE_PACKAGES) (Debian packages) for the browser tests"; exit 1; \
	fi

# The suite runs on every core (up to four): each worker has its own databases; a test module stays on one
# worker (--dist loadscope) so that its module-wide fixtures (a recorded case, a served site) are built once.
test: $(VENV)/.installed-dev browser
	$(BIN)/ruff check .
	$(BIN)/pytest -n auto --maxprocesses 4 --dist loadscope --durations=20

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_complete.py
	$(BIN)/python benchmarks/bench_command_path.py  # PostgreSQL too with CADREFLOW_BENCH_DATABASE_URL
	$(BIN)/python benchmarks/bench_pages.py --gc-freeze  # as `cadreflow serve` runs
	$(BIN)/python benchmarks/bench_audit.py

# Locust's 50 users against gunicorn on PostgreSQL (load_bench, seeded once with the 100,000 cases and kept), then
# against `cadreflow serve` on SQLite; LOAD_ARGS passes options (`--help`: duration, users, --reuse, a leg alone).
$(VENV)/.installed-load: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e '.[load]'
	touch $@ $(VENV)/.installed

load: $(VENV)/.installed-load
	$(BIN)/python benchmarks/load/run.py $(LOAD_ARGS)

# The diagram's label widths come from this table, read from the font the SVG names first (WenQuanYi Micro Hei).
.PHONY: font-metrics
font-metrics: $(VENV)/.installed-dev browser
	$(BIN)/python tools/font_metrics.py

translations: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -o webapp/translations/messages.pot .
	$(BIN)/pybabel update -i webapp/translations/messages.pot -d webapp/translations -l zh_Hans_CN
	$(BIN)/pybabel compile -d webapp/translations -l zh_Hans_CN
	# The domain's messages are Chinese templates (workflows/text.py); their catalog gives the English.
	$(BIN)/pybabel extract -F babel-domain.cfg -k t --no-default-keywords -o webapp/translations/domain.pot .
	$(BIN)/pybabel update -D domain -i webapp/translations/domain.pot -d webapp/translations -l en
	$(BIN)/pybabel compile -D domain -d webapp/translations -l en

clean:
	rm -rf $(VENV) build *.egg-info
