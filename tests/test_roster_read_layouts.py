"""More of what real rosters look like (issue 16, item 3): a two-row header — "Ngày sinh"
merged over "Nam" | "Nữ" (the birth date written in the man's or the woman's column, the civil
register's layout), "Địa chỉ" over "Số nhà" | "Đường/phố" — and names in other Latin scripts,
which the encoding check must not take for mojibake while it still refuses the real thing."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import range_boundaries

from households.models import Resident
from households.roster import RosterFileError, roster_import, roster_preview, roster_validate
from households.roster_read import read_roster
from households.upload_services import error_copy
from households.uploads import RosterUpload

from .test_roster_excel import workbook

TOP = ["STT", "Họ và tên", "Ngày sinh", None, "Số CCCD", "Địa chỉ", None, "Giới tính", "Ghi chú"]
SUB = [None, None, "Nam", "Nữ", None, "Số nhà", "Đường/phố", None, None]
ROWS = [  # sheet rows 6..
    [1, "Nguyễn Văn Hùng", datetime.datetime(1975, 3, 15), None, "001075012345", "5", "Phố Đội Cấn", None, None],
    [2, "Trần Thị Lan", None, "1978", None, "5", "Phố Đội Cấn", None, "vợ"],
    [3, "Lê Văn Cường", 31117, None, None, "7", "Phố Đội Cấn", None, None],  # a serial: 11/03/1985
    [4, "Phạm Thị Dung", None, datetime.datetime(1990, 1, 2), None, "9", "Phố Đội Cấn", "Nữ", None],
    [5, "Hoàng Văn Em", "1980", "1981", None, "11", "Phố Đội Cấn", None, None],  # a date in both: which?
    [6, "Vũ Thị Giang", None, None, None, "13", "Phố Đội Cấn", None, None],
]  # fmt: skip


def two_row_header(rows=ROWS, top=TOP, sub=SUB, merges=("C4:D4", "F4:G4")) -> bytes:
    """As a ward office makes it in Excel: title rows, the header on rows 4 and 5 with the
    single columns merged down over both rows, data from row 6, a footer."""
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH NHÂN KHẨU TỔ DÂN PHỐ SỐ 5"])
    sheet.merge_cells("A1:I1")
    sheet.append(["Phường Ba Đình, thành phố Hà Nội"])
    sheet.merge_cells("A2:I2")
    sheet.append([])
    sheet.append(top)
    sheet.append(sub)
    across = set()
    for merge in merges:
        sheet.merge_cells(merge)
        first, _row, last, _end = range_boundaries(merge)
        across |= set(range(first, last + 1))
    for column, (above, below) in enumerate(zip(top, sub, strict=True), start=1):
        if above and not below and column not in across:
            sheet.merge_cells(start_row=4, start_column=column, end_row=5, end_column=column)
    for row in rows:
        sheet.append(row)
    sheet.append(["Tổng cộng: 6 người"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_workbook_is_as_excel_leaves_merged_cells():
    sheet = load_workbook(io.BytesIO(two_row_header()), read_only=True).active
    header = list(sheet.iter_rows(min_row=4, max_row=5, values_only=True))
    assert header[0][2:4] == ("Ngày sinh", None) and header[1][:4] == (None, None, "Nam", "Nữ")


def test_it_reads_a_two_row_header_and_the_sex_from_the_birth_dates_column(world):
    preview = roster_preview(area=world.group1, data=two_row_header())
    rows = {row.line: row for row in preview.rows}
    assert sorted(rows) == [6, 7, 8, 9, 10, 11]  # the sub-header row 5 is no data row, the footer is none
    assert preview.columns["birth"] == "Ngày sinh › Nam / Ngày sinh › Nữ"
    assert preview.columns["house_number"] == "Số nhà" and preview.columns["street"] == "Đường/phố"
    assert preview.columns["sex"] == "Giới tính" and preview.ignored_columns == ["STT"]
    assert {line: row.status for line, row in rows.items()} == {
        6: "ok", 7: "ok", 8: "ok", 9: "ok", 10: "refused", 11: "refused"}
    assert rows[10].errors == ["Ngày sinh “1980 (Nam) / 1981 (Nữ)” không đúng dạng dd/mm/yyyy hoặc chỉ năm yyyy."]
    assert "Thiếu ngày sinh" in rows[11].errors[0]
    result = roster_import(area=world.group1, data=two_row_header(ROWS[:4]))
    people = {r.full_name: (r.birth_date, r.birth_year, r.sex, r.household.address_display)
              for r in Resident.objects.filter(pk__in=[r.pk for r in result.residents])}  # fmt: skip
    assert people == {
        "Nguyễn Văn Hùng": (datetime.date(1975, 3, 15), 1975, "M", "Số 5, Phố Đội Cấn"),
        "Trần Thị Lan": (None, 1978, "F", "Số 5, Phố Đội Cấn"),
        "Lê Văn Cường": (datetime.date(1985, 3, 11), 1985, "M", "Số 7, Phố Đội Cấn"),
        "Phạm Thị Dung": (datetime.date(1990, 1, 2), 1990, "F", "Số 9, Phố Đội Cấn"),
    }


def test_a_sex_column_of_its_own_wins_and_the_id_number_still_checks_it(world):
    rows = [[1, "Nguyễn Văn Hùng", datetime.datetime(1975, 3, 15), None, "001075012345", "5", "Phố Đội Cấn", "Nữ",
             None]]  # fmt: skip
    (row,) = roster_preview(area=world.group1, data=two_row_header(rows)).rows
    assert row.status == "refused" and "định danh" in row.errors[0]  # the number is a man's; the file says Nữ


def test_sex_marked_with_an_x_under_nam_and_nu(world):
    top = ["STT", "Họ và tên", "Năm sinh", "Giới tính", None, "Địa chỉ"]
    sub = [None, None, None, "Nam", "Nữ", None]
    rows = [[1, "Đỗ Văn Hải", 1980, "x", None, "Số 3 phố Đội Cấn"],
            [2, "Bùi Thị Thu", 1995, None, "x", "Số 3 phố Đội Cấn"]]  # fmt: skip
    table = read_roster(two_row_header(rows, top, sub, merges=("D4:E4",)))
    assert [line for line, _cells in table.rows] == [6, 7]
    preview = roster_preview(area=world.group1, data=two_row_header(rows, top, sub, merges=("D4:E4",)))
    assert [(r.values["full_name"], r.values["sex"], r.status) for r in preview.rows] == [
        ("Đỗ Văn Hải", "Nam", "ok"), ("Bùi Thị Thu", "Nữ", "ok")]


def test_a_split_name_under_a_merged_name_header(world):
    top = ["STT", "Họ và tên", None, "Ngày sinh", "Địa chỉ"]
    sub = [None, "Họ và tên đệm", "Tên", None, None]
    rows = [[1, "Nguyễn Văn", "Hùng", "1975", "Số 5 phố Đội Cấn"]]
    (row,) = roster_preview(area=world.group1, data=two_row_header(rows, top, sub, merges=("B4:C4",))).rows
    assert row.status == "ok" and (row.values["family_names"], row.values["full_name"]) == ("Nguyễn Văn", "Hùng")


def test_the_file_back_with_its_error_column_names_the_sub_headers(world):
    data = two_row_header()
    upload = RosterUpload.objects.create(user=world.police, area=world.group1, filename="to5.xlsx", data=data,
                                         summary={"rows": [{"line": 10, "errors": ["sai"], "notes": []}]})  # fmt: skip
    sheet = load_workbook(io.BytesIO(error_copy(upload))).active
    header = [c.value for c in sheet[1]]
    assert header[3:5] == ["Ngày sinh › Nam", "Ngày sinh › Nữ"] and header[-1] == "Lỗi / đã sửa"
    lines = {row[0].value: row[-1].value for row in sheet.iter_rows(min_row=2)}
    assert lines[10] == "sai" and sorted(lines) == [6, 7, 8, 9, 10, 11]


# The encoding check: other Latin scripts are names; mojibake and TCVN3 are not.

FOREIGN = ["Hans Müller", "José García", "François Lefèvre", "Zoë Martin", "Łukasz Nowak", "Søren Ørsted",
           "Björn Åström", "Anaïs Noël", "Jürgen Strauß", "Çağla Öztürk", "Ñuño Peña"]  # fmt: skip


def rows_named(*names):
    return [[n, name, "1980", "Nam", None, None, f"Số {n} phố Đội Cấn", None] for n, name in enumerate(names, 1)]


def test_names_in_other_latin_scripts_are_not_mojibake(world):
    result = roster_validate(area=world.group1, data=workbook(rows_named("Trần Văn Bình", *FOREIGN)))
    assert [r.full_name for r in result.residents][1:] == FOREIGN


@pytest.mark.parametrize("name", [
    "BÃ¹i Thu HÃ", "Nguyá»…n Văn An", "Tráº§n Thị Lan", "Ä‘inh Văn Tú", "Ã€o Thị Mai",  # UTF-8 read as 1252
    "BĂ¹i Thu Hà",  # ... as 1258
    "NguyÔn Văn An", "TrÇn Thị Lan", "Lª ThÞ Hoa", "NguyÔn V¨n Hïng",  # TCVN3 (.VnTime)
    "Nguy?n Văn An",
])  # fmt: skip
def test_mojibake_is_still_refused(world, name):
    with pytest.raises(RosterFileError) as exc:
        roster_validate(area=world.group1, data=workbook(rows_named("Hans Müller", name)))
    assert "sai bảng mã" in str(exc.value) and "dòng 6" in str(exc.value)


def test_a_first_data_row_without_a_name_is_no_sub_header(world):
    data = "Họ và tên,Ngày sinh,Giới tính,Số nhà,Đường/phố\n,15/03/1975,Nam,5,Phố\nTrần Thị Lan,1978,Nữ,5,Đội Cấn\n"
    preview = roster_preview(area=world.group1, data=data.encode())
    assert [(r.line, r.status) for r in preview.rows] == [(2, "refused"), (3, "ok")]
    assert "Thiếu họ và tên" in preview.rows[0].errors[0]
