# The course's two everyday commands, `make lab` and `make test`, plus the
# notebook refresh. Everything happens in ./.venv, made from the python3 on PATH.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: lab test test-fast refresh benchmark binder-lock site clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Open the course in JupyterLab on its start page.
lab: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	$(BIN)/jupyter lab notebooks/00_start_here.ipynb

# Two worker processes, one per core; `loadfile` keeps each file on one worker,
# so a notebook's cells run in order in one kernel and the browser suite starts
# one JupyterLab. PARALLEL= runs everything in one process.
PARALLEL ?= -n 2 --dist loadfile

# Install the test extras, then lint and run every test: unit tests, notebooks
# under nbval (strict), the widget sweep, the browser suite and the Binder rebuild.
test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/ruff check calclearn tests benchmarks notebooks
	$(BIN)/ruff format --check calclearn tests benchmarks notebooks
	$(BIN)/python -m pytest $(PARALLEL) --doctest-modules --nbval --nbval-sanitize-with tests/sanitize.cfg calclearn tests notebooks

# Quick loop while writing: no browser suite, no Binder rebuild.
test-fast: $(BIN)/python
	$(BIN)/python -m pytest $(PARALLEL) --doctest-modules --nbval --nbval-sanitize-with tests/sanitize.cfg -m "not browser and not binder and not hub" calclearn tests notebooks

# Re-execute every notebook top to bottom in a fresh kernel and save the outputs.
refresh: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m calclearn._refresh notebooks

benchmark: $(BIN)/python
	$(BIN)/python benchmarks/explorer_latency.py

# Re-lock the Binder environment: binder/requirements.txt, every package pinned,
# resolved by uv from pyproject.toml (dependencies and [lab] extra) and
# binder/requirements.in, for the Python of binder/runtime.txt on Linux, from
# the releases published before BINDER_LOCK_DATE (move it on to take newer ones:
# the same date gives the same lock, which tests/test_binder_rebuild.py checks).
BINDER_LOCK_DATE ?= 2026-11-26T00:00:00Z
BINDER_PYTHON = $(patsubst python-%,%,$(strip $(file < binder/runtime.txt)))
binder-lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/uv pip compile pyproject.toml binder/requirements.in --extra lab \
		--python-version $(BINDER_PYTHON) --python-platform linux \
		--exclude-newer $(BINDER_LOCK_DATE) --output-file binder/requirements.txt

# The course website: every notebook as a page, as committed (nothing is
# executed), with Sphinx and MyST-NB; warnings are errors. docs/conf.py says
# how. Open $(SITE_DIR)/index.html; publish the folder as it is.
SITE_DIR ?= build/site
site: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[site]"
	rm -rf $(SITE_DIR) build/site-doctrees
	$(BIN)/python -m sphinx -W --keep-going -b html -c docs -d build/site-doctrees notebooks $(SITE_DIR)

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache .ruff_cache
