# The README's two commands: `make run` and `make test`. Everything they need is
# installed by these targets on a fresh Debian/Ubuntu machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python >= 3.12: python3.13/python3.12 on PATH, or pyenv's 3.12 (see .python-version).
PYTHON ?= $(shell for p in python3.13 python3.12; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
UV_VERSION := 0.13.8
UV := $(VENV)/bin/uv
PY := $(VENV)/bin/python
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

.PHONY: help run test install install-dev lint migrate seed serve worker clean

help:
	@echo "make run   install, migrate, create demo accounts and serve http://127.0.0.1:8000"
	@echo "make test  provision PostgreSQL, Redis and chromium, then run every check and test"

$(VENV)/bin/python:
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 is required (python3.12 or python3.13 on PATH, or pyenv install 3.12)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(UV): $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

install: $(UV)
	$(UV) sync --locked --no-dev --python $(PY) --quiet
	scripts/ensure-pdf-libs.sh

install-dev: $(UV)
	$(UV) sync --locked --python $(PY) --quiet
	scripts/ensure-pdf-libs.sh

migrate:
	$(PY) manage.py migrate --noinput

seed:
	$(PY) manage.py seed
	$(PY) manage.py demo

# Zero services: SQLite under var/, Celery eager, e-mail to the console.
run: install migrate seed
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Real PostgreSQL and Redis (throwaway, started and stopped by scripts/with-services.sh),
# Debian's chromium for the browser tests.
test: install-dev
	scripts/ensure-chromium.sh
	scripts/ensure-pdf-libs.sh
	scripts/with-services.sh scripts/run-checks.sh

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .import_linter_cache
