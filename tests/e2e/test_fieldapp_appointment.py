"""An offline evening with a home appointment, in Chromium: the group leader books a
window and the team for an elderly resident living alone on the booking page (1366×768);
the team's phone pulls it and shows it first on the walk list with its window, still with
no signal; the visit recorded there offline closes it once the phone syncs.

    TUNGNHA_SHOTS_DIR=docs/screenshots .venv/bin/python -m pytest tests/e2e/test_fieldapp_appointment.py

writes docs/screenshots/appointments-1366.png and appointment-360.png (to be looked at).
"""

import datetime

import pytest
from django.utils import timezone

from households.models import Resident
from outreach.appointments.models import Appointment
from outreach.models import Visit
from tests.fixtures import build_world

from .conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1366, "height": 768}


def _window() -> tuple[datetime.datetime, datetime.datetime]:
    """Half an hour ago to an hour and a half from now, inside today (the visit is now)."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = max(midnight, (now - datetime.timedelta(minutes=30)).replace(second=0, microsecond=0))
    end = min(midnight.replace(hour=23, minute=59), start + datetime.timedelta(hours=2))
    return start, end


def _book_on_the_desktop(playwright, url: str, world, household, shots_dir) -> None:
    start, end = _window()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        page = browser.new_page(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        page.goto(f"{url}/accounts/login/?next=/hen-tai-nha/")
        page.fill("input[name=username]", "leader")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("h1 >> text=Hẹn đến tận nhà")
        page.click(f'a[href="/hen-tai-nha/{world.group1.pk}/ho/{household.pk}/"]')
        page.fill("#day", f"{start:%d/%m/%Y}")
        page.fill("#start", f"{end:%H:%M}")
        page.fill("#end", f"{start:%H:%M}")  # backwards: refused, in Vietnamese, the form kept
        page.click("button[type=submit] >> text=Đặt lịch")
        assert page.inner_text("[role=alert]") == "Giờ kết thúc phải sau giờ bắt đầu."
        page.screenshot(path=str(shots_dir / "appointments-form-1366.png"))
        page.fill("#start", f"{start:%H:%M}")
        page.fill("#end", f"{end:%H:%M}")
        assert page.input_value("#team") == str(world.team_a.pk)  # the team holding the lane
        page.fill("#note", "Bà Hoà ở tầng 2, gọi cửa to")
        page.click("button[type=submit] >> text=Đặt lịch")
        page.wait_for_selector(".messages >> text=Đã đặt lịch hẹn.")
        assert f"{start:%H:%M}–{end:%H:%M}" in page.inner_text("table.data")
        page.goto(f"{url}/hen-tai-nha/{world.group1.pk}/")
        page.wait_for_selector("table.data")
        assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
        page.screenshot(path=str(shots_dir / "appointments-1366.png"))
    finally:
        browser.close()


def test_an_offline_evening_starts_at_the_appointment_and_its_visit_closes_it(
        transactional_db, live_server, playwright, phone, shots_dir):  # fmt: skip
    world = build_world(households_per_turf=6)
    household = world.households_a[3]
    Resident.objects.filter(household=household, full_name__startswith="Trần").update(elderly_alone=True)
    Resident.objects.filter(household=world.households_a[5], full_name__startswith="Nguyễn Văn").update(disabled=True)
    phone.sign_in("alice")  # the lane is on the phone before anything is booked

    _book_on_the_desktop(playwright, live_server.url, world, household, shots_dir)
    appointment = Appointment.objects.get()
    start, end = (timezone.localtime(t) for t in (appointment.starts_at, appointment.ends_at))

    phone.start()  # the app syncs as it opens: the booking comes as a change of the household
    page = phone.page
    page.wait_for_selector(".appts .appt")
    phone.offline()
    page.reload()  # no signal: the shell from the service worker, the appointment from IndexedDB
    page.wait_for_selector(".appts .appt")
    first = page.locator("#view > *").first
    assert first.get_attribute("class") == "appts"  # before the turf's name and the whole walk list
    card = page.locator(".appts .appt")
    assert card.locator(".win").inner_text() == f"{start:%H:%M}–{end:%H:%M}"
    assert card.locator(".addr").inner_text().lower() == household.address_display.lower()
    assert card.locator(".note").inner_text() == "Bà Hoà ở tầng 2, gọi cửa to"
    assert card.locator(".st").inner_text() == "Đang trong giờ hẹn"
    page.screenshot(path=str(shots_dir / "appointment-360.png"))

    card.click()  # the evening starts there
    page.wait_for_selector(f'h1:text-is("{household.address_display}")')
    resident = household.residents.get(full_name__startswith="Trần")
    phone.record_visit(outcome="visited", resident_outcomes={resident.id: "assisted_l2_activated"})
    phone.go("#/")
    page.wait_for_selector(".appts .a-recorded")
    assert page.inner_text(".appts .st") == "Đã ghi lượt đến, chờ gửi"  # closed on the phone, offline
    assert Visit.objects.count() == 0 and Appointment.objects.get().status == "booked"

    phone.offline(False)
    page.reload()
    phone.wait_queue_empty()
    visit = Visit.objects.get()
    appointment.refresh_from_db()
    assert appointment.status == "done" and appointment.visit_id == visit.id
    phone.go("#/")
    page.wait_for_selector(".appts .a-done")
    assert page.inner_text(".appts .st") == "Đã đến"


def test_a_shift_opens_on_a_phone_with_the_last_hand_over_first(transactional_db, live_server, playwright, shots_dir):
    from outreach.models import TeamMembership
    from outreach.shifts.models import Shift

    world = build_world(households_per_turf=3)
    TeamMembership.objects.filter(team=world.team_a, user=world.alice).update(is_lead=True)
    now = timezone.now()
    last = Shift.objects.create(team=world.team_a, started_at=now - datetime.timedelta(hours=20),
                                ended_at=now - datetime.timedelta(hours=17), closed_by=world.bob,
                                handover_note="Số 2 hẹn 19:00 thứ Bảy; cụ ở số 3 cần mang CCCD gắn chip")  # fmt: skip
    last.members.set([world.bob])
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        page = browser.new_page(viewport={"width": 360, "height": 740}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        page.goto(f"{live_server.url}/accounts/login/?next=/ca-lam-viec/")
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector(".handover blockquote")
        text = page.inner_text("main")
        assert text.index("Bàn giao từ ca trước") < text.index("Số 2 hẹn 19:00") < text.index("Mở ca mới")
        page.check(f'input[name=member][value="{world.bob.pk}"]')
        page.click("button >> text=Mở ca")
        page.wait_for_selector(".messages >> text=Đã mở ca.")
        assert set(Shift.objects.get(ended_at__isnull=True).members.all()) == {world.alice, world.bob}
        assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
        page.screenshot(path=str(shots_dir / "appointments-shift-360.png"), full_page=True)
    finally:
        browser.close()
