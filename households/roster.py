"""Resident roster import from the spreadsheet a ward keeps (.xlsx) or exports (CSV).

All or nothing: every row is validated first and every bad row is reported by its line in
the file (the spreadsheet's own row number for .xlsx), because an officer fixes the
spreadsheet and runs it again; a half-imported roster would leave them guessing which rows
made it. Reading the file (format, encoding, title rows above the header, header variants,
footer) is roster_read's; the Excel types of a cell are roster_cells'; a one-cell address
is split by roster_address. Each cell is interpreted once, here, in one pass.

Households go to the --area when it has no child areas (a residential group). When it has
children (a commune), each row names its group in a "mã tổ dân phố" column, by code or by
name, and the group must lie inside the --area. Rows sharing a "mã hộ" form one household;
without that column, rows with the same address do.

The roster comes again every week: roster_match matches each row to the area's registry
(by ID number, or name, birth year and address) and classifies it new, changed or
unchanged; roster_write inserts the new, updates the changed and writes nothing for an
unchanged file. Residents of the area the file no longer lists are reported (`gone`),
never changed or deleted by the import.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _

from .fields import ADDRESS_PARTS
from .idnumber import id_number_birth_year, id_number_sex, validate_id_number
from .model_limits import fits
from .models import Area, Household, Resident
from .roster_address import split_address
from .roster_cells import CELL_STEPS, cell_text, id_text, roster_today
from .roster_match import Plan, roster_match
from .roster_read import COLUMNS, RosterFileError, Table, read_roster
from .roster_write import roster_write
from .signals import roster_imported
from .text import search_key

__all__ = ["COLUMNS", "RosterFileError", "RosterRejected", "RosterResult", "RowError", "RowPreview",
           "format_count", "roster_import", "roster_preview", "roster_validate"]  # fmt: skip

ADDRESS = ADDRESS_PARTS  # the columns an address may be split into



@dataclass
class RowError:
    line: int
    message: str
    code: str = ""  # "note": repaired

    def __str__(self):
        return _("Dòng %(line)d: %(message)s") % {"line": self.line, "message": self.message}


class RosterRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(_("%(n)d lỗi") % {"n": len(errors)})
        self.errors = sorted(errors, key=lambda e: e.line)


@dataclass
class RowPreview:
    """One data row as read, for a preview page: its values by field, what was repaired, what
    is wrong, and against the registry: `change` "new", "changed" or "unchanged" ("" for a
    refused row) and, when changed, `changes`: field -> (old, new) (resident fields by their
    model name; "household": the person moves to another household, "address", "head_name",
    "group": their household's own, as display text)."""

    line: int
    values: dict[str, str]
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    change: str = ""
    changes: dict[str, tuple] = field(default_factory=dict)

    @property
    def status(self) -> str:  # "refused", "recovered" (imported with a note) or "ok"
        return "refused" if self.errors else "recovered" if self.notes else "ok"


@dataclass
class RosterResult:
    households: list[Household]
    residents: list[Resident]
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    notes: list[RowError] = field(default_factory=list)  # rows imported after a repair, and how
    columns: dict[str, str] = field(default_factory=dict)  # field -> the file's header for it
    rows: list[RowPreview] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # empty unless from roster_preview
    # `households` and `residents` are the new ones; these, the registered ones the file changes.
    updated_households: list[Household] = field(default_factory=list)
    updated_residents: list[Resident] = field(default_factory=list)
    gone: list[Resident] = field(default_factory=list)  # in the area, not in the file: for an officer
    plan: Plan | None = field(default=None, repr=False)

    @property
    def unchanged(self) -> int:
        return sum(row.change == "unchanged" for row in self.rows)


def format_count(n: int) -> str:
    """1.234, as Vietnamese officers read numbers, whatever locale the shell has."""
    with translation.override("vi"):
        return formats.number_format(n, force_grouping=True)


def _messages(exc: ValidationError, model) -> str:
    """The model's own messages, each prefixed with the field's Vietnamese name."""
    return " ".join(
        (f"{model._meta.get_field(name).verbose_name}: " if name != "__all__" else "") + message
        for name, messages in exc.message_dict.items() for message in messages
    )  # fmt: skip


def _parse_row(row: dict, texts: dict, groups) -> tuple[Resident, dict, Area, list[str]]:
    """One record (raw cells by field, and each as text) to an unsaved resident, its address
    parts, its group and the notes on what was repaired, or ValueError with every problem of
    the row joined, so the officer fixes the row in one pass. Each cell is interpreted once."""
    problems, notes = [], []
    names = (texts.get(name) for name in ("family_names", "full_name"))  # "Họ và tên đệm" | "Tên"
    resident = Resident(full_name=" ".join(filter(None, names)))
    if not resident.full_name:
        problems.append(_("Thiếu họ và tên."))
    for name, parse in CELL_STEPS.items():
        if texts.get(name):
            try:
                value = parse(row[name])
            except (ValueError, ValidationError) as exc:
                problems.extend(getattr(exc, "messages", None) or [str(exc)])
                continue
            if name == "birth":
                resident.birth_date, resident.birth_year = value
            elif name == "phone":
                resident.phone = value[0]
                notes += [value[1]] if value[1] else []
            else:
                setattr(resident, name, value)
    if texts.get("id_number"):
        problems += _parse_id(resident, row["id_number"], notes)
    elif not texts.get("birth"):
        problems.append(_("Thiếu ngày sinh (và không có số định danh để suy ra năm sinh)."))
    address = _address(row, texts, problems)
    group = groups(texts.get("group", ""))
    if isinstance(group, str):
        problems.append(group)
    if problems:
        raise ValueError(" ".join(problems))
    return resident, address, group, notes


def _parse_id(resident: Resident, value, notes: list[str]) -> list[str]:
    """Set the resident's ID number (and what it tells of birth year and sex); its problems."""
    try:
        text, note = id_text(value)
        resident.id_number = validate_id_number(text, birth_year=resident.birth_year, sex=resident.sex or None)
        year = id_number_birth_year(resident.id_number)
        if year > roster_today().year:
            raise ValidationError("", code="id_future")
    except ValueError as exc:
        return [str(exc)]
    except ValidationError as exc:
        if exc.code not in ("id_birth_year", "id_future") or id_number_birth_year(text) <= roster_today().year:
            return exc.messages
        resident.id_number = None  # the check against the birth date is moot: the number is impossible
        return [_("Số định danh %(value)s ghi năm sinh %(year)d, một năm chưa tới: số định danh sai.")
                % {"value": text, "year": id_number_birth_year(text)}]  # fmt: skip
    resident.birth_year = resident.birth_year or year
    resident.sex = resident.sex or id_number_sex(resident.id_number)
    notes[:0] = [note] if note else []  # in column order: the ID number comes before the phone
    return []


def _address(row: dict, texts: dict, problems: list[str]) -> dict[str, str]:
    """The address parts: their own columns, filled from a one-cell address where empty."""
    address = {name: texts.get(name, "") for name in ADDRESS}
    for name in ("address", *ADDRESS):  # "12/5" typed into a General column becomes 12 May
        if isinstance(row.get(name), datetime.date):
            problems.append(_("Excel đã đổi địa chỉ thành ngày tháng (“%(value)s”): định dạng cột địa chỉ là Văn "
                              "bản (Text) rồi gõ lại.") % {"value": cell_text(row[name])})  # fmt: skip
    text = texts.get("address")
    if text:
        split = split_address(text)
        if not any(split.values()):
            problems.append(_("Địa chỉ “%(value)s” không có số nhà, ngõ, đường/phố hay toà nhà (chỉ có phường, "
                              "quận, tỉnh…).") % {"value": text})  # fmt: skip
        for name, value in split.items():
            address[name] = address[name] or value
    return address


def _group_resolver(area: Area, has_column: bool):
    """Group code or name -> a leaf Area inside `area`, or an error message."""
    subtree = list(Area.objects.filter(area.subtree()))
    parents = {a.parent_id for a in subtree}
    by_code = {a.code.lower(): [a] for a in subtree}
    by_name: dict[str, list[Area]] = {}
    for a in subtree:
        by_name.setdefault(search_key(a.name), []).append(a)
    if area.pk in parents and not has_column:
        raise RosterFileError(_("Địa bàn %(code)s (%(name)s) có các tổ dân phố bên dưới: tệp phải có cột "
                                "“%(column)s” để biết mỗi hộ thuộc tổ nào.")
                              % {"code": area.code, "name": area.name, "column": COLUMNS["group"][0]})  # fmt: skip

    def resolve(text: str) -> Area | str:
        if not text:
            return area if area.pk not in parents else _("Thiếu %(column)s.") % {"column": COLUMNS["group"][0].lower()}
        found = by_code.get(text.lower()) or by_name.get(search_key(text), [])
        if len(found) != 1:
            message = _("Tổ “%(group)s” trùng tên trong %(area)s: ghi mã tổ.") if found else _(
                "Tổ “%(group)s” không có trong %(area)s: ghi mã tổ.")
            return message % {"group": text, "area": area.name}
        if found[0].pk in parents:
            return _("“%(group)s” không phải tổ dân phố / thôn (còn địa bàn con): ghi mã tổ.") % {"group": text}
        return found[0]

    return resolve


def roster_preview(*, area: Area, data: bytes) -> RosterResult:
    """Read and check the whole file without raising for bad rows: every data row with its
    values, notes and errors (RosterResult.rows), for a page that shows the officer what will
    be imported. RosterFileError when the file as a whole cannot be read."""
    table = read_roster(data)
    groups = _group_resolver(area, "group" in table.columns)
    errors, rows, households, previews = _rows_by_household(table, groups)
    if not previews:
        raise RosterFileError(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề (dòng %(line)d).")
                              % {"line": table.header_line})  # fmt: skip
    errors += _check_households(households)
    errors += _check_residents(rows)
    plan = roster_match(area=area, rows=rows, cells={p.line: p.values for p in previews})
    errors += _check_updated(plan)
    by_line = {p.line: p for p in previews}
    for error in errors:
        by_line[error.line].errors.append(error.message)
    for preview in previews:
        if not preview.errors:
            preview.change, preview.changes = plan.change.get(preview.line, ""), plan.changes.get(preview.line, {})
    notes = [RowError(p.line, note, "note") for p in previews for note in p.notes]
    return RosterResult(households=plan.new_households, residents=plan.new_residents, ignored_columns=table.ignored,
                        notes=notes, columns=table.headers, rows=previews, errors=sorted(errors, key=lambda e: e.line),
                        updated_households=plan.updated_households, updated_residents=plan.updated_residents,
                        gone=plan.gone, plan=plan)  # fmt: skip


def roster_validate(*, area: Area, data: bytes) -> RosterResult:
    """Parse and check the whole file; raise RosterRejected listing every bad row."""
    result = roster_preview(area=area, data=data)
    if result.errors:
        raise RosterRejected(result.errors)
    return result


def _rows_by_household(table: Table, groups):
    """(errors, (line, resident, household) per good row, household key -> (household, its
    first line), a RowPreview per data row): rows sharing a household code, or else a group
    and address, share one household."""
    errors, rows, households, people, previews = [], [], {}, {}, []
    for line, cells in table.rows:
        row = {name: cells[i] if i < len(cells) else None for name, i in table.columns.items()}
        preview = RowPreview(line, {name: cell_text(value) for name, value in row.items()})
        previews.append(preview)
        try:
            resident, address, group, preview.notes = _parse_row(row, preview.values, groups)
        except ValueError as exc:
            errors.append(RowError(line, str(exc)))
            continue
        code = preview.values.get("household_key", "")
        if not code and not any(address.values()):
            errors.append(RowError(line, _("Thiếu địa chỉ (số nhà, ngõ, đường/phố hoặc toà nhà) và không có mã hộ.")))
            continue
        key = code or (group.pk, search_key(Household(**address).compose_address()))
        # A person twice in the file: the same ID number, or without one the same name,
        # birth and household (a row pasted twice).
        person = resident.id_number or (search_key(resident.full_name), resident.birth_date, resident.birth_year, key)
        if person in people:
            what = _("Số định danh %(value)s") % {"value": resident.id_number} if resident.id_number else _("Người này")
            errors.append(RowError(line, _("%(what)s trùng với dòng %(line)d.") % {"what": what,
                                                                                  "line": people[person]}))
            continue
        people[person] = line
        if key not in households:
            households[key] = (Household(area=group, **address), line)
        household, first = households[key]
        known = {n: getattr(household, n) for n in ADDRESS}
        if code and (household.area != group or any(known.values()) and any(address.values()) and address != known):
            errors.append(RowError(line, _("Mã hộ “%(code)s” đã ghi tổ hoặc địa chỉ khác ở dòng %(line)d.")
                                   % {"code": code, "line": first}))  # fmt: skip
            continue
        if not any(known.values()):  # the household's first rows may leave the address to a later one
            for name, value in address.items():
                setattr(household, name, value)
        if not household.head_name or search_key(preview.values.get("relation", "")) == "chu ho":
            household.head_name = resident.full_name
        resident.household = household
        rows.append((line, resident, household))
    return errors, rows, households, previews


def _check_households(households: dict) -> list[RowError]:
    errors = []
    for household, line in households.values():
        household.derive_fields()
        if fits(household, exclude=("area", "turf")):
            continue
        try:
            household.full_clean(exclude=["area", "turf"])
        except ValidationError as exc:
            message = _("Hộ không có địa chỉ.") if "address_text" in exc.message_dict else _messages(exc, Household)
            errors.append(RowError(line, message))
    return errors


def _check_residents(rows: list[tuple[int, Resident, Household]]) -> list[RowError]:
    errors = []
    for line, resident, _household in rows:  # the model's field rules as a backstop (lengths, choices)
        if fits(resident, exclude=("household", "id_number")):
            continue
        try:
            # Not full_clean: Resident.clean() would check the ID number and normalise the phone
            # a second time, and both were done, once, by _parse_row.
            resident.clean_fields(exclude=["household", "id_number"])
        except ValidationError as exc:
            errors.append(RowError(line, _messages(exc, Resident)))
    return errors


def _check_updated(plan: Plan) -> list[RowError]:
    """The registered residents as the file changes them, against the model's rules: the
    file's values were checked, but with what the registry keeps (an ID number it gives no
    birth date for, say) they may not agree."""
    errors = []
    for line, resident in plan.updated_lines.items():
        try:
            resident.clean_fields(exclude=["household"])
            resident.clean()  # no queries: the ID number against the birth year and sex, the phone
        except ValidationError as exc:
            errors.append(RowError(line, _messages(exc, Resident)))
    return errors


def roster_import(*, area: Area, data: bytes, dry_run: bool = False) -> RosterResult:
    """Validate the whole file, then write what it changes in one transaction (or not at
    all); nothing when it changes nothing, not even the audit row."""
    result = roster_validate(area=area, data=data)
    if dry_run:
        result.dry_run = True
        return result
    plan = result.plan
    with transaction.atomic():
        if roster_write(plan):
            # Inside the transaction, as the campaign layer's marks must commit with the rows.
            roster_imported.send(sender=Household, area=area, household_ids=[h.id for h in plan.new_households],
                                 group_ids=plan.group_ids, updated_ids=sorted(plan.touched_ids),
                                 residents_created=len(plan.new_residents),
                                 residents_updated=len(plan.updated_residents))  # fmt: skip
    return result
