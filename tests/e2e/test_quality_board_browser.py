"""The data-quality board at 1366×768 in Chromium, on the demo ward with a few of the
problems the board exists for added on top (a door-made duplicate, a garbled name, an
evening recorded too fast, a move reported at the door): every group fits the screen
without scrolling sideways, each figure links to its list, and a list's action works.
The picture goes to TUNGNHA_SHOTS_DIR when set (to be looked at), else a temporary folder."""

import datetime
import io
import uuid

import pytest
from playwright.sync_api import expect
from django.apps import apps as django_apps
from django.core.management import call_command
from django.utils import timezone

from households.models import AreaKind, Area, Household, Resident
from households.services import resident_create
from outreach.demo import DEMO_PASSWORD
from outreach.models import Campaign, OutcomeCode, Visit
from outreach.visits.projection import projection_rebuild

from tests.fixtures import seed_outcome_codes

from .conftest import CHROMIUM, CHROMIUM_ARGS, PHONE

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1366, "height": 768}


def _problems() -> None:
    """What a real ward's data holds on a bad week."""
    campaign = Campaign.objects.get()
    households = list(Household.objects.order_by("id")[:40])
    someone = Resident.objects.filter(id_number__isnull=False, birth_date__isnull=False).order_by("id").first()
    resident_create(household=households[-1], full_name=someone.full_name, birth_date=someone.birth_date,
                    sex=someone.sex, id_number=someone.id_number)  # queued as a possible duplicate  # fmt: skip
    garbled = Resident.objects.exclude(pk=someone.pk).order_by("id")[3]
    Resident.objects.filter(pk=garbled.pk).update(full_name="Nguy?n Th? Lan")
    volunteer = Visit.objects.order_by("id").first().recorded_by
    start = timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0) - datetime.timedelta(days=1)
    outcome = OutcomeCode.objects.get(code="visited", campaign=None)
    for n, household in enumerate(households[:14]):
        when = start + datetime.timedelta(seconds=30 * n)
        Visit.objects.create(client_uuid=uuid.uuid4(), campaign=campaign, household=household, recorded_by=volunteer,
                             device_time=when, server_time=when, effective_time=when, outcome=outcome)  # fmt: skip
    projection_rebuild(campaign=campaign)


def test_the_quality_board_fits_a_desktop_and_links_to_its_lists(transactional_db, live_server, playwright, shots_dir):
    seed_outcome_codes(django_apps, None)  # an earlier transactional test flushed the migration's rows
    call_command("seed_demo", "--households", "300", stdout=io.StringIO())
    _problems()
    commune = Area.objects.get(kind=AreaKind.COMMUNE)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        page = browser.new_page(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        page.goto(f"{live_server.url}/accounts/login/?next=/")
        page.fill("input[name=username]", "congan")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.get_by_role("link", name="Chất lượng dữ liệu").click()
        page.wait_for_url(f"**/chat-luong-du-lieu/{commune.pk}/")
        for heading in ("Đúng", "Đủ", "Sạch", "Sống", "Cần xem lại"):
            assert page.locator(f"section.quality-group h2:has-text('{heading}')").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
        page.screenshot(path=str(shots_dir / "quality-board-1366.png"))
        page.set_viewport_size(PHONE)  # commune police read it on a phone too: one column, no sideways scroll
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(shots_dir / "quality-board-360.png"))
        page.set_viewport_size(DESKTOP)
        page.locator("a.figure:has-text('Ghi nhanh bất thường')").click()
        expect(page.locator("table.quality-table tbody tr")).to_have_count(1)  # waits for the page
        page.screenshot(path=str(shots_dir / "quality-list-fast-1366.png"))
        page.go_back()
        page.locator("a.figure:has-text('Nghi trùng số định danh')").click()
        expect(page.locator("table.quality-table tbody")).to_contain_text("••••••••")  # never the full number
        page.screenshot(path=str(shots_dir / "quality-list-duplicates-1366.png"))
        page.get_by_role("button", name="Gộp, giữ mọi lượt đến").first.click()
        expect(page.get_by_text("Đã gộp hai bản ghi; mọi lượt đến nhà được giữ lại.")).to_be_visible()
        page.screenshot(path=str(shots_dir / "quality-list-merged-1366.png"))
    finally:
        browser.close()
