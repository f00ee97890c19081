"""The Content-Security-Policy in a real Chromium: every page people use, the field app with
its service worker and the admin run without a single violation. A violation means a script
or a style the browser refused, i.e. something on the page quietly stopped working."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.fixtures import build_world

from .conftest import PASSWORD, Phone

pytestmark = pytest.mark.browser

# Violations in the page, whatever the console says: the event names the directive and the
# blocked source. Reset by every navigation (a new document), read after each page.
WATCH = """document.addEventListener("securitypolicyviolation", (e) => {
  (window.__csp = window.__csp || []).push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});"""


def violations(phone: Phone) -> list[str]:
    found = phone.page.evaluate("window.__csp || []")
    return found + [line for line in phone.log if "Content Security Policy" in line or "Content-Security-Policy" in line]


def sign_in(phone: Phone, username: str, path: str):
    phone.context.clear_cookies()
    page = phone.page
    page.goto(f"{phone.base_url}/accounts/login/?next={path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")


def visit(phone: Phone, path: str) -> list[str]:
    phone.log.clear()
    response = phone.page.goto(f"{phone.base_url}{path}")
    assert response.status == 200, path
    assert "/login/" in path or "/login/" not in phone.page.url, f"{path}: sent to sign in"
    phone.page.wait_for_load_state("load")
    return [f"{path}: {v}" for v in violations(phone)]


def test_it_reports_no_violation_on_the_pages_the_field_app_and_the_admin(
    transactional_db, live_server, playwright, tmp_path
):
    world = build_world()
    User.objects.create_superuser("quantri", password=PASSWORD)
    phone = Phone(playwright, tmp_path / "profile", live_server.url).open()
    phone.context.add_init_script(WATCH)
    found = []

    # The login page registers the service worker from a file now, not an inline script.
    phone.page.goto(f"{live_server.url}/accounts/login/")
    assert phone.page.evaluate("navigator.serviceWorker.ready.then((r) => !!r.active)")
    found += [f"/accounts/login/: {v}" for v in violations(phone)]

    # The field app: signed in, the turf downloaded and the shell cached by the worker.
    phone.sign_in("alice")
    found += [f"/app/: {v}" for v in violations(phone)]
    phone.go("#/progress")
    phone.page.wait_for_selector(".bar")
    found += [f"/app/#/progress: {v}" for v in violations(phone)]

    sign_in(phone, "leader", "/to/")
    group, turf = world.group1.id, world.turf_a.id
    for path in ("/to/", reverse("leaders:turfs", args=[group]), reverse("leaders:turf", args=[turf]),
                 reverse("leaders:households", args=[group])):  # fmt: skip
        found += visit(phone, path)

    sign_in(phone, "police", "/bao-cao/")
    commune = world.commune.id
    for path in ("/bao-cao/", reverse("reports:progress", args=[commune]), reverse("reports:ranking", args=[commune]),
                 reverse("reports:list", args=[commune, "chua-den"]),
                 reverse("reports:chat", args=[commune])):  # fmt: skip
        found += visit(phone, path)

    phone.context.clear_cookies()
    found += visit(phone, "/admin/login/")
    phone.page.fill("input[name=username]", "quantri")
    phone.page.fill("input[name=password]", PASSWORD)
    phone.page.click("input[type=submit]")
    phone.page.wait_for_url("**/admin/")
    household = world.households_a[0]
    resident = household.residents.first()
    for path in ("/admin/", "/admin/households/resident/", f"/admin/households/resident/{resident.pk}/change/",
                 f"/admin/households/household/{household.pk}/change/", "/admin/outreach/rolegrant/add/",
                 "/admin/auth/user/"):  # fmt: skip
        found += visit(phone, path)
    phone.close()
    assert found == []
