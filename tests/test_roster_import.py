"""The roster import: all rows valid or nothing written, each bad row named by its line."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from households.models import Household, ResidenceStatus, Resident
from households.roster import format_count
from outreach.models import AreaRollup, RollupDirty

DATA = Path(__file__).parent / "data"


def run(name: str, area: str, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_roster", str(DATA / name), "--area", area, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fail(name: str, area: str, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_roster", str(DATA / name), "--area", area, *args, stdout=out, stderr=err)
    return err.getvalue(), str(exc.value)


def test_it_imports_residents_into_their_households(world):
    before = Resident.objects.count()
    out, _ = run("roster_group_bom.csv", "00004-TDP01")
    assert Resident.objects.count() == before + 6
    assert "Đã nhập 6 nhân khẩu" in out and "3 hộ gia đình" in out
    assert "“STT”" in out  # the row-number column is reported as ignored, not an error
    hung = Resident.objects.get(id_number="001075012345")
    home = hung.household
    assert home.area == world.group1 and home.head_name == "Nguyễn Văn Hùng"
    assert home.address_text == "số 5, Ngõ 12, Phố Đội Cấn"
    assert sorted(home.residents.values_list("full_name", flat=True)) == [
        "Nguyễn Minh Khôi", "Nguyễn Văn Hùng", "Trần Thị Lan",
    ]  # fmt: skip
    assert hung.phone == "+84912345678" and hung.birth_date == datetime.date(1975, 3, 15) and hung.sex == "M"
    lan = Resident.objects.get(full_name="Trần Thị Lan")
    assert lan.birth_date is None and lan.birth_year == 1978 and lan.sex == "F"
    hoa = Resident.objects.get(id_number="001140045678")
    assert hoa.elderly_alone and hoa.sick and not hoa.disabled
    thu = Resident.objects.get(full_name="Đặng Thị Thu")
    assert thu.residence_status == ResidenceStatus.KT2 and thu.disabled
    assert thu.household.address_text == "Căn 304, tầng 3, Toà nhà CT1, Phố Đội Cấn"
    assert thu.household_id == Resident.objects.get(full_name="Phạm Đức Anh").household_id
    assert Resident.objects.get(full_name="Phạm Đức Anh").residence_status == ResidenceStatus.TEMPORARY
    # Bulk inserts send no signals: the import itself marks the group's rollups for recount.
    assert RollupDirty.objects.filter(campaign=world.campaign, area=world.group1).exists()


def test_it_brings_the_campaign_totals_up_to_date(world, django_capture_on_commit_callbacks):
    cache.clear()  # the refresh debounce lives in the cache; another test may have just used it
    with django_capture_on_commit_callbacks(execute=True):
        run("roster_group_bom.csv", "00004-TDP01")
    rollup = AreaRollup.objects.get(campaign=world.campaign, area=world.group1)
    # Two adults in each of the 3 fixture households, and 5 of the 6 imported (Thu is KT2).
    assert rollup.households_total == 3 + 3 and rollup.residents_eligible == 3 * 2 + 5


def test_it_reads_utf8_without_bom_ascii_headers_and_groups_of_a_commune(world):
    out, _ = run("roster_commune_ascii_headers.csv", "00004")
    # Huy's address is a registered household of group 1 (số 3, Phố Đội Cấn): he joins it.
    assert "Đã nhập 3 nhân khẩu" in out and "1 hộ gia đình" in out
    nam = Resident.objects.get(id_number="001085067890")
    assert nam.household.area == world.group2 and nam.full_name == "Hoàng Văn Nam"
    assert Resident.objects.get(full_name="Vũ Thị Mai").household_id == nam.household_id
    # The group named without diacritics ("To dan pho 1") resolves inside the commune.
    assert Resident.objects.get(full_name="Bùi Quang Huy").household == world.households_a[2]
    assert "Tổ dân phố 2: 1 hộ, 2 nhân khẩu" in out and "Tổ dân phố 1: 0 hộ, 1 nhân khẩu" in out


def test_it_imports_nothing_and_lists_every_bad_line(world):
    households, residents = Household.objects.count(), Resident.objects.count()
    err, message = fail("roster_bad_rows.csv", "00004-TDP01")
    assert Household.objects.count() == households and Resident.objects.count() == residents
    lines = {int(line.split(":")[0].removeprefix("Dòng ")): line for line in err.splitlines() if line[:4] == "Dòng"}
    assert sorted(lines) == [2, 3, 4, 6, 7, 10, 11, 12, 14, 15]  # 4–5 is one quoted record; 8 is good, 9 blank
    assert "có 11" in lines[2] and "mất số 0 ở đầu" in lines[2]
    assert "chỉ gồm chữ số" in lines[3]
    assert "năm sinh 1985 nhưng năm sinh là 1995" in lines[4]
    assert "“0123” không phải số điện thoại" in lines[6]
    assert "“31/02/1999” không có thật" in lines[7]
    assert "Thiếu họ và tên" in lines[10]
    assert "trùng với dòng 8" in lines[11]
    assert "“ở nhờ” không nhận ra" in lines[12]
    assert "Người này trùng với dòng 13" in lines[14]  # no ID number: same name, birth and household
    assert "Mã hộ “C” đã ghi tổ hoặc địa chỉ khác ở dòng 13" in lines[15]
    assert "10 dòng lỗi" in message


def test_it_imports_the_same_file_twice_as_unchanged(world):
    run("roster_group_bom.csv", "00004-TDP01")
    residents = Resident.objects.count()
    out, _ = run("roster_group_bom.csv", "00004-TDP01")  # the weekly refresh: tests/test_roster_reimport.py
    assert Resident.objects.count() == residents
    assert "Đã nhập 0 nhân khẩu" in out and "Đã cập nhật 0 người, 6 người không đổi." in out


def test_it_explains_a_file_that_is_not_utf8(world):
    _, message = fail("roster_cp1258.csv", "00004-TDP01")
    assert "không phải UTF-8" in message and "Windows-1258" in message and "CSV UTF-8" in message


def test_it_names_the_missing_columns(world):
    _, message = fail("roster_missing_columns.csv", "00004-TDP01")
    assert "“Ngày sinh”" in message and "ít nhất một cột địa chỉ" in message


def test_it_rejects_an_unknown_area(world):
    _, message = fail("roster_group_bom.csv", "99999")
    assert "Không có địa bàn mã “99999”" in message


def test_it_needs_a_group_column_for_a_commune(world):
    _, message = fail("roster_group_bom.csv", "00004")
    assert "Mã tổ dân phố" in message


def test_it_rejects_an_empty_file(world, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(CommandError, match="Tệp trống"):
        call_command("import_roster", str(empty), "--area", "00004-TDP01", stdout=StringIO(), stderr=StringIO())


def test_it_writes_nothing_on_a_dry_run(world):
    residents = Resident.objects.count()
    out, _ = run("roster_group_bom.csv", "00004-TDP01", "--dry-run")
    assert "sẽ nhập 6 nhân khẩu" in out and Resident.objects.count() == residents


def test_it_formats_counts_the_vietnamese_way():
    assert format_count(1234567) == "1.234.567" and format_count(12) == "12"
