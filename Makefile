# Two commands: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)

.PHONY: setup chromium run test test-services bench messages clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

# The embedded mode (outreach/config/settings.py): DEBUG on and a development key by default,
# which the settings refuse anywhere TUNGNHA_EMBEDDED=1 was not asked for (a server).
run test test-services bench messages: export TUNGNHA_EMBEDDED := 1

# Debian's Chromium for the field app's browser tests (tests/e2e, marked "browser"; driven
# by Playwright, which never downloads a browser of its own here). Installed when missing
# on a Debian machine where we are root (CI); elsewhere those tests skip, or fail under
# TUNGNHA_REQUIRE_SERVICES=1. With it WebKit, Safari's engine, for the same offline tests
# (tests/e2e/test_fieldapp_webkit.py): Debian's WebKitWebDriver, driven by Selenium on Xvfb.
# And PgBouncer, which tests/test_pgbouncer.py starts on a port of its own.
chromium:
	@if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/WebKitWebDriver ] || ! command -v Xvfb >/dev/null 2>&1 \
		|| [ ! -x /usr/sbin/pgbouncer ]; } && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium webkit2gtk-driver xvfb \
			pgbouncer; \
	fi

# Embedded default: SQLite file db.sqlite3, Celery tasks eager, demo data seeded once.
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py demo_logins
	$(PY) manage.py runserver 127.0.0.1:8000

# The whole suite on SQLite; suites needing PostgreSQL or Redis skip unless they are there
# (.ci/run reruns it against real servers with TUNGNHA_REQUIRE_SERVICES=1).
test: setup chromium
	$(PY) -m pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL and Redis, which must be running (CI has them on 127.0.0.1).
test-services: setup chromium
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tungnha} \
	TUNGNHA_REQUIRE_SERVICES=1 $(PY) -m pytest $(PYTEST_ARGS)

# Each script merges its figures into bench/results.json and docs/benchmarks.md.
bench: setup chromium
	$(PY) bench/run.py
	$(PY) bench/dashboards.py
	$(PY) bench/fieldapp_budget.py
	$(PY) bench/roster_import.py
	$(PY) bench/ranking_national.py
	$(PY) bench/peak.py
	$(PY) bench/revisit.py

# Re-extract and compile the English catalog (needs GNU gettext; the .mo is committed, so
# running the app never does).
messages: setup
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
