"""Who may open the reports, on which areas, and for which campaign.

Reports are for group leaders (their group), commune police (their commune), province
leadership (their province) and administrators. Field members, who only need their walk
list, get 403; an area outside the user's grants answers 404, so an id in a URL tells an
outsider nothing about whether that area exists.
"""

from dataclasses import dataclass

from households.models import Area

from ..models import Campaign, Role, RoleGrant

REPORT_ROLES = (Role.GROUP_LEADER, Role.COMMUNE_POLICE, Role.PROVINCE_LEADER, Role.ADMIN)


@dataclass(frozen=True)
class ReportScope:
    paths: tuple[str, ...]
    everything: bool = False

    @property
    def allowed(self) -> bool:
        return self.everything or bool(self.paths)

    def covers(self, area: Area) -> bool:
        return self.everything or any(area.path.startswith(p) for p in self.paths)


def report_scope_for(*, user) -> ReportScope:
    """One query: the paths of the areas where the user holds a reporting role."""
    if not user.is_authenticated:
        return ReportScope(paths=())
    if user.is_superuser:
        return ReportScope(paths=("/",), everything=True)
    paths = RoleGrant.objects.filter(user=user, role__in=REPORT_ROLES).values_list("area__path", flat=True)
    return ReportScope(paths=tuple(sorted(set(paths))))


def report_top_areas(*, user) -> list[Area]:
    """The highest areas the user may report on (a grant inside another grant is dropped)."""
    if user.is_superuser:
        return list(Area.objects.filter(parent__isnull=True).order_by("path"))
    areas = list(
        Area.objects.filter(role_grants__user=user, role_grants__role__in=REPORT_ROLES).distinct().order_by("path")
    )
    return [a for a in areas if not any(o.path != a.path and a.path.startswith(o.path) for o in areas)]


def area_breadcrumbs(*, area: Area, scope: ReportScope) -> list[tuple[Area, bool]]:
    """The area's ancestors and itself, each with whether the user may open it."""
    ancestors = Area.objects.filter(path__in=area.ancestors_paths()).order_by("depth")
    return [(a, scope.covers(a)) for a in ancestors]


class CampaignNotFound(Exception):
    pass


def campaigns_for_reports() -> list[Campaign]:
    """Active campaigns first, newest first: the first one is the default."""
    return list(Campaign.objects.order_by("-is_active", "-start_date", "-id"))


def campaign_choose(*, campaigns: list[Campaign], requested: str | None) -> Campaign | None:
    """The campaign named by the GET parameter, or the newest active one (None if there is
    no campaign at all). Raises CampaignNotFound for an id that is not a campaign."""
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
