"""Loading the official administrative map: the 34 provinces and 3,321 communes in force
since 1 July 2025, under one national root (`manage.py load_areas`).

Units are matched by their official code, so a re-run changes nothing (and writes nothing),
a renamed unit is renamed and a unit moved to another province is moved, with its whole
subtree (residential groups, and whatever else hangs below). Areas that are not in the list
(pre-2025 districts and communes, residential groups, a test province) are left where they
are, except that their paths follow an ancestor that moved.

The whole tree is read once and the new paths are computed in memory, then written with a
few bulk statements: `Area.save()` would cost a query or two per unit and one subtree UPDATE
per move, minutes for the whole country instead of seconds. The paths and depths written are
the ones `save()` would compute: the parent's path plus the code, depth = levels below the
root.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Area, AreaKind
from .signals import areas_loaded
from .text import nfc, search_key

COUNTRY_CODE = "VN"
COUNTRY_NAME = "Việt Nam"
DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "dvhc_2025.csv"
HEADER = ["code", "name", "kind", "parent_code"]
# Zero-padded, as the statistics office writes them and the demo data has them.
CODE_FORMAT = {AreaKind.PROVINCE: re.compile(r"\d{2}"), AreaKind.COMMUNE: re.compile(r"\d{5}")}
LEVELS = (AreaKind.COUNTRY, AreaKind.PROVINCE, AreaKind.COMMUNE)  # parents before children
NAME_MAX = Area._meta.get_field("name").max_length
BATCH = 500


class AreasFileError(Exception):
    """The file, or the list against the database, is wrong: nothing was written."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    parent_code: str | None  # None: under the national root


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)  # codes
    renamed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    unchanged: int = 0
    below: int = 0  # areas outside the list whose path followed a moved ancestor
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.renamed or self.moved or self.below)


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AreasFileError(
            [_("Tệp không phải UTF-8 (byte lạ ở dòng %(line)s). Hãy lưu lại tệp dạng CSV UTF-8.") % {"line": line}]
        ) from None
    if not text.strip():
        raise AreasFileError([_("Tệp trống.")])
    return text


def _row_errors(line: int, row: dict, seen: set[str]) -> list[str]:
    """Whole sentences with the line number in each, so a translator sees every message."""
    code, kind, parent = row["code"], row["kind"], row["parent_code"]
    values = {"line": line, "code": code, "kind": kind, "max": NAME_MAX}
    if kind not in CODE_FORMAT:
        return [_("Dòng %(line)s: cấp “%(kind)s” không hợp lệ (chỉ nhận province hoặc commune).") % values]
    errors = []
    if not CODE_FORMAT[kind].fullmatch(code):
        values["digits"] = 2 if kind == AreaKind.PROVINCE else 5
        errors.append(_("Dòng %(line)s: mã “%(code)s” phải gồm %(digits)s chữ số.") % values)
    elif code in seen:
        errors.append(_("Dòng %(line)s: mã “%(code)s” bị trùng.") % values)
    if not row["name"] or len(row["name"]) > NAME_MAX:
        errors.append(_("Dòng %(line)s: tên trống hoặc dài quá %(max)s ký tự.") % values)
    if kind == AreaKind.PROVINCE and parent:
        errors.append(_("Dòng %(line)s: tỉnh / thành phố không có mã cấp trên.") % values)
    if kind == AreaKind.COMMUNE and not parent:
        errors.append(_("Dòng %(line)s: xã / phường / đặc khu phải có mã tỉnh / thành phố.") % values)
    return errors


def areas_parse(*, data: bytes) -> list[Unit]:
    """The units of a file in the format of data/dvhc_2025.csv; AreasFileError lists every
    line that is wrong (bad kind, bad or duplicate code, missing name or parent)."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    if header != HEADER:
        raise AreasFileError([_("Dòng tiêu đề phải là: %(header)s.") % {"header": ",".join(HEADER)}])
    units, errors, seen = [], [], set()
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(HEADER):
            errors.append(_("Dòng %(line)s: cần đúng %(n)s cột.") % {"line": line, "n": len(HEADER)})
            continue
        row = dict(zip(HEADER, (nfc(c) for c in cells), strict=True))
        row_errors = _row_errors(line, row, seen)
        errors += row_errors
        seen.add(row["code"])
        if not row_errors:
            units.append(Unit(row["code"], row["name"], row["kind"], row["parent_code"] or None))
    provinces = {u.code for u in units if u.kind == AreaKind.PROVINCE}
    for unit in units:
        if unit.parent_code is not None and unit.parent_code not in provinces:
            errors.append(_("Mã “%(code)s”: không có tỉnh / thành phố mã “%(parent)s” trong tệp.")
                          % {"code": unit.code, "parent": unit.parent_code})  # fmt: skip
    if errors:
        raise AreasFileError(errors)
    if not units:
        raise AreasFileError([_("Tệp không có đơn vị hành chính nào.")])
    return units


def areas_read(*, path: Path = DEFAULT_FILE) -> list[Unit]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        message = _("Không đọc được tệp %(file)s: %(error)s.") % {"file": path, "error": exc.strerror}
        raise AreasFileError([message]) from None
    return areas_parse(data=data)


class _Tree:
    """Every area as (code, name, kind, parent code, path, depth), read in one query, and the
    tree the list asks for, with the paths it implies."""

    def __init__(self):
        rows = list(Area.objects.values_list("id", "code", "name", "kind", "parent_id", "path", "depth"))
        code_of = {pk: code for pk, code, *_ in rows}
        self.rows = {code: (pk, name, kind, path, depth) for pk, code, name, kind, _, path, depth in rows}
        self.old_parent = {code: code_of.get(parent) for _, code, _, _, parent, _, _ in rows}
        self.parent = dict(self.old_parent)

    def paths(self) -> dict[str, str]:
        """Each code's path in the new tree: the parent's path plus the code, as save() does."""
        out: dict[str, str] = {}
        for code in self.parent:
            chain = []
            while code is not None and code not in out:
                chain.append(code)
                code = self.parent[code]
            prefix = out[code] if code is not None else "/"
            for link in reversed(chain):
                prefix = out[link] = f"{prefix}{link}/"
        return out


def _plan(tree: _Tree, wanted: dict[str, Unit], result: LoadResult) -> list[str]:
    """Point the tree at the list's parents and sort the units into created / renamed /
    moved / unchanged; returns the kind conflicts (a listed code held by another level)."""
    conflicts = []
    for code, unit in wanted.items():
        new_parent = None if unit.kind == AreaKind.COUNTRY else unit.parent_code or COUNTRY_CODE
        existing = tree.rows.get(code)
        if existing is None:
            result.created.append(code)
        elif existing[2] != unit.kind:
            values = {"code": code, "name": existing[1], "kind": existing[2], "wanted": unit.kind}
            conflicts.append(_("Mã “%(code)s” đã có trong dữ liệu là “%(name)s” (cấp %(kind)s), không phải cấp "
                               "%(wanted)s.") % values)  # fmt: skip
        else:
            if existing[1] != unit.name:
                result.renamed.append(code)
            if tree.old_parent[code] != new_parent:
                result.moved.append(code)
            if existing[1] == unit.name and tree.old_parent[code] == new_parent:
                result.unchanged += 1
        tree.parent[code] = new_parent
    return conflicts


def _create(tree: _Tree, wanted: dict[str, Unit], codes: list[str], paths: dict[str, str]) -> dict[str, int]:
    """Insert the new units a level at a time, so each level's parents have their ids."""
    ids = {code: row[0] for code, row in tree.rows.items()}
    for kind in LEVELS:
        level = [code for code in codes if wanted[code].kind == kind]
        created = Area.objects.bulk_create(
            [Area(code=c, name=wanted[c].name, kind=kind, parent_id=ids.get(tree.parent[c]), path=paths[c],
                  depth=paths[c].count("/") - 2) for c in level],
            batch_size=BATCH,
        )  # fmt: skip
        ids.update((area.code, area.pk) for area in created)
        if any(area.pk is None for area in created):  # a database that returns no ids from a bulk insert
            ids.update(Area.objects.filter(code__in=level).values_list("code", "id"))
    return ids


def _update(tree: _Tree, wanted: dict[str, Unit], result: LoadResult, paths: dict[str, str], ids: dict[str, int]):
    """Rename and re-parent the listed units, then move the paths of everything below."""
    listed = []
    for code in sorted(set(result.renamed) | set(result.moved)):
        path = paths[code]
        listed.append(Area(pk=ids[code], code=code, name=wanted[code].name, name_key=search_key(wanted[code].name),
                           parent_id=ids.get(tree.parent[code]), path=path, depth=path.count("/") - 2))  # fmt: skip
    # bulk_update skips pre_save: the search key is listed with the name it follows.
    Area.objects.bulk_update(listed, ["name", "name_key", "parent", "path", "depth"], batch_size=BATCH)
    done = {a.code for a in listed}
    followers = [code for code, row in tree.rows.items() if code not in done and row[3] != paths[code]]
    Area.objects.bulk_update(
        [Area(pk=tree.rows[c][0], path=paths[c], depth=paths[c].count("/") - 2) for c in followers],
        ["path", "depth"], batch_size=BATCH,
    )  # fmt: skip
    result.below = sum(code not in wanted for code in followers)


class _DryRun(Exception):
    pass


def areas_load(*, units: list[Unit], dry_run: bool = False) -> LoadResult:
    """Bring the area tree in line with `units` (areas_parse) under the national root, in
    one transaction. Raises AreasFileError, writing nothing, when a listed code belongs to an
    area of another level. `dry_run` computes the same result and rolls it back.

    Meant for an operator at the console, not for two at once: an area edited in the admin
    while the load runs may have its path overwritten by the one computed before the edit."""
    wanted = {COUNTRY_CODE: Unit(COUNTRY_CODE, COUNTRY_NAME, AreaKind.COUNTRY, None)}
    wanted.update((unit.code, unit) for unit in units)
    result = LoadResult(dry_run=dry_run)
    try:
        with transaction.atomic():
            tree = _Tree()
            if COUNTRY_CODE in tree.rows:  # a name given to the root in the admin stays
                wanted[COUNTRY_CODE] = Unit(COUNTRY_CODE, tree.rows[COUNTRY_CODE][1], AreaKind.COUNTRY, None)
            conflicts = _plan(tree, wanted, result)
            if conflicts:
                raise AreasFileError(conflicts)
            paths = tree.paths()
            ids = _create(tree, wanted, result.created, paths)
            _update(tree, wanted, result, paths, ids)
            if result.changed and not dry_run:
                areas_loaded.send(sender=Area, root=Area.objects.get(code=COUNTRY_CODE), result=result)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result
