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
# Text saved in the wrong encoding, refused; real names in other Latin scripts (Müller, José,
# François, Zoë, Łukasz) are not. Four signs: the symbols TCVN3 (ABC, .VnTime) puts for
# Vietnamese letters ("NguyÔn V¨n Hïng": ¨ is ă) and that UTF-8 read as Windows-1252/1258
# leaves ("BÃ¹i", "Tráº§n"), never in a name; a letter's UTF-8 bytes read as Windows-1252/1258
# ("Ä‘" for đ, "Ã€" for À), checked by decoding them back; TCVN3's capitals inside a word
# ("NguyÔn", "TrÇn", "ThÞ": Ô is ễ); and "?" inside a word ("Nguy?n", from a code page without
# Vietnamese letters).
_SYMBOLS = re.compile("[¡-¿×÷]|[^\\W\\d_]\\?+[^\\W\\d_]")
_ANSI = ("cp1252", "cp1258")


def _decoded(first: int, last: int) -> str:
    return "".join({bytes([b]).decode(c, "ignore") for b in range(first, last + 1) for c in _ANSI})


_CONT = re.escape(_decoded(0x80, 0xBF).replace("\xa0", "") + "".join(map(chr, range(0x80, 0xA0))))
_UTF8_AS_ANSI = re.compile(f"[{re.escape(_decoded(0xC2, 0xDF))}][{_CONT}]"
                           f"|[{re.escape(_decoded(0xE0, 0xEF))}][{_CONT}]{{2}}")
_TCVN3_CAPITAL = re.compile("([^\\W\\d_])([\\u00c6-\\u00de])")
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
    # Each cell's header as shown (a two-row header's "Ngày sinh › Nam"), virtual columns included.
    header_row: list[str] = field(default_factory=list)


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


def _mojibake(text: str) -> re.Match | None:
    """The first sign of a wrong encoding in `text` (see _SYMBOLS), or None."""
    if match := _SYMBOLS.search(text):
        return match
    for match in _UTF8_AS_ANSI.finditer(text):
        for codec in (*_ANSI, "latin-1"):  # latin-1: the bytes Windows-1252 leaves undefined (Đ's 0x90)
            try:
                match.group().encode(codec).decode("utf-8")
            except UnicodeError:
                continue
            return match
    return next((m for m in _TCVN3_CAPITAL.finditer(text) if m.group(1).islower()), None)


class _MojibakeTest:
    """The test as a pattern's search(), for callers that only search (the data-quality
    board's names check, outreach.quality.clean, imports it as _MOJIBAKE)."""

    search = staticmethod(_mojibake)


_MOJIBAKE = _MojibakeTest()


def _check_encoding(records) -> None:
    # One search over every text cell at once (the \0 between them is in no pattern, so no
    # match spans two cells): a clean file, the usual case, costs three regex scans, not
    # three per cell. Only a file with a sign is searched cell by cell, for its line.
    texts = [cell for _line, cells in records for cell in cells if isinstance(cell, str) and cell]
    if _mojibake("\0".join(texts)) is None:
        return
    for line, cells in records:
        for cell in cells:
            if isinstance(cell, str) and (match := _mojibake(cell)):
                strange = match.group(match.lastindex or 0)  # TCVN3's capital, not the letter before it
                raise RosterFileError(
                    _("Tệp bị sai bảng mã chữ Việt (dòng %(line)d có “%(text)s”, ký tự lạ “%(char)s”): tệp đã được "
                      "lưu hoặc chuyển đổi bằng bảng mã không phải Unicode (Windows-1258, TCVN3/ABC…). Không nhập "
                      "dòng nào. Hãy lấy lại tệp gốc và lưu dạng “Excel Workbook (.xlsx)” hoặc “CSV UTF-8 (Comma "
                      "delimited)”; chữ gõ bằng phông TCVN3 (.VnTime) phải chuyển sang Unicode trước (Unikey: "
                      "Công cụ chuyển mã).") % {"line": line, "text": cell[:60], "char": strange}
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
    header = [c if isinstance(c, str) else str(c or "") for c in header]
    shown, pairs = header, {}
    if index + 1 < len(records) and (split := _sub_header(header, records[index + 1][1])) is not None:
        header, shown, pairs = split
        index += 1  # the sub-header row is no data row
    columns, headers, ignored = _columns(header, derived={"birth", "sex"} if "birth" in pairs else set(pairs))
    rows = []
    for row_line, cells in records[index + 1 :]:
        filled = [c for c in cells if c not in (None, "")]
        if isinstance(filled[0], str) and _FOOTER.match(search_key(filled[0])):
            break  # totals and the signature block; names under "Người lập biểu" are not residents
        if not rows and all(_COLUMN_NUMBERS.match(str(c).strip()) for c in filled):
            continue
        rows.append((row_line, cells))
    table = Table(columns=columns, headers=headers, ignored=ignored, rows=rows, header_line=line, header_row=shown)
    if pairs:
        _derive_pairs(table, pairs)
    return table


def _columns(header: list[str], derived=()) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Field -> cell index, field -> header, and the headers nobody recognised (notes, "STT").
    `derived`: fields a two-row header gives in a pair of columns (_sub_header)."""
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
    missing = [f"“{COLUMNS[n][0]}”" for n in ("full_name", "birth") if n not in columns and n not in derived]
    if not any(n in columns for n in ADDRESS_COLUMNS):
        missing.append(_("ít nhất một cột địa chỉ (địa chỉ, số nhà, ngõ/ngách/hẻm, đường/phố, toà nhà)"))
    if missing:
        raise RosterFileError(_("Thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)})
    return columns, headers, ignored


# A two-row header: "Ngày sinh" merged over "Nam" | "Nữ" (the date written in the man's or the
# woman's column, as civil registers do), "Địa chỉ" over "Số nhà" | "Đường/phố". In read-only
# mode a merged cell's value is in its first cell only, so a top value is carried rightwards
# over the cells whose second row has a sub-header.
_PAIR_FIELDS = ("birth", "sex")  # a parent split into Nam | Nữ: a date, or a mark, in one of the two
_PAIR_SIDES = {"nam": "M", "nu": "F"}
_NUMBER = re.compile(r"[\d\s./:-]+")


def _alias(text) -> str | None:
    return _ALIASES.get(header_key(text).replace("_", "")) if text else None


def _sub_header(top: list[str], second: list) -> tuple[list[str], list[str], dict] | None:
    """(the header to read, the header as shown, {parent field: (man's index, woman's
    index)}) when `second` is a sub-header row under `top`, else None. A sub-header row has
    only text, nothing under the name column (merged down from the top row) unless the name
    is split too ("Họ và tên" over "Họ đệm" | "Tên"), and at least one sub-header the import
    knows."""
    width = max(len(top), len(second))
    top = [c.strip() for c in top] + [""] * (width - len(top))
    subs = [c.strip() if isinstance(c, str) else c for c in second] + [None] * (width - len(second))
    name_index = _recognised(top).get("full_name")
    under_name = subs[name_index] if name_index is not None else None
    values = [c for c in subs if c not in (None, "")]
    if any(not isinstance(c, str) or _NUMBER.fullmatch(c) for c in values) or under_name and not _alias(under_name):
        return None  # a value (a number, a date, in a CSV too), or a name: a data row
    header, shown, sides, parent = list(top), list(top), {}, ""
    for index, (own, sub) in enumerate(zip(top, subs, strict=True)):
        parent = own or parent
        if not sub:
            continue
        shown[index] = f"{parent} › {sub}" if parent else sub
        side = _PAIR_SIDES.get(header_key(sub))
        if _alias(parent) in _PAIR_FIELDS and side:
            sides.setdefault(_alias(parent), {})[side] = index
            header[index] = ""  # read through the derived columns, not reported as ignored
        elif _alias(sub):
            header[index] = sub
        elif not own:
            header[index] = shown[index]  # an unknown sub-header under a group: ignored by its full name
    pairs = {name: (found["M"], found["F"]) for name, found in sides.items() if len(found) == 2}
    return (header, shown, pairs) if pairs or any(_alias(c) for c in subs) else None


def _derive_pairs(table: Table, pairs: dict) -> None:
    """Append to each row the birth and the sex a Nam | Nữ pair gives, as virtual columns the
    rest of the import reads like any other. A date (or mark) in both columns of a pair is
    passed on as both, so that the row is refused with the two values named. A sex column
    of its own, when filled, wins over what a date's column says."""
    width = max([len(table.header_row)] + [len(cells) for _, cells in table.rows])
    own_sex = table.columns.get("sex") if "sex" not in pairs else None
    derived = [name for name in _PAIR_FIELDS if name in pairs or name == "sex" and "birth" in pairs]
    for offset, name in enumerate(derived):
        table.columns[name] = width + offset
        man, woman = pairs.get(name) or pairs["birth"]
        table.headers.setdefault(name, f"{table.header_row[man]} / {table.header_row[woman]}")
    table.header_row = [*table.header_row, *[""] * (width - len(table.header_row)),
                        *[table.headers[name] for name in derived]]  # fmt: skip
    for number, (line, cells) in enumerate(table.rows):
        values = {}
        for name in _PAIR_FIELDS:
            if name not in pairs:
                continue
            given = {side: cells[i] for side, i in zip(("Nam", "Nữ"), pairs[name], strict=True)
                     if i < len(cells) and cells[i] not in (None, "")}  # fmt: skip
            if name == "birth":  # the date in one column says the sex; in both, it is refused
                values["birth"] = next(iter(given.values())) if len(given) == 1 else " / ".join(
                    f"{_shown(v)} ({side})" for side, v in given.items()) or None
                values["sex"] = next(iter(given)) if len(given) == 1 else None
            else:
                values["sex"] = " / ".join(given) or values.get("sex")
        if own_sex is not None and own_sex < len(cells) and cells[own_sex] not in (None, ""):
            values["sex"] = cells[own_sex]
        padded = [*cells, *[None] * (width - len(cells))]
        table.rows[number] = (line, padded + [values.get(name) for name in derived])


def _shown(value) -> str:
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value)
