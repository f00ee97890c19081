"""What every page of the board starts from: the officer's grants (403 without
READ_QUALITY anywhere, 404 for an area outside them), the campaign (GET `campaign`,
default the current one), and the `Scope` the checks read in."""

import functools
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.utils import timezone

from frontend.scoped import area_in_scope
from households.models import Area, AreaKind
from outreach.access import Access, AreaScope, Capability, access_for
from outreach.campaigns.selectors import campaigns_for_reports
from outreach.models import Campaign
from outreach.quality.base import Scope
from outreach.reports.navigation import CampaignNotFound, area_breadcrumbs, campaign_choose


@dataclass
class Page:
    access: Access
    scope: AreaScope  # where the user may read the board
    area: Area | None
    campaign: Campaign | None

    def checks_in(self) -> Scope:
        return Scope(area=self.area, campaign=self.campaign, today=timezone.localdate())

    @property
    def may_fix(self) -> bool:
        return self.area is not None and self.access.allows(Capability.FIX_QUALITY, self.area)

    @property
    def may_export(self) -> bool:
        return self.area is not None and self.access.allows(Capability.EXPORT_PERSONAL_DATA, self.area)

    @property
    def query(self) -> str:
        return f"campaign={self.campaign.id}" if self.campaign else ""

    def crumbs(self) -> list[tuple[Area, bool]]:
        return area_breadcrumbs(area=self.area, scope=self.scope) if self.area else []


def board_allowed(area: Area) -> bool:
    """Per commune or group, like the report lists: a province is millions of rows."""
    return area.kind not in (AreaKind.COUNTRY, AreaKind.PROVINCE)


def quality_page(view):
    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, area_id: int | None = None, **kwargs):
        access = access_for(user=request.user)
        scope = access.scope(Capability.READ_QUALITY)
        if not scope.allowed:
            raise PermissionDenied
        area = area_in_scope(scope, area_id)
        try:
            campaign = campaign_choose(campaigns=campaigns_for_reports(), requested=request.GET.get("campaign"))
        except CampaignNotFound:
            raise Http404 from None
        # Names and addresses: never cached (outreach.config.middleware, /chat-luong-du-lieu/).
        return view(request, Page(access=access, scope=scope, area=area, campaign=campaign), *args, **kwargs)

    return wrapper


def fixing_page(view):
    """A POST that changes something: FIX_QUALITY in the area, else 403 (the area itself
    was already checked against READ_QUALITY: outside, 404)."""

    @functools.wraps(view)
    def wrapper(request, page: Page, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not page.may_fix:
            raise PermissionDenied
        return view(request, page, *args, **kwargs)

    return quality_page(wrapper)
