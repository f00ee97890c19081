"""The people a refreshed roster no longer lists, confirmed on the upload page in a real
browser at 360×740, as a commune police officer does it after the weekly import: one person
by their own button, then the ticked ones. Screenshot: roster-gone-confirm-360.png in
TUNGNHA_SHOTS_DIR (shots_dir)."""

import pytest

from households.models import ResidenceStatus, Resident
from households.roster import roster_import
from outreach.audit.models import AuditAction, AuditEvent
from tests.fixtures import build_world
from tests.test_roster_reimport import ANH, FIRST, HUNG, KHOI, LAN, roster

from .conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from .test_roster_upload_browser import sign_in

pytestmark = pytest.mark.browser


def test_an_officer_confirms_who_moved_and_who_died_after_a_reimport(transactional_db, live_server, playwright,
                                                                   tmp_path, shots_dir):  # fmt: skip
    world = build_world()
    roster_import(area=world.group1, data=FIRST)  # last week's list
    refreshed = tmp_path / "To1-tuan-nay.csv"  # this week's: Lê Thị Hoà and Đặng Thị Thu are not on it
    refreshed.write_bytes(roster(HUNG.format(phone="0912345678"), LAN.format(name="Trần Thi Lan"), KHOI,
                                 ANH.format(phone="0383456789")))  # fmt: skip
    hoa, thu = Resident.objects.get(full_name="Lê Thị Hoà"), Resident.objects.get(full_name="Đặng Thị Thu")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        page = browser.new_page(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        sign_in(page, live_server.url)
        page.select_option("select[name=area]", str(world.group1.pk))
        page.set_input_files("input[type=file]", str(refreshed))
        page.click("button[type=submit]")
        page.wait_for_selector("form[action$='/nhap/'] button")
        gone = page.locator("ul.gone li")
        # Only the two last week's list had: the nine people added at the door are not "gone".
        assert gone.count() == 2 and "Lê Thị Hoà" in gone.all_inner_texts()[0] + gone.all_inner_texts()[1]
        page.click("form[action$='/nhap/'] button")
        page.wait_for_selector(".done")

        page.get_by_role("button", name="Lê Thị Hoà: đã mất").click()
        page.wait_for_selector("p.done[role=status] >> text=Đã xác nhận 1 người.")
        assert Resident.objects.get(pk=hoa.pk).residence_status == ResidenceStatus.DECEASED
        assert page.get_by_role("button", name="Lê Thị Hoà: đã mất").count() == 0
        page.get_by_role("checkbox", name="Đặng Thị Thu").check()
        page.evaluate("document.getElementById('gone').scrollIntoView()")
        page.screenshot(path=str(shots_dir / "roster-gone-confirm-360.png"))  # the 360×740 screen
        page.get_by_role("button", name="Người đã đánh dấu: đã chuyển đi").click()
        page.wait_for_selector("p.done[role=status] >> text=Đã xác nhận 1 người.")
        assert Resident.objects.get(pk=thu.pk).residence_status == ResidenceStatus.MOVED
        texts = " ".join(page.locator("ul.gone li").all_inner_texts())
        assert "Đã mất" in texts and "Đã chuyển đi" in texts and page.locator("ul.gone input").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert AuditEvent.objects.filter(action=AuditAction.CONFIRM_GONE, user_id=world.police.pk).count() == 2
        assert page.locator("button[name=status]").count() == 0  # nobody left to tick
    finally:
        browser.close()
