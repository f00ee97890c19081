"""The reports' shared scenario, and naive counts written from the visit log alone.

`scenario` pushes a small evening of visits in Ba Đình (and one in Hoàn Kiếm, which no
Ba Đình page may ever show) through the real sync API, then refreshes the rollups, as the
Celery task would. The naive_* functions recount what the pages show straight from the
Visit and VisitResidentOutcome rows and the registry, sharing no code with
outreach.rollups.services or outreach.reports; the tests compare the pages with them.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from households.models import Area, Household, Resident
from households.services import household_create, resident_create
from outreach.models import AreaRollup, Quota, Visit, VisitResidentOutcome
from outreach.rollups.services import rollups_refresh

from .fixtures import id_number_for, years_ago
from .sync_helpers import VISIT_DAY, client_for, hanoi_time, push, statuses, visit

RANK = {"none": 0, "registered": 1, "activated": 2}
LIVING = ("permanent", "temporary")


def at(hour: int, minute: int = 0, days_later: int = 0) -> str:
    """A time on the scenario's evening (or `days_later`), Hà Nội time, as the phone sends it."""
    return hanoi_time(VISIT_DAY + datetime.timedelta(days=days_later), hour, minute).isoformat()


@dataclass
class Scenario:
    world: object
    revisit_after: datetime.datetime
    id_number: str


def build_scenario(world) -> Scenario:
    """Ba Đình, TDP 1 (turf A, team 1): a0 visited (one activated, one interested without
    a smartphone), a1 nobody home with a revisit time, a2 never visited. TDP 2 (turf B,
    team 2): b0 visited (already activated, registered), b1 visited (interested; little
    interested with a phone not in own name), b2 refused. Hoàn Kiếm: one activation."""
    a0, a1, a2 = world.households_a
    b0, b1, b2 = world.households_b
    people = {h: list(h.residents.order_by("id")) for h in world.households_a + world.households_b}
    # Phones, an ID number with Hà Nội's leading zeros, and one elderly person living alone.
    Resident.objects.filter(id=people[a0][1].id).update(phone="+84912345678", elderly_alone=True)
    id_number = id_number_for(people[a1][0], serial="000123")  # 001080000123 when written in 2026
    Resident.objects.filter(id=people[a1][0].id).update(phone="+84387654321", id_number=id_number)
    Resident.objects.filter(id=people[a2][1].id).update(phone="+84901112233")
    Resident.objects.filter(id=people[b1][0].id).update(phone="+84971234567")
    Resident.objects.filter(id=people[b1][1].id).update(phone="+84351234567", disabled=True)
    Quota.objects.create(campaign=world.campaign, area=world.group1, registered_target=4, activated_target=3)
    Quota.objects.create(campaign=world.campaign, area=world.group2, registered_target=6, activated_target=4)
    revisit_after = hanoi_time(VISIT_DAY + datetime.timedelta(days=2), 19)

    def r(household, i, outcome, reason=None):
        part = {"resident": people[household][i].id, "outcome": outcome}
        if reason:
            part["reason"] = reason
        return part

    alice, carol, police = client_for(world.alice), client_for(world.carol), client_for(world.police)
    assert statuses(push(alice, [
        visit(world, a0, when=at(18), residents=[
            r(a0, 0, "assisted_l2_activated"), r(a0, 1, "interested", "no_smartphone"), r(a0, 2, "not_eligible")]),
        visit(world, a1, outcome="nobody_home", when=at(18, 30), revisit_after=revisit_after.isoformat(),
              revisit_note="Chủ hộ đi làm, về sau 19h"),
    ])) == ["accepted", "accepted"]  # fmt: skip
    assert statuses(push(carol, [
        visit(world, b0, when=at(19), residents=[r(b0, 0, "already_activated_l2"), r(b0, 1, "assisted_l2_registered")]),
        visit(world, b1, when=at(19, 10), residents=[
            r(b1, 0, "interested"), r(b1, 1, "little_interested", "phone_not_own")]),
        visit(world, b2, outcome="refused", when=at(19, 20)),
    ])) == ["accepted"] * 3  # fmt: skip
    other = world.households_other[0]
    other_people = list(other.residents.order_by("id"))
    assert statuses(push(client_for(world.dave), [visit(world, other, when=at(20), residents=[
        {"resident": other_people[0].id, "outcome": "assisted_l2_activated"},
        {"resident": other_people[1].id, "outcome": "interested", "reason": "no_otp"}])])) == ["accepted"]  # fmt: skip
    assert police  # the police account exists and can push too; used by other tests
    rollups_refresh(campaign_id=world.campaign.id)
    return Scenario(world=world, revisit_after=revisit_after, id_number=id_number)


def many_households(turf, street: str, count: int) -> list[Household]:
    """Like tests.fixtures.make_households, for any count: two adults and a child each."""
    homes = []
    for n in range(1, count + 1):
        home = household_create(area=turf.area, turf=turf, house_number=str(n), street=street, head_name=f"Hộ {n}")
        days = (n - 1) % 28 + 1
        resident_create(household=home, full_name=f"Lê Văn Bình {n}", birth_date=years_ago(47, days=days), sex="M")
        resident_create(household=home, full_name=f"Đỗ Thị Lan {n}", birth_date=years_ago(43, days=days), sex="F")
        # Counted from today, as in the fixtures: ten this year, never old enough for VNeID.
        resident_create(household=home, full_name=f"Lê Minh Châu {n}", birth_year=years_ago(10).year, sex="F")
        homes.append(home)
    return homes


@pytest.fixture
def scenario(world) -> Scenario:
    return build_scenario(world)


# --- naive counts ----------------------------------------------------------------------


def _visits(campaign):
    return sorted(Visit.objects.filter(campaign=campaign).select_related("outcome"), key=lambda v: (v.effective_time, v.id))


def naive_resident_state(campaign) -> dict[int, dict]:
    """resident id -> {"l1", "l2", "interest", "residence", "outcome", "reason"} from the log."""
    order = {v.id: (v.effective_time, v.id) for v in _visits(campaign)}
    state: dict[int, dict] = {}
    outcomes = VisitResidentOutcome.objects.filter(visit__campaign=campaign).select_related("outcome", "reason")
    for o in sorted(outcomes, key=lambda o: order[o.visit_id]):
        s = state.setdefault(o.resident_id, {"l1": "none", "l2": "none", "interest": "", "residence": None,
                                             "outcome": None, "reason": None})  # fmt: skip
        code = o.outcome
        s["outcome"], s["reason"] = code.code, o.reason.code if o.reason else None
        if code.vneid_level and RANK[code.vneid_status] > RANK[s[f"l{code.vneid_level}"]]:
            s[f"l{code.vneid_level}"] = code.vneid_status
        if code.interest:
            s["interest"] = code.interest
        if code.residence_status:
            s["residence"] = code.residence_status
    return state


def naive_household_last(campaign) -> dict[int, Visit]:
    last = {}
    for v in _visits(campaign):
        last[v.household_id] = v
    return last


def eligible_living(resident: Resident, state: dict, today: datetime.date) -> bool:
    residence = (state.get(resident.id) or {}).get("residence") or resident.residence_status
    return residence in LIVING and resident.is_eligible_on(today)


def naive_counts(area: Area, campaign, today: datetime.date | None = None) -> dict:
    """What the progress page shows for `area`, counted from scratch."""
    today = today or timezone.localdate()
    households = list(Household.objects.filter(area__path__startswith=area.path))
    last = naive_household_last(campaign)
    state = naive_resident_state(campaign)
    counts = {"households_total": len(households), "households_visited": sum(h.id in last for h in households),
              "households_revisit": sum(h.id in last and last[h.id].outcome.needs_revisit for h in households),
              "residents_eligible": 0, "level1_registered": 0, "level1_activated": 0, "level2_registered": 0,
              "level2_activated": 0, "residents_interested": 0}  # fmt: skip
    for resident in Resident.objects.filter(household__in=households):
        if not eligible_living(resident, state, today):
            continue
        s = state.get(resident.id, {"l1": "none", "l2": "none", "interest": ""})
        counts["residents_eligible"] += 1
        for level in (1, 2):
            counts[f"level{level}_registered"] += s[f"l{level}"] in ("registered", "activated")
            counts[f"level{level}_activated"] += s[f"l{level}"] == "activated"
        counts["residents_interested"] += s["interest"] == "interested"
    return counts


def test_it_counts_the_scenario_the_way_the_rollups_do(scenario):
    world = scenario.world
    for area in (world.commune, world.group1, world.group2, world.other_commune):
        rollup = AreaRollup.objects.get(campaign=world.campaign, area=area)
        expected = naive_counts(area, world.campaign)
        assert {k: getattr(rollup, k) for k in expected} == expected, area
    commune = naive_counts(world.commune, world.campaign)
    assert commune["households_visited"] == 5 and commune["level2_activated"] == 2
    assert commune["level2_registered"] == 3 and commune["households_revisit"] == 1
