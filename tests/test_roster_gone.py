"""Who is "gone" from a roster, and the officer's confirmation (issue 16, item 4): only people
a roster listed before can be gone from the next one, so the first import into an area whose
people were added at the door lists nobody; the officer confirms the gone moved or deceased
on the upload page, each person or the ticked ones, inside their own area only, audited,
once."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.test import Client

from households.models import ResidenceStatus, Resident
from households.roster import roster_import, roster_preview
from households.roster_match import roster_match
from households.roster_write import roster_mark_listed
from households.services import resident_create
from households.uploads import RosterUpload
from outreach.audit.models import AuditAction, AuditEvent

from .test_roster_reimport import ANH, FIRST, HOA, HUNG, KHOI, LAN, roster
from .test_roster_upload import send, signed_in

pytestmark = pytest.mark.django_db
mark_imported = import_module("households.migrations.0007_resident_roster_listed_at").mark_imported


def names(people) -> list[str]:
    return sorted(r.full_name for r in people)


def test_the_first_import_into_an_area_with_people_added_at_the_door_lists_nobody_as_gone(world):
    door = Resident.objects.filter(pk__in=list(Resident.objects.filter(household__area=world.group1)
                                               .values_list("pk", flat=True)))  # fmt: skip
    assert door.count() == 9 and not door.filter(roster_listed_at__isnull=False).exists()
    preview = roster_preview(area=world.group1, data=FIRST)
    assert preview.gone == []
    result = roster_import(area=world.group1, data=FIRST)
    assert result.gone == [] and not door.filter(roster_listed_at__isnull=False).exists()
    # Everyone the file listed is marked, once; a file without two of them lists those two.
    listed = Resident.objects.filter(roster_listed_at__isnull=False)
    assert listed.count() == 6 and not listed.filter(pk__in=door).exists()
    again = roster_preview(area=world.group1, data=roster(HUNG.format(phone="0912345678"),
                                                          LAN.format(name="Trần Thi Lan"), KHOI, HOA))
    assert names(again.gone) == ["Phạm Đức Anh", "Đặng Thị Thu"]


def test_a_person_added_at_the_door_then_found_on_a_roster_can_be_gone_from_the_next(world):
    door = resident_create(household=world.households_a[0], full_name="Nguyễn Văn Hùng", sex="M",
                           birth_date=datetime.date(1975, 3, 15))  # fmt: skip
    row = HUNG.format(phone="0912345678").replace("5,Ngõ 12,Phố Đội Cấn", "1,,Phố Đội Cấn").replace(
        "HK001", "HK101")  # his household
    roster_import(area=world.group1, data=roster(row))
    door.refresh_from_db()
    assert door.roster_listed_at is not None and door.id_number == "001075012345"  # matched, and now listed
    first = door.roster_listed_at
    roster_import(area=world.group1, data=roster(row.replace("0912345678", "0912000999"), KHOI))
    door.refresh_from_db()
    assert door.phone == "+84912000999" and door.roster_listed_at == first  # set once: the first listing
    assert names(roster_preview(area=world.group1, data=roster(KHOI)).gone) == ["Nguyễn Văn Hùng"]


def test_a_file_that_changes_nothing_else_marks_its_unlisted_people_in_one_update(world):
    """roster_write writes nothing for such a file; the browser's import calls roster_mark_listed."""
    roster_import(area=world.group1, data=FIRST)
    hoa = Resident.objects.get(full_name="Lê Thị Hoà")
    Resident.objects.filter(pk=hoa.pk).update(roster_listed_at=None)  # as if added at the door
    preview = roster_preview(area=world.group1, data=FIRST)
    assert preview.plan.listed_ids == {hoa.pk} and preview.unchanged == 6
    assert roster_mark_listed(preview.plan) == 1 and preview.plan.listed_ids == set()
    assert Resident.objects.get(pk=hoa.pk).roster_listed_at is not None
    assert roster_match(area=world.group1, rows=[], cells={}).listed_ids == set()


def test_the_migration_takes_people_of_an_area_imported_before_it_as_listed(world):
    roster_import(area=world.group1, data=FIRST)  # audited as an "import" event of group 1
    Resident.objects.update(roster_listed_at=None)  # as before the field
    phone_made = Resident.objects.filter(household__area=world.group1).first()
    Resident.objects.filter(pk=phone_made.pk).update(client_uuid="6f1c2d3e-0000-4000-8000-000000000001")
    mark_imported(django_apps, None)
    group1 = Resident.objects.filter(household__area=world.group1)
    assert group1.filter(roster_listed_at__isnull=True).get() == phone_made
    assert not Resident.objects.filter(household__area=world.group2, roster_listed_at__isnull=False).exists()


# The officer's confirmation on the upload page.


def imported_then_refreshed(client, world, user):
    """FIRST imported in the browser, then a file without Hoà and Thu previewed: its upload."""
    signed_in(client, user)
    send(client, world.group1, FIRST, name="tuan1.csv")
    client.post(f"/nhap-danh-sach/{RosterUpload.objects.get().pk}/nhap/")
    send(client, world.group1, roster(HUNG.format(phone="0912345678"), LAN.format(name="Trần Thi Lan"), KHOI,
                                      ANH.format(phone="0383456789")), name="tuan2.csv")  # fmt: skip
    return RosterUpload.objects.order_by("-created_at").first()


def test_the_officer_confirms_one_person_or_the_ticked_ones_once(world, client):
    upload = imported_then_refreshed(client, world, world.police)
    hoa, thu = Resident.objects.get(full_name="Lê Thị Hoà"), Resident.objects.get(full_name="Đặng Thị Thu")
    assert sorted(g["id"] for g in upload.summary["gone"]) == sorted([hoa.pk, thu.pk])
    page = client.get(f"/nhap-danh-sach/{upload.pk}/").content.decode()
    assert f'value="{hoa.pk}:deceased"' in page and 'name="resident"' in page and "Người đã đánh dấu" in page
    url = f"/nhap-danh-sach/{upload.pk}/xac-nhan-roi-di/"
    response = client.post(url, {"only": f"{hoa.pk}:deceased"})
    assert response.status_code == 302 and response["Location"].endswith("#gone")
    hoa.refresh_from_db()
    assert hoa.residence_status == ResidenceStatus.DECEASED
    page = client.get(response["Location"]).content.decode()
    assert "Đã xác nhận 1 người." in page and f'value="{hoa.pk}:deceased"' not in page
    # Thu and Hoà ticked, "moved": Hoà is confirmed already (deceased) and does not change again.
    updated = hoa.updated_at
    response = client.post(url, {"resident": [str(thu.pk), str(hoa.pk)], "status": "moved"})
    assert "Đã xác nhận 1 người." in client.get(response["Location"]).content.decode()
    hoa.refresh_from_db()
    thu.refresh_from_db()
    assert thu.residence_status == ResidenceStatus.MOVED and hoa.residence_status == ResidenceStatus.DECEASED
    again = client.post(url, {"resident": [str(thu.pk)], "status": "moved"})
    assert "Đã xác nhận 0 người." in client.get(again["Location"]).content.decode()
    assert Resident.objects.get(pk=thu.pk).updated_at == thu.updated_at and hoa.updated_at == updated
    events = AuditEvent.objects.filter(action=AuditAction.CONFIRM_GONE).order_by("pk")
    assert [(e.rows, e.detail["status"], e.detail["residents"], e.user_id) for e in events] == [
        (1, "deceased", [hoa.pk], world.police.pk), (1, "moved", [thu.pk], world.police.pk)]
    assert all(e.area_id == world.group1.pk and e.object_type == "households.resident" for e in events)
    assert Resident.objects.filter(pk__in=[hoa.pk, thu.pk]).count() == 2  # nobody deleted


def test_only_people_this_upload_listed_inside_its_area_change(world, client):
    upload = imported_then_refreshed(client, world, world.police)
    stranger = world.households_other[0].residents.first()
    neighbour = world.households_b[0].residents.first()  # group 2: the police's area, not this upload's
    door = world.households_a[0].residents.first()  # in the area, but on no list of this upload
    url = f"/nhap-danh-sach/{upload.pk}/xac-nhan-roi-di/"
    ids = [str(r.pk) for r in (stranger, neighbour, door)]
    for data in ({"resident": ids, "status": "deceased"}, {"only": f"{stranger.pk}:deceased"},
                 {"resident": ids, "status": "permanent"}, {"only": "x:moved"}, {}):  # fmt: skip
        response = client.post(url, data)
        assert "Đã xác nhận 0 người." in client.get(response["Location"]).content.decode()
    for person in (stranger, neighbour, door):
        assert Resident.objects.get(pk=person.pk).residence_status == person.residence_status
    assert not AuditEvent.objects.filter(action=AuditAction.CONFIRM_GONE).exists()


def test_the_confirmation_is_the_police_s_in_the_uploads_scope_with_a_csrf_token(world, client):
    """A group leader uploads the list and sees who is no longer on it; marking a resident
    moved away or deceased changes the residence records, which are the commune police's."""
    upload = imported_then_refreshed(client, world, world.police)
    hoa = Resident.objects.get(full_name="Lê Thị Hoà")
    url = f"/nhap-danh-sach/{upload.pk}/xac-nhan-roi-di/"
    data = {"only": f"{hoa.pk}:moved"}
    assert signed_in(Client(), world.alice).post(url, data).status_code == 403  # a field member
    assert signed_in(Client(), world.province_user).post(url, data).status_code == 403  # no IMPORT_ROSTER
    assert signed_in(Client(), world.leader).post(url, data).status_code == 404  # another's upload
    leader = signed_in(Client(), world.leader)
    own = RosterUpload.objects.create(user=world.leader, area=world.group1, filename="y.csv",
                                      status=RosterUpload.Status.DONE,
                                      summary={"gone": [{"id": hoa.pk, "name": "Lê Thị Hoà", "address": ""}]})  # fmt: skip
    assert leader.post(f"/nhap-danh-sach/{own.pk}/xac-nhan-roi-di/", data).status_code == 403  # not the police
    assert f'value="{hoa.pk}:moved"' not in leader.get(f"/nhap-danh-sach/{own.pk}/").content.decode()
    strict = signed_in(Client(enforce_csrf_checks=True), world.police)
    assert strict.post(url, data).status_code == 403
    assert client.get(url).status_code == 405
    foreign = RosterUpload.objects.create(user=world.police, area=world.other_group, filename="x.csv",
                                          status=RosterUpload.Status.DONE,
                                          summary={"gone": [{"id": hoa.pk, "name": "", "address": ""}]})  # fmt: skip
    assert client.post(f"/nhap-danh-sach/{foreign.pk}/xac-nhan-roi-di/", data).status_code == 404  # out of scope
    assert Resident.objects.get(pk=hoa.pk).residence_status == ResidenceStatus.PERMANENT
