# Two commands set everything up: `make run` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := survey_app:create_app

.PHONY: run test install translations lint clean demo bench axe

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the package metadata changes.
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Compiled catalogues (.mo) are build output: made from the .po files, never committed.
translations: install
	$(BIN)/pybabel compile -f -d survey_app/translations -D messages >/dev/null

# The demo's links and codes file name the address actually served (make run PORT=8080), unless
# PARSURVEY_PUBLIC_BASE_URL is set.
run: export PARSURVEY_PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
run: translations
	mkdir -p instance
	$(BIN)/parsurvey db upgrade
	$(BIN)/parsurvey demo --codes-out instance/demo-codes.csv
	$(BIN)/parsurvey serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# axe-core for the accessibility tests, from the npm registry at the version pinned in package-lock.json.
AXE := tests/browser/node/node_modules/axe-core/axe.min.js
# Without npm the accessibility audits are skipped and listed at the end of the run (tests/tools.py).
$(AXE): tests/browser/node/package.json tests/browser/node/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix tests/browser/node --no-audit --no-fund && touch $@; \
	else echo "npm not found: the axe-core audits will not run (apt-get install -y npm)"; fi

axe: $(AXE)

# PYTEST_ARGS: extra pytest arguments (CI's PostgreSQL pass leaves out the tests that use no database).
test: translations lint axe
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: install
	$(BIN)/python benchmarks/analysis.py
	$(BIN)/python benchmarks/web.py
	$(BIN)/python benchmarks/console.py
	$(BIN)/python benchmarks/export.py

clean:
	rm -rf $(VENV) instance/*.sqlite .pytest_cache
