"""Deployment defaults that fail safe.

- The environment docker-compose.yml gives web passes `manage.py check --deploy` with no
  warning: https only, HSTS, secure cookies, a real key, DEBUG off.
- Outside the embedded mode (TUNGNHA_EMBEDDED=1, set by `make run`, `make test` and
  tests/settings.py) a missing SECRET_KEY stops the start with a message saying what to set,
  and DEBUG is off unless asked for.
- Responses carrying personal data are marked no-store; static files and the field app's
  shell stay cacheable.
- Every page sends a Content-Security-Policy that runs scripts from this site's files only,
  and the pages contain no inline script for it to block.
- seed_demo refuses a production database unless forced.
"""

import io
import json
import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from households.models import Area
from tests.test_compose import BASE_DIR, COMPOSE, environment, interpolate

# Only what a process needs to run at all: no SECRET_KEY, DEBUG or TUNGNHA_EMBEDDED leaks in
# from the environment the tests run in.
BASE_ENV = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
SETTINGS_ENV = {"DJANGO_SETTINGS_MODULE": "outreach.config.settings"}


def web_environment() -> dict[str, str]:
    services = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]
    return environment(services["web"])


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env={**BASE_ENV, **env}, capture_output=True, text=True, timeout=120
    )


def settings_in(env: dict[str, str], *names: str) -> dict:
    probe = f"import json, outreach.config.settings as s; print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    result = run(["-c", probe], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- production, as compose runs it


def test_it_passes_check_deploy_with_the_environment_compose_gives_web():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], web_environment())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output and "security.W" not in output


def test_it_serves_https_only_behind_the_compose_proxy_but_answers_the_healthcheck_on_http(client, db, settings):
    compose = settings_in(
        web_environment(), "SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT", "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
    )  # fmt: skip
    assert compose["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert compose["SESSION_COOKIE_SECURE"] and compose["CSRF_COOKIE_SECURE"] and compose["SESSION_COOKIE_HTTPONLY"]
    for name, value in compose.items():
        setattr(settings, name, tuple(value) if name == "SECURE_PROXY_SSL_HEADER" else value)

    # The compose healthcheck: plain http from inside the container, no proxy header.
    assert client.get("/healthz/").status_code == 200
    # Anyone else on plain http is sent to https.
    redirected = client.get("/bao-cao/")
    assert redirected.status_code == 301
    assert redirected["Location"].startswith("https://testserver/bao-cao/")
    # Through the proxy: served, and told to stay on https for a year.
    through_proxy = client.get("/accounts/login/", headers={"x-forwarded-proto": "https"})
    assert through_proxy.status_code == 200
    assert through_proxy["Strict-Transport-Security"] == f"max-age={compose['SECURE_HSTS_SECONDS']}; includeSubDomains"


def test_it_publishes_web_on_this_machine_only_since_it_believes_x_forwarded_proto():
    services = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]
    assert environment(services["web"])["TRUST_X_FORWARDED_PROTO"] == "True"
    assert [interpolate(str(p), {}) for p in services["web"]["ports"]] == ["127.0.0.1:8000:8000"]


# ---------------------------------------------------------------- the embedded mode must be asked for


def test_it_refuses_to_start_without_a_secret_key_outside_the_embedded_mode_saying_what_to_set():
    result = run(["manage.py", "check"], SETTINGS_ENV)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr
    assert "set SECRET_KEY to 50 or more random characters" in result.stderr
    assert "TUNGNHA_EMBEDDED=1" in result.stderr


def test_it_defaults_to_production_when_only_the_key_is_given():
    configured = settings_in(
        {**SETTINGS_ENV, "SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz"},
        "DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER",
    )  # fmt: skip
    # A proxy is never assumed: without TRUST_X_FORWARDED_PROTO a client's header is not believed.
    assert configured == {
        "DEBUG": False, "SECURE_SSL_REDIRECT": True, "SESSION_COOKIE_SECURE": True, "SECURE_PROXY_SSL_HEADER": None
    }  # fmt: skip


def test_it_starts_in_the_embedded_mode_with_debug_and_a_development_key():
    result = run(["manage.py", "check"], {**SETTINGS_ENV, "TUNGNHA_EMBEDDED": "1"})
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    configured = settings_in({**SETTINGS_ENV, "TUNGNHA_EMBEDDED": "1"}, "DEBUG", "SECURE_SSL_REDIRECT", "SECRET_KEY")
    assert configured["DEBUG"] is True and configured["SECURE_SSL_REDIRECT"] is False
    assert configured["SECRET_KEY"].startswith("dev-only")


# ---------------------------------------------------------------- no-store on personal data


def signed_in(client, user):
    client.force_login(user)
    return client


def test_it_marks_the_pull_the_report_lists_and_exports_no_store(client, world):
    signed_in(client, world.alice)
    responses = [client.get("/api/v1/sync/pull"), client.get("/app/session"), client.get("/tai-khoan/thiet-bi/")]
    client.force_login(world.police)
    list_url = reverse("reports:list", args=[world.commune.id, "chua-den"])
    responses += [client.get(list_url), client.get(reverse("reports:list_csv", args=[world.commune.id, "chua-den"]))]
    client.force_login(world.leader)
    responses += [client.get(reverse("leaders:turfs", args=[world.group1.id])), client.get("/to/")]
    # Each one served (/to/ sends a leader on to the group's page).
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 200, 200, 302]
    for response in responses:
        cache_control = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache_control, response.wsgi_request.path
        assert response["Pragma"] == "no-cache"


def test_it_marks_the_admin_and_a_signed_out_redirect_no_store(client, world):
    assert "no-store" in client.get("/bao-cao/")["Cache-Control"]  # the redirect to sign in
    staff = User.objects.create_superuser("quantri", password="matkhau-123")
    signed_in(client, staff)
    response = client.get("/admin/households/resident/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and response["Pragma"] == "no-cache"


def test_it_leaves_static_files_and_the_field_app_shell_cacheable(client, world, settings):
    # WhiteNoise, as in production, finding the files in the source tree (no collectstatic here).
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    static = client.get("/static/frontend/base.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "") and not static.has_header("Pragma")
    signed_in(client, world.alice)
    shell = client.get("/app/")
    assert shell.status_code == 200
    assert "no-store" not in shell["Cache-Control"]


# ---------------------------------------------------------------- Content-Security-Policy


def policy(response) -> dict[str, list[str]]:
    directives = [d.split() for d in response["Content-Security-Policy"].split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def test_it_sends_a_policy_that_runs_only_this_sites_script_files(client, world):
    for response in (client.get("/accounts/login/"), signed_in(client, world.alice).get("/app/")):
        assert response.status_code == 200
        csp = policy(response)
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'"]
        assert not any(k.startswith("script-src-") for k in csp), "script-src-elem/-attr would override script-src"
        assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
        # Style attributes only: stylesheets and <style> elements come from files.
        assert csp["style-src-elem"] == ["'self'"]
        assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"


class InlineScripts(HTMLParser):
    """<script> elements the policy would block: no src and not a JSON data block (which a
    browser never executes), and on...= handler attributes."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        data = attrs.get("type") in ("application/json", "application/ld+json")
        if tag == "script" and "src" not in attrs and not data:
            self.found.append(self.get_starttag_text())
        self.found += [f"<{tag} {name}=...>" for name in attrs if name.startswith("on")]


def inline_scripts(response) -> list[str]:
    parser = InlineScripts()
    parser.feed(response.content.decode())
    return parser.found


def test_it_renders_no_inline_script_on_the_pages_people_use(client, world):
    pages = [("/accounts/login/", None), ("/app/", world.alice), ("/", world.alice),
             ("/tai-khoan/thiet-bi/", world.alice), ("/to/", world.leader),
             ("/bao-cao/", world.police), (reverse("reports:progress", args=[world.commune.id]), world.police),
             (reverse("reports:list", args=[world.commune.id, "chua-den"]), world.police),
             (reverse("reports:chat", args=[world.commune.id]), world.police)]  # fmt: skip
    for path, user in pages:
        if user:
            client.force_login(user)
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert user is None or "/accounts/login/" not in response.wsgi_request.path, path
        assert inline_scripts(response) == [], path


def test_it_renders_the_admin_without_inline_script(client, world):
    signed_in(client, User.objects.create_superuser("quantri", password="matkhau-123"))
    household = world.households_a[0]
    resident = household.residents.first()
    for path in ("/admin/", "/admin/households/resident/", f"/admin/households/resident/{resident.pk}/change/",
                 f"/admin/households/household/{household.pk}/change/", "/admin/outreach/rolegrant/"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200, path
        assert inline_scripts(response) == [], path
    client.logout()
    assert inline_scripts(client.get("/admin/login/")) == []


# ---------------------------------------------------------------- seed_demo


def test_it_refuses_to_seed_the_demo_on_a_production_database_unless_forced(db, settings):
    settings.DEBUG, settings.EMBEDDED = False, False
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", "--households", "200", stdout=io.StringIO())
    assert "DEBUG đang tắt" in str(refused.value) and "--force-on-production" in str(refused.value)
    assert not Area.objects.exists() and not User.objects.filter(username="admin").exists()

    call_command("seed_demo", "--households", "200", "--force-on-production", stdout=io.StringIO())
    assert User.objects.get(username="admin").is_superuser


def test_it_seeds_the_demo_in_the_embedded_mode_even_with_debug_off(db, settings):
    # `make bench` seeds its scratch database with DEBUG off, as production runs.
    settings.DEBUG, settings.EMBEDDED = False, True
    call_command("seed_demo", "--households", "200", stdout=io.StringIO())
    assert Area.objects.exists()
