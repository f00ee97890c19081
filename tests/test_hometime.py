"""When someone is home: the windows, the shrinkage towards the building's, lane's and
group's rates, the counts the push keeps (equal to a recount, a replay counted once) and
the sentence the team reads."""

import datetime
import uuid

import pytest

from households.services import household_create
from outreach.hometime import windows
from outreach.hometime.estimate import Counts, estimate, level_keys, likely_now, suggest
from outreach.hometime.explain import explain
from outreach.hometime.models import HomeWindowCount
from outreach.hometime.selectors import home_estimate
from outreach.hometime.services import hometime_rebuild

from .sync_helpers import VISIT_DAY, client_for, hanoi_time, push, statuses, visit

# A Monday inside the fixtures' campaign, two to three weeks back.
MONDAY = VISIT_DAY - datetime.timedelta(days=VISIT_DAY.weekday() + 7)
WEEKDAY_EVENING = windows.WEEKDAY * windows.SLOTS_PER_DAY + windows.DEFAULT  # 19:00–21:00 Monday–Friday
SATURDAY_MORNING = windows.WEEKEND * windows.SLOTS_PER_DAY + 0


def at(days: int, hour: int, minute: int = 0) -> str:
    return hanoi_time(MONDAY + datetime.timedelta(days=days), hour, minute).isoformat()


def counts(**per_window) -> Counts:
    """counts(w4=(4, 5)): 4 of 5 visits found someone home in window 4, each at another
    household (as a place's counts are, pooled from several; a household's own ignore it)."""
    c = Counts()
    for name, (home, visits) in per_window.items():
        w = int(name[1:])
        c.home[w], c.visits[w], c.households[w] = home, visits, visits
    return c


def stored() -> set[tuple]:
    return set(HomeWindowCount.objects.values_list("key", "time_window", "home", "visits"))


# --- windows --------------------------------------------------------------------------


def test_it_puts_a_visit_in_the_window_of_vietnams_clock():
    utc = datetime.UTC
    assert windows.window_of(datetime.datetime(2026, 12, 7, 12, 30, tzinfo=utc)) == WEEKDAY_EVENING  # 19:30 Monday
    assert windows.window_of(datetime.datetime(2026, 12, 7, 15, 0, tzinfo=utc)) == 5  # 22:00 Monday: after 21
    assert windows.window_of(datetime.datetime(2026, 12, 12, 1, 0, tzinfo=utc)) == SATURDAY_MORNING  # 8:00 Sat
    assert windows.window_of(datetime.datetime(2026, 12, 6, 23, 30, tzinfo=utc)) == 0  # 6:30 Monday: morning
    assert len(windows.NAMES) == windows.COUNT


# --- the maths ------------------------------------------------------------------------


def test_it_shrinks_a_household_towards_its_lane_and_its_lane_towards_the_group():
    group = counts(w4=(10, 20))
    lane = counts(w4=(18, 20))
    alone = estimate([("group", group), ("lane", lane), ("household", Counts())])
    assert 0.5 < alone.rates[4] < 18 / 20  # the lane's rate, pulled a little towards the group's
    one_miss = estimate([("group", group), ("lane", lane), ("household", counts(w4=(0, 1)))])
    assert 0.4 < one_miss.rates[4] < alone.rates[4]  # one empty evening does not undo the lane
    five_misses = estimate([("group", group), ("lane", lane), ("household", counts(w4=(0, 5)))])
    assert five_misses.rates[4] < 0.35  # five of its own outweigh the lane
    # A window never tried anywhere starts at the group's rate over all windows.
    assert alone.rates[0] == pytest.approx(alone.rates[1])
    assert alone.rates[0] == pytest.approx((10 + 1) / (20 + 2))  # its 10 of 20, with ½ as 2 pseudo-visits


def test_it_suggests_the_next_start_of_the_best_window_and_today_rule_without_history():
    wednesday_evening = hanoi_time(datetime.date(2026, 12, 9), 19, 40)
    learned = estimate([("group", Counts()), ("household", counts(w6=(3, 3), w4=(0, 4)))])
    window, start = suggest(learned, now=wednesday_evening)
    assert (window, start) == (SATURDAY_MORNING, hanoi_time(datetime.date(2026, 12, 12), 8))
    nothing = estimate([("group", Counts()), ("household", Counts())])
    assert suggest(nothing, now=wednesday_evening) == (WEEKDAY_EVENING, hanoi_time(datetime.date(2026, 12, 10), 19))
    # Only the windows a team works in: then the best of those.
    evenings = [w for w in windows.ALL if w % windows.SLOTS_PER_DAY >= 3]
    window, _ = suggest(learned, now=wednesday_evening, allowed=evenings)
    assert window in evenings and window != WEEKDAY_EVENING


def test_it_calls_a_household_likely_home_now_only_on_evidence_for_this_hour():
    monday_evening = hanoi_time(datetime.date(2026, 12, 7), 19, 30)
    saturday_morning = hanoi_time(datetime.date(2026, 12, 12), 9, 0)
    est = estimate([("group", counts(w4=(9, 10))), ("household", Counts())])
    assert likely_now(est, now=monday_evening)
    # The group's pooled rate is high too, but nobody has knocked on a Saturday morning.
    assert est.rates[SATURDAY_MORNING] > 0.5 and not likely_now(est, now=saturday_morning)
    assert not likely_now(estimate([("group", counts(w4=(2, 10)))]), now=monday_evening)


def test_it_says_when_someone_is_usually_home_and_on_what_evidence():
    est = estimate([("group", counts(w4=(6, 10))), ("household", counts(w4=(4, 5), w3=(0, 1)))])
    assert explain(est) == "Thường có người ở nhà sau 19:00 ngày thường — 4 trên 5 lần"
    once = estimate([("group", counts(w4=(6, 10))), ("household", counts(w4=(1, 1)))])
    assert explain(once) == "Dễ gặp người ở nhà nhất sau 19:00 ngày thường — 1 trên 1 lần"  # one is not a habit
    around = estimate([("group", counts(w9=(8, 10))), ("household", Counts())])
    assert explain(around) == "Hộ quanh đây thường có người ở nhà 17:00–19:00 cuối tuần"
    never = estimate([("group", counts(w4=(6, 10))), ("household", counts(w4=(0, 2), w3=(0, 1), w9=(0, 1)))])
    assert explain(never) == "Chưa gặp được ai ở nhà trong 4 lần đến — có thể không ở đây (KT2)"
    assert suggest(never, now=hanoi_time(datetime.date(2026, 12, 9), 19, 40)) is None  # ask, do not knock again
    same_evening = estimate([("group", counts(w4=(6, 10))), ("household", counts(w4=(0, 4)))])
    assert explain(same_evening) == "Hộ quanh đây dễ gặp người ở nhà nhất sau 19:00 ngày thường"  # one hour tried
    assert explain(estimate([("group", Counts()), ("household", Counts())])) == ""


def test_a_place_of_fewer_than_three_households_tells_nothing_of_them():
    """A building of two households: its counts are the other household's, so a phone would
    read, in its own household's blended rate, when that one is home. Below
    MIN_HOUSEHOLDS a place is left out; from three on it is pooled."""
    building = counts(w4=(10, 10))
    building.households[4] = 2
    alone = estimate([("group", Counts()), ("building", building), ("household", Counts())])
    assert not alone.informed and alone.rates[4] == pytest.approx(0.5)
    building.households[4] = 3
    pooled = estimate([("group", Counts()), ("building", building), ("household", Counts())])
    assert pooled.informed and pooled.rates[4] > 0.7


def test_a_household_added_at_the_door_joins_only_its_group():
    keys = level_keys(household_id=7, area_id=3, street="Phố Đội Cấn", lane="Ngõ 12", building="HH1", at_the_door=True)
    assert [level for level, _ in keys] == ["group", "household"]


def test_it_names_a_household_by_its_building_lane_and_group():
    keys = level_keys(household_id=7, area_id=3, street="Phố Đội Cấn", lane="Ngõ 12", building="Toà A")
    assert [level for level, _ in keys] == ["group", "lane", "building", "household"]
    assert keys[1][1] == "l3|pho doi can|ngo 12" and keys[-1][1] == "h7"
    assert [level for level, _ in level_keys(household_id=7, area_id=3)] == ["group", "household"]


# --- the counts the push keeps --------------------------------------------------------


@pytest.mark.django_db
def test_it_counts_pushed_visits_as_a_recount_from_scratch_does(world):
    a0, a1, a2 = world.households_a
    client = client_for(world.alice)
    new_uuid = str(uuid.uuid4())
    batches = [
        [visit(world, a0, outcome="nobody_home", when=at(0, 19, 15)), visit(world, a1, when=at(0, 19, 40)),
         visit(world, a2, outcome="refused", when=at(0, 20, 5))],  # refused: says nothing about home
        [visit(world, a0, when=at(5, 8, 30)), visit(world, a0, outcome="nobody_home", when=at(1, 17, 30)),
         {**visit(world, a0, when=at(2, 21, 30)), "household": None,
          "new_household": {"client_uuid": new_uuid, "turf": world.turf_a.id, "house_number": "9B",
                            "lane": "Ngõ 12", "street": "Phố Đội Cấn"}}],
        [visit(world, a1, outcome="nobody_home", when=at(3, 19, 5))],
    ]  # fmt: skip
    for batch in batches:
        assert statuses(push(client, batch)) == ["accepted"] * len(batch)
    incremental = stored()
    assert ("h%d" % a0.id, SATURDAY_MORNING, 1, 1) in incremental
    assert (f"g{world.group1.id}", WEEKDAY_EVENING, 1, 3) in incremental  # a0 empty, a1 home, a1 empty
    assert not any(key == f"h{a2.id}" for key, *_ in incremental)
    assert hometime_rebuild() == len(incremental)
    assert stored() == incremental


@pytest.mark.django_db
def test_it_counts_a_replayed_push_once(world):
    client = client_for(world.alice)
    batch = [visit(world, h, outcome="nobody_home", when=at(1, 19, 30)) for h in world.households_a]
    assert statuses(push(client, batch)) == ["accepted"] * 3
    once = stored()
    assert statuses(push(client, batch)) == ["duplicate"] * 3
    assert statuses(push(client, batch + batch[:1])) == ["duplicate"] * 4
    assert stored() == once
    assert (f"g{world.group1.id}", WEEKDAY_EVENING, 0, 3) in once


@pytest.mark.django_db
def test_it_gives_a_household_with_no_history_its_lane_and_groups_rates(world):
    a0, a1, a2 = world.households_a
    a3 = household_create(area=world.group1, turf=world.turf_a, house_number="9", lane=a0.lane, street=a0.street)
    client = client_for(world.alice)
    evenings = [visit(world, h, outcome="nobody_home", when=at(d, 19, 30)) for d in range(3) for h in (a0, a1, a3)]
    saturdays = [visit(world, a0, when=at(5, 9)), visit(world, a1, when=at(12, 9)), visit(world, a3, when=at(19, 9))]
    assert statuses(push(client, evenings + saturdays)) == ["accepted"] * 12
    est = home_estimate(household=a2)
    assert est is not None and est.informed and est.own.total == 0
    assert est.best() == SATURDAY_MORNING
    assert est.rates[SATURDAY_MORNING] > 0.6 > 0.3 > est.rates[WEEKDAY_EVENING]
    assert explain(est) == "Hộ quanh đây thường có người ở nhà buổi sáng cuối tuần"
    # Another lane of the same group has only the group's rates, a little less sure.
    other = household_create(area=world.group1, turf=world.turf_a, house_number="2", lane="Ngõ 40",
                             street="Phố Kim Mã")  # fmt: skip
    theirs = home_estimate(household=other)
    assert theirs.best() == SATURDAY_MORNING
    assert theirs.rates[WEEKDAY_EVENING] < 0.4 < theirs.rates[SATURDAY_MORNING] < est.rates[SATURDAY_MORNING]
    # A group nobody has visited: nothing learned, no estimate.
    assert home_estimate(household=world.households_b[0]) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_loses_no_count_when_pushes_about_one_lane_race(transactional_db):
    """Teammates pushing visits of the same lane at the same moment, and a retry racing its
    original: the counts are those of a recount, each visit once."""
    import threading

    from django.db import connection

    from .fixtures import build_world

    world = build_world(households_per_turf=6)
    a = world.households_a
    batches = [[visit(world, h, outcome=o, when=at(d, 19, 30)) for h in a[:3] for d, o in ((0, "visited"), (1, "nobody_home"))],
               [visit(world, h, outcome="nobody_home", when=at(2, 19, 45)) for h in a[3:]]]  # fmt: skip
    batches.append(batches[0])  # a retry of the first
    clients = [client_for(u) for u in (world.alice, world.bob, world.alice)]
    barrier, errors = threading.Barrier(len(batches)), []

    def run(n):
        try:
            barrier.wait()
            assert push(clients[n], batches[n]).status_code == 200
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(batches))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    raced = stored()
    assert (f"g{world.group1.id}", WEEKDAY_EVENING, 3, 9) in raced
    hometime_rebuild()
    assert stored() == raced
