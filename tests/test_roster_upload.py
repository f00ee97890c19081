"""Roster import in the browser (/nhap-danh-sach/): upload, preview, confirm. Nothing is
written before the confirmation; the import is all or nothing and happens once; an upload
is its uploader's only; volunteers have no such page."""

import io
import uuid

import pytest
from openpyxl import load_workbook

from households.models import Household, Resident
from households.uploads import RosterUpload
from outreach.audit.models import AuditAction, AuditEvent

from .test_roster_excel import BAD, GOOD, workbook

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def send(client, area, data, name="To5.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post("/nhap-danh-sach/", {"area": area.pk, "file": file})


def test_it_previews_without_writing_then_imports_once_on_confirmation(world, client):
    signed_in(client, world.leader)
    before = (Household.objects.count(), Resident.objects.count())
    response = send(client, world.group1, workbook(GOOD))
    assert response.status_code == 302
    upload = RosterUpload.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert upload.status == RosterUpload.Status.READY
    assert "Họ và tên" in page and "Nơi thường trú" in page  # the columns recognised, as the file names them
    assert "Nguyễn Văn Hùng" in page and "Đã tự sửa" in page  # the ID that lost its zero, repaired and said
    assert "Nhập 4 dòng vào sổ" in page
    assert (Household.objects.count(), Resident.objects.count()) == before  # nothing written yet

    confirm = f"/nhap-danh-sach/{upload.pk}/nhap/"
    assert client.post(confirm).status_code == 302
    assert client.post(confirm).status_code == 302  # a second tap imports nothing twice
    upload.refresh_from_db()
    assert upload.status == RosterUpload.Status.DONE and bytes(upload.data) == b""
    assert Resident.objects.count() == before[1] + 4
    assert "Đã nhập 4 nhân khẩu" in client.get(f"/nhap-danh-sach/{upload.pk}/").content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, user_id=world.leader.pk).count() == 1


def test_it_refuses_a_file_with_bad_rows_whole_and_offers_the_file_back_with_an_error_column(world, client):
    signed_in(client, world.police)
    send(client, world.group1, workbook([*GOOD, *BAD]))
    upload = RosterUpload.objects.get()
    page = client.get(f"/nhap-danh-sach/{upload.pk}/").content.decode()
    assert "Từ chối" in page and "số dịch vụ" in page and "số mũ" in page
    assert "/nhap/" not in page  # no confirm button while rows are refused
    assert client.post(f"/nhap-danh-sach/{upload.pk}/nhap/").status_code == 302
    assert RosterUpload.objects.get().status == RosterUpload.Status.READY  # not imported

    response = client.get(f"/nhap-danh-sach/{upload.pk}/loi.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Dòng" and rows[0][-1] == "Lỗi / đã sửa"
    said = {row[0]: row[-1] for row in rows[1:]}
    assert "1900" in said[11] and "số mũ" in said[12]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, detail__list="roster_errors").count() == 1


def test_it_says_why_a_file_cannot_be_read(world, client):
    signed_in(client, world.police)
    send(client, world.group1, "Tên;Năm sinh\nLê Văn Ân;1980\n".encode("cp1258"), name="ds.csv")
    page = client.get(f"/nhap-danh-sach/{RosterUpload.objects.get().pk}/").content.decode()
    assert "Không đọc được tệp" in page and "UTF-8" in page


def test_it_keeps_uploads_to_their_uploader_and_areas_to_the_scope(world, client):
    signed_in(client, world.leader)
    send(client, world.group1, workbook(GOOD))
    upload = RosterUpload.objects.get()
    # Another group leader's group is not a choice, whatever the form says.
    response = send(client, world.group2, workbook(GOOD))
    assert response.status_code == 400 and "Chọn địa bàn" in response.content.decode()
    # The police of the commune sees their own uploads only.
    signed_in(client, world.police)
    for url in (f"/nhap-danh-sach/{upload.pk}/", f"/nhap-danh-sach/{upload.pk}/loi.xlsx",
                f"/nhap-danh-sach/{uuid.uuid4()}/"):  # fmt: skip
        assert client.get(url).status_code == 404
    assert client.post(f"/nhap-danh-sach/{upload.pk}/nhap/").status_code == 404
    # A field team member has no import page at all.
    signed_in(client, world.alice)
    assert client.get("/nhap-danh-sach/").status_code == 403


def test_it_offers_a_template_whose_columns_the_import_reads(world, client):
    from households.roster_read import read_roster

    signed_in(client, world.police)
    response = client.get("/nhap-danh-sach/mau.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    sheet.append([1, "Trần Văn Bình", "02/03/1980", "Nam", "001080012345", "0912345678", "Số 3 ngõ 5 Đội Cấn",
                  "00004-TDP01", "", "", "", ""])  # fmt: skip
    out = io.BytesIO()
    sheet.parent.save(out)
    table = read_roster(out.getvalue())
    assert {"full_name", "birth", "sex", "id_number", "phone", "address", "group"} <= set(table.columns)


def test_a_large_file_is_checked_and_imported_by_the_celery_task(world, client, monkeypatch):
    import frontend.roster.views

    monkeypatch.setattr(frontend.roster.views, "INLINE_BYTES", 0)  # every file "large"
    signed_in(client, world.police)
    calls = []
    for name in ("roster_check_task", "roster_import_task"):
        task = getattr(frontend.roster.views, name)
        monkeypatch.setattr(task, "delay", lambda upload_id, task=task, name=name: (calls.append(name), task(upload_id)))
    send(client, world.group1, workbook(GOOD))
    upload = RosterUpload.objects.get()
    client.post(f"/nhap-danh-sach/{upload.pk}/nhap/")
    assert calls == ["roster_check_task", "roster_import_task"]
    upload.refresh_from_db()
    assert upload.status == RosterUpload.Status.DONE


def test_the_page_refreshes_itself_while_the_worker_runs(world, client):
    from households.upload_services import upload_create

    signed_in(client, world.police)
    upload = upload_create(user=world.police, area=world.group1, filename="lon.xlsx", data=workbook(GOOD))
    page = client.get(f"/nhap-danh-sach/{upload.pk}/").content.decode()
    assert '<meta http-equiv="refresh"' in page and "<progress" in page and "Đang đọc và kiểm tra tệp" in page


def test_a_reimport_shows_who_changed_and_who_is_no_longer_listed(world, client):
    from .test_roster_excel import GOOD as rows

    signed_in(client, world.police)
    send(client, world.group1, workbook(rows))
    client.post(f"/nhap-danh-sach/{RosterUpload.objects.get().pk}/nhap/")
    # A week later the list comes back: one phone changed, one person gone from it.
    refreshed = [list(r) for r in rows[:3]]
    refreshed[2][5] = "0988123456"
    send(client, world.group1, workbook(refreshed))
    upload = RosterUpload.objects.order_by("-created_at").first()
    page = client.get(f"/nhap-danh-sach/{upload.pk}/").content.decode()
    assert upload.summary["counts"]["changed"] == 1 and upload.summary["counts"]["unchanged"] == 2
    assert "Sẽ cập nhật: số điện thoại" in page
    assert "Có trong sổ nhưng không có trong tệp" in page and "Phạm Thị Dung" in page
    assert AuditEvent.objects.filter(action=AuditAction.LIST_VIEW, detail__list="roster_gone").exists()
    client.post(f"/nhap-danh-sach/{upload.pk}/nhap/")
    assert Resident.objects.get(full_name="Lê Văn Cường").phone == "+84988123456"
    assert Resident.objects.filter(full_name="Phạm Thị Dung").exists()  # listed, never deleted
