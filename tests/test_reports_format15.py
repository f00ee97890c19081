"""Issue 15, items 7-9: the chat report reads as officers write it (proper names keep their
capital, no "(chưa giao chỉ tiêu) chỉ tiêu", 62,33%, "0"), a city's report stays pasteable;
one national phone format with a tel: link, addresses capitalised on display; the .xlsx
first, the CSV said to be UTF-8 for software, an autofilter on every exported sheet."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from households.models import Area, AreaKind, Household, Resident
from outreach.models import AreaDailySnapshot, Quota
from outreach.reports.chat_report import chat_report
from outreach.rollups.services import rollups_rebuild

from .sync_helpers import client_for
from .test_reports_naive import scenario  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def chat_text(world, area) -> str:
    response = client_for(world.police).get(reverse("reports:chat_text", args=[area.id]))
    assert response.status_code == 200
    return response.content.decode()


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


# 7. The group-chat report


@pytest.mark.parametrize("name", ["Cà Mau", "Việt Nam"])
def test_the_chat_report_keeps_the_capital_of_a_proper_name(scenario, name):
    world = scenario.world
    Area.objects.filter(pk=world.commune.pk).update(name=name)
    text = chat_text(world, world.commune)
    assert f"Toàn {name}:" in text
    assert f"Toàn {name[0].lower()}" not in text


def test_the_chat_report_lowercases_the_kind_of_unit_only(scenario):
    assert "Toàn phường Ba Đình:" in chat_text(scenario.world, scenario.world.commune)


def test_the_chat_report_without_a_quota_says_so_once(scenario):
    world = scenario.world
    Quota.objects.filter(area=world.commune).delete()
    rollups_rebuild(campaign=world.campaign)
    text = chat_text(world, world.commune)
    total = next(line for line in text.splitlines() if line.startswith("Toàn "))
    assert "(chưa giao chỉ tiêu) chỉ tiêu" not in text
    assert total.endswith("lũy kế 2 (chưa giao chỉ tiêu).")


def test_the_chat_report_writes_percent_and_zero_as_officers_do(scenario):
    world = scenario.world
    for area in (world.commune, world.group1, world.group2):
        AreaDailySnapshot.objects.create(campaign=world.campaign, area=area, day=yesterday(),
                                         households_visited=5, level2_activated=2)  # fmt: skip
    text = chat_text(world, world.commune)
    assert "13,33% chỉ tiêu" in text and " %" not in text.replace("theo %", "")
    assert "±" not in text
    assert "kích hoạt mức 2 hôm nay 0," in text


def _city(world, units: int) -> list[Area]:
    """`units` more communes under the province, each with a quota and yesterday's snapshot."""
    communes = []
    for n in range(units):
        commune = Area.objects.create(code=f"9{n:04d}", name=f"Phường Số {n:03d}", kind=AreaKind.COMMUNE,
                                      parent=world.province)  # fmt: skip
        Quota.objects.create(campaign=world.campaign, area=commune, activated_target=10)
        communes.append(commune)
    Quota.objects.create(campaign=world.campaign, area=world.province, activated_target=10 * units + 20)
    for area in [world.province, world.commune, world.other_commune, *communes]:
        AreaDailySnapshot.objects.create(campaign=world.campaign, area=area, day=yesterday())
    rollups_rebuild(campaign=world.campaign)
    return communes


def test_a_city_report_lists_the_lagging_and_active_units_only(scenario):
    world = scenario.world
    _city(world, 124)  # 126 communes, as Hà Nội
    report = chat_report(area=world.province, campaign=world.campaign)
    assert len(report.lines) == 126
    text = report.text
    assert len(text.encode()) < 3000, len(text.encode())  # pasteable in Zalo, not 15 KB
    unit_lines = [line for line in text.splitlines() if re.match(r"(\d+\.|-) ", line)]  # "3. X: …", "- Y: …"
    assert len(unit_lines) <= 15
    listed = len(unit_lines)
    assert f"… và {126 - listed} đơn vị khác." in text
    # Ba Đình has activity today (visits and an activation since yesterday's empty snapshot).
    assert any("Phường Ba Đình:" in line for line in unit_lines)
    # The most lagging first (0% of quota), the active unit after them.
    assert unit_lines[0].endswith("= 0,00%")
    ba_dinh = next(i for i, line in enumerate(unit_lines) if "Phường Ba Đình:" in line)
    assert all(line.endswith("= 0,00%") for line in unit_lines[:ba_dinh])


def test_a_commune_report_still_lists_every_group_in_rank_order(scenario):
    text = chat_text(scenario.world, scenario.world.commune)
    assert "đơn vị khác" not in text
    assert "Theo tổ dân phố (xếp hạng theo % chỉ tiêu kích hoạt):" in text


# 8. Phones and addresses


def test_a_landline_shows_in_the_national_format_with_an_international_tel_link(scenario):
    world = scenario.world
    person = Resident.objects.filter(phone="+84901112233").get()
    Resident.objects.filter(pk=person.pk).update(phone="+842438221234")
    response = client_for(world.police).get(reverse("reports:list", args=[world.commune.id, "goi-dien"]))
    html = response.content.decode()
    assert '<a class="tel" href="tel:+842438221234">024 3822 1234</a>' in html
    csv_body = b"".join(client_for(world.police).get(
        reverse("reports:list_csv", args=[world.commune.id, "goi-dien"])).streaming_content).decode("utf-8-sig")
    assert "024 3822 1234" in csv_body


def test_addresses_start_with_a_capital_in_lists_and_exports_but_are_stored_as_typed(scenario):
    world = scenario.world
    household = world.households_a[2]
    assert household.address_text.startswith("số ")  # composed: "số 3, Phố Đội Cấn"
    response = client_for(world.police).get(reverse("reports:list", args=[world.commune.id, "chua-den"]))
    html = response.content.decode()
    assert "Số 3, Phố Đội Cấn" in html and "số 3, Phố Đội Cấn" not in html
    body = b"".join(client_for(world.police).get(
        reverse("reports:list_csv", args=[world.commune.id, "chua-den"])).streaming_content).decode("utf-8-sig")
    addresses = [row[0] for row in csv.reader(io.StringIO(body))][1:]
    assert addresses and all(a[:1].isupper() for a in addresses)
    assert Household.objects.get(pk=household.pk).address_text == "số 3, Phố Đội Cấn"


def test_the_admin_shows_the_same_phone_and_address(client, scenario):
    world = scenario.world
    admin = User.objects.create_superuser(username="root", password="matkhau-123")
    client.force_login(admin)
    page = client.get(reverse("admin:households_resident_changelist")).content.decode()
    assert "0901 112 233" in page and "+84901112233" not in page
    page = client.get(reverse("admin:households_household_changelist")).content.decode()
    assert "Số 3, Phố Đội Cấn" in page and "số 3, Phố Đội Cấn" not in page
    person = Resident.objects.get(phone="+84901112233")
    form = client.get(reverse("admin:households_resident_change", args=[person.pk])).content.decode()
    assert 'value="0901 112 233"' in form


# 9. Exports


def test_the_list_page_offers_the_xlsx_first_and_says_what_the_csv_is_for(scenario):
    world = scenario.world
    html = client_for(world.police).get(reverse("reports:list", args=[world.commune.id, "chua-den"])).content.decode()
    xlsx = html.index(reverse("reports:list_xlsx", args=[world.commune.id, "chua-den"]))
    csv_at = html.index(reverse("reports:list_csv", args=[world.commune.id, "chua-den"]))
    assert xlsx < csv_at
    assert "CSV (UTF-8, cho phần mềm khác)" in html
    assert 'class="button secondary" href="' + reverse("reports:list_xlsx", args=[world.commune.id, "chua-den"]) \
        not in html  # the .xlsx is the primary button


def _sheet(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]


def test_every_list_export_has_an_autofilter_over_the_whole_table(scenario):
    world = scenario.world
    sheet = _sheet(client_for(world.police).get(reverse("reports:list_xlsx", args=[world.commune.id, "goi-dien"])))
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
    assert sheet.max_row > 1


def test_the_audit_export_has_an_autofilter_too(scenario):
    world = scenario.world
    client_for(world.police).get(reverse("reports:list", args=[world.commune.id, "chua-den"]))  # one event
    sheet = _sheet(client_for(world.police).get(reverse("reports:audit_xlsx")))
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.auto_filter.ref.endswith(str(sheet.max_row))


# The forecast line


def test_the_trend_chart_draws_each_forecast_to_the_deadline(world):
    from outreach.models import AreaRollup

    rollups_rebuild(campaign=world.campaign)
    today = timezone.localdate()
    for days_ago, registered, activated in ((3, 2, 1), (2, 5, 3), (1, 9, 6)):
        AreaDailySnapshot.objects.create(campaign=world.campaign, area=world.commune,
                                         day=today - datetime.timedelta(days=days_ago),
                                         level2_registered=registered, level2_activated=activated)  # fmt: skip
    AreaRollup.objects.filter(area=world.commune).update(level2_registered=12, level2_activated=8)
    response = client_for(world.police).get(reverse("reports:progress", args=[world.commune.id]))
    deadline = world.campaign.deadline
    for size in ("desktop", "phone"):
        svg = str(response.context["charts"][size])
        width = int(re.search(r'<svg[^>]* width="(\d+)"', svg)[1])
        number = r'="([\d.]+)"'
        line = re.search(rf'<line class="forecast activated" x1{number} y1{number} x2{number} y2{number}', svg)
        assert line, svg
        x1, y1, x2, y2 = map(float, line.groups())
        assert x2 == width - 18  # the right edge of the plot is the deadline
        assert y2 < y1  # rising: 8 today, about 2.3 a day
        assert f">Hạn {deadline:%d/%m}</text>" in svg
        assert 'class="forecast registered"' in svg
    desc = re.search(r"<desc[^>]*>(.*)</desc>", str(response.context["charts"]["desktop"]))[1]
    assert f"đến hạn {deadline:%d/%m/%Y}" in desc
    assert "Dự báo đến hạn (nét chấm)" in response.content.decode()


def test_the_trend_chart_draws_no_forecast_without_a_pace(world):
    rollups_rebuild(campaign=world.campaign)  # one day: no pace
    response = client_for(world.police).get(reverse("reports:progress", args=[world.commune.id]))
    assert 'class="forecast' not in str(response.context["charts"]["desktop"])
    assert "Dự báo đến hạn (nét chấm)" not in response.content.decode()
