# 县委组织部党员管理系统 -- set-up and everyday commands.  `make help` lists them.
#
# Everything a fresh Debian machine needs is installed from here: the Debian packages
# (when missing; as root, otherwise the apt-get line is printed), a virtual environment
# and the Python dependencies from pyproject.toml.  A second run reinstalls nothing:
# stamp files inside the virtual environment record what pyproject.toml was installed.
#
# Variables (make VAR=value):
#   VENV      virtual environment directory      (default .venv)
#   PYTHON    interpreter that creates it        (default python3)
#   BIND      address gunicorn listens on        (default 127.0.0.1:8000)
#   WORKERS   gunicorn worker processes          (default 3)
#   PYTEST_ARGS  extra pytest arguments for make test / test-sqlite / test-pg

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# apt-get and pip must not run concurrently, even under make -j.
.NOTPARALLEL:

VENV ?= .venv
PYTHON ?= python3
BIND ?= 127.0.0.1:8000
WORKERS ?= 3
PYTEST_ARGS ?=

PY := $(VENV)/bin/python
PIP := $(PY) -m pip

# Debian packages.  The app: a CJK font and pango/harfbuzz for WeasyPrint
# (harfbuzz-subset keeps font subsetting fast), and python3-venv when $(PYTHON) cannot
# make a virtual environment (Debian's python3 without it has no ensurepip; this also
# covers a machine with no python3 at all).  Recursive (=): evaluated only when used.
VENV_DEB = $(shell $(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 || echo python3-venv)
RUN_DEBS = $(VENV_DEB) fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# The tests: Chromium for Playwright (whose bundled node driver needs libatomic1),
# pdftotext/pdftoppm, a PostgreSQL server.
TEST_DEBS := chromium poppler-utils postgresql libatomic1

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1

.PHONY: help run install install-test debs debs-test test test-sqlite test-pg bench clean

help:
	@echo "make run          install what is missing, migrate, collect static files, seed demo data,"
	@echo "                  then serve on http://$(BIND)/ (gunicorn) with the background task worker"
	@echo "make test         install what is missing (plus test tools), run the tests on SQLite,"
	@echo "                  then on a throwaway PostgreSQL cluster (browser tests skipped there)"
	@echo "make test-sqlite  only the SQLite run          make test-pg   only the PostgreSQL run"
	@echo "make bench        python manage.py bench"
	@echo "make install      only the Debian packages, the virtual environment and the dependencies"
	@echo "make clean        remove $(VENV), staticfiles/, build files (keeps var/, the database)"
	@echo
	@echo "Variables: VENV=$(VENV) PYTHON=$(PYTHON) BIND=$(BIND) WORKERS=$(WORKERS) PYTEST_ARGS=..."

# --- installation ---------------------------------------------------------------

debs:
	@bash scripts/apt-deps.sh $(RUN_DEBS)

# One call for both lists: at most one apt-get update.
debs-test:
	@bash scripts/apt-deps.sh $(RUN_DEBS) $(TEST_DEBS)

# Keyed on pip, not python: on Debian without python3-venv, `python3 -m venv` fails
# after creating bin/python; the next run must try again.
$(VENV)/bin/pip: | debs
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/pip
	$(PIP) install --progress-bar off .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/pip
	$(PIP) install --progress-bar off ".[test]"
	touch $@ $(VENV)/.installed

install: debs $(VENV)/.installed

install-test: debs-test $(VENV)/.installed-test

# --- running ----------------------------------------------------------------------

# umask 077: the database and the generated files hold full ID numbers (the service account only).
# serve.sh restarts the task worker whenever it stops; the web server stays up.
run: install
	umask 077 && $(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v 0
	umask 077 && $(PY) manage.py seed_demo
	@echo
	@echo "Serving http://$(BIND)/ -- Ctrl-C stops the web server and the task worker."
	@exec bash scripts/serve.sh $(PY) $(BIND) $(WORKERS)

bench: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py bench

# --- tests ------------------------------------------------------------------------
# Any non-zero pytest status fails, including 5 (no tests collected).

test test-sqlite test-pg: export DJANGO_ALLOW_ASYNC_UNSAFE := true

PYTEST_SQLITE := env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)
PYTEST_PG := bash scripts/with-postgres.sh $(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

# The trap: Ctrl-C during the SQLite run stops there (pytest exits 2, not by the signal,
# so without it the shell would go on to the PostgreSQL run).
test: install-test
	@trap 'exit 130' INT TERM; \
	sqlite=0; pg=0; \
	echo "=== ruff ==="; \
	$(VENV)/bin/ruff check . || exit 1; \
	echo "=== pytest on SQLite ==="; \
	$(PYTEST_SQLITE) || sqlite=$$?; \
	echo "=== pytest on PostgreSQL (not browser) ==="; \
	$(PYTEST_PG) || pg=$$?; \
	echo "=== SQLite: exit $$sqlite, PostgreSQL: exit $$pg ==="; \
	[ $$sqlite -eq 0 ] && [ $$pg -eq 0 ]

test-sqlite: install-test
	$(PYTEST_SQLITE)

test-pg: install-test
	$(PYTEST_PG)

# --- cleaning ---------------------------------------------------------------------

clean:
	rm -rf $(VENV) staticfiles build *.egg-info test-artifacts
