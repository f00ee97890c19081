"""The data-quality board ("Chất lượng dữ liệu") and each check's list: thin views over
outreach.quality. The board shows counts only (no personal data, so no audit row); a list
page and an export each write one audit row saying what they showed, to whom."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import Area, AreaKind
from households.phones import phone_display, phone_tel_href
from outreach.audit.models import AuditAction
from outreach.audit.services import audit_read, report_fields
from outreach.quality.board import board_figures
from outreach.quality.checks import CHECKS, check_get
from outreach.reports.navigation import report_top_areas

from ..reports import exports
from .pages import Page, board_allowed, quality_page

PAGE_SIZE = 50


def _context(where: Page, *, title: str, **extra) -> dict:
    return {"area": where.area, "campaign": where.campaign, "page_title": title, "query": where.query,
            "crumbs": where.crumbs(), "now": timezone.localtime(), **extra}  # fmt: skip


def _url(name: str, page: Page, *args) -> str:
    url = reverse(f"quality:{name}", args=[page.area.pk, *args])
    return f"{url}?{page.query}" if page.query else url


@quality_page
def index(request, page: Page):
    areas = report_top_areas(scope=page.scope)
    if len(areas) == 1 and board_allowed(areas[0]):
        return redirect(reverse("quality:board", args=[areas[0].pk]))
    communes = []
    for area in areas:
        if board_allowed(area):
            communes.append(area)
        else:
            communes += list(Area.objects.filter(area.subtree(), kind=AreaKind.COMMUNE).order_by("path")[:500])
    return render(request, "quality/index.html", _context(page, title=_("Chất lượng dữ liệu"), communes=communes))


def _area_or_404(page: Page) -> None:
    if not board_allowed(page.area):
        raise Http404


@quality_page
def board(request, page: Page):
    _area_or_404(page)
    groups = board_figures(scope=page.checks_in())
    return render(request, "quality/board.html", _context(page, title=_("Chất lượng dữ liệu"), groups=groups))


def _check_or_404(page: Page, slug: str):
    _area_or_404(page)
    try:
        return check_get(slug=slug)
    except KeyError:
        raise Http404 from None


def _cell(column, values: dict) -> dict:
    value = values.get(column.key)
    cell = {"kind": column.kind, "value": value, "key": column.key}
    if column.kind == "phone" and value:
        cell.update(value=phone_display(value), href=phone_tel_href(value))
    return cell


def _audited_fields(check, shown: frozenset[str]) -> list[str]:
    return report_fields(columns=[c.key for c in check.spec.columns], shown=shown)


@quality_page
def check_list(request, page: Page, slug: str):
    check = _check_or_404(page, slug)
    scope = page.checks_in()
    shown = page.access.resident_fields(page.area)
    paginated = Paginator(check.items(scope), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for obj in paginated.object_list:
        values = check.row(obj, scope=scope, shown=shown)
        rows.append({"values": values, "cells": [_cell(c, values) for c in check.spec.columns]})
    audit_read(request=request, action=AuditAction.LIST_VIEW, area=page.area, rows=len(rows),
               fields=_audited_fields(check, shown),
               detail={"list": f"quality:{slug}", "page": paginated.number, "total": paginated.paginator.count})
    return render(request, "quality/list.html", _context(
        page, title=str(check.spec.title), check=check, checks=CHECKS.values(), page=paginated, rows=rows,
        filter_query=page.query, may_fix=page.may_fix, may_export=page.may_export,
        export_url=_url("export", page, slug), board_url=_url("board", page),
    ))  # fmt: skip


@quality_page
def check_export(request, page: Page, slug: str):
    if not page.may_export:
        raise PermissionDenied
    check = _check_or_404(page, slug)
    scope = page.checks_in()
    shown = page.access.resident_fields(page.area)
    items = check.items(scope)
    total = len(items) if isinstance(items, list) else items.count()
    # Logged before the first byte leaves, with the count the file will hold.
    audit_read(request=request, action=AuditAction.EXPORT, area=page.area, rows=total,
               fields=_audited_fields(check, shown), detail={"list": f"quality:{slug}", "format": "xlsx"})
    iterator = items if isinstance(items, list) else items.iterator(chunk_size=2000)
    rows = (check.row(obj, scope=scope, shown=shown) for obj in iterator)
    about = [
        (_("Danh sách"), str(check.spec.title)), (_("Địa bàn"), page.area.name),
        (_("Chiến dịch"), page.campaign.name if page.campaign else _("Không")),
        (_("Xuất lúc"), timezone.localtime().strftime("%H:%M %d/%m/%Y")),
        (_("Người xuất"), request.user.get_full_name() or request.user.get_username()),
    ]  # fmt: skip
    filename = f"chat-luong-{slug}-{page.area.code}-{timezone.localdate():%Y%m%d}.xlsx"
    return exports.xlsx_response(spec=check.spec, rows=rows, filename=filename, about=about)
