"""The board page (/chat-luong-du-lieu/): who may open it, what it shows, and the lists'
pages and Excel files, minimised to the reader's role and audited."""

import io

import pytest
from openpyxl import load_workbook

from outreach.audit.models import AuditAction, AuditEvent
from households.models import Resident

from .fixtures import id_number_for
from .sync_helpers import client_for

pytestmark = pytest.mark.django_db
FULL = "001080012345"


def board(world, area=None) -> str:
    return f"/chat-luong-du-lieu/{(area or world.commune).pk}/"


def test_it_shows_the_counts_under_dung_du_sach_song_and_can_xem_lai(world):
    response = client_for(world.police).get(board(world))
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("Đúng", "Đủ", "Sạch", "Sống", "Cần xem lại"):
        assert f">{heading} <" in html
    groups = {g.key: g for g in response.context["groups"]}
    thieu = next(f for f in groups["du"].figures if f.check.slug == "thieu-so-dinh-danh")
    assert thieu.count == 12  # the two parents of each of the six households
    assert f'href="/chat-luong-du-lieu/{world.commune.pk}/thieu-so-dinh-danh/?campaign={world.campaign.pk}"' in html
    assert not AuditEvent.objects.exists()  # counts only: nothing personal shown
    assert "no-store" in response["Cache-Control"]


def test_it_opens_for_commune_police_and_leadership_only(world):
    assert client_for(world.province_user).get(board(world)).status_code == 200
    for user in (world.alice, world.leader):
        assert client_for(user).get(board(world)).status_code == 403
        assert client_for(user).get("/chat-luong-du-lieu/").status_code == 403
    assert client_for(world.police).get(board(world, world.other_commune)).status_code == 404
    assert client_for(world.police).get(f"{board(world)}khong-co/").status_code == 404
    assert client_for(world.police).get("/chat-luong-du-lieu/").url == board(world)


def test_it_links_the_board_from_the_home_page_for_those_who_may_read_it(world):
    assert 'href="/chat-luong-du-lieu/"' in client_for(world.police).get("/").content.decode()
    assert 'href="/chat-luong-du-lieu/"' not in client_for(world.leader).get("/").content.decode()


def test_it_lists_with_masked_id_numbers_and_audits_the_page(world):
    resident = world.households_a[0].residents.order_by("id").first()
    Resident.objects.filter(pk=resident.pk).update(id_number=id_number_for(resident))
    response = client_for(world.police).get(f"{board(world)}thieu-so-dien-thoai/")
    html = response.content.decode()
    assert response.status_code == 200 and resident.full_name in html
    assert id_number_for(resident) not in html and "••••••••2345" in html
    event = AuditEvent.objects.get(action=AuditAction.LIST_VIEW)
    assert event.rows == 12 and event.detail["list"] == "quality:thieu-so-dien-thoai"
    assert "id_number_last4" in event.fields and "id_number" not in event.fields
    assert "Xử lý" not in html  # this list has nothing to act on


def test_it_shows_the_actions_only_to_those_who_may_act(world):
    from households.models import PossibleDuplicate

    a, b = (world.households_a[i].residents.order_by("id").first() for i in (0, 1))
    PossibleDuplicate.objects.create(resident=b, other=a)
    police = client_for(world.police).get(f"{board(world)}nghi-trung/").content.decode()
    leadership = client_for(world.province_user).get(f"{board(world)}nghi-trung/").content.decode()
    assert "Gộp, giữ mọi lượt đến" in police and 'name="csrfmiddlewaretoken"' in police
    assert "Gộp, giữ mọi lượt đến" not in leadership and b.full_name in leadership


def test_it_exports_each_list_to_excel_masked_and_audited(world):
    resident = world.households_a[0].residents.order_by("id").first()
    Resident.objects.filter(pk=resident.pk).update(id_number=FULL[:4] + f"{resident.birth_date.year % 100:02d}" + FULL[6:])
    response = client_for(world.police).get(f"{board(world)}thieu-so-dien-thoai.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Họ và tên", "Ngày sinh", "Số định danh", "Số điện thoại")
    assert len(rows) == 13 and "••••••••2345" in [r[2] for r in rows]
    assert not any(FULL[6:] in str(cell) and len(str(cell)) == 12 for row in rows for cell in row)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.rows == 12 and event.detail == {"list": "quality:thieu-so-dien-thoai", "format": "xlsx"}


def test_it_exports_every_list(world):
    from outreach.quality.checks import CHECKS

    police = client_for(world.police)
    for slug in CHECKS:
        response = police.get(f"{board(world)}{slug}.xlsx")
        assert response.status_code == 200, slug
        load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == len(CHECKS)


def test_it_refuses_the_export_to_a_role_that_may_not_export(world):
    assert client_for(world.leader).get(f"{board(world)}thieu-so-dien-thoai.xlsx").status_code == 403
