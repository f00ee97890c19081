"""Where a report page may go: the user's top areas, the breadcrumbs, and which campaign
the page shows.

Who may open the reports is the access module's (Capability.READ_REPORTS): group leaders
(their group), commune police (their commune), province leadership (their province) and
administrators. Field members, who only need their walk list, get 403; an area outside
the user's scope answers 404, so an id in a URL tells an outsider nothing about whether
that area exists.
"""

from households.models import Area

from ..access import Access, AreaScope, Capability
from ..models import Campaign


def report_top_areas(*, scope: AreaScope) -> list[Area]:
    """The highest areas the user may report on (a grant inside another grant is dropped)."""
    if scope.everything:
        return list(Area.objects.filter(parent__isnull=True).order_by("path"))
    return list(Area.objects.filter(path__in=scope.top_paths()).order_by("path"))


def area_breadcrumbs(*, area: Area, scope: AreaScope) -> list[tuple[Area, bool]]:
    """The area's ancestors and itself, each with whether the user may open it."""
    ancestors = Area.objects.filter(path__in=area.ancestors_paths()).order_by("depth")
    return [(a, scope.covers(a)) for a in ancestors]


def audit_link_shown(*, access: Access) -> bool:
    """The "Nhật ký truy cập" tab: for those who may read the audit log somewhere
    (Capability.READ_AUDIT: commune police, administrators)."""
    return access.anywhere(Capability.READ_AUDIT)


class CampaignNotFound(Exception):
    pass


def campaign_choose(*, campaigns: list[Campaign], requested: str | None) -> Campaign | None:
    """The campaign named by the GET parameter, or the first of `campaigns` (the current
    one; None if there is no campaign at all). Raises CampaignNotFound for an id that is
    not one of them."""
    if requested:
        try:
            wanted = int(requested)
        except ValueError:
            raise CampaignNotFound(requested) from None
        for campaign in campaigns:
            if campaign.id == wanted:
                return campaign
        raise CampaignNotFound(requested)
    return campaigns[0] if campaigns else None
