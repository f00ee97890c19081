"""The caller's page in Chromium at 360×740 and 1366×768: sign in, open "Gọi điện hỗ trợ"
from the home page, take a batch, set a call-back for tomorrow evening and record a missed
call; the batch shrinks by the two, the call-back waits below, and nothing scrolls
sideways. The pictures go to TUNGNHA_SHOTS_DIR when set (to be looked at)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outreach.models import Role, Visit

from tests.fixtures import build_world, make_user
from tests.test_calls import with_phones

from .conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, PHONE

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1366, "height": 768}


def test_a_caller_takes_numbers_and_records_calls_on_a_phone(transactional_db, live_server, playwright, shots_dir):
    world = build_world(households_per_turf=6)
    with_phones(world)
    make_user("goidien", area=world.commune, role=Role.CALLER)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        page = browser.new_page(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        page.goto(f"{live_server.url}/accounts/login/?next=/")
        page.fill("input[name=username]", "goidien")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.get_by_role("link", name="Gọi điện hỗ trợ").click()
        page.wait_for_url(f"**/goi-dien/{world.commune.pk}/")
        assert page.locator("#left-in-pool").inner_text() == "24"
        page.get_by_role("button", name="Nhận số để gọi").click()
        expect(page.get_by_text("Đã nhận 20 số mới, 0 số hẹn gọi lại đến giờ.")).to_be_visible()  # waits for the answer
        expect(page.locator("#left-in-batch")).to_have_text("20")
        assert page.locator("li.call a.tel").first.get_attribute("href").startswith("tel:+849")
        first = page.locator("li.call").first
        first.locator("summary:has-text('Hẹn gọi lại')").click()
        tomorrow = timezone.localtime() + datetime.timedelta(days=1)
        first.locator("input[name=callback_at]").fill(tomorrow.strftime("%Y-%m-%dT19:30"))
        first.get_by_role("button", name="Ghi hẹn gọi lại").click()
        expect(page.get_by_text("Đã ghi: Hẹn gọi lại.")).to_be_visible()  # waits for the answer
        page.locator("li.call").first.get_by_role("button", name="Không nghe máy").click()
        expect(page.get_by_text("Đã ghi: Không nghe máy.")).to_be_visible()  # waits for the answer
        expect(page.locator("#left-in-batch")).to_have_text("18")
        expect(page.locator("section.upcoming li")).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(shots_dir / "calls-360.png"))
        page.locator("li.call").first.locator("summary:has-text('Đã hỗ trợ qua điện thoại')").click()
        page.locator("li.call").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots_dir / "calls-360-row.png"))
        page.set_viewport_size(DESKTOP)
        page.evaluate("window.scrollTo(0, 0)")
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
        page.screenshot(path=str(shots_dir / "calls-1366.png"))
    finally:
        browser.close()
    assert Visit.objects.filter(channel="phone").count() == 2
