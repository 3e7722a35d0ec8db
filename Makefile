# 食安 Shian. A newcomer needs two commands:
#   make run    install, migrate, load the demo city, serve http://127.0.0.1:8000/
#   make test   ruff, mypy, migrations check, pytest on SQLite and on PostgreSQL
#               (extra pytest arguments: make test PYTEST_ARGS="-k dossier")
# Everything lives in ./.venv (created on first use) and ./var (SQLite, secret key, static).

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin

.DEFAULT_GOAL := help
.PHONY: help run test bench lint fmt clean

help:
	@echo "make run     install into .venv, migrate, load the demo city, start http://127.0.0.1:8000/"
	@echo "make test    ruff + mypy + makemigrations --check + pytest on SQLite and PostgreSQL"
	@echo "make bench   python bench/registry.py"
	@echo "make lint    ruff check, ruff format --check, mypy"
	@echo "make fmt     ruff format and ruff check --fix"
	@echo "make clean   remove .venv and caches (var/, with the SQLite database and secret key, is kept)"

run:
	@scripts/run.sh

test:
	@scripts/test.sh $(PYTEST_ARGS)

bench:
	@scripts/bench.sh

lint:
	@source scripts/venv.sh && ensure_venv dev && rc=0; \
	ruff check src tests $(wildcard bench) || rc=1; \
	mypy || rc=1; \
	exit $$rc

fmt:
	@source scripts/venv.sh && ensure_venv dev && \
	ruff format src tests $(wildcard bench) && ruff check --fix src tests $(wildcard bench)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache test-results src/*.egg-info
