# Two commands: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)

.PHONY: setup run test test-services bench messages clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

# Embedded default: SQLite file db.sqlite3, Celery tasks eager, demo data seeded once.
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py demo_logins
	$(PY) manage.py runserver 127.0.0.1:8000

# The whole suite on SQLite; suites needing PostgreSQL or Redis skip unless they are there
# (.ci/run reruns it against real servers with TUNGNHA_REQUIRE_SERVICES=1).
test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL and Redis, which must be running (CI has them on 127.0.0.1).
test-services: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tungnha} \
	TUNGNHA_REQUIRE_SERVICES=1 $(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(PY) bench/run.py

# Re-extract and compile the English catalog (needs GNU gettext; the .mo is committed, so
# running the app never does).
messages: setup
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
