"""Writes of the audit log: one row per bulk read of personal data, per reveal and per change.

Each call is one INSERT, made inside the caller's transaction where there is one, so a
change and the record of it commit (or roll back) together. The rows say which personal
fields were shown or changed, by name (see FIELD_* below), never their values.
"""

from collections.abc import Iterable
from functools import lru_cache

from django.db import models
from django.db.models.expressions import RawSQL

from households.models import Area, Turf

from .models import AuditAction, AuditEvent
from .origin import Origin, current_origin, origin_of

# The names the log uses for personal fields. The last 4 ID digits are named apart from the
# full number: that a full number was shown is what an inspector looks for.
FIELD_FULL_NAME = "full_name"
FIELD_BIRTH_DATE = "birth_date"
FIELD_BIRTH_YEAR = "birth_year"
FIELD_SEX = "sex"
FIELD_ID_NUMBER = "id_number"
FIELD_ID_LAST4 = "id_number_last4"
FIELD_PHONE = "phone"
FIELD_ADDRESS = "address"
FIELD_HEAD_NAME = "head_name"
MASK = "•"


def _area_columns(area: Area | None) -> dict:
    if area is None:
        return {"path": "", "area_id": None, "area_name": ""}
    return {"path": area.path, "area_id": area.pk, "area_name": area.name[:200]}


def audit_record(*, user, origin: Origin, action: AuditAction | str, area: Area | None = None, rows: int = 0,
                 fields: Iterable[str] = (), detail: dict | None = None, object_type: str = "",
                 object_id: str | int = "") -> AuditEvent:  # fmt: skip
    """The one INSERT every audit write ends in."""
    authenticated = user is not None and user.is_authenticated
    return AuditEvent.objects.create(
        user_id=user.pk if authenticated else None, username=user.get_username() if authenticated else "",
        ip=origin.ip, device=origin.device, action=str(action), **_area_columns(area), rows=rows,
        fields=sorted(set(fields)), detail=detail or {}, object_type=object_type, object_id=str(object_id),
    )  # fmt: skip


def audit_read(*, request, action: AuditAction | str, area: Area | None, rows: int, fields: Iterable[str],
               detail: dict | None = None, object_type: str = "", object_id: str | int = "") -> AuditEvent:  # fmt: skip
    """A page, export or download that showed personal data, with what it showed."""
    return audit_record(user=request.user, origin=origin_of(request), action=action, area=area, rows=rows,
                        fields=fields, detail=detail, object_type=object_type, object_id=object_id)  # fmt: skip


def audit_change(*, user, action: AuditAction | str, area: Area | None, object_type: str = "",
                 object_id: str | int = "", fields: Iterable[str] = (), rows: int = 1, detail: dict | None = None,
                 request=None) -> AuditEvent:  # fmt: skip
    """A change to the registry or the campaign work. Without a request (a service called by
    a view that does not pass it, a management command) the origin is the request being
    served, if any (origin.current_origin)."""
    origin = origin_of(request) if request is not None else current_origin()
    return audit_record(user=user, origin=origin, action=action, area=area, rows=rows, fields=fields, detail=detail,
                        object_type=object_type, object_id=object_id)  # fmt: skip


def audit_deletions(*, request, objects: Iterable[tuple[str, str | int, Area | None]]) -> None:
    """One row per deleted object (object type, id, its area), in one INSERT: the admin's
    "delete selected" may remove many at once. Written before the delete, in its transaction."""
    origin, user = origin_of(request), request.user
    AuditEvent.objects.bulk_create([
        AuditEvent(user_id=user.pk, username=user.get_username(), ip=origin.ip, device=origin.device,
                   action=AuditAction.ADMIN_DELETE, **_area_columns(area), rows=1, object_type=object_type,
                   object_id=str(object_id))
        for object_type, object_id, area in objects
    ])  # fmt: skip


def audit_reveal(*, request, resident, area: Area, reason_code: str, reason: str) -> AuditEvent:
    return audit_read(request=request, action=AuditAction.REVEAL, area=area, rows=1, fields=[FIELD_ID_NUMBER],
                      detail={"reason_code": reason_code, "reason": reason}, object_type="households.resident",
                      object_id=resident.pk)  # fmt: skip


# The report lists' column keys (outreach.reports.lists) → the personal field each shows.
_LIST_COLUMNS = {"name": FIELD_FULL_NAME, "address": FIELD_ADDRESS, "head": FIELD_HEAD_NAME}


def report_fields(*, columns: Iterable[str], shown: frozenset[str]) -> list[str]:
    """The personal fields a list page or export showed: its columns, each in full or
    withheld as the reader's role decides (`shown`, from Access.resident_fields)."""
    keys, fields = set(columns), {_LIST_COLUMNS[key] for key in columns if key in _LIST_COLUMNS}
    if "birth" in keys:
        fields.add(FIELD_BIRTH_DATE if "birth_date" in shown else FIELD_BIRTH_YEAR)
    if "id_number" in keys:
        fields.add(FIELD_ID_NUMBER if "id_number" in shown else FIELD_ID_LAST4)
    if "phone" in keys and "phone" in shown:
        fields.add(FIELD_PHONE)
    return sorted(fields)


# --- the sync pull -------------------------------------------------------------------------


def pull_fields(*, residents: dict) -> list[str]:
    """The personal fields a pull's resident rows actually carried (the packer withholds
    what the role may not see, so the rows themselves are the truest record)."""
    names, rows = residents["fields"], residents["rows"]
    column = {name: names.index(name) for name in ("birth_date", "id_number", "phone") if name in names}

    def any_value(name, test=bool) -> bool:
        return name in column and any(test(row[column[name]]) for row in rows)

    fields = [FIELD_FULL_NAME, FIELD_SEX, FIELD_ADDRESS]
    fields.append(FIELD_BIRTH_DATE if any_value("birth_date") else FIELD_BIRTH_YEAR)
    if any_value("id_number", lambda v: bool(v) and not str(v).startswith(MASK)):
        fields.append(FIELD_ID_NUMBER)
    if any_value("id_number", lambda v: bool(v) and str(v).startswith(MASK)):
        fields.append(FIELD_ID_LAST4)
    if any_value("phone"):
        fields.append(FIELD_PHONE)
    return fields


@lru_cache(maxsize=64)
def _common_area_sql(column: str, turfs: int) -> str:
    """The deepest area holding every one of the turfs, walked up the parent links (a few
    primary-key lookups per turf), as a scalar subquery for the INSERT's VALUES."""
    area, turf = Area._meta.db_table, Turf._meta.db_table
    marks = ", ".join(["%s"] * turfs)
    return (
        f"WITH RECURSIVE up(origin, id, parent_id, depth) AS ("
        f"SELECT a.id, a.id, a.parent_id, a.depth FROM {area} a WHERE a.id IN "
        f"(SELECT t.area_id FROM {turf} t WHERE t.id IN ({marks})) "
        f"UNION ALL SELECT up.origin, p.id, p.parent_id, p.depth FROM {area} p JOIN up ON p.id = up.parent_id) "
        f"SELECT c.{column} FROM {area} c WHERE c.id = (SELECT id FROM up GROUP BY id, depth "
        f"HAVING COUNT(*) = (SELECT COUNT(DISTINCT origin) FROM up) ORDER BY depth DESC LIMIT 1)"
    )


def audit_pull(*, request, body: dict) -> AuditEvent | None:
    """One row for a pull page that carried residents; nothing for one that did not (the
    phones poll every few seconds). The area is worked out inside the INSERT itself, so a
    pull costs one statement more, whatever it carried."""
    residents = body.get("residents") or {"fields": [], "rows": []}
    if not residents["rows"]:
        return None
    households = body.get("households") or {"fields": [], "rows": []}
    turf_index = households["fields"].index("turf") if "turf" in households["fields"] else None
    turf_ids = sorted({row[turf_index] for row in households["rows"] if turf_index is not None and row[turf_index]})
    columns = {"path": "", "area_id": None, "area_name": ""}
    if turf_ids:
        columns = {
            "path": RawSQL(_common_area_sql("path", len(turf_ids)), turf_ids, output_field=models.CharField()),
            "area_id": RawSQL(_common_area_sql("id", len(turf_ids)), turf_ids, output_field=models.IntegerField()),
            "area_name": RawSQL(_common_area_sql("name", len(turf_ids)), turf_ids, output_field=models.CharField()),
        }  # fmt: skip
    origin = origin_of(request)
    user = request.user
    return AuditEvent.objects.create(
        user_id=user.pk, username=user.get_username(), ip=origin.ip, device=origin.device, action=AuditAction.PULL,
        rows=len(residents["rows"]), fields=sorted(set(pull_fields(residents=residents))),
        detail={"households": len(households["rows"]),
                "download": "changes" if str(request.GET.get("cursor") or "").startswith("x.") else "full"},
        **columns,
    )  # fmt: skip
