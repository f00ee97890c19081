"""The roster import in a real browser, as a commune police officer does it: upload the
ward's workbook, read the preview, confirm; at 1366×768 and at 360×740. Nothing is in the
registry before the confirmation. Screenshots go to TUNGNHA_SHOTS_DIR (shots_dir)."""

import pytest

from households.models import Resident
from tests.fixtures import build_world
from tests.test_roster_excel import BAD, GOOD, workbook

from .conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, PHONE

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1366, "height": 768}


def sign_in(page, base_url):
    page.goto(f"{base_url}/accounts/login/?next=/nhap-danh-sach/")
    page.fill("input[name=username]", "police")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("input[type=file]")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1366", "360"])
def test_an_officer_uploads_previews_and_confirms_a_roster(transactional_db, live_server, playwright, tmp_path,
                                                           shots_dir, size):  # fmt: skip
    world = build_world()
    good, bad = tmp_path / "To1.xlsx", tmp_path / "To1-loi.xlsx"
    good.write_bytes(workbook(GOOD))
    bad.write_bytes(workbook([*GOOD, *BAD]))
    before = Resident.objects.count()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        page = browser.new_page(viewport=size, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        sign_in(page, live_server.url)
        page.select_option("select[name=area]", str(world.group1.pk))
        page.set_input_files("input[type=file]", str(bad))
        page.click("button[type=submit]")
        page.wait_for_selector(".counts")
        assert "dòng bị từ chối" in page.inner_text(".counts")
        assert page.locator("tr.refused").count() == 4
        assert page.locator("form[action$='/nhap/']").count() == 0  # no import in part
        page.screenshot(path=str(shots_dir / f"roster-preview-refused-{size['width']}.png"), full_page=True)
        assert Resident.objects.count() == before

        page.click("text=‹ Nhập danh sách khác")
        page.select_option("select[name=area]", str(world.group1.pk))
        page.set_input_files("input[type=file]", str(good))
        page.click("button[type=submit]")
        page.wait_for_selector("form[action$='/nhap/'] button")
        page.screenshot(path=str(shots_dir / f"roster-preview-{size['width']}.png"), full_page=True)
        assert Resident.objects.count() == before  # a preview writes nothing
        page.click("form[action$='/nhap/'] button")
        page.wait_for_selector(".done")
        assert "Đã nhập 4 nhân khẩu" in page.inner_text(".done")
        assert Resident.objects.count() == before + 4
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        page.screenshot(path=str(shots_dir / f"roster-done-{size['width']}.png"))
    finally:
        browser.close()
