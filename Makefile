# NAVO reports dashboard. `make` sets up, builds and serves; `make test` runs every check.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
CORPUS ?= corpus/real
DEMO_CORPUS ?= corpus/demo
DATA ?= parquet
HOST ?= 127.0.0.1
PORT ?= 8050
DOSSIER ?= 28676
WORKERS ?= 2
THREADS ?= 4

.PHONY: all setup etl fetch build demo score serve dev screenshots test lint format bench clean

all: setup
	@$(MAKE) --no-print-directory fetch || echo "make: could not fetch from the official source (offline?); going on with the corpus on disk"
	@if [ -n "$$(find $(CORPUS) -type f -name '*.xml' 2>/dev/null | head -1)" ]; then \
		$(MAKE) --no-print-directory build; \
	else \
		echo "make: no real corpus in $(CORPUS); building the SYNTHETIC demo corpus instead (make demo)"; \
		$(MAKE) --no-print-directory demo; \
	fi
	@$(MAKE) --no-print-directory serve

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@command -v $(PY) >/dev/null || { echo "make: $(PY) not found; set PY=python3.x (3.11 or newer)"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

# Scheduled run: fetch new papers, then build what we have (also when the fetch failed).
# One run at a time: a second one says so and stops; the kernel frees the lock if a run dies.
etl: setup
	@flock --nonblock --conflict-exit-code 75 .etl.lock sh -c '\
		$(MAKE) --no-print-directory fetch; f=$$?; \
		$(MAKE) --no-print-directory build || exit 1; \
		[ $$f -eq 0 ] || { echo "make etl: built, but the fetch failed (see above)"; exit 3; }'; \
	s=$$?; [ $$s -ne 75 ] || echo "make etl: another run is in progress (.etl.lock is held); not starting a second one"; \
	exit $$s

fetch: setup
	$(PYTHON) -m etl fetch --dossier $(DOSSIER) --corpus $(CORPUS)

build: setup
	$(PYTHON) -m etl build --corpus $(CORPUS) --out $(DATA)

demo: setup
	$(PYTHON) -m etl demo --out $(DEMO_CORPUS)
	$(PYTHON) -m etl build --corpus $(DEMO_CORPUS) --out $(DATA)

# Score extraction on the default demo corpus against its ground truth (kept in docs/)
score: demo
	$(PYTHON) -m etl score --truth $(DEMO_CORPUS) --out $(DATA) --csv docs/demo_scores.csv

serve: setup
	@echo "Dashboard: http://$(HOST):$(PORT)/"
	NAVO_DATA=$(DATA) $(BIN)/gunicorn --workers $(WORKERS) --threads $(THREADS) --bind $(HOST):$(PORT) --access-logfile - 'dashboard.wsgi:server'

dev: setup
	$(PYTHON) -m dashboard --data $(DATA) --host $(HOST) --port $(PORT) --debug

# Screenshots of every view for the README (needs Chromium)
screenshots: setup
	$(PYTHON) -m dashboard.screenshots --data $(DATA) --out docs/screenshots --mobile

lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/pytest -q

bench: setup
	$(PYTHON) bench/run.py
	$(PYTHON) bench/load.py --data bench/out/build-5000 --clients 50 --seconds 60 --append BENCHMARKS.md

clean:
	rm -rf $(DATA) .pytest_cache .ruff_cache
