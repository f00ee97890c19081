"""The weekly re-import (issue 16, item 4): the same roster again changes nothing; a refreshed
one updates who changed, adds who is new and lists who is gone, for an officer to confirm,
without deleting anyone; an ID number registered in another commune is no match, and the
import says nothing about it."""

import datetime
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import Household, PossibleDuplicate, ResidenceStatus, Resident
from households.roster import roster_import, roster_preview
from households.roster_write import roster_confirm_gone
from households.services import household_update, resident_update
from outreach.models import AuditAction, AuditEvent, RollupDirty, Visit

from .fixtures import id_number_for
from .sync_helpers import activated, client_for, push, statuses, visit

HEADER = "Họ và tên,Ngày sinh,Giới tính,Số định danh,Số điện thoại,Số nhà,Ngõ/ngách/hẻm,Đường/phố,Tình trạng cư trú,Mã hộ,Quan hệ với chủ hộ"
HUNG = "Nguyễn Văn Hùng,15/03/1975,Nam,001075012345,{phone},5,Ngõ 12,Phố Đội Cấn,Thường trú,HK001,Chủ hộ"
LAN = "{name},1978,Nữ,001178023456,0987654321,5,Ngõ 12,Phố Đội Cấn,Thường trú,HK001,Vợ"
KHOI = "Nguyễn Minh Khôi,02/09/2010,Nam,001210034567,,5,Ngõ 12,Phố Đội Cấn,Thường trú,HK001,Con"
HOA = "Lê Thị Hoà,20/11/1940,Nữ,001140045678,,7,Ngõ 12,Phố Đội Cấn,Thường trú,HK002,Chủ hộ"
ANH = "Phạm Đức Anh,1990,Nam,,{phone},9,Ngõ 12,Phố Đội Cấn,Tạm trú,HK003,Chủ hộ"  # no ID number
THU = "Đặng Thị Thu,05/06/1992,Nữ,001192056789,,9,Ngõ 12,Phố Đội Cấn,Tạm trú,HK003,Vợ"
MAI = "Nguyễn Thị Mai,2015,Nữ,001315067891,,5,Ngõ 12,Phố Đội Cấn,Thường trú,HK001,Con"
LONG = "Vũ Văn Long,1980,Nam,001080099911,0912777888,11,Ngõ 12,Phố Đội Cấn,Thường trú,HK004,Chủ hộ"


def roster(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


FIRST = roster(HUNG.format(phone="0912345678"), LAN.format(name="Trần Thi Lan"), KHOI, HOA,
               ANH.format(phone="0383456789"), THU)  # fmt: skip
REFRESHED = roster(HUNG.format(phone="0912000999"), LAN.format(name="Trần Thị Lan"), KHOI, MAI,
                   ANH.format(phone="0383456789"), LONG)  # fmt: skip


def gone(preview, world) -> list[str]:
    """The gone besides the fixture's own residents of group 1, who are on no file."""
    fixture = {h.pk for h in world.households_a}
    return sorted(r.full_name for r in preview.gone if r.household_id not in fixture)


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_the_same_file_again_is_all_unchanged_and_writes_nothing(world):
    roster_import(area=world.group1, data=FIRST)
    preview = roster_preview(area=world.group1, data=FIRST)
    assert [row.change for row in preview.rows] == ["unchanged"] * 6 and not preview.errors
    assert preview.households == [] and preview.residents == [] and preview.updated_residents == []
    households, residents, events = Household.objects.count(), Resident.objects.count(), AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        result = roster_import(area=world.group1, data=FIRST)
    assert writes(queries.captured_queries) == [] and result.unchanged == 6
    assert (Household.objects.count(), Resident.objects.count(), AuditEvent.objects.count()) == (
        households, residents, events)


def test_a_refreshed_file_updates_adds_and_lists_the_gone(world):
    roster_import(area=world.group1, data=FIRST)
    hung = Resident.objects.get(id_number="001075012345")
    household_update(household=hung.household, turf=world.turf_a)  # on team A's walk, so Alice can visit
    assert statuses(push(client_for(world.alice), [visit(world, hung.household, residents=[activated(hung)])])) == [
        "accepted"]
    gone_before = {r.full_name: r for r in Resident.objects.filter(full_name__in=["Lê Thị Hoà", "Đặng Thị Thu"])}
    preview = roster_preview(area=world.group1, data=REFRESHED)
    rows = {row.values["full_name"]: row for row in preview.rows}
    assert {name: row.change for name, row in rows.items()} == {
        "Nguyễn Văn Hùng": "changed", "Trần Thị Lan": "changed", "Nguyễn Minh Khôi": "unchanged",
        "Nguyễn Thị Mai": "new", "Phạm Đức Anh": "unchanged", "Vũ Văn Long": "new"}  # fmt: skip
    assert rows["Nguyễn Văn Hùng"].changes == {"phone": ("+84912345678", "+84912000999")}
    assert rows["Trần Thị Lan"].changes == {"full_name": ("Trần Thi Lan", "Trần Thị Lan")}
    # The fixture's nine residents of group 1 were never on a roster: not "gone" from this one.
    assert gone(preview, world) == ["Lê Thị Hoà", "Đặng Thị Thu"] and len(preview.gone) == 2
    assert [h.head_name for h in preview.households] == ["Vũ Văn Long"]
    assert Resident.objects.get(pk=hung.pk).phone == "+84912345678"  # the preview wrote nothing
    households, residents, visits = Household.objects.count(), Resident.objects.count(), Visit.objects.count()
    with CaptureQueriesContext(connection) as queries:
        result = roster_import(area=world.group1, data=REFRESHED)
    resident_updates = [sql for sql in writes(queries.captured_queries) if sql.lstrip().upper().startswith("UPDATE")
                        and "households_resident" in sql.split("SET")[0]]  # fmt: skip
    assert len(resident_updates) == 1  # one bulk UPDATE for every changed resident
    assert len(result.residents) == 2 and len(result.updated_residents) == 2 and len(result.gone) == 2
    assert Household.objects.count() == households + 1 and Resident.objects.count() == residents + 2
    hung.refresh_from_db()
    assert hung.phone == "+84912000999" and hung.vneid_level2 == "activated" and hung.household.turf == world.turf_a
    assert Resident.objects.get(id_number="001178023456").full_name == "Trần Thị Lan"
    assert Resident.objects.get(full_name="Nguyễn Thị Mai").household_id == hung.household_id
    assert Resident.objects.get(full_name="Vũ Văn Long").household.address_text == "số 11, Ngõ 12, Phố Đội Cấn"
    assert Visit.objects.count() == visits and Visit.objects.get().household_id == hung.household_id
    for name, before in gone_before.items():  # listed, not touched
        after = Resident.objects.get(pk=before.pk)
        assert (after.residence_status, after.updated_at, after.household_id) == (
            before.residence_status, before.updated_at, before.household_id)
    event = AuditEvent.objects.filter(action=AuditAction.IMPORT).latest("pk")
    assert event.rows == 4 and event.detail["residents_created"] == 2 and event.detail["residents_updated"] == 2
    assert RollupDirty.objects.filter(campaign=world.campaign, area=world.group1).exists()


def test_a_row_without_id_number_is_matched_by_name_birth_and_address(world):
    roster_import(area=world.group1, data=FIRST)
    anh = Resident.objects.get(full_name="Phạm Đức Anh")
    refreshed = roster(HUNG.format(phone="0912345678"), LAN.format(name="Trần Thi Lan"), KHOI, HOA,
                       ANH.format(phone="0383000111").replace("Tạm trú", "Thường trú"), THU)  # fmt: skip
    preview = roster_preview(area=world.group1, data=refreshed)
    row = next(r for r in preview.rows if r.values["full_name"] == "Phạm Đức Anh")
    assert row.change == "changed" and row.changes == {
        "phone": ("+84383456789", "+84383000111"), "residence_status": ("temporary", "permanent")}
    assert preview.residents == [] and gone(preview, world) == []
    roster_import(area=world.group1, data=refreshed)
    anh.refresh_from_db()
    assert anh.phone == "+84383000111" and anh.residence_status == ResidenceStatus.PERMANENT


def test_a_blank_cell_does_not_erase_what_the_registry_knows(world):
    roster_import(area=world.group1, data=FIRST)
    preview = roster_preview(area=world.group1, data=FIRST.replace(b"0912345678", b""))
    assert [row.change for row in preview.rows] == ["unchanged"] * 6


def test_an_id_number_of_another_commune_is_no_match_and_is_not_told(world, tmp_path):
    stranger = world.households_other[0].residents.order_by("pk").first()
    resident_update(resident=stranger, full_name="Hà Văn Kín", id_number=id_number_for(stranger, "099001"))
    born = stranger.birth_date.strftime("%d/%m/%Y")
    data = roster(f"Lò Văn Páo,{born},Nam,{stranger.id_number},,21,Ngõ 12,Phố Đội Cấn,Thường trú,HK009,Chủ hộ")
    preview = roster_preview(area=world.group1, data=data)
    (row,) = preview.rows
    assert row.change == "new" and row.changes == {} and not row.errors and not row.notes
    out, err = StringIO(), StringIO()
    path = tmp_path / "to1.csv"
    path.write_bytes(data)
    call_command("import_roster", str(path), "--area", world.group1.code, stdout=out, stderr=err)
    said = out.getvalue() + err.getvalue()
    for secret in (stranger.full_name, "Hàng Bạc", world.other_commune.name, world.other_group.code):
        assert secret not in said
    new = Resident.objects.get(full_name="Lò Văn Páo")
    assert new.household.area == world.group1 and new.id_number == stranger.id_number
    assert PossibleDuplicate.objects.filter(resident=new, other=stranger).exists()
    stranger_after = Resident.objects.get(pk=stranger.pk)
    assert (stranger_after.full_name, stranger_after.household_id) == (stranger.full_name, stranger.household_id)


def test_the_command_prints_the_refresh_and_the_gone(world, tmp_path):
    path = tmp_path / "tuan.csv"
    path.write_bytes(FIRST)
    call_command("import_roster", str(path), "--area", world.group1.code, stdout=StringIO(), stderr=StringIO())
    path.write_bytes(REFRESHED)
    out = StringIO()
    call_command("import_roster", str(path), "--area", world.group1.code, "--dry-run", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "sẽ nhập 2 nhân khẩu" in text and "Sẽ cập nhật 2 người, 2 người không đổi." in text
    # The fixture's nine residents of group 1 are not on the file either, but no roster listed them.
    assert "2 người có trong sổ nhưng không có trong tệp" in text and "Lê Thị Hoà (1940)" in text


def test_an_officer_confirms_the_gone_inside_their_area_only(world):
    roster_import(area=world.group1, data=FIRST)
    hoa = Resident.objects.get(full_name="Lê Thị Hoà")
    stranger = world.households_other[0].residents.first()
    changed = roster_confirm_gone(area=world.group1, resident_ids=[hoa.pk, stranger.pk],
                                  status=ResidenceStatus.DECEASED)  # fmt: skip
    assert [r.pk for r in changed] == [hoa.pk]
    hoa.refresh_from_db()
    stranger.refresh_from_db()
    assert hoa.residence_status == ResidenceStatus.DECEASED and stranger.residence_status == ResidenceStatus.PERMANENT
    preview = roster_preview(area=world.group1, data=REFRESHED)
    assert gone(preview, world) == ["Đặng Thị Thu"]  # confirmed: not listed again
    assert Resident.objects.filter(pk=hoa.pk).exists()
    assert datetime.date(1940, 11, 20) == hoa.birth_date


def test_a_change_that_contradicts_what_the_registry_keeps_is_refused(world):
    roster_import(area=world.group1, data=FIRST)
    # Anh was registered without an ID number, as a man; this number is a woman's born in 1990.
    row = "Phạm Đức Anh,,,001190012399,0383456789,9,Ngõ 12,Phố Đội Cấn,Tạm trú,HK003,Chủ hộ"
    preview = roster_preview(area=world.group1, data=roster(row))
    (refused,) = preview.rows
    assert refused.status == "refused" and refused.change == "" and "định danh" in refused.errors[0]
    assert Resident.objects.get(full_name="Phạm Đức Anh").id_number is None


def test_a_person_who_moved_house_follows_with_their_history(world):
    roster_import(area=world.group1, data=FIRST)
    khoi = Resident.objects.get(full_name="Nguyễn Minh Khôi")
    moved = KHOI.replace("5,Ngõ 12", "11,Ngõ 12").replace("HK001,Con", "HK004,Chủ hộ")
    data = roster(HUNG.format(phone="0912345678"), LAN.format(name="Trần Thi Lan"), moved, HOA,
                  ANH.format(phone="0383456789"), THU)  # fmt: skip
    preview = roster_preview(area=world.group1, data=data)
    row = next(r for r in preview.rows if r.values["full_name"] == "Nguyễn Minh Khôi")
    assert row.change == "changed" and row.changes == {
        "household": ("Số 5, Ngõ 12, Phố Đội Cấn", "Số 11, Ngõ 12, Phố Đội Cấn")}
    roster_import(area=world.group1, data=data)
    after = Resident.objects.get(pk=khoi.pk)
    assert after.household_id != khoi.household_id and after.household.head_name == "Nguyễn Minh Khôi"
    assert Household.objects.filter(pk=khoi.household_id).exists()  # the old household stays


def test_a_household_moved_to_another_group_marks_both_groups(world):
    data = (Path(__file__).parent / "data" / "roster_commune_ascii_headers.csv").read_bytes()
    roster_import(area=world.commune, data=data)
    nam = Resident.objects.get(full_name="Hoàng Văn Nam")
    RollupDirty.objects.all().delete()
    moved = data.replace(b"Giai;thuong tru;00004-TDP02", b"Giai;thuong tru;00004-TDP01").replace(
        b"Giai;tam tru;00004-TDP02", b"Giai;tam tru;00004-TDP01")
    preview = roster_preview(area=world.commune, data=moved)
    assert [r.changes for r in preview.rows][:2] == [{"group": ("Tổ dân phố 2", "Tổ dân phố 1")}] * 2
    assert preview.households == [] and [h.pk for h in preview.updated_households] == [nam.household_id]
    roster_import(area=world.commune, data=moved)
    nam.refresh_from_db()
    assert nam.household.area == world.group1 and nam.household.turf is None
    assert set(RollupDirty.objects.values_list("area_id", flat=True)) == {world.group1.pk, world.group2.pk}
