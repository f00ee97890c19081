"""The projection and the rollups must equal what a from-scratch reading of the visit log
gives, whatever order and timing the visits arrive in."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from households.models import VNEID_RANK, Area, Household, Resident
from outreach.models import AreaDailySnapshot, AreaRollup, HouseholdState, ResidentState, RollupDirty, Visit
from outreach.rollups.models import RollupCounts
from outreach.visits.projection import projection_rebuild
from outreach.rollups.services import rollups_rebuild, rollups_refresh

from .fixtures import build_world
from .sync_helpers import VISIT_DAY, client_for, hanoi_time, push, statuses, visit

pytestmark = pytest.mark.django_db

HOUSEHOLD_OUTCOMES = ["visited", "nobody_home", "refused"]
RESIDENT_OUTCOMES = ["assisted_l1_registered", "assisted_l1_activated", "assisted_l2_registered",
                     "assisted_l2_activated", "already_activated_l2", "interested", "little_interested",
                     "not_interested", "absent", "not_living_here", "moved_away"]  # fmt: skip
BASE = hanoi_time(VISIT_DAY, 18)

step = st.tuples(
    st.sampled_from(["alice", "carol", "police"]),
    st.integers(0, 5),  # which household (a0-a2, b0-b2)
    st.sampled_from(HOUSEHOLD_OUTCOMES),
    st.lists(st.tuples(st.integers(0, 2), st.sampled_from(RESIDENT_OUTCOMES)), max_size=3, unique_by=lambda t: t[0]),
    st.integers(-600, 600),  # minutes off the base time: arrival order is not time order
)


def snapshot_projection(campaign):
    households = {s.household_id: (s.last_visit_id, s.visit_count, s.needs_revisit, s.last_outcome_id)
                  for s in HouseholdState.objects.filter(campaign=campaign)}  # fmt: skip
    residents = {s.resident_id: (s.last_visit_id, s.last_outcome_id, s.interest, s.residence_status)
                 for s in ResidentState.objects.filter(campaign=campaign)}  # fmt: skip
    people = {r.id: (r.vneid_level1, r.vneid_level2, r.residence_status) for r in Resident.objects.all()}
    return households, residents, people


def naive_counts(area: Area, campaign) -> dict:
    """Counted straight from the visit log and the registry, sharing no code with rollups."""
    today = timezone.localdate()
    households = list(Household.objects.filter(area__path__startswith=area.path))
    visits = list(Visit.objects.filter(campaign=campaign).select_related("outcome").order_by("id"))
    latest = {}
    for v in visits:
        if v.household_id not in latest or (v.effective_time, v.id) > (latest[v.household_id].effective_time,
                                                                         latest[v.household_id].id):  # fmt: skip
            latest[v.household_id] = v
    counts = dict.fromkeys(RollupCounts.COUNTERS, 0)
    counts["households_total"] = len(households)
    counts["households_visited"] = sum(1 for h in households if h.id in latest)
    counts["households_revisit"] = sum(1 for h in households if h.id in latest and latest[h.id].outcome.needs_revisit)
    vneid, interest = {}, {}
    for v in visits:
        for o in v.resident_outcomes.select_related("outcome"):
            code = o.outcome
            if code.vneid_level:
                key = (o.resident_id, code.vneid_level)
                if VNEID_RANK[code.vneid_status] > VNEID_RANK.get(vneid.get(key, "none")):
                    vneid[key] = code.vneid_status
            if code.interest and (o.resident_id not in interest or
                                  (v.effective_time, v.id) > interest[o.resident_id][0]):  # fmt: skip
                interest[o.resident_id] = ((v.effective_time, v.id), code.interest)
    for r in Resident.objects.filter(household__in=households):
        if r.residence_status not in ("permanent", "temporary") or not r.is_eligible_on(today):
            continue
        counts["residents_eligible"] += 1
        for level in (1, 2):
            status = vneid.get((r.id, level), "none")
            counts[f"level{level}_registered"] += status in ("registered", "activated")
            counts[f"level{level}_activated"] += status == "activated"
        field = {"interested": "residents_interested", "little": "residents_little_interested",
                 "not": "residents_not_interested"}.get(interest.get(r.id, (None, ""))[1])  # fmt: skip
        if field:
            counts[field] += 1
    return counts


# No shrinking phase: each example builds a world, and a failing case prints as it is.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_it_keeps_rollups_and_projection_equal_to_a_count_from_scratch(db, steps):
    savepoint = transaction.savepoint()
    try:
        world = build_world()
        rollups_rebuild(campaign=world.campaign)  # as the demo seed and the nightly task do
        households = world.households_a + world.households_b
        clients = {name: client_for(getattr(world, name)) for name in ("alice", "carol", "police")}
        for username, h, outcome, parts, minutes in steps:
            household = households[h]
            residents = list(household.residents.order_by("id"))
            item = visit(world, household, outcome=outcome, when=(BASE + datetime.timedelta(minutes=minutes)).isoformat(),
                         residents=[{"resident": residents[i].id, "outcome": code} for i, code in parts])  # fmt: skip
            push(clients[username], [item])
            if len(steps) % 3 == 0:  # sometimes refresh between visits, sometimes only at the end
                rollups_refresh(campaign_id=world.campaign.id)
        rollups_refresh(campaign_id=world.campaign.id)
        assert not RollupDirty.objects.exists()
        for area in Area.objects.filter(path__startswith=world.commune.path):
            rollup = AreaRollup.objects.get(campaign=world.campaign, area=area)
            assert {k: getattr(rollup, k) for k in RollupCounts.COUNTERS} == naive_counts(area, world.campaign), area
        snapshot = AreaDailySnapshot.objects.get(campaign=world.campaign, area=world.commune, day=timezone.localdate())
        assert snapshot.households_visited == AreaRollup.objects.get(area=world.commune).households_visited

        incremental = snapshot_projection(world.campaign)
        projection_rebuild(campaign=world.campaign)
        assert snapshot_projection(world.campaign) == incremental
    finally:
        transaction.savepoint_rollback(savepoint)


def test_it_marks_touched_groups_and_refreshes_them_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        push(client_for(world.alice), [visit(world, world.households_a[0])])
    # Celery is eager here: the refresh ran after commit and cleared the mark.
    assert not RollupDirty.objects.exists()
    assert AreaRollup.objects.get(area=world.group1).households_visited == 1
    assert AreaRollup.objects.get(area=world.commune).households_visited == 1
    assert AreaRollup.objects.get(area=world.province).households_total == 9


def test_it_keeps_the_dirty_mark_when_the_broker_is_down(world, django_capture_on_commit_callbacks, settings):
    from unittest import mock

    with mock.patch("outreach.rollups.tasks.rollups_refresh_task.apply_async", side_effect=ConnectionError("redis down")):
        with django_capture_on_commit_callbacks(execute=True):
            response = push(client_for(world.alice), [visit(world, world.households_a[0])])
    assert response.json()["results"][0]["status"] == "accepted"
    assert RollupDirty.objects.filter(area=world.group1).exists()
    from outreach.rollups.services import rollups_reconcile

    assert rollups_reconcile() >= 1
    assert AreaRollup.objects.get(area=world.group1).households_visited == 1


def test_it_counts_a_household_once_when_another_campaign_visited_it_too(world):
    """A second campaign's state rows must not multiply the first campaign's figures."""
    from outreach.models import Assignment, Campaign

    month = datetime.timedelta(days=31)
    other = Campaign.objects.create(name="Chiến dịch bổ sung", start_date=world.campaign.start_date + month,
                                    deadline=world.campaign.deadline + month)  # fmt: skip
    Assignment.objects.create(campaign=other, turf=world.turf_a, team=world.team_a)
    household = world.households_a[0]
    resident = household.residents.order_by("id").first()
    alice = client_for(world.alice)
    for campaign, code in ((world.campaign, "interested"), (other, "not_interested")):
        item = visit(world, household, residents=[{"resident": resident.id, "outcome": code}])
        item["campaign"] = campaign.id
        assert statuses(push(alice, [item])) == ["accepted"]
    for campaign in (world.campaign, other):
        rollups_rebuild(campaign=campaign)
        rollup = AreaRollup.objects.get(campaign=campaign, area=world.group1)
        assert {k: getattr(rollup, k) for k in RollupCounts.COUNTERS} == naive_counts(world.group1, campaign)
    first = AreaRollup.objects.get(campaign=world.campaign, area=world.group1)
    assert (first.households_total, first.households_visited) == (len(world.households_a), 1)
    assert (first.residents_interested, first.residents_not_interested) == (1, 0)
