"""Reads for the audit page and its export (the events whose recorded area lies in the
reader's Capability.READ_AUDIT scope, newest first, and how a row reads), and the one
resident a reveal shows."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from households.models import Area, Resident

from ..access import AreaScope
from ..reports.lists import Column, ListSpec
from .models import AuditEvent


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_events(*, scope: AreaScope, username: str = "", since: datetime.date | None = None,
                 until: datetime.date | None = None, action: str = "") -> QuerySet[AuditEvent]:  # fmt: skip
    """`username`: part of it, any case. `since`/`until`: local calendar days, both included. An event with no area (a
    campaign edited in the admin) is only in an everywhere scope (superusers).

    Inside the scope: the path recorded at the time, or the area as it stands now. An area
    re-parented since (load_areas putting the provinces under the country, a commune moved
    to another province) keeps its history in view of whoever holds it now, and of whoever
    held it then; the recorded rows are never rewritten."""
    qs = AuditEvent.objects.all()
    if not scope.everything:
        qs = qs.filter(scope.q() | Q(area_id__in=Area.objects.filter(scope.q()).values("id")))
    if username:
        qs = qs.filter(username__icontains=username.strip())
    if since:
        qs = qs.filter(at__gte=_start_of(since))
    if until:
        qs = qs.filter(at__lt=_start_of(until + datetime.timedelta(days=1)))
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-at", "-id")


def audit_scope_area(*, scope: AreaScope) -> Area | None:
    """The one area a reader's scope amounts to, for the row that logs their reading: their
    grant's area, or the lowest area holding all of their grants; None for everywhere."""
    paths = scope.top_paths()
    if scope.everything or not paths:
        return None
    parts = [p.strip("/").split("/") for p in paths]
    common = []
    for segment in zip(*parts):
        if len(set(segment)) != 1:
            break
        common.append(segment[0])
    return Area.objects.filter(path="/" + "".join(f"{s}/" for s in common)).first() if common else None


MAX_ID = 2**63 - 1  # a larger id in a URL would make PostgreSQL refuse the query (a 500)


def resident_for_reveal(*, resident_id: int, scope: AreaScope) -> Resident | None:
    """The resident, if inside the reveal scope; None alike for one outside it and for one
    that does not exist, so the answer tells an outsider nothing."""
    if not 0 < resident_id <= MAX_ID:
        return None
    resident = Resident.objects.select_related("household__area").filter(pk=resident_id).first()
    if resident is None or not scope.covers(resident.household.area):
        return None
    return resident


# The export of the audit page: the report lists' column and spec types, so the .xlsx and
# .csv writers of frontend/reports/exports.py (formula injection defused) serve it as is.
COLUMNS = (
    Column("at", _l("Lúc"), "datetime"), Column("username", _l("Người dùng")), Column("action", _l("Thao tác")),
    Column("area", _l("Địa bàn")), Column("object", _l("Bản ghi")), Column("rows", _l("Số dòng"), "int"),
    Column("fields", _l("Trường dữ liệu")), Column("detail", _l("Chi tiết")), Column("ip", _l("Địa chỉ IP")),
    Column("device", _l("Thiết bị")),
)  # fmt: skip
AUDIT_SPEC = ListSpec("nhat-ky", _l("Nhật ký truy cập"), _l("Nhật ký truy cập dữ liệu cá nhân"), "event", COLUMNS)

DETAIL_LABELS = {
    "list": _l("Danh sách"), "page": _l("Trang"), "total": _l("Tổng số dòng"), "format": _l("Định dạng"),
    "filters": _l("Bộ lọc"), "reason": _l("Lý do"), "households": _l("Số hộ"), "groups": _l("Số tổ dân phố"),
    "download": _l("Kiểu tải"), "inlines": _l("Bản ghi kèm"), "os_user": _l("Tài khoản máy chủ"),
    "turf": _l("Khu vực"), "team": _l("Tổ công tác"), "campaign": _l("Chiến dịch"), "ended": _l("Kết thúc lượt giao"),
    "username": _l("Người dùng"), "since": _l("Từ ngày"), "until": _l("Đến ngày"), "action": _l("Thao tác"),
}  # fmt: skip
HIDDEN_DETAIL = {"reason_code"}


def _plain(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_plain(v) for v in value)
    return str(value)


def audit_detail_text(event: AuditEvent) -> str:
    return "; ".join(f"{DETAIL_LABELS.get(key, key)}: {_plain(value)}"
                     for key, value in (event.detail or {}).items() if key not in HIDDEN_DETAIL)  # fmt: skip


def audit_row(event: AuditEvent) -> dict:
    """One event as the page and the export show it; no queries."""
    return {
        "at": timezone.localtime(event.at), "username": event.username or "—", "action": event.get_action_display(),
        "action_code": event.action, "area": event.area_name, "path": event.path,
        "object": f"{event.object_type} #{event.object_id}" if event.object_type else "", "rows": event.rows,
        "fields": ", ".join(event.fields or []), "detail": audit_detail_text(event), "ip": event.ip or "",
        "device": event.device,
    }  # fmt: skip
