"""The audit page "Nhật ký truy cập": commune police and administrators read the log of
their area, filtered by user and dates, and export it; reading and exporting are logged."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from outreach.audit.models import AuditEvent
from outreach.audit.origin import Origin
from outreach.audit.services import audit_record

from .sync_helpers import client_for

pytestmark = pytest.mark.django_db
PAGE = reverse("reports:audit")


def logged(user, area, *, action="list_view", days_ago=0, device="Firefox", rows=5) -> AuditEvent:
    if days_ago:  # an event of some days back, as the service would have written it then
        return AuditEvent.objects.create(
            at=timezone.now() - datetime.timedelta(days=days_ago), user_id=user.pk, username=user.username,
            action=action, path=area.path, area_id=area.pk, area_name=area.name, rows=rows, device=device,
        )  # fmt: skip
    return audit_record(user=user, origin=Origin(ip="10.0.0.5", device=device), action=action, area=area, rows=rows,
                        fields=["full_name", "phone"], detail={"list": "goi-dien"})  # fmt: skip


def shown(response) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.status_code
    return [(r["username"], r["area"]) for r in response.context["rows"]]


def test_it_shows_the_officer_only_their_areas_events_newest_first(world):
    logged(world.leader, world.group1)
    logged(world.dave, world.other_group)
    logged(world.carol, world.group2)
    rows = shown(client_for(world.police).get(PAGE))
    assert rows == [("carol", "Tổ dân phố 2"), ("leader", "Tổ dân phố 1")]


def test_it_shows_an_administrator_everything(world):
    root = User.objects.create_superuser("root", "root@example.vn", "matkhau-123")
    logged(world.dave, world.other_group)
    logged(world.leader, None)  # a campaign edited in the admin: no area
    assert {u for u, _ in shown(client_for(root).get(PAGE))} == {"dave", "leader"}


@pytest.mark.parametrize("who", ["alice", "leader", "province_user"])
def test_it_refuses_those_without_read_audit(world, who):
    assert client_for(getattr(world, who)).get(PAGE).status_code == 403
    assert client_for(getattr(world, who)).get(reverse("reports:audit_csv")).status_code == 403


def test_it_filters_by_user(world):
    logged(world.leader, world.group1)
    logged(world.carol, world.group2)
    assert shown(client_for(world.police).get(PAGE, {"username": "CAR"})) == [("carol", "Tổ dân phố 2")]


def test_it_filters_by_dates_both_included(world):
    logged(world.leader, world.group1, days_ago=10)
    logged(world.carol, world.group2, days_ago=3)
    logged(world.bob, world.group1)
    today = timezone.localdate()
    since = (today - datetime.timedelta(days=4)).strftime("%d/%m/%Y")
    until = (today - datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    assert shown(client_for(world.police).get(PAGE, {"since": since, "until": until})) == [("carol", "Tổ dân phố 2")]
    assert [u for u, _ in shown(client_for(world.police).get(PAGE, {"since": today.strftime("%d/%m/%Y")}))
            if u != "police"] == ["bob"]  # fmt: skip


@pytest.mark.parametrize("params", [{"since": "2026-03-05"}, {"until": "31/02/2026"}, {"since": "hôm qua"}])
def test_it_explains_a_bad_date(world, params):
    logged(world.leader, world.group1)
    response = client_for(world.police).get(PAGE, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert "dd/mm/yyyy" in page and "Ngày không hợp lệ" in page
    assert "leader" not in [r["username"] for r in response.context["rows"]]
    assert client_for(world.police).get(reverse("reports:audit_csv"), params).status_code == 400


def test_it_refuses_dates_in_the_wrong_order(world):
    response = client_for(world.police).get(PAGE, {"since": "10/03/2026", "until": "01/03/2026"})
    assert response.status_code == 400 and "“Đến ngày” phải từ “Từ ngày” trở đi." in response.content.decode()


def test_it_logs_reading_the_audit_page(world):
    logged(world.leader, world.group1)
    client_for(world.police).get(PAGE, {"username": "leader"})
    (event,) = AuditEvent.objects.filter(action="audit_view")
    assert (event.username, event.path, event.rows) == ("police", world.commune.path, 1)
    assert event.detail["username"] == "leader"


def test_it_exports_csv_with_formulas_defused_and_logs_the_export(world):
    logged(world.leader, world.group1, device="=HYPERLINK(\"http://evil\")")
    logged(world.dave, world.other_group)
    response = client_for(world.police).get(reverse("reports:audit_csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["Lúc", "Người dùng", "Thao tác"]
    users = [row[1] for row in table[1:]]
    assert "leader" in users and "dave" not in users
    assert any(cell.startswith("'=HYPERLINK") for row in table for cell in row)
    (event,) = AuditEvent.objects.filter(action="audit_export")
    assert (event.username, event.detail["format"], event.rows) == ("police", "csv", 1)


def test_it_exports_xlsx(world):
    logged(world.leader, world.group1)
    response = client_for(world.police).get(reverse("reports:audit_xlsx"), {"username": "leader"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][1] == "Người dùng" and [row[1] for row in values[1:]] == ["leader"]
    assert AuditEvent.objects.filter(action="audit_export", detail__format="xlsx").count() == 1


def test_it_links_the_page_from_the_reports_for_police_only(world):
    url = reverse("reports:progress", args=[world.group1.id])
    assert PAGE in client_for(world.police).get(url).content.decode()
    assert PAGE not in client_for(world.leader).get(url).content.decode()


def test_it_shows_the_page_in_english(world):
    logged(world.leader, world.group1)
    page = client_for(world.police).get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Access log" in page
