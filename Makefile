# mailapp — the everyday commands. `make run` and `make test` work on a fresh
# machine: they create the virtual environment when it is missing.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run test lint format bench chaos screenshots translations bundle test-packaging clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(VENV)/bin/mailapp

# Most tests wait on servers, processes and timers: two processes (one file
# each at a time, so a file's fixtures stay together) halve the wall time.
TEST_WORKERS ?= 2

test: setup
	QT_QPA_PLATFORM=offscreen scripts/with-postgres $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check mailapp tests bench scripts
	$(VENV)/bin/ruff format --check mailapp tests bench scripts
	$(VENV)/bin/mypy mailapp/models mailapp/services mailapp/scheduler

format: setup
	$(VENV)/bin/ruff format mailapp tests
	$(VENV)/bin/ruff check --fix mailapp tests

bench: setup
	QT_QPA_PLATFORM=offscreen scripts/with-postgres $(PY) -m bench

chaos: setup
	QT_QPA_PLATFORM=offscreen scripts/with-postgres $(PY) -m pytest -m chaos tests/chaos $(PYTEST_ARGS)

screenshots: setup
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py

translations: setup
	$(PY) scripts/translations.py

$(VENV)/.bundle-installed: $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,bundle]'
	touch $@

# dist/mailapp/: the one-folder application (the window, the CLI, the worker).
bundle: $(VENV)/.bundle-installed
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN \
	    --distpath dist --workpath build/pyinstaller packaging/mailapp.spec

# The wheel in a fresh venv and the bundle, run from another folder.
test-packaging: bundle
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m packaging tests/packaging $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
