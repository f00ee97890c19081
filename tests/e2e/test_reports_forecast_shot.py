"""The report page's trend chart at 360×740 with the forecast line to the deadline, in
Chromium: the line is drawn inside the visible chart (not cut off at the phone's width).
The picture goes to TUNGNHA_SHOTS_DIR when set (to be looked at), else a temporary folder."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from outreach.models import AreaDailySnapshot, AreaRollup
from outreach.rollups.services import rollups_rebuild
from tests.fixtures import build_world

from .conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, PHONE

pytestmark = pytest.mark.browser


def test_the_report_page_shows_the_forecast_line_on_a_phone(transactional_db, live_server, playwright, tmp_path):
    world = build_world()
    rollups_rebuild(campaign=world.campaign)
    today = timezone.localdate()
    # Three weeks of a steady climb, then today's rollup: about 2 activations a day.
    for days_ago in range(21, 0, -1):
        done = 21 - days_ago
        day = today - datetime.timedelta(days=days_ago)
        AreaDailySnapshot.objects.create(campaign=world.campaign, area=world.commune, day=day,
                                         level2_registered=7 * done // 4, level2_activated=done // 2)  # fmt: skip
    # Today's snapshot and the rollup are written together: the same figures.
    AreaRollup.objects.filter(area=world.commune).update(level2_registered=38, level2_activated=11)
    AreaDailySnapshot.objects.filter(area=world.commune, day=today).update(level2_registered=38, level2_activated=11)
    out = Path(os.environ.get("TUNGNHA_SHOTS_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        page = browser.new_page(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        page.goto(f"{live_server.url}/accounts/login/?next=/bao-cao/{world.commune.id}/")
        page.fill("input[name=username]", "police")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        chart = page.locator(".chart-phone svg.trend")
        chart.wait_for()
        line = page.locator(".chart-phone line.forecast.activated")
        assert line.count() == 1
        box, frame = line.bounding_box(), chart.bounding_box()
        assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
        assert frame["x"] + frame["width"] <= PHONE["width"]  # no sideways scroll
        assert page.get_by_text("Dự báo đến hạn (nét chấm)").is_visible()
        chart.scroll_into_view_if_needed()
        page.screenshot(path=str(out / "reports-forecast-360.png"))
        chart.screenshot(path=str(out / "reports-forecast-chart-360.png"))
    finally:
        browser.close()
