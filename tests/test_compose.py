"""docker-compose.yml and the Dockerfile describe a production that can start.

Nobody runs `docker compose up` in the test suite, so these tests read the files and check
what would otherwise only fail on the server: every command names code that exists, every
service gets the settings it reads, the services start in the right order, and the
settings built from that environment are the production ones.
"""

import ast
import importlib
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.core.management import get_commands
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import resolve

BASE_DIR = Path(__file__).resolve().parent.parent
COMPOSE = BASE_DIR / "docker-compose.yml"
DOCKERFILE = BASE_DIR / "Dockerfile"
SETTINGS = BASE_DIR / "outreach" / "config" / "settings.py"

INFRA = ("postgres", "redis")
APP = ("web", "worker", "beat")
# What an operator's .env holds; docker compose substitutes it into the file.
DOTENV = {
    "SECRET_KEY": "test-secret-key-that-is-long-enough-for-production-use-0123456789",
    "POSTGRES_PASSWORD": "s3cretpass",
    "ALLOWED_HOSTS": "tungnha.example.vn",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


# ---------------------------------------------------------------- helpers

_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<bare>[A-Za-z_]\w*))"
)


def interpolate(value: str, env: dict[str, str]) -> str:
    """The subset of docker compose's ${VAR}, ${VAR:-default}, ${VAR:?error} and $$ syntax
    the file may use."""

    def substitute(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        name = match["name"] or match["bare"]
        current, op, arg = env.get(name), match["op"], match["arg"]
        if op == ":-":
            return current or arg
        if op == "-":
            return arg if current is None else current
        if op in (":?", "?") and (current is None or (op == ":?" and not current)):
            raise LookupError(f"{name} is required: {arg}")
        return current or ""

    return _VARIABLE.sub(substitute, value)


def environment(service: dict, dotenv: dict[str, str] = DOTENV) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: interpolate("" if value is None else str(value), dotenv) for key, value in env.items()}


def argv(command) -> list[str]:
    """A compose `command` or healthcheck `test` as the argument list it runs."""
    if command is None:
        return []
    if isinstance(command, str):
        return shlex.split(command)
    if command and command[0] == "CMD-SHELL":
        return shlex.split(" ".join(command[1:]))
    if command and command[0] == "CMD":
        return list(command[1:])
    return list(command)


def commands(services: dict) -> list[tuple[str, list[str]]]:
    """Every command line in the file, split on shell `&&` / `;` so that
    `python manage.py migrate && gunicorn ...` counts as two."""
    found = []
    for name, service in services.items():
        for raw in (service.get("command"), service.get("entrypoint"), (service.get("healthcheck") or {}).get("test")):
            words = argv(raw)
            if words[:2] in (["sh", "-c"], ["bash", "-c"]):
                words = shlex.split(words[2])
            current: list[str] = []
            for word in words + ["&&"]:
                if word in ("&&", ";", "||"):
                    if current:
                        found.append((name, current))
                    current = []
                else:
                    current.append(word)
    return found


def option(words: list[str], *names: str) -> str | None:
    for i, word in enumerate(words):
        for name in names:
            if word == name and i + 1 < len(words):
                return words[i + 1]
            if word.startswith(name + "="):
                return word.split("=", 1)[1]
    return None


def settings_variables() -> set[str]:
    """The environment variables settings.py reads through its env helpers or os.environ."""
    source = SETTINGS.read_text(encoding="utf-8")
    names = set(re.findall(r"\benv(?:str|bool|int)\(\s*[\"'](\w+)[\"']", source))
    names |= set(re.findall(r"os\.environ(?:\.get)?[\[(]\s*[\"'](\w+)[\"']", source))
    return names


def app_services(services: dict) -> list[str]:
    """Every service built from this repository's image (web, worker, beat, migrate)."""
    return [name for name, service in services.items() if "build" in service]


# ---------------------------------------------------------------- the services


def test_it_defines_postgres_redis_web_worker_and_beat_with_healthchecks(services):
    for name in INFRA + APP:
        assert name in services, f"service {name} missing"
        test = (services[name].get("healthcheck") or {}).get("test")
        assert test and test != ["NONE"], f"service {name} has no healthcheck"


def test_it_uses_postgres_16_and_redis_7(services):
    assert services["postgres"]["image"].split(":")[1].startswith("16")
    assert services["redis"]["image"].split(":")[1].startswith("7")


def test_it_checks_postgres_with_pg_isready_and_redis_with_ping(services):
    assert "pg_isready" in argv(services["postgres"]["healthcheck"]["test"])
    assert argv(services["redis"]["healthcheck"]["test"])[-2:] == ["redis-cli", "ping"]


def test_it_keeps_postgres_and_redis_data_in_named_volumes(compose, services):
    declared = compose.get("volumes") or {}
    for name, target in (("postgres", "/var/lib/postgresql/data"), ("redis", "/data")):
        mounts = {}
        for volume in services[name].get("volumes", []):
            if isinstance(volume, str):
                source, mounted = volume.split(":")[:2]
            else:
                source, mounted = volume.get("source"), volume["target"]
            mounts[mounted] = source
        assert target in mounts, f"{name} does not persist {target}"
        # A name, not a host path: a bind mount would be "./x" or "/x".
        assert mounts[target] in declared, f"{name}'s {target} is not a named volume"


def test_it_starts_the_app_after_postgres_and_redis_are_healthy(services):
    for name in APP:
        depends = services[name].get("depends_on")
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
        for infra in INFRA:
            assert depends.get(infra, {}).get("condition") == "service_healthy", f"{name} does not wait for {infra}"


def test_it_only_waits_for_health_that_a_service_can_report(services):
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        for other, rule in (depends.items() if isinstance(depends, dict) else []):
            assert other in services, f"{name} depends on unknown service {other}"
            if rule.get("condition") == "service_healthy":
                assert services[other].get("healthcheck"), f"{name} waits for {other}, which has no healthcheck"


def test_it_migrates_the_database_before_the_app_serves(services):
    migrating = [
        name for name, words in commands(services) if words[:3] == ["python", "manage.py", "migrate"]
    ]
    assert migrating, "no service runs `python manage.py migrate`"
    assert "--noinput" in next(words for name, words in commands(services) if "migrate" in words)
    for name in APP:
        if name in migrating:
            continue
        depends = services[name].get("depends_on") or {}
        assert any(
            depends.get(m, {}).get("condition") == "service_completed_successfully" for m in migrating
        ), f"{name} may start before the migrations ran"


def test_it_runs_management_commands_that_exist(services):
    known = get_commands()
    for name, words in commands(services):
        if words[1:2] == ["manage.py"]:
            assert words[2] in known, f"{name}: no management command {words[2]}"


# ---------------------------------------------------------------- the code the commands name


def test_it_names_celery_apps_that_exist(services):
    celery_lines = [(name, words) for name, words in commands(services) if words[0] == "celery"]
    started = {name: words for name, words in celery_lines if "worker" in words or "beat" in words}
    assert "worker" in started.get("worker", []) and "beat" in started.get("beat", [])
    for name, words in celery_lines:
        module_name = option(words, "-A", "--app")
        assert module_name, f"{name}: celery without -A"
        module = importlib.import_module(module_name.split(":")[0])
        exposed = getattr(module, "celery_app", None) or getattr(
            importlib.import_module(f"{module.__name__}.celery"), "app", None
        )
        assert isinstance(exposed, Celery), f"{module_name} exposes no Celery app"
        # The lookup the celery command itself does for -A.
        assert find_app(module_name) is exposed


@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")  # whitenoise: no collectstatic here
def test_it_runs_gunicorn_on_a_real_wsgi_callable(services):
    gunicorn_lines = [(name, words) for name, words in commands(services) if words[0] == "gunicorn"]
    assert [name for name, _ in gunicorn_lines] == ["web"]
    for _name, words in gunicorn_lines:
        target = next(word for word in words[1:] if ":" in word and not word.startswith("-") and "." in word)
        module_name, attr = target.split(":")
        application = getattr(importlib.import_module(module_name), attr)
        assert callable(application)
        assert application.__class__.__name__ == "WSGIHandler"
        assert option(words, "--bind", "-b") == "0.0.0.0:8000", "gunicorn must listen on all interfaces"
        assert option(words, "--workers", "-w") == "3"


def test_it_publishes_the_port_gunicorn_listens_on(services):
    ports = [str(p) for p in services["web"].get("ports", [])]
    assert any(interpolate(p, {}).split(":")[-1] == "8000" for p in ports)


def test_it_runs_healthcheck_python_that_compiles(services):
    scripts = [(name, words[2]) for name, words in commands(services)
               if words[0] in ("python", "python3") and words[1:2] == ["-c"]]  # fmt: skip
    # web (urllib) and beat (kombu) check themselves with python -c: no script would mean
    # the commands were not found, not that they compile.
    assert {"web", "beat"} <= {name for name, _ in scripts}
    for name, script in scripts:
        compile(script, f"<{name} healthcheck>", "exec")
        for node in ast.walk(ast.parse(script)):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    importlib.import_module(alias.name)


def test_it_imports_the_settings_module(services):
    modules = {name: environment(services[name]).get("DJANGO_SETTINGS_MODULE") for name in app_services(services)}
    assert set(APP) <= set(modules)
    for name, module in modules.items():
        assert module, f"{name}: DJANGO_SETTINGS_MODULE not set"
        assert importlib.import_module(module).SECRET_KEY is not None


def test_it_lists_gunicorn_celery_and_the_postgres_and_redis_drivers_in_requirements():
    requirements = (BASE_DIR / "requirements.txt").read_text().lower()
    for package in ("gunicorn", "celery", "redis", "psycopg"):
        assert re.search(rf"^{package}\b", requirements, re.MULTILINE), f"{package} not in requirements.txt"


# ---------------------------------------------------------------- the environment


def test_it_gives_every_app_service_the_production_settings(services):
    assert set(APP) <= set(app_services(services)), "web, worker and beat must be built from the Dockerfile"
    for name in app_services(services):
        env = environment(services[name])
        # A cache in process memory would not be shared between gunicorn workers.
        shared_cache = {"CACHE_URL"} & settings_variables()
        for variable in {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "ALLOWED_HOSTS"} | shared_cache:
            assert env.get(variable), f"{name}: {variable} not set"
        assert env.get("DEBUG", "").lower() == "false", f"{name}: DEBUG must be False"
        assert env.get("CELERY_TASK_ALWAYS_EAGER", "").lower() == "false", f"{name}: tasks must go to the worker"


def test_it_sets_only_variables_the_settings_read(services):
    # A typo such as CELERY_BROKER instead of CELERY_BROKER_URL would silently leave the
    # laptop default in place.
    read = settings_variables() | {"DJANGO_SETTINGS_MODULE"}
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"} <= read
    for name in app_services(services):
        unknown = set(environment(services[name])) - read
        assert not unknown, f"{name} sets variables no setting reads: {sorted(unknown)}"


def test_it_refuses_to_start_without_the_secrets(services):
    needs = [
        (name, missing)
        for name in app_services(services) + ["postgres"]
        for missing in ("SECRET_KEY", "POSTGRES_PASSWORD")
        if f"${{{missing}" in json.dumps(services[name].get("environment"))
    ]
    # Every app service builds DATABASE_URL from the password and reads the key; postgres
    # takes the password.
    expected = {(name, secret) for name in APP for secret in ("SECRET_KEY", "POSTGRES_PASSWORD")}
    assert expected | {("postgres", "POSTGRES_PASSWORD")} <= set(needs)
    for name, missing in needs:
        with pytest.raises(LookupError):
            environment(services[name], {k: v for k, v in DOTENV.items() if k != missing})


def test_it_points_the_database_url_at_the_postgres_service(services):
    postgres = environment(services["postgres"])
    for name in app_services(services):
        url = urlsplit(environment(services[name])["DATABASE_URL"])
        assert url.scheme in ("postgres", "postgresql")
        assert url.hostname == "postgres"
        assert url.username == postgres["POSTGRES_USER"]
        assert url.password == postgres["POSTGRES_PASSWORD"] == DOTENV["POSTGRES_PASSWORD"]
        assert url.path.lstrip("/") == postgres["POSTGRES_DB"]


def test_it_points_the_broker_and_the_cache_at_the_redis_service(services):
    for name in app_services(services):
        env = environment(services[name])
        for variable in ("CELERY_BROKER_URL", "CACHE_URL"):
            if variable in env:
                url = urlsplit(env[variable])
                assert url.scheme == "redis" and url.hostname == "redis", f"{name}: {variable}"


def test_it_configures_django_for_production_from_that_environment(services):
    # A fresh interpreter: settings are read once per process, and this one already has the
    # test settings.
    probe = (
        "import json, outreach.config.settings as s; d = s.DATABASES['default']; print(json.dumps({"
        "'debug': s.DEBUG, 'engine': d['ENGINE'], 'host': d['HOST'], 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
        "'broker': s.CELERY_BROKER_URL, 'hosts': s.ALLOWED_HOSTS, 'key': s.SECRET_KEY,"
        "'secure': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE], 'proxy': s.SECURE_PROXY_SSL_HEADER}))"
    )
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH", "SYSTEMROOT")}
    for name in app_services(services):
        env = environment(services[name])
        result = subprocess.run(
            [sys.executable, "-c", probe], cwd=BASE_DIR, env={**base, **env}, capture_output=True, text=True, check=True
        )
        configured = json.loads(result.stdout.strip().splitlines()[-1])
        assert configured["debug"] is False
        assert configured["engine"] == "django.db.backends.postgresql"
        assert configured["host"] == "postgres"
        assert configured["eager"] is False
        assert configured["broker"].startswith("redis://redis:")
        assert configured["key"] == DOTENV["SECRET_KEY"]
        assert "tungnha.example.vn" in configured["hosts"]
        # The web healthcheck knocks on 127.0.0.1 from inside the container.
        assert "127.0.0.1" in configured["hosts"]
        # Sessions last 90 days on a phone: their cookie never goes over plain http.
        assert configured["secure"] == [True, True]
        assert configured["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]


# ---------------------------------------------------------------- the image


def test_it_builds_the_app_image_from_the_dockerfile(services):
    for name in APP:
        build = services[name]["build"]
        context = build if isinstance(build, str) else build.get("context", ".")
        dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        assert (BASE_DIR / context / dockerfile).resolve() == DOCKERFILE


def test_it_installs_requirements_in_a_python_311_slim_image():
    assert DOCKERFILE.exists()
    lines = [line.strip() for line in DOCKERFILE.read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert lines[0] == "FROM python:3.11-slim"
    copies = [i for i, line in enumerate(lines) if line.startswith("COPY") and "requirements.txt" in line]
    installs = [i for i, line in enumerate(lines) if re.match(r"RUN .*pip install .*-r requirements\.txt", line)]
    assert copies and installs and copies[0] < installs[0]
    assert any(re.match(r"RUN .*manage\.py collectstatic --noinput", line) for line in lines)


def test_it_keeps_local_state_out_of_the_image():
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    for path in (".venv", "db.sqlite3", ".env", ".git"):
        assert path in ignored


# ---------------------------------------------------------------- the web healthcheck


def healthcheck_url(services) -> str:
    text = " ".join(argv(services["web"]["healthcheck"]["test"]))
    match = re.search(r"https?://[^'\"\s]+", text)
    assert match, "the web healthcheck requests no URL"
    return match.group()


def test_it_healthchecks_web_on_the_health_endpoint(services, client, db):
    url = urlsplit(healthcheck_url(services))
    assert url.port == 8000 and url.path == "/healthz/"
    assert resolve(url.path).func.__module__ == "frontend.health"
    response = client.get(url.path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_reports_unhealthy_when_the_database_is_down(monkeypatch):
    from frontend import health

    class DownConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", DownConnection())
    response = health.health(RequestFactory().get("/healthz/"))
    assert response.status_code == 503
    assert json.loads(response.content)["status"] == "error"
