# The two commands a newcomer needs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
GOVUK := node_modules/govuk-frontend/dist/govuk

.PHONY: install system-packages python-packages npm-packages assets translations run test bench clean

install: system-packages python-packages npm-packages assets translations

system-packages:
	@bash scripts/system-packages.sh

python-packages: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

npm-packages: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend and htmx come from npm at set-up; what the pages need is copied into
# static/ (git-ignored) and our Sass is compiled with GOV.UK Frontend's settings.
assets: static/build/portal.css static/vendor/.copied
static/build/portal.css: node_modules/.installed static/scss/portal.scss
	npm run --silent build:css
static/vendor/.copied: node_modules/.installed
	mkdir -p static/vendor static/images
	cp $(GOVUK)/govuk-frontend.min.js static/vendor/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
	cp -r $(GOVUK)/assets/images/. static/images/
	cp $(GOVUK)/assets/manifest.json static/manifest.json
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d portal/translations >/dev/null

run: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) tenants sync
	$(FLASK) demo load
	@echo "The portal is on http://127.0.0.1:$(PORT); the emails it sends are at /_dev/mail/"
	@# The outbox worker sends queued emails (to the capture outside production) beside the
	@# web server, and is stopped with it (Ctrl-C).
	@$(FLASK) outbox work & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# Every benchmark of bench/ in one table (README, "Speed"): SCALE=small fits a shared machine in
# a few minutes; SCALE=national loads 1,000,000 cases over 150 councils first. PostgreSQL at
# BENCH_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres).
SCALE ?= small
bench: install
	$(BIN)/python bench/run.py --scale $(SCALE)

clean:
	rm -rf $(VENV) node_modules static/build static/vendor static/images static/manifest.json
