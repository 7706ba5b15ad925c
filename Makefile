# Lukou Planning Atlas: `make run` sets up and starts the app; `make test` sets up and runs every test.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501
STREAMLIT_FLAGS := --server.enableStaticServing true --browser.gatherUsageStats false --server.headless true

.PHONY: setup run test test-fast bench data lint clean

setup: $(VENV)/.installed static/vendor/manifest.json

$(VENV)/.installed: requirements.txt
	@$(PY) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11+ is needed, found " + sys.version' 
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

static/vendor/manifest.json: package.json package-lock.json tools/vendor_assets.py $(VENV)/.installed
	$(BIN)/python tools/vendor_assets.py --install

run: setup
	$(BIN)/streamlit run app.py --server.port $(PORT) $(STREAMLIT_FLAGS)

test: setup
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not browser"

bench: setup
	$(BIN)/python benchmarks/bench_atlas.py
	$(BIN)/python benchmarks/bench_check.py
	$(BIN)/python benchmarks/bench_export.py

data: setup
	$(BIN)/python -m lukou_geo build-data

lint: setup
	$(BIN)/ruff check lukou_geo tests tools app.py streamlit_app.py

clean:
	rm -rf $(VENV) node_modules static/vendor artifacts
