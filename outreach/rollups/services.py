"""Per-area rollups, so dashboards cost what the number of areas costs, not of residents.

A push marks the residential groups it touched as dirty (RollupDirty, in its own
transaction). `rollups_refresh` then recounts only those groups, each a few hundred
households, and re-sums their ancestors from their children's rollups, never from
residents. Bursts are debounced (`tasks.rollups_schedule_refresh`): one refresh task per
campaign per second at most, and whatever a lost task leaves behind the periodic reconciler
drains.
"""

import datetime
import operator
from functools import reduce

from django.db import transaction
from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, Sum
from django.utils import timezone

from households.models import Area, AreaKind, Household, Resident, VneidStatus

from ..calls.codes import ANSWERED_CODES, ASSISTED_CODES
from ..models import AreaDailySnapshot, AreaRollup, Campaign, RollupDirty, VisitResidentOutcome
from ..visits.models import Channel
from .models import RollupCounts
from ..rowsql import insert_rows

COUNTERS = RollupCounts.ALL_COUNTERS  # the door's figures and the phone channel's


def rollups_mark_dirty(*, pairs: set[tuple[int, int]], at: datetime.datetime) -> None:
    """Mark (campaign, group) pairs dirty. Upsert so a mark made while a refresh runs moves
    marked_at forward and survives that refresh's delete."""
    insert_rows(RollupDirty, ["campaign", "area", "marked_at"], [(c, a, at) for c, a in sorted(pairs)],
                on_conflict="ON CONFLICT (campaign_id, area_id) DO UPDATE SET marked_at = excluded.marked_at")


@transaction.atomic
def rollups_refresh(*, campaign_id: int) -> int:
    """Recount the dirty groups of one campaign and their ancestors. Returns groups done.
    One transaction, so a dashboard never sees a commune that disagrees with its province."""
    dirty = list(RollupDirty.objects.filter(campaign_id=campaign_id).values_list("id", "area_id", "marked_at"))
    if not dirty:
        return 0
    campaign = Campaign.objects.get(id=campaign_id)
    groups = list(Area.objects.filter(id__in={a for _, a, _ in dirty}).order_by("id"))
    # A sibling group never counted yet would be missing from its parent's sum: count it too.
    roots = {g.ancestors_paths()[0] for g in groups}
    never_counted = Area.objects.filter(kind=AreaKind.GROUP).exclude(rollups__campaign=campaign)
    for root in roots:
        groups += list(never_counted.filter(Area.subtree_q(root)).exclude(id__in=[g.id for g in groups]))
    _recount_groups(campaign=campaign, groups=groups)
    _resum_ancestors(campaign=campaign, groups=groups)
    # Only the marks nobody made again meanwhile; the others stay for the next round.
    RollupDirty.objects.filter(reduce(operator.or_, (Q(id=i, marked_at=m) for i, _, m in dirty))).delete()
    return len(dirty)


def rollups_reconcile() -> int:
    """Drain every campaign's dirty marks (run periodically by beat)."""
    done = 0
    for campaign_id in RollupDirty.objects.values_list("campaign_id", flat=True).distinct():
        done += rollups_refresh(campaign_id=campaign_id)
    return done


def rollups_daily() -> None:
    """Nightly: eligibility moves as residents turn 14 without any visit, and every area
    needs its snapshot row for the trend chart even on a day with no visits."""
    for campaign in Campaign.objects.filter(is_active=True):
        rollups_rebuild(campaign=campaign)


def group_counts(*, campaign: Campaign, group_ids: list[int], today: datetime.date) -> dict[int, dict]:
    """Count the campaign's figures for residential groups from households and residents.

    Two grouped queries, each starting from the groups' own households (index on area) and
    joining only this campaign's state rows: the join condition carries the campaign, so a
    household or resident with state in several campaigns counts once, and no query scans
    the campaign's state rows of the whole city (a refresh runs every second of a push)."""
    counts = {g: dict.fromkeys(COUNTERS, 0) for g in group_ids}
    households = (
        Household.objects.filter(area_id__in=group_ids)
        .annotate(state=FilteredRelation("states", condition=Q(states__campaign=campaign)))
        .values("area_id")
        .annotate(total=Count("id"), visited=Count("state"), revisit=Count("state", filter=Q(state__needs_revisit=True)))
    )
    for row in households:
        counts[row["area_id"]].update(households_total=row["total"], households_visited=row["visited"],
                                      households_revisit=row["revisit"])  # fmt: skip
    at_least_registered = [VneidStatus.REGISTERED, VneidStatus.ACTIVATED]
    interest = {"interested": "residents_interested", "little": "residents_little_interested",
                "not": "residents_not_interested"}  # fmt: skip
    residents = (
        Resident.objects.filter(household__area_id__in=group_ids).living_here().eligible_on(today)
        .annotate(state=FilteredRelation("states", condition=Q(states__campaign=campaign)))
        .values("household__area_id")
        .annotate(
            eligible=Count("id"),
            l1r=Count("id", filter=Q(vneid_level1__in=at_least_registered)),
            l1a=Count("id", filter=Q(vneid_level1=VneidStatus.ACTIVATED)),
            l2r=Count("id", filter=Q(vneid_level2__in=at_least_registered)),
            l2a=Count("id", filter=Q(vneid_level2=VneidStatus.ACTIVATED)),
            **{key: Count("id", filter=Q(state__interest=key)) for key in interest},
        )
    )
    for row in residents:
        counts[row["household__area_id"]].update(
            residents_eligible=row["eligible"], level1_registered=row["l1r"], level1_activated=row["l1a"],
            level2_registered=row["l2r"], level2_activated=row["l2a"],
            **{field: row[key] for key, field in interest.items()},
        )  # fmt: skip
    _phone_counts(counts, campaign=campaign, group_ids=group_ids, today=today)
    return counts


def _phone_counts(counts: dict[int, dict], *, campaign: Campaign, group_ids: list[int], today: datetime.date) -> None:
    """The phone channel (outreach/calls): eligible residents living here who were called in
    the campaign, who answered, who were assisted; one grouped query over the groups'
    residents, each counted once however many calls they had."""
    calls = VisitResidentOutcome.objects.filter(visit__campaign=campaign, visit__channel=Channel.PHONE,
                                                resident=OuterRef("pk"))  # fmt: skip
    residents = (
        Resident.objects.filter(household__area_id__in=group_ids).living_here().eligible_on(today)
        .annotate(called=Exists(calls), answered=Exists(calls.filter(outcome__code__in=ANSWERED_CODES)),
                  assisted=Exists(calls.filter(outcome__code__in=ASSISTED_CODES)))
        .filter(called=True).values("household__area_id")
        .annotate(n=Count("id"), a=Count("id", filter=Q(answered=True)), s=Count("id", filter=Q(assisted=True)))
    )  # fmt: skip
    for row in residents:
        counts[row["household__area_id"]].update(phone_called=row["n"], phone_answered=row["a"],
                                                 phone_assisted=row["s"])  # fmt: skip


def _recount_groups(*, campaign: Campaign, groups: list[Area]) -> None:
    today = timezone.localdate()
    counts = group_counts(campaign=campaign, group_ids=[g.id for g in groups], today=today)
    _store(campaign=campaign, counts=counts, today=today)


def _resum_ancestors(*, campaign: Campaign, groups: list[Area]) -> None:
    """Re-sum each ancestor from its children's rollups, deepest level first, one grouped
    query per level (a refresh runs every second of a busy evening)."""
    paths = {p for g in groups for p in g.ancestors_paths()[:-1]}
    levels: dict[int, list[Area]] = {}
    for area in Area.objects.filter(path__in=paths):
        levels.setdefault(area.depth, []).append(area)
    today = timezone.localdate()
    for depth in sorted(levels, reverse=True):
        counts = {area.id: dict.fromkeys(COUNTERS, 0) for area in levels[depth]}
        sums = (AreaRollup.objects.filter(campaign=campaign, area__parent__in=levels[depth])
                .values("area__parent_id").annotate(**{name: Sum(name) for name in COUNTERS}))  # fmt: skip
        for row in sums:
            counts[row["area__parent_id"]] = {name: row[name] or 0 for name in COUNTERS}
        _store(campaign=campaign, counts=counts, today=today)


def _store(*, campaign: Campaign, counts: dict[int, dict], today: datetime.date) -> None:
    now = timezone.now()
    with transaction.atomic():
        AreaRollup.objects.bulk_create(
            [AreaRollup(campaign=campaign, area_id=a, computed_at=now, **c) for a, c in counts.items()],
            update_conflicts=True, unique_fields=["campaign", "area"], update_fields=[*COUNTERS, "computed_at"],
        )  # fmt: skip
        AreaDailySnapshot.objects.bulk_create(
            [AreaDailySnapshot(campaign=campaign, area_id=a, day=today, **c) for a, c in counts.items()],
            update_conflicts=True, unique_fields=["campaign", "area", "day"], update_fields=list(COUNTERS),
        )  # fmt: skip


def rollups_rebuild(*, campaign: Campaign) -> None:
    """Recount every residential group of the campaign and re-sum the whole tree (the demo
    seed, a repair after a data import)."""
    groups = list(Area.objects.filter(kind=AreaKind.GROUP))
    for start in range(0, len(groups), 200):
        _recount_groups(campaign=campaign, groups=groups[start : start + 200])
    _resum_ancestors(campaign=campaign, groups=groups)
    RollupDirty.objects.filter(campaign=campaign).delete()


__all__ = ["rollups_mark_dirty", "rollups_refresh", "rollups_reconcile", "rollups_rebuild"]
