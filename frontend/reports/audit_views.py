"""The audited reveal of one full ID number, and the audit page "Nhật ký truy cập".

Reveal: for a holder of Capability.REVEAL_FULL_ID on the resident's area (commune police,
province leadership, administrators); a group leader, who holds it nowhere, gets 403; a
resident outside the scope and one that does not exist get the same 404. The number is
shown only in answer to a POST with a reason, each answer is logged, and no answer may be
cached (Cache-Control: no-store), so the number stays off shared computers' disks.

Audit page: for holders of Capability.READ_AUDIT (commune police, administrators), the
events of their areas, filtered by user, dates (dd/mm/yyyy) and action; reading it and
exporting it are themselves logged.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from outreach.access import Capability, access_for, mask_id_number
from outreach.audit.models import AuditAction
from outreach.audit.selectors import (
    AUDIT_SPEC, audit_events, audit_row, audit_scope_area, resident_for_reveal,
)  # fmt: skip
from outreach.audit.services import audit_read, audit_reveal

from . import exports
from .audit_forms import AuditFilterForm, RevealForm

PAGE_SIZE = 50
EXPORT_MAX = 100_000  # a year of a commune's events; past it, narrow the dates


def page_context(*, title: str, tab: str = "", **extra) -> dict:
    """What reports/_layout.html needs of a page that is about no one area or campaign."""
    return {"page_title": title, "tab": tab, "crumbs": [], "area": None, "campaign": None, "campaigns": [], **extra}


def _back_url(request) -> str:
    """Where "back to the list" goes: the list the form was posted from, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/bao-cao/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("reports:index")


@login_required
@require_http_methods(["GET", "POST"])
def reveal(request, resident_id: int):
    scope = access_for(user=request.user).scope(Capability.REVEAL_FULL_ID)
    if not scope.allowed:
        raise PermissionDenied
    resident = resident_for_reveal(resident_id=resident_id, scope=scope)
    if resident is None:
        raise Http404
    form = RevealForm(request.POST if request.method == "POST" else None)
    context = page_context(title=_("Hiện số định danh"), resident=resident, form=form, back=_back_url(request),
                           masked=mask_id_number(resident.id_number or ""))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        audit_reveal(request=request, resident=resident, area=resident.household.area,
                     reason_code=form.cleaned_data["reason_code"], reason=form.reason)  # fmt: skip
        shown = {"id_number": resident.id_number or "", "reason": form.reason, "now": timezone.localtime()}
        response = render(request, "reports/reveal.html", {**context, **shown})
    else:
        response = render(request, "reports/reveal_form.html", context, status=400 if request.method == "POST" else 200)
    add_never_cache_headers(response)  # includes no-store
    return response


def _audit_reader(request):
    scope = access_for(user=request.user).scope(Capability.READ_AUDIT)
    if not scope.allowed:
        raise PermissionDenied
    return scope


@login_required
def audit_log(request):
    scope = _audit_reader(request)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/audit_log.html", page_context(title=_("Nhật ký truy cập"), tab="audit",
                                                                      form=form, page=None, rows=[],
                                                                      audit_allowed=True), status=400)
    page = Paginator(audit_events(scope=scope, **form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [audit_row(event) for event in page.object_list]
    audit_read(request=request, action=AuditAction.AUDIT_VIEW, area=audit_scope_area(scope=scope), rows=len(rows),
               fields=["username", "ip", "device"], detail={"page": page.number, **form.described()})  # fmt: skip
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "reports/audit_log.html", page_context(
        title=_("Nhật ký truy cập"), tab="audit", form=form, page=page, rows=rows, filter_query=params.urlencode(),
        audit_allowed=True,
    ))  # fmt: skip


@login_required
def audit_export(request, fmt: str):
    scope = _audit_reader(request)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    events = audit_events(scope=scope, **form.filters())
    count = events.count()
    if count > EXPORT_MAX:
        limit = f"{EXPORT_MAX:,}".replace(",", ".")  # 100.000, the Vietnamese way
        message = _("Quá %(max)s dòng: thu hẹp khoảng ngày rồi xuất lại.") % {"max": limit}
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    audit_read(request=request, action=AuditAction.AUDIT_EXPORT, area=audit_scope_area(scope=scope), rows=count,
               fields=["username", "ip", "device"], detail={"format": fmt, **form.described()})  # fmt: skip
    rows = (audit_row(event) for event in events.iterator(chunk_size=2000))
    filename = f"nhat-ky-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(spec=AUDIT_SPEC, rows=rows, filename=filename)
    described = "; ".join(f"{form.fields[k].label}: {v}" for k, v in form.described().items()) or _("Không")
    about = [
        (_("Danh sách"), str(AUDIT_SPEC.title)), (_("Bộ lọc"), described),
        (_("Xuất lúc"), timezone.localtime().strftime("%H:%M %d/%m/%Y")),
        (_("Người xuất"), request.user.get_full_name() or request.user.get_username()),
    ]  # fmt: skip
    return exports.xlsx_response(spec=AUDIT_SPEC, rows=rows, filename=filename, about=about)
