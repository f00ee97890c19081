"""Excel and CSV exports: Vietnamese headers, real dates shown dd/mm/yyyy, ID numbers and
phones as text (leading zeros kept), every row rather than one page, CSV with a BOM."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.contrib.auth.models import User
from openpyxl import load_workbook

from households.models import Resident
from outreach.reports.lists import list_spec
from outreach.models import Assignment, Role, RoleGrant

from .sync_helpers import VISIT_DAY, client_for, hanoi_time, push, statuses, visit
from .test_reports_naive import many_households, scenario  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def export(client, area, kind: str, fmt: str, **params):
    url = reverse(f"reports:list_{fmt}", args=[area.id, kind])
    return client.get(url, params)


def next_evening() -> str:
    return hanoi_time(VISIT_DAY + datetime.timedelta(days=1), 18).isoformat()


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("kind", ["chua-den", "quay-lai", "quan-tam", "vuong-mac", "goi-dien"])
def test_it_exports_each_list_with_vietnamese_headers(scenario, kind):
    world = scenario.world
    client = client_for(world.police)
    sheet = workbook(export(client, world.commune, kind, "xlsx")).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers == [str(c.header) for c in list_spec(slug=kind).columns]
    page = client.get(reverse("reports:list", args=[world.commune.id, kind]))
    assert sheet.max_row - 1 == page.context["page"].paginator.count


def test_it_writes_dates_as_real_excel_dates_and_ids_and_phones_as_text(scenario):
    world = scenario.world
    client = client_for(world.police)
    sheet = workbook(export(client, world.commune, "quay-lai", "xlsx")).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["Địa chỉ", "Chủ hộ", "Hẹn quay lại lúc"]
    row = {h: c for h, c in zip(headers, sheet[2], strict=True)}
    revisit = row["Hẹn quay lại lúc"]
    assert revisit.is_date and revisit.value == scenario.revisit_after.replace(tzinfo=None)  # Hà Nội wall time
    assert revisit.number_format == "dd/mm/yyyy hh:mm"
    assert row["Lần đến gần nhất"].is_date and row["Lần đến gần nhất"].value.date() == VISIT_DAY
    assert row["Số người từ 14 tuổi"].value == 2 and row["Số người từ 14 tuổi"].data_type == "n"

    calls = workbook(export(client, world.commune, "goi-dien", "xlsx")).worksheets[0]
    headers = [c.value for c in calls[1]]
    rows = [{h: c for h, c in zip(headers, r, strict=True)} for r in calls.iter_rows(min_row=2)]
    phones = {r["Số điện thoại"].value for r in rows}
    assert "0901 112 233" in phones  # the national format shown everywhere, kept as text
    phone = next(r["Số điện thoại"] for r in rows if r["Số điện thoại"].value == "0901 112 233")
    assert phone.data_type == "s" and phone.number_format == "@"
    birth = rows[0]["Ngày sinh"]
    assert birth.is_date and birth.number_format == "dd/mm/yyyy" and isinstance(birth.value, datetime.datetime)


def test_it_keeps_the_leading_zeros_of_id_numbers(scenario):
    world = scenario.world
    person = Resident.objects.get(id_number=scenario.id_number)
    # Put the person on the interested list, the evening after the scenario's.
    assert statuses(push(client_for(world.alice), [visit(world, person.household, when=next_evening(),
                    residents=[{"resident": person.id, "outcome": "interested"}])])) == ["accepted"]  # fmt: skip
    # Only an administrator exports full ID numbers (commune police reveal one at a time).
    admin = User.objects.create_user(username="quantri", password="matkhau-123")
    RoleGrant.objects.create(user=admin, area=world.commune, role=Role.ADMIN)

    def id_cell_for(user):
        sheet = workbook(export(client_for(user), world.commune, "quan-tam", "xlsx")).worksheets[0]
        headers = [c.value for c in sheet[1]]
        cells = [dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=2)]
        return next(c["Số định danh"] for c in cells if c["Họ và tên"].value == person.full_name
                    and c["Số định danh"].value)  # fmt: skip

    id_cell = id_cell_for(admin)
    assert id_cell.value == scenario.id_number and id_cell.data_type == "s"
    assert id_cell.value.startswith("001")
    assert id_cell_for(world.police).value == "••••••••" + scenario.id_number[-4:]


def test_it_describes_the_export_on_a_second_sheet(scenario):
    world = scenario.world
    book = workbook(export(client_for(world.police), world.commune, "chua-den", "xlsx", group=world.group1.id))
    about = {row[0].value: row[1].value for row in book["Thông tin"].iter_rows()}
    assert about["Địa bàn"] == "Phường Ba Đình" and about["Chiến dịch"] == world.campaign.name
    assert about["Bộ lọc"] == "Tổ dân phố: Tổ dân phố 1"


def test_it_exports_csv_in_utf8_with_a_bom(scenario):
    world = scenario.world
    response = export(client_for(world.police), world.commune, "quay-lai", "csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Địa chỉ", "Chủ hộ", "Hẹn quay lại lúc"]
    assert rows[1][2] == scenario.revisit_after.strftime("%d/%m/%Y %H:%M") and rows[1][3] == "Chủ hộ đi làm, về sau 19h"
    assert len(rows) == 2


def test_it_streams_every_row_not_just_one_page(scenario):
    world = scenario.world
    turf = world.group2.turfs.create(name="Ngõ 9 Liễu Giai")
    Assignment.objects.create(campaign=world.campaign, turf=turf, team=world.team_b)
    many_households(turf, "Phố Liễu Giai", 130)
    client = client_for(world.police)
    sheet = workbook(export(client, world.commune, "chua-den", "xlsx")).worksheets[0]
    assert sheet.max_row - 1 == 131
    body = b"".join(export(client, world.commune, "chua-den", "csv").streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(body)))) == 132
    team_b = b"".join(export(client, world.commune, "chua-den", "csv", team=world.team_b.id).streaming_content)
    assert len(list(csv.reader(io.StringIO(team_b.decode("utf-8-sig"))))) == 131  # the filter applies too


def test_it_never_lets_a_note_run_as_a_spreadsheet_formula(scenario):
    world = scenario.world
    home = world.households_b[2]
    assert statuses(push(client_for(world.carol), [visit(world, home, outcome="nobody_home",
                    when=next_evening(), revisit_note='=HYPERLINK("http://x","y")')])) == ["accepted"]  # fmt: skip
    client = client_for(world.police)
    sheet = workbook(export(client, world.commune, "quay-lai", "xlsx")).worksheets[0]
    notes = [r[3] for r in sheet.iter_rows(min_row=2)]
    formula = next(c for c in notes if c.value and c.value.startswith("=HYPERLINK"))
    assert formula.data_type == "s"
    body = b"".join(export(client, world.commune, "quay-lai", "csv").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in body
