"""Ranking of sub-areas by activated % of quota, with the change since last week.

The weekly briefing reads this table top to bottom and names the units at the bottom. For
areas the figures come from rollups (now) and daily snapshots (a week ago): four queries
whatever the number of sub-areas. A residential group has no sub-areas, only turfs, which
have no rollup: `turf_ranking` counts ONE group's turfs on request with three aggregate
queries.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from households.collation import vi_order, vi_sort_key
from households.models import Area, Household, Resident, Turf, VneidStatus

from ..models import AreaDailySnapshot, AreaRollup, Assignment, Campaign, Quota
from .figures import COUNTERS, AreaFigures, counts_of, figures_for, percent

WEEK = datetime.timedelta(days=7)
LAGGARDS = 3  # at most, the bottom rows a briefing names: one per four units ranked

SORT_KEYS = ("rank", "name", "pct", "change", "activated", "eligible")


def name_key(row) -> tuple:
    """Vietnamese order of the unit's name (Đ after D, tones a à ả ã á ạ), numbers read as
    numbers so "Tổ dân phố 9" comes before "Tổ dân phố 10"."""
    return vi_sort_key(row.figures.name, numeric=True)


@dataclass
class RankRow:
    figures: AreaFigures
    has_children: bool = True
    pct: Decimal | None = None
    rank: int | None = None
    previous_pct: Decimal | None = None
    previous_rank: int | None = None
    is_laggard: bool = False

    @property
    def change(self) -> Decimal | None:
        if self.pct is None or self.previous_pct is None:
            return None
        return self.pct - self.previous_pct

    @property
    def rank_change(self) -> int | None:
        """Places gained since last week (negative: lost)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def places_moved(self) -> int | None:
        change = self.rank_change
        return None if change is None else abs(change)


@dataclass
class Ranking:
    rows: list[RankRow]
    previous_day: datetime.date | None = None
    laggards: list[RankRow] = field(default_factory=list)


def competition_ranks(values: dict[int, Decimal | None]) -> dict[int, int]:
    """1224 ranking, best (highest) first; keys with None get no rank."""
    ordered = sorted((v for v in values.values() if v is not None), reverse=True)
    first = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return {k: first[v] for k, v in values.items() if v is not None}


class _Unit(NamedTuple):
    id: int
    name: str
    kind: str
    n_children: int


def units_q(area: Area, kind: str | None = None, lookup: str = "") -> Q:
    """The units a ranking of `area` compares: its direct sub-areas, or (`kind`) every area of
    that kind inside it, e.g. the 3,321 communes of the country."""
    prefix = f"{lookup}__" if lookup else ""
    if kind is None:
        return Q(**{f"{prefix}parent": area})
    return Area.subtree_q(area.path, lookup) & Q(**{f"{prefix}kind": kind}) & ~Q(**{f"{prefix}pk": area.pk})


def area_ranking(*, area: Area, campaign: Campaign, today: datetime.date, kind: str | None = None) -> Ranking:
    """Direct sub-areas of `area` (or its areas of `kind`), ranked by activated % of quota at
    the target level, with last week's rank from the snapshots of the latest day at least 7
    days ago. Four queries and one row object per unit: a page shows a slice of them."""
    level = campaign.target_level
    # Rows as tuples and dicts, not model instances: building 10,000 of those was most of
    # the time of the country's 3,321 communes.
    children = [_Unit(*row) for row in Area.objects.filter(units_q(area, kind)).annotate(n=Count("children"))
                .order_by("path").values_list("id", "name", "kind", "n")]  # fmt: skip
    rollups = {r["area_id"]: r for r in AreaRollup.objects.filter(units_q(area, kind, "area"), campaign=campaign)
               .values("area_id", *COUNTERS)}  # fmt: skip
    quotas = {q.area_id: q for q in Quota.objects.filter(units_q(area, kind, "area"), campaign=campaign)
              .values_list("area_id", "registered_target", "activated_target", named=True)}  # fmt: skip
    snapshots = AreaDailySnapshot.objects.filter(units_q(area, kind, "area"), campaign=campaign)
    previous_day = snapshots.filter(day__lte=today - WEEK).aggregate(day=Max("day"))["day"]
    previous = {}
    if previous_day:
        previous = {
            s["area_id"]: s[f"level{level}_activated"]
            for s in snapshots.filter(day=previous_day).values("area_id", f"level{level}_activated")
        }
    rows = []
    for child in children:
        quota = quotas.get(child.id)
        figures = figures_for(area=child, campaign=campaign, rollup=rollups.get(child.id), quota=quota)
        row = RankRow(figures=figures, has_children=child.n_children > 0, pct=figures.activated_pct)
        if child.id in previous:
            row.previous_pct = percent(previous[child.id], figures.activated_target)
        rows.append(row)
    _rank(rows)
    return Ranking(rows=rows, previous_day=previous_day, laggards=_laggards(rows))


def _rank(rows: list[RankRow]) -> None:
    now = competition_ranks({i: r.pct for i, r in enumerate(rows)})
    before = competition_ranks({i: r.previous_pct for i, r in enumerate(rows)})
    for i, row in enumerate(rows):
        row.rank, row.previous_rank = now.get(i), before.get(i)


def _laggards(rows: list[RankRow]) -> list[RankRow]:
    ranked = sorted((r for r in rows if r.rank is not None), key=lambda r: (r.rank, name_key(r)))
    count = min(LAGGARDS, len(ranked) // 4)
    if not count:
        return []
    # Units tied with the last one named are named too: a tie is not a reprieve.
    threshold = ranked[-count].rank
    worst = [r for r in ranked if r.rank >= threshold]
    for row in worst:
        row.is_laggard = True
    return worst


def sort_rows(rows: list, *, key: str, descending: bool) -> list:
    """Order for display. Rows without a value sort last in either direction."""
    def value(row):
        if key == "name":
            return name_key(row)
        if key == "pct":
            return row.pct
        if key == "change":
            return row.change
        if key == "activated":
            return row.figures.activated
        if key == "eligible":
            return row.figures.counts["residents_eligible"]
        return row.rank

    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    # Ties in name order in either direction: a stable sort by value after one by name.
    present.sort(key=name_key)
    present.sort(key=value, reverse=descending)
    return present + sorted(missing, key=name_key)


# --- turfs of one residential group ---------------------------------------------------

NO_TURF = 0  # households not yet put in a turf get a row of their own


@dataclass
class TurfRow:
    figures: AreaFigures  # area_id holds the turf id (NO_TURF for households without one)
    team_name: str = ""
    has_children: bool = False
    pct: Decimal | None = None  # activated % of eligible residents: turfs have no quota
    rank: int | None = None
    previous_pct = None
    previous_rank = None
    change = None
    rank_change = None
    is_laggard: bool = False


def turf_ranking(*, group: Area, campaign: Campaign, today: datetime.date) -> Ranking:
    """Per-turf figures of one group, counted now: turfs (with their open assignment's team),
    households per turf, and eligible residents per turf. Three queries."""
    level = campaign.target_level
    team = Assignment.objects.filter(campaign=campaign, turf=OuterRef("pk"), ended_at__isnull=True)
    turfs = list(
        Turf.objects.filter(area=group).annotate(team_name=Subquery(team.values("team__name")[:1]))
        .order_by(vi_order("name"))
    )
    households = {
        row["turf_id"]: row
        for row in Household.objects.filter(area=group).values("turf_id").annotate(
            total=Count("id", distinct=True),
            visited=Count("states", filter=Q(states__campaign=campaign)),
            revisit=Count("states", filter=Q(states__campaign=campaign, states__needs_revisit=True)),
        )
    }  # fmt: skip
    done = [VneidStatus.REGISTERED, VneidStatus.ACTIVATED]
    field_name = f"vneid_level{level}"
    residents = {
        row["household__turf_id"]: row
        for row in Resident.objects.filter(household__area=group).living_here().eligible_on(today)
        .values("household__turf_id").annotate(
            eligible=Count("id"),
            registered=Count("id", filter=Q(**{f"{field_name}__in": done})),
            activated=Count("id", filter=Q(**{field_name: VneidStatus.ACTIVATED})),
        )
    }  # fmt: skip
    rows = []
    entries = [(t.id, t.name, t.team_name or "") for t in turfs]
    if None in households:
        entries.append((None, _("Chưa chia khu vực"), ""))
    for turf_id, name, team_name in entries:
        h, r = households.get(turf_id, {}), residents.get(turf_id, {})
        counts = counts_of({
            "households_total": h.get("total"), "households_visited": h.get("visited"),
            "households_revisit": h.get("revisit"), "residents_eligible": r.get("eligible"),
            f"level{level}_registered": r.get("registered"), f"level{level}_activated": r.get("activated"),
        })  # fmt: skip
        figures = AreaFigures(area_id=turf_id or NO_TURF, name=name, kind="turf", level=level, counts=counts)
        rows.append(TurfRow(figures=figures, team_name=team_name, pct=figures.activated_of_eligible_pct))
    for i, rank in competition_ranks({i: r.pct for i, r in enumerate(rows)}).items():
        rows[i].rank = rank
    return Ranking(rows=rows, laggards=_laggards(rows))
