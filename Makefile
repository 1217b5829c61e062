# Two commands on a fresh machine: `make run` (serve the demo site) and `make test` (every test).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
SECRET_FILE := instance/secret_key
HOST ?= 127.0.0.1
PORT ?= 5000
# Absolute links (sitemaps, feeds, Open311, QR codes) are built on this address, never on the Host header;
# given to the serving commands only, not exported, so that the tests keep their own.
PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
# Workers when rate limits are shared in Redis (RATELIMIT_STORAGE_URI / REDIS_URL, or a Redis answering on
# 127.0.0.1:6379); without Redis `make run` serves one worker with THREADS threads so limits are not multiplied.
# With a Redis (JOBS_REDIS_URL, or the local one) background jobs go to it and `make run` starts one job worker
# (`flask jobs-worker`, with the scheduled duties) beside gunicorn and stops it with gunicorn; without one, jobs
# run in the web process's threads (app/serving.py).
WORKERS ?= 2
THREADS ?= 4
# Seconds a sync worker may spend on one request: a streamed export of 1M survey responses takes half a minute idle,
# longer under load (exports above SURVEY_EXPORT_BACKGROUND_ABOVE responses run as background jobs anyway).
GUNICORN_TIMEOUT ?= 300

.PHONY: setup run test lint test-sqlite test-postgres browser-deps translations i18n-extract db-upgrade seed bench clean

$(STAMP): requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

$(SECRET_FILE):
	mkdir -p instance
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $(SECRET_FILE)

# Compile the translation catalogs (.po -> .mo); the .mo files are build output, not committed.
translations: $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -d translations 2>&1 | grep -v "^compiling" || true

setup: $(STAMP) $(SECRET_FILE) translations

db-upgrade: setup
	SECRET_KEY=$$(cat $(SECRET_FILE)) PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(FLASK) db upgrade

seed: db-upgrade
	SECRET_KEY=$$(cat $(SECRET_FILE)) PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(FLASK) seed-demo
	SECRET_KEY=$$(cat $(SECRET_FILE)) PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(FLASK) db-analyze

run: seed
	@echo "Serving on http://$(HOST):$(PORT)  (staff passwords: instance/demo-credentials.txt)"
	SECRET_KEY=$$(cat $(SECRET_FILE)) PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(PY) -m app.serving $(WORKERS) $(THREADS) --timeout $(GUNICORN_TIMEOUT) \
		--bind $(HOST):$(PORT) --access-logfile - wsgi:app

# System packages the browser tests need (Debian's Chromium and what Playwright's driver needs), and a CJK font
# so that screenshots and layout checks measure real Chinese glyphs rather than fallback boxes.
browser-deps:
	@if ! command -v chromium >/dev/null || ! dpkg -s fonts-liberation fonts-noto-cjk libatomic1 >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation fonts-noto-cjk libatomic1; \
	fi

test: setup browser-deps
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL leg skipped (.ci/run sets it)."; fi

# ruff over the code and tests (ruff.toml); mypy --strict over the shared layers and pure modules (mypy.ini).
lint: setup
	$(VENV)/bin/ruff check app tests migrations wsgi.py
	$(VENV)/bin/mypy

# Test processes (pytest-xdist) per leg; each takes its own PostgreSQL schema (TEST_PG_SCHEMA_gw0, …) and whole
# test files, so that module-scoped fixtures (the outage test's PostgreSQL server) start once.
TEST_WORKERS ?= 2
TEST_XDIST = -n $(TEST_WORKERS) --dist loadfile

test-sqlite:
	TEST_DATABASE_URL= $(PY) -m pytest -q $(TEST_XDIST)

test-postgres:
	$(PY) -m pytest -q -m "not browser" $(TEST_XDIST)

# Refresh the catalogs after changing marked strings (then translate, see README).
i18n-extract: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o translations/messages.pot --no-location --no-wrap --sort-output --ignore-dirs=".venv tests" .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --no-wrap

# wrk loads the site; HAProxy (in /usr/sbin, often not on a user's PATH) balances the scale-out part's two servers.
bench: setup
	@command -v wrk >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get install -y -qq wrk; }
	@command -v haproxy >/dev/null || test -x /usr/sbin/haproxy || \
		{ SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq haproxy; }
	SECRET_KEY=$$(cat $(SECRET_FILE)) PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(PY) -m tests.bench.run

clean:
	rm -rf $(VENV) .pytest_cache
