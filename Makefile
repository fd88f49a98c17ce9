# ggzy — the README's commands. Needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://127.0.0.1:5432/test

.PHONY: run install test test-sqlite test-pg lint format bench e2e-deps clean

run: install
	$(BIN)/ggzy migrate
	$(BIN)/ggzy demo --if-empty
	$(BIN)/ggzy serve --host 127.0.0.1 --port 8000

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11 / Python 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ggzy.i18n_compile
	touch $(STAMP)

install: $(STAMP)

test: install
	@echo "== 测试 SQLite / tests on SQLite =="
	DATABASE_URL= $(BIN)/pytest
	@if $(BIN)/python -m ggzy.dbcheck "$${DATABASE_URL:-$(PG_URL)}"; then \
	  echo "== 测试 PostgreSQL / tests on PostgreSQL =="; \
	  DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" $(BIN)/pytest; \
	else echo "== PostgreSQL 不可达，跳过 / PostgreSQL not reachable, leg skipped =="; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var/*.sqlite3*
