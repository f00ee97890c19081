"""The appointment pages: an area's households needing home support with their booking,
and its appointments (to come, missed, done, cancelled); thin views over
outreach.appointments. A page that lists households writes one audit row saying what it
showed (addresses and heads of household)."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from households.models import AreaKind
from outreach.appointments.selectors import (
    VIEWS, appointments_counts, appointments_in, open_appointments, support_households, support_residents,
)  # fmt: skip
from outreach.audit.models import AuditAction
from outreach.audit.services import FIELD_ADDRESS, FIELD_HEAD_NAME, audit_read
from outreach.reports.lists import _support_text
from outreach.reports.navigation import area_breadcrumbs, report_top_areas

from .pages import Page, listing_page

PAGE_SIZE = 50
TITLES = {
    "support": _l("Cần hỗ trợ tại nhà"), "open": _l("Sắp tới"), "missed": _l("Lỡ hẹn"), "done": _l("Đã đến"),
    "cancelled": _l("Đã huỷ"),
}  # fmt: skip


def context(page: Page, *, title: str, **extra) -> dict:
    crumbs = area_breadcrumbs(area=page.area, scope=page.scope) if page.area else []
    return {"area": page.area, "campaign": page.campaign, "page_title": title, "crumbs": crumbs,
            "may_book": page.may_book, "now": timezone.localtime(), **extra}  # fmt: skip


@listing_page
def index(request, page: Page):
    areas = report_top_areas(scope=page.scope)
    if len(areas) == 1:
        return redirect(reverse("appointments:area", args=[areas[0].pk]))
    return render(request, "appointments/index.html", context(page, title=_("Hẹn đến tận nhà"), areas=areas))


def _items(page: Page, rows: list, *, support: bool) -> list[dict]:
    """The page's rows as {household, support (why, in words), appointment}: `rows` are
    households (the support list, with their open appointment) or appointments."""
    if support:
        booked = open_appointments(campaign=page.campaign, household_ids=[h.id for h in rows])
        pairs = [(h, booked.get(h.id)) for h in rows]
    else:
        pairs = [(a.household, a) for a in rows]
    reasons = support_residents(household_ids=[h.id for h, _ in pairs])
    return [{"household": h, "support": "; ".join(_support_text(r) for r in reasons.get(h.id, [])), "appointment": a}
            for h, a in pairs]  # fmt: skip


@listing_page
def area(request, page: Page):
    if page.campaign is None:
        return render(request, "appointments/area.html", context(page, title=_("Hẹn đến tận nhà"), tabs=[]))
    # A province's households needing support are too many to list (as the report lists,
    # per commune or group); its appointments are few: those it shows.
    views = ("support", *VIEWS) if page.area.kind not in (AreaKind.COUNTRY, AreaKind.PROVINCE) else VIEWS
    show = request.GET.get("xem", views[0])
    show = show if show in views else views[0]
    counts = appointments_counts(area=page.area, campaign=page.campaign)
    counts["support"] = None  # not counted up front: one more query over the residents
    qs = (support_households(area=page.area, campaign=page.campaign) if show == "support"
          else appointments_in(area=page.area, campaign=page.campaign, view=show))  # fmt: skip
    rows = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    items = _items(page, list(rows), support=show == "support")
    if items:
        audit_read(request=request, action=AuditAction.LIST_VIEW, area=page.area, rows=len(items),
                   fields=[FIELD_ADDRESS, FIELD_HEAD_NAME], detail={"list": f"hen-tai-nha:{show}"})  # fmt: skip
    tabs = [(key, TITLES[key], counts.get(key)) for key in views]
    return render(request, "appointments/area.html", context(
        page, title=_("Hẹn đến tận nhà"), tabs=tabs, show=show, items=items, page_obj=rows,
    ))  # fmt: skip
