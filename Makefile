# Quickstart: `make lab` (open the course) and `make test` (run every test).
# Both create .venv on first use and reuse it afterwards.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
# Which notebooks `make execute` runs: all, or e.g. `make execute NB=01`.
NB ?= [0-9][0-9]

# Notebooks run with notebooks/ as working directory, so make a relative mirror path absolute.
ifdef COURSE_DATA_DIR
export COURSE_DATA_DIR := $(abspath $(COURSE_DATA_DIR))
endif

.PHONY: help venv lab test lint sync execute verify-data clean

help:
	@echo "make lab          set up .venv and open the course in JupyterLab"
	@echo "make test         set up .venv and run the whole test suite (unit tests, lint, nbval)"
	@echo "make execute      re-run notebooks in FULL mode and store their outputs (NB=01 for one)"
	@echo "make sync         update each notebook from its paired .py (jupytext)"
	@echo "make verify-data  check every data file the course reads"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 10) <= v <= (3, 13) else "Python 3.10-3.13 is needed, found %d.%d: set PYTHON=python3.x" % v)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadscope

lint: $(STAMP)
	$(BIN)/ruff check course_utils tests notebooks benchmarks tools

sync: $(STAMP)
	$(BIN)/jupytext --sync notebooks/[0-9][0-9]_*.py

execute: $(STAMP)
	@for py in notebooks/$(NB)_*.py; do \
	  nb=$${py%.py}.ipynb; \
	  echo "== $$nb (full mode)"; \
	  $(BIN)/jupytext --quiet --update --to ipynb "$$py" -o "$$nb" && \
	  env -u COURSE_FAST $(BIN)/python tools/run_notebook.py "$$nb" && \
	  $(BIN)/jupytext --quiet --to py:percent "$$nb" -o "$$py" || exit 1; \
	done

verify-data: $(STAMP)
	$(BIN)/python -m course_utils.data verify

clean:
	rm -rf $(VENV) outputs
