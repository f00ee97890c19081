"""Daily snapshots for past days, reconstructed from the visit log: for the demo seed and the
benchmarks, which create a campaign already a week or two old but whose rollups only ever
wrote today's snapshot (the trend chart, the forecast, "change since last week" and the
chat report's "today" all need earlier days).

The reconstruction is approximate in one way: a resident's VNeID status before the first
visit that raised it is not in the log, so it is taken as "none". Everything else (who was
visited by when, the revisit flag, interest, eligibility on the day) follows the log.
Never run this on real data: the snapshots it writes are estimates.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from households.models import VNEID_RANK, Area, AreaKind, Household, ResidenceStatus, Resident, eligibility_cutoff

from ..models import AreaDailySnapshot, Campaign, Visit, VisitResidentOutcome
from ..visits.models import Channel
from ..rollups.models import RollupCounts

COUNTERS = RollupCounts.COUNTERS
LIVING = {ResidenceStatus.PERMANENT, ResidenceStatus.TEMPORARY}
STATUS = {0: "none", 1: "registered", 2: "activated"}
INTEREST_FIELD = {"interested": "residents_interested", "little": "residents_little_interested",
                  "not": "residents_not_interested"}  # fmt: skip


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


@transaction.atomic
def snapshots_backfill(*, campaign: Campaign, first_day: datetime.date, last_day: datetime.date) -> int:
    """Write the snapshots of every area for first_day..last_day. Returns rows written."""
    group_of = dict(Household.objects.filter(area__kind=AreaKind.GROUP).values_list("id", "area_id"))
    visits = _visit_log(campaign)
    outcomes = _outcome_history(campaign)
    residents = list(
        Resident.objects.filter(household__area__kind=AreaKind.GROUP).values_list(
            "id", "household_id", "birth_date", "birth_year", "residence_status", "vneid_level1", "vneid_level2"
        )
    )
    rows = []
    day = first_day
    while day <= last_day:
        counts = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
        _count_households(counts, day=day, group_of=group_of, visits=visits)
        _count_residents(counts, day=day, group_of=group_of, residents=residents, outcomes=outcomes)
        totals = _roll_up(counts)
        rows += [AreaDailySnapshot(campaign=campaign, area_id=a, day=day, **c) for a, c in totals.items()]
        day += datetime.timedelta(days=1)
    AreaDailySnapshot.objects.bulk_create(
        rows, batch_size=2000, update_conflicts=True, unique_fields=["campaign", "area", "day"],
        update_fields=list(COUNTERS),
    )  # fmt: skip
    return len(rows)


def _visit_log(campaign: Campaign) -> list[tuple]:
    """The campaign's visits as (household, effective time, id, needs revisit), oldest first."""
    return sorted(
        Visit.objects.filter(campaign=campaign, channel=Channel.DOOR).values_list(
            "household_id", "effective_time", "id", "outcome__needs_revisit"),  # calls are not door visits
        key=lambda v: (v[1], v[2]),
    )  # fmt: skip


def _outcome_history(campaign: Campaign) -> dict[int, list[tuple]]:
    """resident -> [(day, VNeID level, status rank the visit raised, interest)], oldest first."""
    outcomes = defaultdict(list)
    for resident_id, moment, code, level, status, interest in VisitResidentOutcome.objects.filter(
        visit__campaign=campaign
    ).values_list("resident_id", "visit__effective_time", "outcome__code", "outcome__vneid_level",
                  "outcome__vneid_status", "outcome__interest").order_by("visit__effective_time", "visit_id"):  # fmt: skip
        # "Already activated" was so before the visit: it raised nothing on that day.
        rank = VNEID_RANK.get(status, 0) if status and not code.startswith("already_") else 0
        outcomes[resident_id].append((_day(moment), level, rank, interest))
    return outcomes


def _count_households(counts: dict, *, day: datetime.date, group_of: dict[int, int], visits: list[tuple]) -> None:
    """Each group's households, and those visited (and left needing a revisit) by the end of day."""
    for household_id in group_of:
        counts[group_of[household_id]]["households_total"] += 1
    last = {}
    for household_id, moment, _id, revisit in visits:
        if _day(moment) <= day:
            last[household_id] = revisit
    for household_id, revisit in last.items():
        group = counts[group_of[household_id]]
        group["households_visited"] += 1
        group["households_revisit"] += bool(revisit)


def _count_residents(counts: dict, *, day: datetime.date, group_of: dict[int, int], residents: list[tuple],
                     outcomes: dict[int, list[tuple]]) -> None:  # fmt: skip
    """Each group's residents eligible on day, their VNeID status then and their last interest."""
    cutoff = eligibility_cutoff(day)
    for rid, household_id, birth_date, birth_year, residence, level1, level2 in residents:
        eligible = birth_date <= cutoff if birth_date else bool(birth_year) and birth_year <= cutoff.year
        if residence not in LIVING or not eligible:
            continue
        group = counts[group_of[household_id]]
        group["residents_eligible"] += 1
        history = outcomes.get(rid, ())
        for level, current in ((1, level1), (2, level2)):
            status = _status_on(history, day=day, level=level, current=current)
            group[f"level{level}_registered"] += status >= 1
            group[f"level{level}_activated"] += status >= 2
        interest = ""
        for d, _lv, _rank, value in history:
            if value and d <= day:
                interest = value
        if interest in INTEREST_FIELD:
            group[INTEREST_FIELD[interest]] += 1


def _status_on(history, *, day: datetime.date, level: int, current: str) -> int:
    """A resident's VNeID rank at one level at the end of day, from the visits that raised it."""
    raised = [rank for d, lv, rank, _i in history if lv == level and rank]
    known = max((rank for d, lv, rank, _i in history if lv == level and rank and d <= day), default=0)
    # The status before the visit that raised it is not in the log: taken as none.
    return known if raised and max(raised) >= VNEID_RANK[current] else VNEID_RANK[current]


def _roll_up(group_counts: dict[int, dict]) -> dict[int, dict]:
    """Add each group's counts to every ancestor's."""
    paths = dict(Area.objects.values_list("id", "path"))
    by_path = {p: i for i, p in paths.items()}
    totals = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for group_id, counts in group_counts.items():
        parts = paths[group_id].strip("/").split("/")
        for depth in range(len(parts)):
            area_id = by_path["/" + "/".join(parts[: depth + 1]) + "/"]
            for key, value in counts.items():
                totals[area_id][key] += value
    return totals
