# The report's commands. `make book` and `make test` are the two a new machine needs.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SYSTEM_PACKAGES := chromium poppler-utils fonts-liberation fonts-dejavu-core
PORT ?= 8000

.PHONY: book test pdf serve data lab bench system-deps

# The package's version is the newest row of data/changelog.csv: a new release reinstalls it.
$(STAMP): requirements.txt pyproject.toml data/changelog.csv
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

book: $(STAMP) system-deps  ## regenerate stale derived data, execute stale chapters, build the site and its PDF (unchanged stages are skipped)
	$(PY) -m nkarms.build site

test: $(STAMP) system-deps  ## the whole test suite
	$(PY) -m pytest

pdf: $(STAMP) system-deps  ## the whole report as _build/pdf/report.pdf
	$(PY) -m nkarms.build pdf

serve: $(STAMP)  ## live preview on http://127.0.0.1:$(PORT): rebuilds and reloads the page on each saved change
	$(PY) -m nkarms.build.serve --port $(PORT)

data: $(STAMP)  ## regenerate data/derived from the snapshots in data/raw, then validate every table
	$(PY) -m nkarms.data.pipeline
	$(PY) -m nkarms.data.validate

lab: $(STAMP)  ## explore the chapters in JupyterLab
	$(VENV)/bin/jupyter lab chapters/

bench: $(STAMP) system-deps  ## print build, test and page-weight figures
	$(PY) benchmarks/bench.py

system-deps:  ## Debian packages the browser and PDF tests need
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
