# Continuity: two commands for a fresh machine.
#   make run   - bootstrap, migrate, seed the demo trust, serve http://127.0.0.1:8000
#   make test  - bootstrap with dev tools, lint, run the whole test suite
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
PY := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
DEMO_BIRTHS ?= 3000
DEMO_SEED ?= 1

.PHONY: help run test lint bench bench-full bootstrap bootstrap-dev messages clean

help:
	@echo "make run    - serve the demo trust at http://127.0.0.1:8000 (embedded SQLite)"
	@echo "make test   - run the whole test suite (PostgreSQL if reachable, else SQLite)"
	@echo "make lint   - ruff, mypy (strict on engines), import-linter, bandit, pip-audit"
	@echo "make bench  - quick tier of every benchmark"

bootstrap:
	@scripts/bootstrap.sh runtime

bootstrap-dev:
	@scripts/bootstrap.sh dev

run: bootstrap
	@mkdir -p var
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py demo --births $(DEMO_BIRTHS) --seed $(DEMO_SEED) --if-empty
	@echo "Serving Continuity at http://127.0.0.1:8000 (Ctrl+C to stop)"
	CONTINUITY_SECURE_COOKIES=0 CONTINUITY_TASKS_BACKEND=immediate $(PY) manage.py runserver 127.0.0.1:8000 --noreload

lint: bootstrap-dev
	.venv/bin/ruff check src tests bench scripts
	.venv/bin/mypy src/continuity/engines
	.venv/bin/lint-imports
	@# bandit logs a warning for every line-level nosec it honours; keep only its findings.
	@out=$$(.venv/bin/bandit -q -c pyproject.toml -r src 2>&1); status=$$?; \
	  printf '%s\n' "$$out" | grep -v "WARNING.*nosec encountered" || true; \
	  echo "bandit: exit $$status"; exit $$status
	$(PY) scripts/audit_dependencies.py

test: bootstrap-dev lint
	@scripts/run-tests.sh

bench: bootstrap-dev
	$(PY) -m bench

bench-full: bootstrap-dev
	$(PY) -m bench --full

bench-%: bootstrap-dev
	$(PY) -m bench $*

messages: bootstrap-dev
	@mkdir -p src/continuity/locale
	.venv/bin/pybabel extract -F babel.cfg -k gettext_lazy -k ngettext_lazy:1,2 -o src/continuity/locale/django.pot --sort-by-file --omit-header .

clean:
	rm -rf .venv node_modules var src/continuity/static/nhsuk
