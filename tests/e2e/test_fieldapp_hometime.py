"""When someone is usually home, where the team decides, at 360×740: the household's
sentence ("Thường có người ở nhà sau 19:00 ngày thường — 4 trên 5 lần"), the learned time
as the default revisit when recording "nobody home" (none for a household never found
home: the sentence says KT2 instead), and the walk list's "Nên đến bây giờ" order, all from
what the pull brought, offline.

    TUNGNHA_SHOTS_DIR=docs/screenshots .venv/bin/python -m pytest tests/e2e/test_fieldapp_hometime.py

writes docs/screenshots/hometime-household-360.png, hometime-revisit-360.png and
hometime-walklist-360.png (to be looked at).
"""

import datetime

import pytest
from django.utils import timezone

from outreach.hometime.estimate import likely_now
from outreach.hometime.selectors import home_estimates
from tests.fixtures import build_world
from tests.sync_helpers import VISIT_DAY, client_for, hanoi_time, push, statuses, visit

pytestmark = pytest.mark.browser

MONDAY = VISIT_DAY - datetime.timedelta(days=VISIT_DAY.weekday() + 7)
HOURS = (8, 12, 15, 17, 19, 21)  # one visit time in each window of a day


def at(days: int, hour: int) -> str:
    return hanoi_time(MONDAY + datetime.timedelta(days=days), hour, 30).isoformat()


def every_window(world, household, outcome):
    return [visit(world, household, outcome=outcome, when=at(day, hour)) for day in (1, 5) for hour in HOURS]


def history(world):
    """Five households of one lane: an office worker home after 19:00 (4 of 5), two never
    found home in any window, one never visited, one home at every hour."""
    h1, h2, h3, h4, h5 = world.households_a
    items = [visit(world, h1, when=at(d, 19)) for d in range(4)] + [visit(world, h1, outcome="nobody_home", when=at(4, 19))]
    items += every_window(world, h2, "nobody_home") + every_window(world, h3, "nobody_home")
    items += every_window(world, h5, "visited")
    assert set(statuses(push(client_for(world.alice), items))) == {"accepted"}


def open_at(phone, household):
    """Open the household and wait for its own screen (not the last one's form)."""
    phone.open_household(household.id)
    phone.page.wait_for_selector(f'h1:text-is("{household.address_display}")')


def test_the_household_says_when_someone_is_home_and_the_walk_list_goes_there_now(
        transactional_db, live_server, phone, shots_dir):  # fmt: skip
    world = build_world(households_per_turf=5)
    history(world)
    h1, h2, h3, h4, h5 = world.households_a
    phone.sign_in("alice")
    phone.offline()  # everything below comes from the phone's own copy
    page = phone.page

    # "Nên đến bây giờ": those likely home in this window first, each part in walk order.
    walk = [h.id for h in world.households_a]
    estimates = home_estimates(households=world.households_a)
    now = timezone.now()
    likely = [i for i in walk if i in estimates and likely_now(estimates[i], now=now)]
    assert h5.id in likely and h2.id not in likely
    page.click("#order")
    page.wait_for_selector("#order[aria-pressed=true]")
    shown = [int(a.get_attribute("href").split("/")[-1]) for a in page.locator(".walk li a").all()]
    assert shown == likely + [i for i in walk if i not in likely]
    assert page.locator(f'.walk a[href="#/h/{h5.id}"] .now').inner_text() == "Giờ này hay có người ở nhà"
    assert page.locator(f'.walk a[href="#/h/{h2.id}"] .now').count() == 0
    page.screenshot(path=str(shots_dir / "hometime-walklist-360.png"))
    page.click("#order")  # back to the walk
    page.wait_for_selector("#order[aria-pressed=false]")
    assert [int(a.get_attribute("href").split("/")[-1]) for a in page.locator(".walk li a").all()] == walk

    # The household: the sentence, and the learned time chosen when nobody is home.
    open_at(phone, h1)
    assert page.inner_text(".hometime") == "Thường có người ở nhà sau 19:00 ngày thường — 4 trên 5 lần"
    page.click('[data-ho="nobody_home"]')
    learned = page.locator('[data-rv="learned"]')
    assert learned.get_attribute("aria-pressed") == "true"
    assert page.locator('[data-rv="evening"]').get_attribute("aria-pressed") == "false"
    page.screenshot(path=str(shots_dir / "hometime-household-360.png"))
    learned.scroll_into_view_if_needed()
    page.evaluate("() => scrollBy(0, 120)")
    page.screenshot(path=str(shots_dir / "hometime-revisit-360.png"))
    label = learned.inner_text()
    assert label.endswith("19:00")  # the weekday evening it is usually home
    page.click("button.save")
    page.wait_for_selector(".saved >> text=Đã lưu trên máy")
    body = page.evaluate("""async () => {
        const db = await self.TN.db.open();
        return new Promise((ok) => { const r = db.transaction('outbox').objectStore('outbox').getAll();
                                     r.onsuccess = () => ok(r.result[0].body); });
    }""")
    come_back = datetime.datetime.fromisoformat(body["revisit_after"])
    assert (come_back.hour, come_back.minute, come_back.weekday() < 5) == (19, 0, True)
    assert body["revisit_note"] == f"{label} ({come_back:%d/%m})"  # the date kept for reading later

    # Never found home in twelve windows: the sentence says KT2, and no time is pressed.
    open_at(phone, h2)
    assert page.inner_text(".hometime") == "Chưa gặp được ai ở nhà trong 12 lần đến — có thể không ở đây (KT2)"
    page.click('[data-ho="nobody_home"]')
    assert page.locator('[data-rv="learned"]').count() == 0
    assert page.locator('[data-rv][aria-pressed="true"]').count() == 0

    # Never visited: its lane's rates speak.
    open_at(phone, h4)
    assert page.inner_text(".hometime").startswith("Hộ quanh đây")
