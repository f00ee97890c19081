"""Report pages: thin views over outreach.reports.

Every view goes through `report_page`, which answers 403 to a user with no reporting role
(field members), 404 for an area outside the user's grants, and picks the campaign from
the `campaign` GET parameter (default: the newest active one). A list page and an export
each write one row to the audit log (outreach.audit) saying what they showed.
"""

import datetime
import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontend.scoped import area_in_scope
from households.models import Area, AreaKind, Resident
from households.phones import phone_display, phone_tel_href
from outreach.access import Access, AreaScope, Capability, access_for
from outreach.appointments.selectors import appointments_missed_count
from outreach.audit.models import AuditAction
from outreach.audit.services import audit_read, report_fields
from outreach.campaigns.selectors import campaigns_for_reports
from outreach.config.db_router import replica_reads
from outreach.config.replica_pin import pinned_to_primary
from outreach.reports.navigation import (
    CampaignNotFound, area_breadcrumbs, audit_link_shown, campaign_choose, report_top_areas,
)  # fmt: skip
from outreach.reports.chat_report import chat_report
from outreach.reports.forecast import forecast_quota
from outreach.reports.lists import SPECS, Column, list_filter_choices, list_queryset, list_row, list_spec
from outreach.reports.progress import daily_series, progress_for_area
from outreach.models import Campaign, ResidentState

from . import exports
from .audit_forms import REVEAL_REASONS
from .charts import DESKTOP, PHONE, forecast_drawn, trend_svg
from .forms import ListFilterForm

PAGE_SIZE = 50


@dataclass
class Report:
    access: Access
    scope: AreaScope  # where the user may read reports
    area: Area | None
    campaign: Campaign | None
    campaigns: list[Campaign]
    today: datetime.date

    @property
    def query(self) -> str:
        """The campaign as a query string, for links that keep it."""
        return urlencode({"campaign": self.campaign.id}) if self.campaign and self.campaign.id else ""


def report_page(view):
    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, area_id: int | None = None, **kwargs):
        access = access_for(user=request.user)
        scope = access.scope(Capability.READ_REPORTS)
        if not scope.allowed:
            raise PermissionDenied
        area = area_in_scope(scope, area_id)
        campaigns = campaigns_for_reports()
        try:
            campaign = campaign_choose(campaigns=campaigns, requested=request.GET.get("campaign"))
        except CampaignNotFound:
            raise Http404 from None
        report = Report(access=access, scope=scope, area=area, campaign=campaign, campaigns=campaigns, today=timezone.localdate())
        # Who may read what was decided above, on the primary; the report's own figures may
        # come from the replica (a few seconds behind), unless this user just changed
        # something and must see it (outreach/config/db_router.py, replica_pin.py).
        if pinned_to_primary(request):
            return view(request, report, *args, **kwargs)
        with replica_reads():
            return view(request, report, *args, **kwargs)

    return wrapper


def lists_allowed(area: Area) -> bool:
    """Lists are per commune or group: a whole province (or the country) is millions of rows
    to page through."""
    return area.kind not in (AreaKind.COUNTRY, AreaKind.PROVINCE)


def _context(request, report: Report, *, tab: str, title: str, **extra) -> dict:
    area = report.area
    return {
        "report": report, "area": area, "campaign": report.campaign, "campaigns": report.campaigns,
        "crumbs": _crumbs(report, tab),
        "tab": tab, "page_title": title, "query": report.query,
        "lists_allowed": bool(area) and lists_allowed(area), "now": timezone.localtime(),
        "audit_allowed": audit_link_shown(access=report.access), **extra,
    }  # fmt: skip


def _crumbs(report: Report, tab: str) -> list[tuple[str, str | None]]:
    """The area's ancestors, each linking to the same tab where the user may open it."""
    if report.area is None:
        return []
    crumbs = []
    for area, allowed in area_breadcrumbs(area=report.area, scope=report.scope):
        view = {"ranking": "ranking", "chat": "chat", "lists": "lists"}.get(tab, "progress")
        if view == "lists" and not lists_allowed(area):
            view = "progress"
        url = None
        if allowed and area.pk != report.area.pk:
            url = reverse(f"reports:{view}", args=[area.pk]) + (f"?{report.query}" if report.query else "")
        crumbs.append((area.name, url))
    return crumbs


def _no_campaign(request, report: Report, tab: str):
    return render(request, "reports/no_campaign.html", _context(request, report, tab=tab, title=_("Báo cáo")))


@report_page
def index(request, report: Report):
    areas = report_top_areas(scope=report.scope)
    if len(areas) == 1:
        url = reverse("reports:progress", args=[areas[0].id])
        return redirect(f"{url}?{report.query}" if report.query else url)
    return render(request, "reports/index.html", _context(request, report, tab="", title=_("Báo cáo"), areas=areas))


@report_page
def progress(request, report: Report):
    if report.campaign is None:
        return _no_campaign(request, report, "progress")
    area, campaign = report.area, report.campaign
    data = progress_for_area(area=area, campaign=campaign)
    series = daily_series(area=area, campaign=campaign)
    figures = data.area
    forecasts = [
        (_("Kích hoạt"), forecast_quota(points=_with_now(series, "activated", figures, report.today),
                                       target=figures.activated_target, deadline=campaign.deadline)),
        (_("Thu nhận hồ sơ"), forecast_quota(points=_with_now(series, "registered", figures, report.today),
                                            target=figures.registered_target, deadline=campaign.deadline)),
    ]  # fmt: skip
    by_series = {"activated": forecasts[0][1], "registered": forecasts[1][1]}
    charts = {
        name: trend_svg(points=series, registered_target=figures.registered_target,
                        activated_target=figures.activated_target, level=campaign.target_level,
                        area_name=area.name, chart_id=f"trend-{name}", size=size,
                        forecasts=by_series)
        for name, size in (("phone", PHONE), ("desktop", DESKTOP))
    }  # fmt: skip
    charts["forecast"] = forecast_drawn(by_series)
    return render(request, "reports/progress.html", _context(
        request, report, tab="progress", title=_("Tiến độ"), progress=data, figures=figures,
        series=series, forecasts=forecasts, charts=charts, is_group=area.kind == AreaKind.GROUP,
        appointments_missed=appointments_missed_count(area=area, campaign=campaign),  # outreach/appointments
    ))  # fmt: skip


def _with_now(series, attr: str, figures, today: datetime.date) -> list[tuple[datetime.date, int]]:
    """The snapshot series, with today's point taken from the rollup the headline shows (they
    are written together; this keeps the forecast and the headline from ever disagreeing)."""
    points = [(p.day, getattr(p, attr)) for p in series if p.day < today]
    if figures.has_rollup:
        points.append((today, getattr(figures, attr)))
    else:
        points += [(p.day, getattr(p, attr)) for p in series if p.day >= today]
    return points


def _filters_for(request, report: Report, spec):
    area = report.area
    choices = list_filter_choices(area=area, campaign=report.campaign)
    form = ListFilterForm(request.GET or None, choices=choices, reason_filter=spec.reason_filter,
                          single_group=area.kind == AreaKind.GROUP)  # fmt: skip
    return form, form.list_filters()


def _spec_or_404(report: Report, kind: str):
    if not lists_allowed(report.area):
        raise Http404
    try:
        return list_spec(slug=kind)
    except KeyError:
        raise Http404 from None


@report_page
def lists_home(request, report: Report):
    _spec_or_404(report, "chua-den")
    url = reverse("reports:list", args=[report.area.id, "chua-den"])
    return redirect(f"{url}?{report.query}" if report.query else url)


@report_page
def list_page(request, report: Report, kind: str):
    spec = _spec_or_404(report, kind)
    if report.campaign is None:
        return _no_campaign(request, report, "lists")
    form, filters = _filters_for(request, report, spec)
    queryset = list_queryset(slug=kind, area=report.area, campaign=report.campaign, filters=filters,
                             today=report.today)  # fmt: skip
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    columns = screen_columns(spec)
    now = timezone.now()
    shown = report.access.resident_fields(report.area)
    reveal = report.access.scope(Capability.REVEAL_FULL_ID) if "id_number" not in shown else None
    rows = []
    for obj in page.object_list:
        values = list_row(slug=kind, obj=obj, campaign=report.campaign, shown=shown)
        cells = [_cell(column, values, now) for column in columns]
        if reveal is not None and reveal.allowed:
            _offer_reveal(cells, resident=_resident_of(obj), scope=reveal)
        rows.append(cells)
    audit_read(request=request, action=AuditAction.LIST_VIEW, area=report.area, rows=len(rows),
               fields=report_fields(columns=[c.key for c in spec.columns], shown=shown),
               detail={"list": kind, "page": page.number, "total": page.paginator.count, **_filters_detail(filters)})
    params = request.GET.copy()
    params.pop("page", None)
    if report.campaign and "campaign" not in params:
        params["campaign"] = str(report.campaign.id)
    return render(request, "reports/list.html", _context(
        request, report, tab="lists", title=spec.title, spec=spec, specs=SPECS.values(), form=form, page=page,
        columns=columns, rows=rows, filter_query=params.urlencode(), reveal_reasons=REVEAL_REASONS,
    ))  # fmt: skip


def _resident_of(obj) -> Resident | None:
    """The resident a list row is about (a ResidentState's, or the call list's own), None
    for the household lists."""
    if isinstance(obj, ResidentState):
        return obj.resident
    return obj if isinstance(obj, Resident) else None


def _offer_reveal(cells: list[dict], *, resident: Resident | None, scope: AreaScope) -> None:
    """A masked ID number gets the "Hiện số" form where the reader may reveal it (the
    household's area is already joined: no query)."""
    if resident is None or not resident.id_number or not scope.covers(resident.household.area):
        return
    for cell in cells:
        if cell["key"] == "id_number" and cell["value"]:
            cell["reveal"] = resident.pk


def _filters_detail(filters) -> dict:
    """The list's filters for the audit log: ids and names of areas, turfs and teams only."""
    detail = {name: {"id": value.pk, "name": str(value)} for name, value in (
        ("group", filters.group), ("turf", filters.turf), ("team", filters.team)) if value}  # fmt: skip
    if filters.reason:
        detail["reason"] = filters.reason.code
    if filters.support:
        detail["support"] = True
    return {"filters": detail} if detail else {}


PLACE_KEYS = ("group", "turf", "team")
PLACE = Column("place", gettext_lazy("Tổ dân phố · khu vực · tổ công tác"), "place")


def screen_columns(spec) -> list[Column]:
    """The export's columns, with group, turf and team in one cell so the table fits a
    desktop screen without scrolling; the spreadsheet keeps them apart for filtering."""
    columns = []
    for column in spec.columns:
        if column.key in PLACE_KEYS:
            if PLACE not in columns:
                columns.append(PLACE)
        else:
            columns.append(column)
    return columns


def _cell(column: Column, values: dict, now: datetime.datetime) -> dict:
    value = values.get(column.key)
    cell = {"kind": column.kind, "value": value, "key": column.key}
    if column.kind == "place":
        cell["value"] = [values.get(k) or "" for k in PLACE_KEYS]
    elif column.kind == "phone" and value:
        cell.update(value=phone_display(value), href=phone_tel_href(value))
    elif column.key == "revisit_after" and value:
        cell["overdue"] = value < now
    return cell


@report_page
def list_export(request, report: Report, kind: str, fmt: str):
    if not report.access.allows(Capability.EXPORT_PERSONAL_DATA, report.area):
        raise PermissionDenied
    spec = _spec_or_404(report, kind)
    if report.campaign is None:
        raise Http404
    form, filters = _filters_for(request, report, spec)
    campaign, area = report.campaign, report.area
    queryset = list_queryset(slug=kind, area=area, campaign=campaign, filters=filters, today=report.today)
    shown = report.access.resident_fields(area)
    # Logged before the first byte leaves, with the count the file will hold: a download
    # cut off halfway has still shown what it showed.
    audit_read(request=request, action=AuditAction.EXPORT, area=area, rows=queryset.count(),
               fields=report_fields(columns=[c.key for c in spec.columns], shown=shown),
               detail={"list": kind, "format": fmt, **_filters_detail(filters)})
    rows = (list_row(slug=kind, obj=obj, campaign=campaign, shown=shown) for obj in queryset.iterator(chunk_size=2000))
    filename = f"{kind}-{area.code}-{report.today:%Y%m%d}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(spec=spec, rows=rows, filename=filename)
    described = [f"{form.fields[name].label}: {value}" for name, value in (
        ("group", filters.group), ("turf", filters.turf), ("team", filters.team), ("reason", filters.reason),
    ) if value and name in form.fields]  # fmt: skip
    if filters.support:
        described.append(str(form.fields["support"].label))
    about = [
        (_("Danh sách"), str(spec.title)), (_("Địa bàn"), area.name), (_("Chiến dịch"), campaign.name),
        (_("Tình trạng VNeID tính ở mức"), str(campaign.target_level)),
        (_("Bộ lọc"), "; ".join(described) or _("Không")),
        (_("Xuất lúc"), timezone.localtime().strftime("%H:%M %d/%m/%Y")),
        (_("Người xuất"), request.user.get_full_name() or request.user.get_username()),
    ]  # fmt: skip
    return exports.xlsx_response(spec=spec, rows=rows, filename=filename, about=about)


@report_page
def chat(request, report: Report):
    if report.campaign is None:
        return _no_campaign(request, report, "chat")
    data = chat_report(area=report.area, campaign=report.campaign)
    return render(request, "reports/chat.html", _context(request, report, tab="chat", title=_("Báo cáo nhanh"),
                                                         chat=data, chat_rows=data.text.count("\n") + 2))  # fmt: skip


@report_page
def chat_text(request, report: Report):
    if report.campaign is None:
        raise Http404
    data = chat_report(area=report.area, campaign=report.campaign)
    return HttpResponse(data.text, content_type="text/plain; charset=utf-8")
