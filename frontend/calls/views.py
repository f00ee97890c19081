"""The caller's page ("Gọi điện", /goi-dien/): thin views over outreach.calls.

403 for a user who may not call anywhere, 404 for an area outside their grants (or one too
large to call from: a province). The page audits the phones it shows (one row per view,
as a list page does); each recorded call is a visit in the event log."""

import functools
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontend.scoped import area_in_scope
from households.models import Area, AreaKind
from households.phones import phone_display, phone_tel_href
from outreach.access import AreaScope, Capability, access_for, campaign_current
from outreach.audit.models import AuditAction
from outreach.audit.services import audit_read
from outreach.calls.claims import batch_size, calls_release, calls_take_batch
from outreach.calls.codes import VNEID_CHOICES
from outreach.calls.models import CallOutcome
from outreach.calls.record import CallNotFound, CallRefused, calls_record
from outreach.calls.selectors import caller_batch, caller_upcoming, pool_count
from outreach.models import Campaign
from outreach.reports.navigation import report_top_areas

from .forms import CallForm

CALLABLE = (AreaKind.COMMUNE, AreaKind.GROUP)  # a province's call list is too long to take from


@dataclass
class Where:
    scope: AreaScope
    area: Area | None
    campaign: Campaign | None


def calls_page(view):
    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, area_id: int | None = None, **kwargs):
        scope = access_for(user=request.user).scope(Capability.CALL_RESIDENTS)
        if not scope.allowed:
            raise PermissionDenied
        area = area_in_scope(scope, area_id)
        if area is not None and area.kind not in CALLABLE:
            raise Http404
        return view(request, Where(scope=scope, area=area, campaign=campaign_current()), *args, **kwargs)

    return wrapper


@calls_page
def index(request, where: Where):
    areas = report_top_areas(scope=where.scope)
    if len(areas) == 1 and areas[0].kind in CALLABLE:
        return redirect("calls:page", areas[0].pk)
    choices = []
    for area in areas:
        if area.kind in CALLABLE:
            choices.append(area)
        else:
            choices += list(Area.objects.filter(area.subtree(), kind=AreaKind.COMMUNE).order_by("path")[:500])
    return render(request, "calls/index.html", {"areas": choices, "page_title": _("Gọi điện hỗ trợ")})


def _shown(row) -> dict:
    return {"row": row, "phone": phone_display(row.phone), "tel": phone_tel_href(row.phone),
            "uuid": uuid.uuid4()}  # fmt: skip


@calls_page
def page(request, where: Where, *, error: str = "", error_resident: int | None = None, status: int = 200):
    now, campaign = timezone.now(), where.campaign
    context = {"area": where.area, "campaign": campaign, "page_title": _("Gọi điện hỗ trợ"), "batch": [],
               "upcoming": [], "outcomes": CallOutcome, "vneid_choices": VNEID_CHOICES, "batch_size": batch_size(),
               "error": error, "error_resident": error_resident,
               "min_callback": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M")}  # fmt: skip
    if campaign is not None:
        batch = caller_batch(user=request.user, campaign=campaign, area=where.area, now=now)
        upcoming = caller_upcoming(user=request.user, campaign=campaign, area=where.area, now=now)
        context.update(batch=[_shown(r) for r in batch], upcoming=[_shown(r) for r in upcoming],
                       pool=pool_count(campaign=campaign, area=where.area, now=now))  # fmt: skip
        if batch or upcoming:
            audit_read(request=request, action=AuditAction.CALL_BATCH, area=where.area, rows=len(batch) + len(upcoming),
                       fields=["full_name", "birth_year", "phone"],
                       detail={"campaign": campaign.id, "due_callbacks": sum(1 for r in batch if r.callback_at)})  # fmt: skip
    return render(request, "calls/page.html", context, status=status)


def _resident_id(value: str) -> int | None:
    """A resident id as posted, or None: ASCII digits only ("²".isdigit() is True and
    int() refuses it) and short enough for int() (a 5,000-digit one raises too)."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _back(where: Where):
    return redirect(reverse("calls:page", args=[where.area.pk]))


@require_POST
@calls_page
def take(request, where: Where):
    if where.campaign is None:
        return _back(where)
    taken = calls_take_batch(user=request.user, campaign=where.campaign, area=where.area, now=timezone.now())
    if taken.new or taken.due_callbacks:
        messages.success(request, _("Đã nhận %(new)d số mới, %(due)d số hẹn gọi lại đến giờ.")
                         % {"new": taken.new, "due": taken.due_callbacks})  # fmt: skip
    elif not taken.held:
        messages.info(request, _("Danh sách gọi của địa bàn đã hết số chưa ai nhận."))
    return _back(where)


@require_POST
@calls_page
def release(request, where: Where):
    if where.campaign is not None:
        raw = request.POST.get("resident")  # absent: the whole batch; malformed: nothing
        ids = None if raw is None else [r for r in [_resident_id(raw)] if r is not None]
        calls_release(user=request.user, campaign=where.campaign, resident_ids=ids)
        messages.info(request, _("Đã trả số về danh sách chung."))
    return _back(where)


@require_POST
@calls_page
def record(request, where: Where):
    form = CallForm(request.POST)
    resident = _resident_id(request.POST.get("resident", ""))
    if where.campaign is None:
        return page(request, area_id=where.area.pk, error=_("Chưa có chiến dịch nào đang chạy."), status=400)
    if not form.is_valid():
        return page(request, area_id=where.area.pk, error=form.first_error(), error_resident=resident, status=400)
    try:
        done = calls_record(user=request.user, campaign=where.campaign, scope=where.scope, call=form.call())
    except CallNotFound:
        raise Http404 from None
    except CallRefused as refused:
        return page(request, area_id=where.area.pk, error=refused.message, error_resident=resident, status=400)
    messages.success(request, _("Đã ghi: %(outcome)s.") % {"outcome": CallOutcome(done.outcome).label})
    return _back(where)
