"""Reads for the group leaders' pages (frontend/leaders): who may manage which groups, the
per-turf figures, the households of a group grouped as a team walks them, and the turfs
that have gone quiet.

Every figure is counted from the projection (HouseholdState) and the registry (Resident)
with one grouped query per kind, so a page costs the same number of queries for 3 turfs or
300. Counting within one group on the request is acceptable here: a group has at most a
few thousand residents. Pages that span communes read the rollups instead.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from households.models import Area, AreaKind, Household, Resident, Turf, VneidStatus
from households.text import natural_key, search_key

from ..access import AreaScope
from ..models import Assignment, Campaign, HouseholdState, Team

# ---------------------------------------------------------------- in scope
# `scope` is the user's Capability.MANAGE_TURFS scope (outreach.access): the group leader
# in their group; commune police and admins in every group of their commune.


def groups_in_scope(*, scope: AreaScope) -> QuerySet[Area]:
    return Area.objects.filter(scope.q(), kind=AreaKind.GROUP).select_related("parent").order_by("path")


def turfs_in_scope(*, scope: AreaScope) -> QuerySet[Turf]:
    return Turf.objects.filter(scope.q("area")).select_related("area", "area__parent")


def teams_in_scope(*, scope: AreaScope) -> QuerySet[Team]:
    return Team.objects.filter(scope.q("area")).select_related("area")


def households_in_scope(*, scope: AreaScope) -> QuerySet[Household]:
    return Household.objects.filter(scope.q("area"))


def team_choices(*, scope: AreaScope, group: Area, commune: Area) -> list[Team]:
    """Teams the user may give this group's turfs to: in their scope and in the group's
    commune, the group's own teams first."""
    teams = list(teams_in_scope(scope=scope).filter(commune.subtree("area")))
    return sorted(teams, key=lambda t: (t.area_id != group.pk, t.area.path, natural_key(t.name)))


def open_assignment_team(*, campaign: Campaign, turf: Turf) -> int | None:
    return (
        Assignment.objects.filter(campaign=campaign, turf=turf, ended_at__isnull=True)
        .values_list("team_id", flat=True).first()
    )  # fmt: skip


# ---------------------------------------------------------------- per-turf figures


@dataclass
class TurfRow:
    turf: Turf
    households: int = 0
    visited: int = 0  # has a visit and does not wait for a revisit
    revisit: int = 0
    eligible: int = 0  # living here (permanent or temporary) and 14+ today
    activated: int = 0  # of the eligible, activated at the campaign's target level
    last_visit: datetime.datetime | None = None
    assignment: Assignment | None = None  # the open one of the campaign
    assigned_elsewhere: bool = False  # open in another campaign (so not vacant)

    @property
    def not_visited(self) -> int:
        return self.households - self.visited - self.revisit

    @property
    def team(self) -> Team | None:
        return self.assignment.team if self.assignment else None

    @property
    def activated_percent(self) -> float | None:
        return 100 * self.activated / self.eligible if self.eligible else None

    @property
    def vacant(self) -> bool:
        """Empty and unassigned: merged away or emptied; hidden from the pages."""
        return self.households == 0 and self.assignment is None and not self.assigned_elsewhere

    def days_quiet(self, now: datetime.datetime) -> int | None:
        return (now - self.last_visit).days if self.last_visit else None


def _activated_field(campaign: Campaign) -> str:
    return "vneid_level1" if campaign.target_level == Campaign.Level.LEVEL1 else "vneid_level2"


def turf_rows(
    *, group_ids: list[int], campaign: Campaign | None, today: datetime.date, turf_id: int | None = None,
    include_vacant: bool = False,
) -> list[TurfRow]:  # fmt: skip
    """The turfs of the groups with their figures for the campaign, in group then natural
    name order. Four queries, whatever the number of turfs, households or residents."""
    turfs = Turf.objects.filter(area_id__in=group_ids).select_related("area")
    if turf_id is not None:
        turfs = turfs.filter(pk=turf_id)
    turfs = turfs.annotate(
        n_households=Count("households"),
        open_anywhere=Exists(Assignment.objects.filter(turf=OuterRef("pk"), ended_at__isnull=True)),
    )
    rows = {t.pk: TurfRow(turf=t, households=t.n_households, assigned_elsewhere=t.open_anywhere) for t in turfs}
    where = {"household__turf__area_id__in": group_ids}
    if turf_id is not None:
        where = {"household__turf_id": turf_id}
    if campaign is not None and rows:
        states = (
            HouseholdState.objects.filter(campaign=campaign, **where)
            .values("household__turf_id")
            .annotate(
                visited=Count("id", filter=Q(needs_revisit=False)),
                revisit=Count("id", filter=Q(needs_revisit=True)),
                last=Max("last_device_time"),
            )
        )
        for s in states:
            row = rows[s["household__turf_id"]]
            row.visited, row.revisit, row.last_visit = s["visited"], s["revisit"], s["last"]
        residents = (
            Resident.objects.filter(**where).living_here().eligible_on(today)
            .values("household__turf_id")
            .annotate(eligible=Count("id"),
                      activated=Count("id", filter=Q(**{_activated_field(campaign): VneidStatus.ACTIVATED})))
        )  # fmt: skip
        for r in residents:
            rows[r["household__turf_id"]].eligible = r["eligible"]
            rows[r["household__turf_id"]].activated = r["activated"]
        open_rows = Assignment.objects.filter(campaign=campaign, ended_at__isnull=True, turf_id__in=list(rows))
        for assignment in open_rows.select_related("team"):
            rows[assignment.turf_id].assignment = assignment
    result = [r for r in rows.values() if include_vacant or not r.vacant]
    return sorted(result, key=lambda r: (r.turf.area.path, natural_key(r.turf.name), r.turf.pk))


@dataclass
class GroupTotals:
    households: int = 0
    visited: int = 0
    revisit: int = 0
    eligible: int = 0
    activated: int = 0
    without_turf: int = 0

    @property
    def not_visited(self) -> int:
        return self.households - self.visited - self.revisit

    @property
    def activated_percent(self) -> float | None:
        return 100 * self.activated / self.eligible if self.eligible else None


def group_totals(*, rows: list[TurfRow], without_turf: int) -> GroupTotals:
    totals = GroupTotals(without_turf=without_turf)
    for row in rows:
        for name in ("households", "visited", "revisit", "eligible", "activated"):
            setattr(totals, name, getattr(totals, name) + getattr(row, name))
    totals.households += without_turf
    return totals


def households_without_turf(*, group_ids: list[int]) -> dict[int, int]:
    return dict(
        Household.objects.filter(area_id__in=group_ids, turf__isnull=True)
        .values("area_id").annotate(n=Count("id")).values_list("area_id", "n")
    )  # fmt: skip


def stale_rows(*, rows: list[TurfRow], days: int, now: datetime.datetime) -> list[TurfRow]:
    """Turfs with households and no visit in the last `days` days (never visited first,
    then the longest quiet)."""
    since = now - datetime.timedelta(days=days)
    stale = [r for r in rows if r.households and (r.last_visit is None or r.last_visit < since)]
    return sorted(stale, key=lambda r: (r.last_visit is not None, r.last_visit or now, r.turf.area.path))


# ---------------------------------------------------------------- households, as walked

BUILDING_WORDS = ("toa nha", "toa ", "chung cu", "nha ", "khu ", "block ", "tower")


@dataclass
class HouseholdLine:
    household: Household
    residents: int
    status: str  # "not_visited", "revisit" or "visited"
    last_visit: datetime.datetime | None


@dataclass
class Section:
    """One street frontage, lane or building: the unit a leader cuts in one action."""

    street: str
    lane: str
    building: str
    lines: list[HouseholdLine] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "building" if self.building else ("lane" if self.lane else "street")

    @property
    def building_named(self) -> bool:
        """The building's name already says what it is ("Toà nhà CT1", "Chung cư N04")."""
        return search_key(self.building).startswith(BUILDING_WORDS)

    @property
    def key(self) -> str:
        return json.dumps([self.street, self.lane, self.building], ensure_ascii=False)

    @property
    def turf_names(self) -> list[str]:
        names = []
        for line in self.lines:
            name = line.household.turf.name if line.household.turf_id else ""
            if name not in names:
                names.append(name)
        return names


@dataclass
class Street:
    name: str
    sections: list[Section] = field(default_factory=list)

    @property
    def households(self) -> int:
        return sum(len(s.lines) for s in self.sections)


def parse_section_key(text: str) -> tuple[str, str, str] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, list) and len(value) == 3 and all(isinstance(v, str) for v in value):
        return value[0], value[1], value[2]
    return None


def section_q(keys: list[tuple[str, str, str]]) -> Q:
    condition = Q(pk__in=[])
    for street, lane, building in keys:
        condition |= Q(street=street, lane=lane, building=building)
    return condition


def households_walk(*, group: Area, campaign: Campaign | None, turf_id: int | None = None,
                    without_turf: bool = False) -> list[Street]:  # fmt: skip
    """The group's households (or one turf's) grouped by street, then by street frontage,
    lane or building, in walk order. Two queries."""
    households = Household.objects.filter(area=group)
    if turf_id is not None:
        households = households.filter(turf_id=turf_id)
    elif without_turf:
        households = households.filter(turf__isnull=True)
    households = households.select_related("turf").annotate(n_residents=Count("residents")).order_by("walk_key", "id")
    states = {}
    if campaign is not None:
        state_rows = HouseholdState.objects.filter(campaign=campaign, household__area=group)
        if turf_id is not None:
            state_rows = state_rows.filter(household__turf_id=turf_id)
        states = {h: (r, t) for h, r, t in state_rows.values_list("household_id", "needs_revisit", "last_device_time")}
    streets: dict[str, Street] = {}
    sections: dict[tuple[str, str, str], Section] = {}
    for h in households:
        key = (h.street, h.lane, h.building)
        if key not in sections:
            sections[key] = Section(street=h.street, lane=h.lane, building=h.building)
            streets.setdefault(h.street, Street(name=h.street)).sections.append(sections[key])
        state = states.get(h.pk)
        status = "not_visited" if state is None else ("revisit" if state[0] else "visited")
        sections[key].lines.append(
            HouseholdLine(household=h, residents=h.n_residents, status=status, last_visit=state[1] if state else None)
        )
    return list(streets.values())
