# Backstop — the two commands: `make run` and `make test`. Each installs what it needs itself.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1:8000

.PHONY: run test test-services lint install install-dev catalogs migrate demo demo-outage worker beat bench bench-deps clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

catalogs: install
	$(PY) manage.py compile_catalogs

migrate: catalogs
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_provider_catalog
	$(PY) manage.py load_frameworks
	$(PY) manage.py seed_demo

## Install, migrate, load demo data and serve at http://$(HOST)
run: demo
	@echo "Backstop is starting at http://$(HOST)  (log in with one of the demo logins above)"
	$(PY) manage.py runserver $(HOST)

## A scripted CDN outage on the demo data (run while `make run` serves): the live impact board fills in
demo-outage: install
	$(PY) manage.py demo_cdn_outage

## Install and run the whole suite on the embedded default (SQLite, eager tasks)
test: install-dev catalogs
	$(PY) -m pytest

## The same suite against real PostgreSQL + Redis + a Celery worker (see .ci/run for the services)
test-services: install-dev catalogs
	BACKSTOP_SERVICES=1 $(PY) -m pytest

lint: install-dev
	$(VENV)/bin/ruff check .

worker: install
	$(VENV)/bin/celery -A config worker -l info

beat: install
	$(VENV)/bin/celery -A config beat -l info

var/bench-site/.installed: requirements-bench.txt | $(VENV)/bin/python
	$(PIP) install --quiet --target var/bench-site -r requirements-bench.txt
	touch $@

bench-deps: var/bench-site/.installed

bench: install-dev bench-deps
	$(PY) bench/run_all.py

clean:
	rm -rf var .pytest_cache
