# Lukou Planning Atlas: `make run` sets up and starts the app; `make test` sets up and runs every test.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501
# the address served: this machine only by default; HOST=0.0.0.0 serves the network (sign-in first, or LUKOU_ANONYMOUS_BROWSE=1)
HOST ?= 127.0.0.1
STREAMLIT_FLAGS := --server.enableStaticServing true --browser.gatherUsageStats false --server.headless true

.PHONY: setup run test test-screens test-fast bench data lint clean

FONT_CACHE := $(or $(LUKOU_CACHE_DIR),var/cache)/fonts/NotoSansSC-Common.ttf

setup: $(VENV)/.installed static/vendor/manifest.json $(FONT_CACHE)

$(VENV)/.installed: requirements.txt
	@$(PY) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11+ is needed, found " + sys.version' 
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

# the PDF writer's font: Noto Sans SC's GB 2312 characters and symbols with TrueType outlines, made once
# (≈ 20 s); without it PDFs use the full OpenType font (same glyphs, slower; their text copies with NUL bytes between characters)
$(FONT_CACHE): lukou_geo/output/fonts.py $(VENV)/.installed
	$(BIN)/python -m lukou_geo.output.fonts
	touch $@

static/vendor/manifest.json: package.json package-lock.json tools/vendor_assets.py $(VENV)/.installed
	$(BIN)/python tools/vendor_assets.py --install

run: setup
	$(BIN)/streamlit run app.py --server.address $(HOST) --server.port $(PORT) $(STREAMLIT_FLAGS)

test: setup
	$(BIN)/python -m pytest -q

# every browser test at the default window and at a laptop's and a projector's (screenshots in artifacts/)
test-screens: setup
	LUKOU_VIEWPORTS=1280x1000,1366x768,1024x768 $(BIN)/python -m pytest -q -m browser

test-fast: setup
	$(BIN)/python -m pytest -q -m "not browser"

BENCHES := bench_check bench_check_page bench_report bench_atlas bench_export bench_cli_limit bench_layers bench_occupancy bench_registry

# every benchmark runs; the target fails when any missed a target
bench: setup
	@rc=0; for b in $(BENCHES); do echo "== $$b"; $(BIN)/python benchmarks/$$b.py || rc=1; done; exit $$rc

data: setup
	$(BIN)/python -m lukou_geo build-data

lint: setup
	$(BIN)/ruff check lukou_geo tests tools benchmarks examples app.py streamlit_app.py

clean:
	rm -rf $(VENV) node_modules static/vendor artifacts var/cache
