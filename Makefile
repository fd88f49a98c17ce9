# ggzy — the README's commands. Needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://127.0.0.1:5432/test

.PHONY: run install test browser-deps lint format bench clean

run: install
	$(BIN)/ggzy migrate
	$(BIN)/ggzy demo --if-empty
	$(BIN)/ggzy serve --host 127.0.0.1 --port 8000 --demo

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11 / Python 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ggzy.i18n_compile
	touch $(STAMP)

install: $(STAMP)

# The browser tests drive Debian's Chromium and render Chinese with Noto CJK: installed here
# when missing (as root, through apt-get), else one line says how.
browser-deps:
	@missing=""; \
	command -v $${GGZY_CHROMIUM:-chromium} >/dev/null 2>&1 || missing="chromium"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "== 安装浏览器测试依赖 / installing what the browser tests need:$$missing =="; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing fontconfig >/dev/null; \
	  else \
	    echo "浏览器测试需要 / the browser tests need:$$missing — run: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

test: install browser-deps
	@echo "== 测试 SQLite / tests on SQLite =="
	DATABASE_URL= $(BIN)/pytest
	@start=$$($(BIN)/python -m tests.shifted_start); \
	echo "== 测试 SQLite，时钟从 $$start 开始 / tests on SQLite with the clock started at $$start =="; \
	GGZY_TEST_START=$$start DATABASE_URL= $(BIN)/pytest
	@if $(BIN)/python -m ggzy.dbcheck "$${DATABASE_URL:-$(PG_URL)}"; then \
	  echo "== 测试 PostgreSQL / tests on PostgreSQL =="; \
	  DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" $(BIN)/pytest; \
	else echo "== PostgreSQL 不可达，跳过 / PostgreSQL not reachable, leg skipped =="; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
