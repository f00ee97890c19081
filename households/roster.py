"""Resident roster import from the CSV a ward exports from its spreadsheets.

All or nothing: every row is validated first and every bad row is reported by its physical
line in the file (header = line 1), because an officer fixes the spreadsheet and runs it
again; a half-imported roster would leave them guessing which rows made it. Headers may be
Vietnamese with or without diacritics or English ("Họ và tên", "ho_ten", "full_name").

Households go to the --area when it has no child areas (a residential group). When it has
children (a commune), each row names its group in a "mã tổ dân phố" column, by code or by
name, and the group must lie inside the --area. Rows sharing a "mã hộ" form one household;
without that column, rows with the same address do. Households are always created new; a
rerun of the same file is caught by the ID numbers (and, for rows without one, by name,
birth year and address) already in the registry.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import formats, timezone, translation

from .fields import ADDRESS_PARTS
from .idnumber import id_number_birth_year, id_number_sex, validate_id_number
from .models import Area, Household, ResidenceStatus, Resident, Sex
from .phones import normalize_phone
from .services import residents_bulk_create
from .signals import roster_imported
from .text import nfc, search_key

# field -> (header shown in messages, accepted headers as normalised by _header_key)
COLUMNS = {
    "full_name": ("Họ và tên", {"ho_va_ten", "ho_ten", "hoten", "full_name", "name"}),
    "birth": ("Ngày sinh", {"ngay_sinh", "ngay_thang_nam_sinh", "nam_sinh", "birth_date", "date_of_birth", "dob"}),
    "sex": ("Giới tính", {"gioi_tinh", "sex", "gender"}),
    "id_number": ("Số định danh", {"so_dinh_danh", "so_dinh_danh_ca_nhan", "so_cccd", "cccd", "so_can_cuoc",
                                   "can_cuoc", "id_number"}),
    "phone": ("Số điện thoại", {"so_dien_thoai", "dien_thoai", "sdt", "phone", "phone_number"}),
    "house_number": ("Số nhà", {"so_nha", "house_number"}),
    "lane": ("Ngõ/ngách/hẻm", {"ngo_ngach_hem", "ngo_ngach", "ngo", "hem", "lane", "alley"}),
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
ADDRESS = ADDRESS_PARTS  # the columns an address may be split into
_ALIASES = {alias: name for name, (_, aliases) in COLUMNS.items() for alias in aliases}
_STATUS = {re.sub(r"[^a-z0-9]", "", search_key(text)): value for value, label in ResidenceStatus.choices
           for text in (value, str(label))} | {"thuongtru": "permanent", "tamtru": "temporary", "kt2": "kt2",
           "khongo": "kt2", "chuyendi": "moved", "mat": "deceased", "chet": "deceased"}  # fmt: skip
_SEX = {"nam": Sex.MALE, "m": Sex.MALE, "male": Sex.MALE, "nu": Sex.FEMALE, "f": Sex.FEMALE, "female": Sex.FEMALE}
_YES, _NO = {"x", "co", "c", "1", "yes", "y", "true"}, {"", "0", "khong", "k", "no", "n", "false"}
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: 0?0:00(?::00)?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# Bytes of UTF-8 Vietnamese read as Windows-1252 and saved again ("Nguyá»…n"): no Vietnamese
# name contains these characters.
_MOJIBAKE = re.compile("[»º¼½¾ÆÄÅ]|â€")


class RosterFileError(Exception):
    """The file as a whole cannot be read: encoding, emptiness, columns, area."""


@dataclass
class RowError:
    line: int
    message: str
    code: str = ""  # "exists": the person is already in the registry (a rerun of the file)

    def __str__(self):
        return f"Dòng {self.line}: {self.message}"


class RosterRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} lỗi")
        self.errors = sorted(errors, key=lambda e: e.line)


@dataclass
class RosterResult:
    households: list[Household]
    residents: list[Resident]
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False


def format_count(n: int) -> str:
    """1.234, as Vietnamese officers read numbers, whatever locale the shell has."""
    with translation.override("vi"):
        return formats.number_format(n, force_grouping=True)


def _header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", search_key(re.sub(r"\(.*?\)", "", header))).strip("_")


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")  # Excel's "Unicode text" export
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RosterFileError(
            f"Tệp không phải UTF-8 (byte lạ ở dòng {line}); có thể tệp được lưu bằng bảng mã Windows-1258 "
            "hoặc TCVN3. Hãy mở tệp trong Excel và lưu lại dạng “CSV UTF-8 (Comma delimited)”."
        ) from None
    if not text.strip():
        raise RosterFileError("Tệp trống.")
    return text


def _records(text: str):
    """(physical line, cells) per non-blank record; a quoted cell may span several lines."""
    first = text.lstrip().split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)  # Excel in a vi-VN locale writes ";"
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
    line = 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            yield line, [nfc(cell) for cell in cells]
        line = reader.line_num + 1


def _parse_birth(text: str) -> tuple[datetime.date | None, int | None]:
    today = timezone.localdate()
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        if not 1900 <= year <= today.year:
            raise ValueError(f"Năm sinh “{text}” không hợp lý.")
        return None, year
    match = _DMY.match(text) or _ISO.match(text)
    if not match:
        raise ValueError(f"Ngày sinh “{text}” không đúng dạng dd/mm/yyyy hoặc chỉ năm yyyy.")
    d, m, y = match.groups() if match.re is _DMY else reversed(match.groups())
    try:
        date = datetime.date(int(y), int(m), int(d))
    except ValueError:
        raise ValueError(f"Ngày sinh “{text}” không có thật (ghi ngày trước, tháng sau: dd/mm/yyyy).") from None
    if not datetime.date(1900, 1, 1) <= date <= today:
        raise ValueError(f"Ngày sinh “{text}” không hợp lý.")
    return date, date.year


def _lookup(table: dict, text: str, what: str, accepted: str):
    key = re.sub(r"[^a-z0-9]", "", search_key(text))
    if key not in table:
        raise ValueError(f"{what} “{text}” không nhận ra (dùng {accepted}).")
    return table[key]


def _flag(text: str, column: str) -> bool:
    key = search_key(text)
    if key in _YES or key in _NO:
        return key in _YES
    raise ValueError(f"Cột “{COLUMNS[column][0]}” ghi “{text}”: dùng x / có / 1 hoặc để trống.")


def _messages(exc: ValidationError, model) -> str:
    """The model's own messages, each prefixed with the field's Vietnamese name."""
    return " ".join(
        (f"{model._meta.get_field(name).verbose_name}: " if name != "__all__" else "") + message
        for name, messages in exc.message_dict.items() for message in messages
    )  # fmt: skip


def _parse_row(row: dict, groups) -> tuple[Resident, dict, Area]:
    """One record to an unsaved resident, its address parts and its group, or ValueError
    with every problem of the row joined, so the officer fixes the row in one pass."""
    problems, get = [], lambda name: row.get(name, "")
    resident = Resident(full_name=get("full_name"))
    if not resident.full_name:
        problems.append("Thiếu họ và tên.")
    elif _MOJIBAKE.search(resident.full_name):
        problems.append(f"Họ tên “{resident.full_name}” có ký tự lạ: tệp có thể đã bị đổi sai bảng mã.")
    steps = [
        ("birth", _parse_birth),
        ("sex", lambda v: _lookup(_SEX, v, "Giới tính", "Nam / Nữ")),
        ("residence_status", lambda v: _lookup(_STATUS, v, "Tình trạng cư trú", "thường trú / tạm trú / KT2 / "
                                               "đã chuyển đi / đã mất")),  # fmt: skip
        ("phone", normalize_phone),
        *[(flag, lambda v, flag=flag: _flag(v, flag)) for flag in ("elderly_alone", "disabled", "sick")],
    ]
    for name, parse in steps:
        if get(name):
            try:
                value = parse(get(name))
            except (ValueError, ValidationError) as exc:
                problems.extend(getattr(exc, "messages", None) or [str(exc)])
                continue
            if name == "birth":
                resident.birth_date, resident.birth_year = value
            else:
                setattr(resident, name, value)
    if get("id_number"):
        try:
            resident.id_number = validate_id_number(get("id_number"), birth_year=resident.birth_year,
                                                    sex=resident.sex or None)  # fmt: skip
            resident.birth_year = resident.birth_year or id_number_birth_year(resident.id_number)
            resident.sex = resident.sex or id_number_sex(resident.id_number)
        except ValidationError as exc:
            problems.extend(exc.messages)
    elif not get("birth"):
        problems.append("Thiếu ngày sinh (và không có số định danh để suy ra năm sinh).")
    group = groups(get("group"))
    if isinstance(group, str):
        problems.append(group)
    if problems:
        raise ValueError(" ".join(problems))
    return resident, {name: get(name) for name in ADDRESS}, group


def _group_resolver(area: Area, has_column: bool):
    """Group code or name -> a leaf Area inside `area`, or an error message."""
    subtree = list(Area.objects.filter(area.subtree()))
    parents = {a.parent_id for a in subtree}
    by_code = {a.code.lower(): [a] for a in subtree}
    by_name: dict[str, list[Area]] = {}
    for a in subtree:
        by_name.setdefault(search_key(a.name), []).append(a)
    if area.pk in parents and not has_column:
        raise RosterFileError(f"Địa bàn {area.code} ({area.name}) có các tổ dân phố bên dưới: tệp phải có cột "
                              f"“{COLUMNS['group'][0]}” để biết mỗi hộ thuộc tổ nào.")  # fmt: skip

    def resolve(text: str) -> Area | str:
        if not text:
            return area if area.pk not in parents else f"Thiếu {COLUMNS['group'][0].lower()}."
        found = by_code.get(text.lower()) or by_name.get(search_key(text), [])
        if len(found) != 1:
            return f"Tổ “{text}” {'trùng tên trong' if found else 'không có trong'} {area.name}: ghi mã tổ."
        if found[0].pk in parents:
            return f"“{text}” không phải tổ dân phố / thôn (còn địa bàn con): ghi mã tổ."
        return found[0]

    return resolve


def _check_registry(rows: list[tuple[int, Resident, Household]], area: Area) -> list[RowError]:
    """Rows already in the registry: by ID number anywhere, by name, year and address inside
    the area for residents without one. Chunked: SQLite caps the parameters of a query."""
    errors, ids = [], [r.id_number for _, r, _ in rows if r.id_number]
    known = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        known |= set(Resident.objects.filter(id_number__in=chunk).values_list("id_number", flat=True))
    names = sorted({search_key(r.full_name) for _, r, _ in rows if not r.id_number})
    seen = set()
    for start in range(0, len(names), 500):
        seen |= set(Resident.objects.filter(area.subtree("household__area"),
                                            name_key__in=names[start : start + 500])
                    .values_list("name_key", "birth_year", "household__address_key"))  # fmt: skip
    for line, resident, household in rows:
        if resident.id_number in known:
            errors.append(RowError(line, f"Số định danh {resident.id_number} đã có trong sổ hộ dân.", "exists"))
        elif not resident.id_number and (search_key(resident.full_name), resident.birth_year,
                                         household.address_key) in seen:  # fmt: skip
            errors.append(RowError(line, f"{resident.full_name} ({resident.birth_year}) đã có trong sổ tại "
                                         f"{household.address_text}.", "exists"))  # fmt: skip
    return errors


def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Field -> cell index, and the headers nobody recognised (an "STT" column, notes)."""
    columns, ignored = {}, []
    for index, cell in enumerate(header):
        name = _ALIASES.get(_header_key(cell))
        if name is None:
            ignored.append(cell)
        elif name in columns:
            raise RosterFileError(f"Hai cột cùng là “{COLUMNS[name][0]}”: “{header[columns[name]]}” và “{cell}”.")
        else:
            columns[name] = index
    missing = [f"“{COLUMNS[n][0]}”" for n in ("full_name", "birth") if n not in columns]
    if not any(n in columns for n in ADDRESS):
        missing.append("ít nhất một cột địa chỉ (số nhà, ngõ/ngách/hẻm, đường/phố, toà nhà)")
    if missing:
        raise RosterFileError("Thiếu cột: " + ", ".join(missing) + ".")
    return columns, ignored


def roster_validate(*, area: Area, data: bytes) -> RosterResult:
    """Parse and check the whole file; raise RosterRejected listing every bad row."""
    records = _records(_decode(data))
    _, header = next(records, (1, None))
    if header is None:
        raise RosterFileError("Tệp trống.")
    columns, ignored = _columns(header)
    groups = _group_resolver(area, "group" in columns)
    errors, rows, households = _rows_by_household(records, columns, groups)
    if not rows and not errors:
        raise RosterFileError("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
    errors += _check_households(households)
    errors += _check_registry(rows, area)
    errors += _check_residents(rows)
    if errors:
        raise RosterRejected(errors)
    return RosterResult(households=[h for h, _ in households.values()], residents=[r for _, r, _ in rows],
                        ignored_columns=ignored)  # fmt: skip


def _rows_by_household(records, columns: dict[str, int], groups):
    """(errors, (line, resident, household) per good row, household key -> (household, its
    first line)): rows sharing a household code, or else a group and address, share one."""
    errors, rows, households, people = [], [], {}, {}
    for line, cells in records:
        row = {name: cells[i] if i < len(cells) else "" for name, i in columns.items()}
        try:
            resident, address, group = _parse_row(row, groups)
        except ValueError as exc:
            errors.append(RowError(line, str(exc)))
            continue
        code = row.get("household_key", "")
        if not code and not any(address.values()):
            errors.append(RowError(line, "Thiếu địa chỉ (số nhà, ngõ, đường/phố hoặc toà nhà) và không có mã hộ."))
            continue
        key = code or (group.pk, search_key(Household(**address).compose_address()))
        # A person twice in the file: the same ID number, or without one the same name,
        # birth and household (a row pasted twice).
        person = resident.id_number or (search_key(resident.full_name), resident.birth_date, resident.birth_year, key)
        if person in people:
            what = f"Số định danh {resident.id_number}" if resident.id_number else "Người này"
            errors.append(RowError(line, f"{what} trùng với dòng {people[person]}."))
            continue
        people[person] = line
        household, first = households.setdefault(key, (Household(area=group, **address), line))
        known = {n: getattr(household, n) for n in ADDRESS}
        if code and (household.area != group or any(known.values()) and any(address.values()) and address != known):
            errors.append(RowError(line, f"Mã hộ “{code}” đã ghi tổ hoặc địa chỉ khác ở dòng {first}."))
            continue
        if not any(known.values()):  # the household's first rows may leave the address to a later one
            for name, value in address.items():
                setattr(household, name, value)
        if not household.head_name or search_key(row.get("relation", "")) == "chu ho":
            household.head_name = resident.full_name
        resident.household = household
        rows.append((line, resident, household))
    return errors, rows, households


def _check_households(households: dict) -> list[RowError]:
    errors = []
    for household, line in households.values():
        household.derive_fields()
        try:
            household.full_clean(exclude=["area", "turf"])
        except ValidationError as exc:
            message = "Hộ không có địa chỉ." if "address_text" in exc.message_dict else _messages(exc, Household)
            errors.append(RowError(line, message))
    return errors


def _check_residents(rows: list[tuple[int, Resident, Household]]) -> list[RowError]:
    errors = []
    for line, resident, _ in rows:  # the model's own rules as a backstop (field lengths, choices)
        try:
            resident.full_clean(exclude=["household", "id_number"])
        except ValidationError as exc:
            errors.append(RowError(line, _messages(exc, Resident)))
    return errors


def roster_import(*, area: Area, data: bytes, dry_run: bool = False) -> RosterResult:
    """Validate the whole file, then write it in one transaction (or not at all)."""
    result = roster_validate(area=area, data=data)
    if dry_run:
        result.dry_run = True
        return result
    with transaction.atomic():
        if connection.features.can_return_rows_from_bulk_insert:
            Household.objects.bulk_create(result.households, batch_size=1000)
        else:  # no RETURNING: the residents need the households' ids
            for household in result.households:
                household.save()
        residents_bulk_create(residents=result.residents)
        # Inside the transaction, as the campaign layer's marks must commit with the rows.
        roster_imported.send(sender=Household, area=area, household_ids=[h.id for h in result.households],
                             group_ids={h.area_id for h in result.households})  # fmt: skip
    return result
