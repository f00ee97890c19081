"""GPS on a visit, optional: the app asks once, records the position and its accuracy with
the visit where the volunteer allowed it, and never makes saving wait for a fix."""

import pytest

from outreach.models import Visit
from tests.fixtures import build_world

pytestmark = pytest.mark.browser

DOI_CAN = {"latitude": 21.035123, "longitude": 105.821456, "accuracy": 18}


def test_it_asks_once_and_records_the_position_with_the_visit(transactional_db, live_server, phone):
    world = build_world(households_per_turf=3)
    phone.context.grant_permissions(["geolocation"], origin=live_server.url)
    phone.context.set_geolocation(DOI_CAN)
    phone.sign_in("alice")
    first, second = world.households_a[:2]

    phone.open_household(first.id)
    ask = phone.page.locator("#gps-ask")
    assert "Ghi vị trí cùng lượt đến nhà" in ask.inner_text()
    ask.locator('[data-gps="yes"]').click()
    # The fix comes from watchPosition: the visit takes it once it is there.
    phone.page.wait_for_selector("#gps-ask", state="detached")
    phone.page.wait_for_function("async () => { const m = await import('/static/fieldapp/geo.js');"
                                 " return 'latitude' in m.positionFields(); }")  # fmt: skip
    phone.record_visit(outcome="nobody_home")
    phone.wait_queue_empty()
    stored = Visit.objects.get(household=first)
    assert (float(stored.latitude), float(stored.longitude), stored.accuracy_m) == (21.035123, 105.821456, 18)

    # Asked once: the next household goes straight to the form.
    phone.open_household(second.id)
    assert phone.page.locator("#gps-ask").count() == 0
    phone.record_visit(outcome="refused")
    phone.wait_queue_empty()
    assert Visit.objects.get(household=second).latitude is not None


def test_it_saves_without_a_position_when_refused_or_denied(transactional_db, live_server, phone):
    world = build_world(households_per_turf=3)
    phone.sign_in("alice")  # no permission granted: the browser denies geolocation
    first, second, third = world.households_a[:3]

    # "Không": never asked again, nothing recorded.
    phone.open_household(first.id)
    phone.page.click('#gps-ask [data-gps="no"]')
    phone.record_visit(outcome="nobody_home")
    phone.open_household(second.id)
    assert phone.page.locator("#gps-ask").count() == 0
    phone.record_visit(outcome="refused")

    # "Cho phép" where the browser then refuses the permission: saving does not wait, and
    # the app stops asking.
    phone.page.evaluate("localStorage.removeItem('tn.gps')")
    phone.open_household(third.id)
    phone.page.click('#gps-ask [data-gps="yes"]')
    phone.record_visit(outcome="nobody_home")
    phone.page.wait_for_function("() => localStorage.getItem('tn.gps') === 'no'")
    phone.wait_queue_empty()
    assert Visit.objects.filter(household__in=[first, second, third]).count() == 3
    assert not Visit.objects.filter(latitude__isnull=False).exists()
