"""Progress against quota: an area and its direct sub-areas, and the area's daily series.

Read from AreaRollup, Quota and AreaDailySnapshot only: three queries for the table, one
for the series, whatever the number of residents.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from households.models import Area

from ..models import AreaDailySnapshot, AreaRollup, Campaign, Quota
from .figures import AreaFigures, figures_for


@dataclass
class Progress:
    area: AreaFigures
    children: list[AreaFigures] = field(default_factory=list)
    computed_at: datetime.datetime | None = None


def progress_for_area(*, area: Area, campaign: Campaign) -> Progress:
    """The area's figures and each direct sub-area's, sub-areas in tree order."""
    children = list(Area.objects.filter(parent=area).order_by("path"))
    ids = [area.id] + [c.id for c in children]
    where = Q(area=area) | Q(area__parent=area)
    rollups = {r.area_id: r for r in AreaRollup.objects.filter(where, campaign=campaign)}
    quotas = {q.area_id: q for q in Quota.objects.filter(where, campaign=campaign)}
    own = figures_for(area=area, campaign=campaign, rollup=rollups.get(area.id), quota=quotas.get(area.id))
    rows = [figures_for(area=c, campaign=campaign, rollup=rollups.get(c.id), quota=quotas.get(c.id)) for c in children]
    stamp = max((r.computed_at for i, r in rollups.items() if i in ids and r.computed_at), default=None)
    return Progress(area=own, children=rows, computed_at=stamp)


@dataclass(frozen=True)
class DayPoint:
    day: datetime.date
    registered: int  # at the campaign's target level, cumulative
    activated: int
    households_visited: int


def daily_series(*, area: Area, campaign: Campaign, until: datetime.date | None = None) -> list[DayPoint]:
    """The area's snapshots, one point per day that has one, oldest first."""
    level = campaign.target_level
    rows = AreaDailySnapshot.objects.filter(campaign=campaign, area=area)
    if until:
        rows = rows.filter(day__lte=until)
    values = rows.order_by("day").values_list(
        "day", f"level{level}_registered", f"level{level}_activated", "households_visited"
    )
    return [DayPoint(day=d, registered=r, activated=a, households_visited=h) for d, r, a, h in values]
