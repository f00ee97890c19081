"""A roster imported in the browser: upload, check (the preview), confirm (the import), and
the two spreadsheets the page offers (the file back with an error column, an empty
template). The reading and the rules are roster.py's, the same as `manage.py import_roster`;
this module only keeps an upload between its steps.

Nothing reaches the registry before `upload_confirm`, which runs the import all or nothing
and checks the file again first (the registry may have changed since the preview)."""

import io

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .models import Area, Household, Resident
from .roster import RosterRejected, roster_import, roster_preview
from .roster_match import GONE_STATUSES
from .roster_read import COLUMNS, READ_COLUMNS, RosterFileError, read_roster
from .roster_write import roster_confirm_gone, roster_mark_listed
from .uploads import RosterUpload

MAX_BYTES = 20 * 1024 * 1024  # a commune's roster is a few MB; beyond this it is not a roster
INLINE_BYTES = 256 * 1024  # smaller files are checked in the request; larger ones by Celery
SHOWN_OK_ROWS = 50  # rows without a problem listed on the page (every problem row is)
SHOWN_GONE = 200  # people of the area the file no longer lists, named on the page
TEMPLATE_COLUMNS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh", "Số điện thoại", "Địa chỉ",
                    "Mã tổ dân phố", "Mã hộ", "Quan hệ với chủ hộ", "Tình trạng cư trú", "Ghi chú"]  # fmt: skip


def upload_create(*, user, area: Area, filename: str, data: bytes) -> RosterUpload:
    return RosterUpload.objects.create(user=user, area=area, filename=filename[:255], data=data, size=len(data))


def _field_label(name: str) -> str:
    """A changed field by its Vietnamese name. Only the names: the page is also a group
    leader's, who may not see a stored full ID number or birth date (outreach.access)."""
    for model in (Resident, Household):
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
    return {"address": _("địa chỉ"), "group": _("tổ dân phố")}.get(name, name)  # the match's own keys


def _row_summary(row) -> dict:
    address = row.values.get("address") or " ".join(
        v for v in (row.values.get(k) for k in ("house_number", "lane", "street", "building")) if v)
    return {"line": row.line, "status": row.status, "name": row.values.get("full_name", ""), "address": address,
            "errors": row.errors, "notes": row.notes, "change": row.change,
            "changed": [_field_label(name) for name in row.changes]}  # fmt: skip


def _gone_summary(gone) -> list[dict]:
    """Each with its id, for the officer to confirm them moved or deceased (upload_confirm_gone)."""
    return [{"id": r.pk, "name": r.full_name, "address": r.household.address_display if r.household_id else ""}
            for r in gone[:SHOWN_GONE]]  # fmt: skip


def _summary(result) -> dict:
    rows = result.rows
    counts = {"rows": len(rows), "refused": sum(r.status == "refused" for r in rows),
              "recovered": sum(r.status == "recovered" for r in rows)}  # fmt: skip
    counts["ok"] = counts["rows"] - counts["refused"] - counts["recovered"]
    counts["households"] = len(result.households)
    for change in ("new", "changed", "unchanged"):
        counts[change] = sum(r.change == change for r in rows)
    counts["gone"] = len(result.gone)
    shown, ok_shown = [], 0
    for row in rows:
        if row.status == "ok" and row.change != "changed":
            ok_shown += 1
            if ok_shown > SHOWN_OK_ROWS:
                continue
        shown.append(_row_summary(row))
    return {"columns": result.columns, "ignored": result.ignored_columns, "counts": counts, "rows": shown,
            "gone": _gone_summary(result.gone)}  # fmt: skip


def upload_check(upload: RosterUpload) -> RosterUpload:
    """The preview: every row read and checked against the rules and the registry, nothing
    written to it. READY when the file could be read (even with refused rows, which the
    page lists), REFUSED when it could not."""
    try:
        result = roster_preview(area=upload.area, data=bytes(upload.data))
    except RosterFileError as exc:
        upload.status, upload.message = RosterUpload.Status.REFUSED, str(exc)
    else:
        upload.status, upload.summary, upload.message = RosterUpload.Status.READY, _summary(result), ""
    upload.save(update_fields=["status", "summary", "message"])
    return upload


def upload_confirm(upload: RosterUpload) -> RosterUpload:
    """The import, all or nothing; the file's bytes are dropped once it is in the registry."""
    if upload.status != RosterUpload.Status.IMPORTING:
        return upload  # a repeated confirmation (a reload, a second tap) imports nothing twice
    try:
        with transaction.atomic():
            result = roster_import(area=upload.area, data=bytes(upload.data))
            roster_mark_listed(result.plan)  # people matched by a file that changed nothing else
    except RosterRejected as exc:
        upload.status = RosterUpload.Status.FAILED
        upload.message = _("Danh sách sổ hộ đã thay đổi từ lúc kiểm tra: %(n)s dòng không còn hợp lệ. "
                           "Hãy tải tệp lên lại.") % {"n": len(exc.errors)}  # fmt: skip
    except RosterFileError as exc:
        upload.status, upload.message = RosterUpload.Status.FAILED, str(exc)
    else:
        upload.status, upload.data = RosterUpload.Status.DONE, b""
        upload.summary = {**upload.summary, "imported": {
            "households": len(result.households), "residents": len(result.residents),
            "updated": len(getattr(result, "updated_residents", []) or [])}}  # fmt: skip
    if upload.status == RosterUpload.Status.FAILED:
        upload.data = b""  # uploaded again after the fix: no personal data kept for nothing
    upload.finished_at = timezone.now()
    upload.save(update_fields=["status", "message", "data", "summary", "finished_at"])
    return upload


def upload_confirm_gone(*, upload: RosterUpload, resident_ids: list[int], status: str) -> list[Resident]:
    """An officer confirms people this upload listed as gone as moved or deceased. Only those
    on the upload's list and inside its area change (roster_confirm_gone), and only if not
    confirmed gone already (moved or deceased: a repeated POST, or a tick on someone just
    confirmed, changes nothing more; a correction is the admin's). The caller audits."""
    listed = {g["id"]: g for g in upload.summary.get("gone", []) if "id" in g}
    if upload.status not in (RosterUpload.Status.READY, RosterUpload.Status.DONE):
        return []
    candidates = Resident.objects.filter(upload.area.subtree("household__area"),
                                         pk__in=[pk for pk in resident_ids if pk in listed])  # fmt: skip
    wanted = list(candidates.exclude(residence_status__in=GONE_STATUSES).values_list("pk", flat=True))
    if not wanted:
        return []
    changed = roster_confirm_gone(area=upload.area, resident_ids=wanted, status=status)
    for resident in changed:
        listed[resident.pk]["confirmed"] = status
    if changed:
        upload.save(update_fields=["summary"])
    return changed


def upload_claim_for_import(upload: RosterUpload) -> bool:
    """READY → IMPORTING once: two taps on "Nhập" (or two tabs) start one import. A file
    with refused rows is never imported in part: it is fixed and uploaded again."""
    if upload.summary.get("counts", {}).get("refused", 1):
        return False
    return bool(RosterUpload.objects.filter(pk=upload.pk, status=RosterUpload.Status.READY)
                .update(status=RosterUpload.Status.IMPORTING))  # fmt: skip


def _sheet(title: str) -> tuple[Workbook, object]:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    return book, sheet


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def error_copy(upload: RosterUpload) -> bytes:
    """The file's rows as read, with a column saying what is wrong or was repaired on each,
    so the officer fixes the list in Excel and uploads it again. The messages are the
    preview's, kept in the summary (every row with one is), not worked out again."""
    table = read_roster(bytes(upload.data))
    said_on = {row["line"]: "; ".join(row["errors"] + row["notes"]) for row in upload.summary.get("rows", [])}
    width = max([len(cells) for _, cells in table.rows] + [max(table.columns.values(), default=0) + 1])
    header = [""] * width
    for name, index in table.columns.items():
        header[index] = table.headers.get(name) or (COLUMNS | READ_COLUMNS)[name][0]
    for index, text in enumerate(table.header_row[:width]):  # a two-row header's "Ngày sinh › Nam"
        header[index] = header[index] or text
    book, sheet = _sheet(_("Danh sách"))
    sheet.append([_("Dòng"), *header, _("Lỗi / đã sửa")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line, cells in table.rows:
        sheet.append([line, *[("" if c is None else c) for c in cells], said_on.get(line, "")])
    sheet.auto_filter.ref = sheet.dimensions
    sheet.freeze_panes = "B2"
    return _save(book)


def template_xlsx() -> bytes:
    """An empty list with the columns the import reads; ID and phone columns as text, so
    that Excel keeps their leading zeros."""
    book, sheet = _sheet(_("Danh sách"))
    sheet.append(TEMPLATE_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter in ("E", "F", "H", "I"):  # Số định danh, Số điện thoại, Mã tổ, Mã hộ
        for row in range(2, 502):
            sheet[f"{letter}{row}"].number_format = "@"
    sheet.freeze_panes = "A2"
    return _save(book)
