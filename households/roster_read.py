"""The roster file as a ward really has it: bytes -> the header row and the rows below it.

An .xlsx workbook (recognised by its content, a ZIP, whatever the file is called) is read
streamed, cells keeping their Excel types (numbers, dates) for roster_cells to interpret;
a CSV is UTF-8 with or without BOM, "," or ";". The header row is searched below the
title rows a printed list starts with ("DANH SÁCH CÔNG DÂN…", "Phường…", blank rows), and
reading stops at the footer (totals, "Người lập biểu", the signature date). Text that was
saved in the wrong encoding is refused for the whole file, once, because every row of such
a file is wrong in the same way and the fix is to save the file again.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .text import nfc, search_key

# field -> (header shown in messages, accepted headers as normalised by header_key)
COLUMNS = {
    "full_name": ("Họ và tên", {"ho_va_ten", "ho_ten", "hoten", "ten", "full_name", "name"}),
    "birth": ("Ngày sinh", {"ngay_sinh", "ngay_thang_nam_sinh", "nam_sinh", "birth_date", "date_of_birth", "dob"}),
    "sex": ("Giới tính", {"gioi_tinh", "sex", "gender"}),
    "id_number": ("Số định danh", {"so_dinh_danh", "so_dinh_danh_ca_nhan", "so_cccd", "cccd", "so_can_cuoc",
                                   "can_cuoc", "cmnd_cccd", "so_cmnd_cccd", "cccd_cmnd", "so_cmnd", "cmnd",
                                   "id_number"}),
    "phone": ("Số điện thoại", {"so_dien_thoai", "dien_thoai", "sdt", "so_dt", "dt", "phone", "phone_number"}),
    "house_number": ("Số nhà", {"so_nha", "house_number"}),
    "lane": ("Ngõ/ngách/hẻm", {"ngo_ngach_hem", "ngo_ngach", "ngo", "hem", "kiet", "lane", "alley"}),
    "street": ("Đường/phố", {"duong_pho", "duong", "pho", "street"}),
    "building": ("Toà nhà", {"toa_nha", "chung_cu", "building"}),
    "floor": ("Tầng", {"tang", "floor"}),
    "unit": ("Căn hộ", {"can_ho", "phong", "unit", "apartment"}),
    "residence_status": ("Tình trạng cư trú", {"tinh_trang_cu_tru", "cu_tru", "residence_status"}),
    "household_key": ("Mã hộ", {"ma_ho", "ma_ho_gia_dinh", "so_ho", "household_key", "household_id"}),
    "group": ("Mã tổ dân phố", {"ma_to_dan_pho", "ma_to", "ma_thon", "to_dan_pho", "group_code", "group"}),
    "relation": ("Quan hệ với chủ hộ", {"quan_he_voi_chu_ho", "quan_he", "relationship"}),
    "elderly_alone": ("Người cao tuổi sống một mình", {"nguoi_cao_tuoi_song_mot_minh", "song_mot_minh",
                                                       "elderly_alone"}),
    "disabled": ("Khuyết tật", {"khuyet_tat", "disabled"}),
    "sick": ("Ốm đau", {"om_dau", "sick"}),
}  # fmt: skip
# Columns read but not stored as such: the one-cell address is split into the address
# fields (roster_address), the note is shown in a preview only (a resident has no note).
READ_COLUMNS = {
    "address": ("Địa chỉ", {"dia_chi", "noi_thuong_tru", "noi_o_hien_tai", "cho_o_hien_tai", "dia_chi_thuong_tru",
                            "address"}),
    "note": ("Ghi chú", {"ghi_chu", "note", "notes"}),
    # "Họ và tên đệm" | "Tên" in two columns: joined into the full name.
    "family_names": ("Họ và tên đệm", {"ho_va_ten_dem", "ho_ten_dem", "ho_dem", "ho_va_dem"}),
}  # fmt: skip
_ALL = COLUMNS | READ_COLUMNS
ADDRESS_COLUMNS = ("address", "house_number", "lane", "street", "building", "floor", "unit")
# Compared without separators, so "Họ và tên", "HỌ VÀ  TÊN" and "Hovaten" are one header.
_ALIASES = {alias.replace("_", ""): name for name, (_, aliases) in _ALL.items() for alias in aliases}
HEADER_SEARCH_ROWS = 20

_XLSX, _XLS = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
# Characters no Vietnamese text contains: UTF-8 read as Windows-1252 ("BÃ¹i", "Nguyá»…n",
# "Ä‘") leaves Latin-1 symbols and non-Vietnamese letters, and so does text typed in a
# TCVN3 (ABC) font ("NguyÔn V¨n Hïng"); a file saved in a code page without Vietnamese
# letters turns them into "?" inside a word ("Nguy?n").
_MOJIBAKE = re.compile("[¡-¿ÄÅÆÇËÎÏÑÖ×ØÛÜÞßäåæçëîïñö÷øûüþÿ]|â€|[^\\W\\d_]\\?+[^\\W\\d_]")
# Totals and the signature block. "Tổng cộng" alone or before a number, not "Tống Công Minh".
_FOOTER = re.compile(
    r"^(tong (cong|so)(\s+(nguoi|ho|nhan khau|cong dan))?\s*(:|\d|$)|tong\s*:|cong\s*:|nguoi lap|lap bieu|nguoi ky"
    r"|ky ten|\(ky|xac nhan|truong (cong an|ban|thon)|to truong|can bo|.{0,60}\bngay\W*\d*\W*thang\W*\d*\W*nam\b)"
)
# The row of column numbers printed forms have under the header: "(1) (2) (3)…".
_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")
_BLANK_RUN = 1000  # a sheet "used" to row 1 048 576 by formatting: stop after this many blank rows


class RosterFileError(Exception):
    """The file as a whole cannot be read: format, encoding, emptiness, columns, area."""


@dataclass
class Table:
    columns: dict[str, int]  # field -> cell index
    headers: dict[str, str]  # field -> the header as the file writes it
    ignored: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)  # (line or sheet row, cells), data rows only
    header_line: int = 1
    kind: str = "csv"


def header_key(header) -> str:
    return re.sub(r"[^a-z0-9]+", "_", search_key(re.sub(r"\(.*?\)", "", str(header or "")))).strip("_")


def read_roster(data: bytes) -> Table:
    """The roster's header and data rows, or RosterFileError saying why the file is unreadable."""
    if data.startswith(_XLS):
        raise RosterFileError(_("Đây là tệp Excel kiểu cũ (.xls), chưa đọc được. Hãy mở tệp trong Excel, chọn "
                                "Tệp › Lưu thành, kiểu “Excel Workbook (*.xlsx)”, rồi nhập tệp .xlsx đó."))
    kind, records = ("xlsx", _xlsx_records(data)) if data.startswith(_XLSX) else ("csv", _csv_records(_decode(data)))
    records = list(records)
    if not records:
        raise RosterFileError(_("Tệp trống."))
    _check_encoding(records)
    table = _find_header(records)
    table.kind = kind
    return table


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")  # Excel's "Unicode text" export
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RosterFileError(
            _("Tệp không phải UTF-8 (byte lạ ở dòng %(line)d); có thể tệp được lưu bằng bảng mã Windows-1258 "
              "hoặc TCVN3. Hãy mở tệp trong Excel và lưu lại dạng “CSV UTF-8 (Comma delimited)”, hoặc lưu dạng "
              "“Excel Workbook (.xlsx)”.") % {"line": line}
        ) from None


def _csv_records(text: str):
    """(physical line, cells) per non-blank record; a quoted cell may span several lines."""
    sample = [line for line in text.splitlines() if line.strip()][:HEADER_SEARCH_ROWS]
    # Excel in a vi-VN locale writes ";". Title rows have few separators: the busiest line decides.
    delimiter = max((",", ";", "\t"), key=lambda d: max((line.count(d) for line in sample), default=0))
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
    line = 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            yield line, [nfc(cell) for cell in cells]
        line = reader.line_num + 1


def _xlsx_records(data: bytes):
    """(sheet row number, cell values) per non-blank row of the first sheet that has a header."""
    from openpyxl import load_workbook  # only an import of an .xlsx pays for loading openpyxl

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RosterFileError(_("Không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không phải bảng tính (%(error)s).")
                              % {"error": exc}) from None  # fmt: skip
    try:
        first = None
        for sheet in workbook.worksheets:
            records = _sheet_records(sheet)
            if _header_index(records) is not None:
                return records
            first = records if first is None else first
        return first or []
    finally:
        workbook.close()


def _sheet_records(sheet) -> list[tuple[int, list]]:
    records, blank = [], 0
    for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
        cells = [nfc(v) if isinstance(v, str) else v for v in values]
        if any(c not in (None, "") for c in cells):
            records.append((number, cells))
            blank = 0
        elif (blank := blank + 1) >= _BLANK_RUN:
            break
    return records


def _check_encoding(records) -> None:
    for line, cells in records:
        for cell in cells:
            if isinstance(cell, str) and (match := _MOJIBAKE.search(cell)):
                raise RosterFileError(
                    _("Tệp bị sai bảng mã chữ Việt (dòng %(line)d có “%(text)s”, ký tự lạ “%(char)s”): tệp đã được "
                      "lưu hoặc chuyển đổi bằng bảng mã không phải Unicode (Windows-1258, TCVN3/ABC…). Không nhập "
                      "dòng nào. Hãy lấy lại tệp gốc và lưu dạng “Excel Workbook (.xlsx)” hoặc “CSV UTF-8 (Comma "
                      "delimited)”; chữ gõ bằng phông TCVN3 (.VnTime) phải chuyển sang Unicode trước (Unikey: "
                      "Công cụ chuyển mã).") % {"line": line, "text": cell[:60], "char": match.group()}
                )  # fmt: skip


def _recognised(cells) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(cells):
        name = _ALIASES.get(header_key(cell).replace("_", "")) if isinstance(cell, str) else None
        if name is not None:
            found.setdefault(name, index)
    return found


def _header_index(records) -> int | None:
    """The first of the first rows naming the name column and at least one other."""
    for index, (_, cells) in enumerate(records[:HEADER_SEARCH_ROWS]):
        found = _recognised(cells)
        if "full_name" in found and len(found) >= 2:
            return index
    return None


def _find_header(records) -> Table:
    index = _header_index(records)
    if index is None:  # name the missing columns against the likeliest header row
        index = max(range(min(len(records), HEADER_SEARCH_ROWS)), key=lambda i: len(_recognised(records[i][1])))
    line, header = records[index]
    columns, headers, ignored = _columns([c if isinstance(c, str) else str(c or "") for c in header])
    rows = []
    for row_line, cells in records[index + 1 :]:
        filled = [c for c in cells if c not in (None, "")]
        if isinstance(filled[0], str) and _FOOTER.match(search_key(filled[0])):
            break  # totals and the signature block; names under "Người lập biểu" are not residents
        if not rows and all(_COLUMN_NUMBERS.match(str(c).strip()) for c in filled):
            continue
        rows.append((row_line, cells))
    return Table(columns=columns, headers=headers, ignored=ignored, rows=rows, header_line=line)


def _columns(header: list[str]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Field -> cell index, field -> header, and the headers nobody recognised (notes, "STT")."""
    columns, headers, ignored = {}, {}, []
    for index, cell in enumerate(header):
        key = header_key(cell)
        name = _ALIASES.get(key.replace("_", ""))
        if name is None:
            if cell.strip():
                ignored.append(cell)  # "STT" among them: reported, never an error
        elif name in columns:
            raise RosterFileError(_("Hai cột cùng là “%(column)s”: “%(first)s” và “%(second)s”.")
                                  % {"column": _ALL[name][0], "first": header[columns[name]], "second": cell})
        else:
            columns[name], headers[name] = index, cell
    missing = [f"“{COLUMNS[n][0]}”" for n in ("full_name", "birth") if n not in columns]
    if not any(n in columns for n in ADDRESS_COLUMNS):
        missing.append(_("ít nhất một cột địa chỉ (địa chỉ, số nhà, ngõ/ngách/hẻm, đường/phố, toà nhà)"))
    if missing:
        raise RosterFileError(_("Thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)})
    return columns, headers, ignored
