"""The roster import reads what Excel really makes (issue 16, item 3): a workbook with title
rows, numbers where text was meant, dates as cells or serials, one-cell addresses, footers;
CSV in either separator; and it refuses, once and in Vietnamese, a file in the wrong encoding."""

import datetime
import io
import unicodedata
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from households.models import Household, Resident
from households.roster import RosterFileError, RosterRejected, roster_preview, roster_validate
from households.roster_address import split_address
from households.roster_read import read_roster

GROUP = "00004-TDP01"
HEADER = ["STT", "Họ và tên", "Ngày tháng năm sinh", "Giới tính", "CMND/CCCD", "SĐT", "Nơi thường trú", "Ghi chú"]
GOOD = [  # sheet rows 5.. : what Excel leaves when nobody formatted a column as Text
    [1, unicodedata.normalize("NFD", "Nguyễn Văn Hùng"), datetime.datetime(1975, 3, 15), "Nam", 1075099901,
     "0912345678 / 0987654321", "Số 12 ngõ 5 phố Đội Cấn", None],
    [2, "Trần Thị Lan", 38560, "Nữ", 1305099902.0, "0912.345.679; 024 3823 4567", "12/5 Đội Cấn", "con"],
    [3, "Lê Văn Cường", "05/05/1985", "Nam", "001085099903", None, "số 3, ngách 12/5, ngõ 194 Đội Cấn", None],
    [4, "Phạm Thị Dung", 1990, "Nữ", None, None, "P. 1204 tòa CT2 KĐT Linh Đàm", None],
]  # fmt: skip
BAD = [  # sheet rows 9..12
    [5, "Lê Văn Cường", "05/05/1985", "Nam", "001085099903", None, "số 3, ngách 12/5, ngõ 194 Đội Cấn", None],
    [6, "Hoàng Văn Em", "2000", "Nam", "001299099904", None, "Số 7 phố Đội Cấn", None],
    [7, "Vũ Thị Giang", "1970", "Nữ", "001170099905", "1900 1234", "Số 9 phố Đội Cấn", None],
    [8, "Đỗ Văn Hải", "1980", "Nam", "1.20401E+11", None, "Số 11 phố Đội Cấn", None],
]  # fmt: skip
LAST = [9, "Bùi Thị Thu", "1995", "Nữ", None, None, "Tổ 5, phường Ba Đình, Hà Nội", None]


def workbook(rows, *, footer=True) -> bytes:
    """A sheet as a ward office makes it: merged title rows, a blank row, the header on row 4,
    the data, a blank row, then the total and the signature block."""
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH CÔNG DÂN TỔ DÂN PHỐ SỐ 5"])
    sheet.merge_cells("A1:H1")
    sheet.append(["Phường Ba Đình, thành phố Hà Nội"])
    sheet.merge_cells("A2:H2")
    sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    sheet.cell(row=5, column=3).number_format = "dd/mm/yyyy"  # a real date cell
    if footer:
        sheet.append([])
        sheet.append(["Tổng cộng: 9 người"])
        sheet.append([None, None, None, None, None, "Ba Đình, ngày 5 tháng 12 năm 2026"])
        sheet.append([None, "Người lập biểu", None, None, None, "Tổ trưởng"])
        sheet.append([None, "Nguyễn Văn Tổ"])  # a signature, not a resident
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_it_reports_the_workbook_row_by_row(world):
    preview = roster_preview(area=world.group1, data=workbook([*GOOD, *BAD, [], LAST]))
    rows = {row.line: row for row in preview.rows}
    # The sheet's own row numbers; the blank row 13 and everything from the footer on are skipped.
    assert sorted(rows) == [5, 6, 7, 8, 9, 10, 11, 12, 14]
    assert preview.columns["id_number"] == "CMND/CCCD" and preview.columns["address"] == "Nơi thường trú"
    assert "STT" in preview.ignored_columns
    assert {line: row.status for line, row in rows.items()} == {
        5: "recovered", 6: "recovered", 7: "ok", 8: "ok", 9: "refused", 10: "refused", 11: "refused", 12: "refused",
        14: "ok",
    }  # fmt: skip
    assert rows[5].notes == ["Số định danh 001075099901: đã thêm số 0 ở đầu do Excel làm mất.",
                             "Số điện thoại khác: 0987 654 321."]  # fmt: skip
    assert rows[6].notes == ["Số định danh 001305099902: đã thêm số 0 ở đầu do Excel làm mất.",
                             "Số điện thoại khác: 024 3823 4567."]  # fmt: skip
    assert rows[9].errors == ["Số định danh 001085099903 trùng với dòng 7."]
    assert "năm sinh 2099, một năm chưa tới" in rows[10].errors[0]
    assert "số dịch vụ" in rows[11].errors[0] and "1900 1234" in rows[11].errors[0]
    assert "số mũ" in rows[12].errors[0] and "Văn bản (Text)" in rows[12].errors[0]
    with pytest.raises(RosterRejected) as rejected:
        roster_validate(area=world.group1, data=workbook([*GOOD, *BAD, [], LAST]))
    assert [e.line for e in rejected.value.errors] == [9, 10, 11, 12]
    assert str(rejected.value.errors[0]) == "Dòng 9: Số định danh 001085099903 trùng với dòng 7."


def test_it_imports_the_workbook_by_its_content_whatever_its_name(world, tmp_path):
    before = Resident.objects.count()
    path = tmp_path / "danh sach to 5.dat"
    path.write_bytes(workbook([*GOOD, LAST]))
    out = StringIO()
    call_command("import_roster", str(path), "--area", GROUP, stdout=out, stderr=StringIO())
    assert Resident.objects.count() == before + 5 and "Đã nhập 5 nhân khẩu" in out.getvalue()
    assert "Dòng 5: Số định danh 001075099901: đã thêm số 0 ở đầu do Excel làm mất." in out.getvalue()
    hung = Resident.objects.get(id_number="001075099901")
    assert hung.full_name == "Nguyễn Văn Hùng" == unicodedata.normalize("NFC", hung.full_name)
    assert hung.birth_date == datetime.date(1975, 3, 15) and hung.phone == "+84912345678"
    address = ("house_number", "lane", "street", "building", "unit")
    assert Household.objects.filter(pk=hung.household_id).values_list(*address).get() == (
        "12", "Ngõ 5", "Phố Đội Cấn", "", "")
    assert hung.household.address_text == "số 12, Ngõ 5, Phố Đội Cấn"
    lan = Resident.objects.get(full_name="Trần Thị Lan")
    assert lan.birth_date == datetime.date(2005, 7, 27) and lan.id_number == "001305099902"
    assert lan.phone == "+84912345679"
    assert (lan.household.house_number, lan.household.lane, lan.household.street) == ("5", "Ngõ 12", "Đội Cấn")
    cuong = Resident.objects.get(full_name="Lê Văn Cường").household
    assert (cuong.house_number, cuong.lane, cuong.street) == ("3", "Ngõ 194, ngách 12/5", "Đội Cấn")
    dung = Resident.objects.get(full_name="Phạm Thị Dung")
    assert dung.birth_year == 1990 and dung.birth_date is None
    assert (dung.household.unit, dung.household.building, dung.household.street) == ("1204", "Tòa CT2", "KĐT Linh Đàm")
    assert Resident.objects.get(full_name="Bùi Thị Thu").household.address_text == "Tổ 5"
    assert not Resident.objects.filter(full_name="Nguyễn Văn Tổ").exists()


def test_it_keeps_the_walk_order_of_split_addresses(world):
    addresses = ["Số 12 ngõ 5 phố Kim Mã", "số 3 ngõ 5 phố Kim Mã", "5/9 phố Kim Mã", "Số 2 phố Kim Mã"]
    rows = [[n, f"Người {n}", "1980", "Nam", None, None, address, None] for n, address in enumerate(addresses, 1)]
    roster_validate(area=world.group1, data=workbook(rows))  # the same rules as the import
    result = roster_preview(area=world.group1, data=workbook(rows))
    keys = sorted((h.walk_key, h.house_number) for h in result.households)
    # The street's frontage, then ngõ 5 in house order: no "số Số 12", no number left in the street.
    assert [number for _, number in keys] == ["2", "3", "9", "12"]
    assert {(h.lane, h.street) for h in result.households} == {("", "Phố Kim Mã"), ("Ngõ 5", "Phố Kim Mã")}


@pytest.mark.parametrize(("text", "parts"), [
    ("Số 12 ngõ 5 phố Đội Cấn", {"house_number": "12", "lane": "Ngõ 5", "street": "Phố Đội Cấn"}),
    ("12/5 Đội Cấn", {"house_number": "5", "lane": "Ngõ 12", "street": "Đội Cấn"}),
    ("12/5/3 Đội Cấn", {"house_number": "3", "lane": "Ngách 12/5", "street": "Đội Cấn"}),
    ("số 3, ngách 12/5, ngõ 194 Đội Cấn", {"house_number": "3", "lane": "Ngõ 194, ngách 12/5", "street": "Đội Cấn"}),
    ("P. 1204 tòa CT2 KĐT Linh Đàm", {"unit": "1204", "building": "Tòa CT2", "street": "KĐT Linh Đàm"}),
    ("Tổ 5, phường Ba Đình, Hà Nội", {"street": "Tổ 5"}),
    ("Số nhà 15A, đường Láng, Q. Đống Đa, TP. Hà Nội", {"house_number": "15A", "street": "Đường Láng"}),
    ("45 phố Ngô Quyền", {"house_number": "45", "street": "Phố Ngô Quyền"}),  # Ngô is not ngõ
    ("kiệt 20 Lê Lợi", {"lane": "Kiệt 20", "street": "Lê Lợi"}),
])  # fmt: skip
def test_it_splits_a_one_cell_address(text, parts):
    assert {k: v for k, v in split_address(text).items() if v} == parts


def test_it_recognises_the_headers_wards_write():
    rows = "\n".join([
        "DANH SÁCH CÔNG DÂN;;;;;;;;;", ";;;;;;;;;",
        "tt;HỌ  TÊN;Năm sinh;Gioi tinh;Số định danh cá nhân;Điện thoại;Số nhà;Ngõ/ngách;Đường/phố;Tòa nhà",
        "1;An;1980;Nam;;;1;Ngõ 2;Phố Đội Cấn;",
    ])  # fmt: skip
    table = read_roster(rows.encode())
    assert table.header_line == 3 and [line for line, _ in table.rows] == [4]
    assert set(table.columns) == {"full_name", "birth", "sex", "id_number", "phone", "house_number", "lane", "street",
                                  "building"}  # fmt: skip
    assert read_roster("Tên;ngày  sinh;Chỗ ở hiện tại\nAn;1980;12 Đội Cấn".encode()).columns == {"full_name": 0, "birth": 1, "address": 2}


def test_it_reads_a_csv_with_semicolons_and_a_bom(world):
    text = ("DANH SÁCH CÔNG DÂN TỔ 5;;;\n;;;\nHọ và tên;Ngày sinh;Số CCCD;Địa chỉ\n"
            "Nguyễn Thị Hoa;01/02/1960;001160099906;Số 2 ngõ 8 phố Đội Cấn\nTổng số: 1 người;;;\n")  # fmt: skip
    result = roster_validate(area=world.group1, data=b"\xef\xbb\xbf" + text.encode())
    assert [r.line for r in result.rows] == [4]
    household = result.households[0]
    assert (household.house_number, household.lane, household.street) == ("2", "Ngõ 8", "Phố Đội Cấn")
    assert result.residents[0].birth_date == datetime.date(1960, 2, 1)


def _cp1258(text: str) -> bytes:
    """Text as Excel's "CSV" (not "CSV UTF-8") writes it on a Vietnamese Windows."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)  # cp1258 has â, ê, ô, ă, ơ, ư and five tone marks
            head = parts[0] if len(parts) == 2 else unicodedata.normalize("NFC", parts[:2])
            out += head.encode("cp1258") + parts[len(head) if len(parts) == 2 else 2 :].encode("cp1258")
    return out


def test_it_explains_a_windows_1258_csv_without_guessing(world):
    data = _cp1258("Họ và tên,Ngày sinh,Số nhà\nNguyễn Văn Hùng,1980,5\n")
    with pytest.raises(RosterFileError) as exc:
        roster_validate(area=world.group1, data=data)
    assert "không phải UTF-8" in str(exc.value) and "CSV UTF-8" in str(exc.value) and "Windows-1258" in str(exc.value)


@pytest.mark.parametrize("name", ["BÃ¹i Thu HÃ", "Nguy?n Văn An", "NguyÔn V¨n Hïng"])
def test_it_refuses_mojibake_once_for_the_whole_file(world, name):
    rows = [[1, "Trần Văn Bình", "1980", "Nam", None, None, "Số 1 phố Đội Cấn", None],
            [2, name, "1981", "Nam", None, None, "Số 2 phố Đội Cấn", None],
            [3, name + " B", "1982", "Nam", None, None, "Số 3 phố Đội Cấn", None]]  # fmt: skip
    with pytest.raises(RosterFileError) as exc:
        roster_validate(area=world.group1, data=workbook(rows))
    message = str(exc.value)
    assert "sai bảng mã" in message and "dòng 6" in message and "CSV UTF-8" in message


def test_it_asks_for_xlsx_instead_of_an_old_xls(world, tmp_path):
    path = tmp_path / "danh_sach.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(CommandError, match=r"\.xls.*Excel Workbook \(\*\.xlsx\)"):
        call_command("import_roster", str(path), "--area", GROUP, stdout=StringIO(), stderr=StringIO())


def test_it_says_which_serial_numbers_are_not_dates(world):
    rows = [[1, "Trần Văn Bình", 38558, "Nam", None, None, "Số 1 phố Đội Cấn", None],  # row 5 is a date cell
            [2, "Trần Văn Bảo", 1234, "Nam", None, None, "Số 1 phố Đội Cấn", None],
            [3, "Trần Văn Bách", 38558, "Nam", None, None, "Số 1 phố Đội Cấn", None]]  # fmt: skip
    preview = roster_preview(area=world.group1, data=workbook(rows))
    assert "“1234” là một con số" in preview.rows[1].errors[0]
    rows = [[1, "Trần Văn Bình", "1980", "Nam", None, None, datetime.datetime(2026, 5, 12), None]]
    assert "đổi địa chỉ thành ngày tháng (“12/05/2026”)" in roster_preview(area=world.group1,
                                                                          data=workbook(rows)).rows[0].errors[0]
    assert preview.rows[2].values["birth"] == "38558" and not preview.rows[2].errors
    assert preview.residents[-1].birth_date == datetime.date(2005, 7, 25)  # Excel's own count, from 30/12/1899


def test_it_skips_the_column_numbers_row_and_joins_a_split_name(world):
    text = ("STT;Họ và tên đệm;Tên;Ngày sinh;Địa chỉ\n(1);(2);(3);(4);(5)\n1;Tống Công;Minh;1980;Số 1 phố Đội Cấn\n"
            "Tổng cộng: 1 người;;;;\n;;Người lập biểu;;\n;;Nguyễn Văn Tổ;;\n")  # fmt: skip
    result = roster_validate(area=world.group1, data=text.encode())
    assert [(r.line, r.values["full_name"]) for r in result.rows] == [(3, "Minh")]  # "Tống Công" is no footer
    assert result.residents[0].full_name == "Tống Công Minh"
