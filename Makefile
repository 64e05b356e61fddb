# Two commands on a fresh machine: `make run` and `make test`. Everything else is set up by them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

# Debian packages the suite needs: a browser for the PWA journeys, a CJK font for PDFs,
# pdftotext to read PDFs back, a PostgreSQL server for tests/postgres (initdb + pg_ctl, found
# on PATH, through pg_config or in Debian's /usr/lib/postgresql/*/bin).
SYSTEM_PACKAGES := chromium fonts-wqy-microhei poppler-utils postgresql

.PHONY: run test lint system-deps pwa-deps clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
	$(BIN)/pip install --quiet -e . 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -c "import backend, litestar, sqlalchemy"
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]' 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -c "import pytest, playwright, zxingcpp, http_ece, asyncpg"
	touch $@

pwa-deps:
	@if [ -f pwa/package.json ]; then \
	  if [ ! -d pwa/node_modules ] || [ pwa/package-lock.json -nt pwa/node_modules/.package-lock.json ]; then \
	    (cd pwa && npm ci --no-audit --no-fund); \
	  fi; \
	fi

system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing="$$missing fonts-wqy-microhei"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	{ command -v pg_ctl || ls "$$(pg_config --bindir 2>/dev/null)/pg_ctl" || ls /usr/lib/postgresql/*/bin/pg_ctl; } \
	  >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "Missing Debian packages:$$missing. Install them: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

run: $(VENV)/.installed pwa-deps
	$(BIN)/weibao migrate
	$(BIN)/weibao demo --if-empty
	$(BIN)/weibao serve

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

# Run again on PostgreSQL (tests/conftest.py: WEIBAO_TEST_DB=postgres; only tests that use the database).
PG_TESTS ?= tests/sync_api tests/work_orders tests/inspections tests/evidence tests/test_access_matrix.py

test: $(VENV)/.installed-test pwa-deps system-deps lint
	@if ls pwa/tests/*.test.js >/dev/null 2>&1; then node --test pwa/tests/; fi
	$(BIN)/pytest -q -p no:cacheprovider
	WEIBAO_TEST_DB=postgres $(BIN)/pytest -q -p no:cacheprovider $(PG_TESTS)

clean:
	rm -rf $(VENV) pwa/node_modules tests/artifacts
