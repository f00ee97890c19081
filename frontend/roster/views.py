"""Roster import in the browser (/nhap-danh-sach/) for commune police and group leaders:
upload an .xlsx or CSV, see what the file holds (the columns recognised, each row new,
repaired or refused with its line and reason), then confirm. Nothing reaches the registry
before the confirmation, and the import is all or nothing (households/upload_services.py).

Scope: Capability.IMPORT_ROSTER on the chosen area; an upload is seen only by the person who
made it and only while the area is still in their scope (else 404, as for any foreign id).
Large files are checked and imported by Celery; the page refreshes itself until done."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from households.ids import parse_id
from households.models import Area, AreaKind, ResidenceStatus
from households.tasks import roster_check_task, roster_import_task
from households.upload_services import (
    INLINE_BYTES, MAX_BYTES, error_copy, template_xlsx, upload_check, upload_claim_for_import, upload_confirm,
    upload_confirm_gone, upload_create,
)  # fmt: skip
from households.uploads import RosterUpload
from outreach.access import Capability, area_scope
from outreach.audit.models import AuditAction
from outreach.audit.services import audit_change, audit_read

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AREA_CHOICES_MAX = 500
GONE_STATUSES = {ResidenceStatus.MOVED.value, ResidenceStatus.DECEASED.value}
GONE_CONFIRMABLE = (RosterUpload.Status.READY, RosterUpload.Status.DONE)  # as upload_confirm_gone


def importer_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        scope = area_scope(user=request.user, capability=Capability.IMPORT_ROSTER)
        if not scope.allowed:
            raise PermissionDenied(_("Trang này dành cho công an xã / phường, tổ trưởng dân phố và quản trị."))
        request.import_scope = scope
        return view(request, *args, **kwargs)

    return wrapper


def _areas(scope):
    return list(Area.objects.filter(scope.q(), kind__in=[AreaKind.COMMUNE, AreaKind.GROUP])
                .order_by("path")[:AREA_CHOICES_MAX])  # fmt: skip


def _may_confirm_gone(request, upload: RosterUpload) -> bool:
    """Marking a resident moved away or deceased changes the residence records the commune
    police keep: theirs (and the administrator's), as on the quality board (FIX_QUALITY),
    not every importer's — a group leader uploads and sees the list, the police confirm."""
    return area_scope(user=request.user, capability=Capability.FIX_QUALITY).covers(upload.area)


def _upload_of(request, upload_id) -> RosterUpload:
    upload = RosterUpload.objects.select_related("area").filter(pk=upload_id, user=request.user).first()
    if upload is None or not request.import_scope.covers(upload.area):
        raise Http404
    return upload


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@importer_required
def upload(request):
    areas = _areas(request.import_scope)
    errors = []
    if request.method == "POST":
        area = next((a for a in areas if str(a.pk) == request.POST.get("area", "")), None)
        file = request.FILES.get("file")
        if area is None:
            errors.append(_("Chọn địa bàn để nhập danh sách."))
        if file is None:
            errors.append(_("Chọn tệp danh sách (.xlsx hoặc .csv)."))
        elif file.size > MAX_BYTES:
            errors.append(_("Tệp quá lớn (tối đa 20 MB)."))
        if not errors:
            made = upload_create(user=request.user, area=area, filename=file.name, data=file.read())
            if made.size <= INLINE_BYTES:
                upload_check(made)
            else:
                roster_check_task.delay(str(made.pk))
            return redirect("roster:detail", upload_id=made.pk)
    recent = RosterUpload.objects.filter(user=request.user).select_related("area").order_by("-created_at")[:10]
    return render(request, "roster/upload.html", {"areas": areas, "errors": errors, "recent": recent},
                  status=400 if errors else 200)  # fmt: skip


@importer_required
def detail(request, upload_id):
    upload = _upload_of(request, upload_id)
    working = upload.status in (RosterUpload.Status.CHECKING, RosterUpload.Status.IMPORTING)
    gone = upload.summary.get("gone") or []
    if gone:  # registered people of the area, named on the page: a read of personal data
        audit_read(request=request, action=AuditAction.LIST_VIEW, area=upload.area, rows=len(gone),
                   fields=["full_name", "address"], detail={"list": "roster_gone", "file": upload.filename})  # fmt: skip
    # How many the last confirmation changed, told once (never read from the URL, where a
    # crafted link could claim confirmations that never happened).
    confirmed = request.session.pop(f"roster-confirmed-{upload.pk}", None)
    return render(request, "roster/preview.html", {"upload": upload, "working": working, "s": upload.summary,
                                                   "counts": upload.summary.get("counts", {}),
                                                   "confirmed": confirmed,
                                                   "can_confirm_gone": upload.status in GONE_CONFIRMABLE
                                                   and _may_confirm_gone(request, upload),
                                                   "gone_open": any(g.get("id") and not g.get("confirmed")
                                                                    for g in gone)})  # fmt: skip


def _gone_choice(post) -> tuple[list[int], str]:
    """(resident ids, status): one person's own button ("only" = "id:status"), or the ticked
    ones with the button of a status. Anything malformed is no choice."""
    if only := post.get("only", ""):
        pk, _sep, status = only.partition(":")
        ids = [pk]
    else:
        ids, status = post.getlist("resident"), post.get("status", "")
    if status not in GONE_STATUSES:
        return [], ""
    return [pk for pk in map(parse_id, ids) if pk is not None], status


@require_POST
@importer_required
def confirm_gone(request, upload_id):
    """People the file no longer lists, confirmed moved away or deceased by the officer. Only
    those this upload listed, inside its area (the user's scope); audited as one change."""
    upload = _upload_of(request, upload_id)
    if not _may_confirm_gone(request, upload):
        raise PermissionDenied(_("Xác nhận chuyển đi / đã mất là việc của công an xã / phường."))
    ids, status = _gone_choice(request.POST)
    with transaction.atomic():
        changed = upload_confirm_gone(upload=upload, resident_ids=ids, status=status) if ids else []
        if changed:
            audit_change(user=request.user, action=AuditAction.CONFIRM_GONE, area=upload.area,
                         object_type="households.resident", rows=len(changed), fields=["residence_status"],
                         detail={"status": status, "residents": [r.pk for r in changed], "file": upload.filename},
                         request=request)  # fmt: skip
    request.session[f"roster-confirmed-{upload.pk}"] = len(changed)
    return redirect(reverse("roster:detail", kwargs={"upload_id": upload.pk}) + "#gone")


@require_POST
@importer_required
def confirm(request, upload_id):
    upload = _upload_of(request, upload_id)
    if upload_claim_for_import(upload):
        audit_change(user=request.user, action=AuditAction.IMPORT, area=upload.area, object_type="roster_upload",
                     object_id=upload.pk, rows=upload.summary.get("counts", {}).get("rows", 0),
                     detail={"file": upload.filename, "step": "confirmed"}, request=request)  # fmt: skip
        upload.refresh_from_db()
        if upload.size <= INLINE_BYTES:
            upload_confirm(upload)
        else:
            roster_import_task.delay(str(upload.pk))
    return redirect("roster:detail", upload_id=upload.pk)


@importer_required
def errors(request, upload_id):
    upload = _upload_of(request, upload_id)
    if upload.status != RosterUpload.Status.READY:
        raise Http404  # the bytes are gone once imported; a refused file has no rows to mark
    data = error_copy(upload)
    audit_read(request=request, action=AuditAction.EXPORT, area=upload.area,
               rows=upload.summary.get("counts", {}).get("rows", 0), fields=["roster_file"],
               detail={"list": "roster_errors", "file": upload.filename})  # fmt: skip
    return _xlsx(data, "danh-sach-loi.xlsx")


@importer_required
def template(request):
    return _xlsx(template_xlsx(), "mau-danh-sach-nhan-khau.xlsx")
