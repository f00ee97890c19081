"""The home-window estimate travels in the pull: one small row per household the device
may see, with what the field app needs offline (the rates per window, the sentence's window
and the household's own counts), refreshed with the household when a visit arrives."""

import datetime
import gzip
import json

import pytest

from households.services import household_create
from outreach.hometime import windows
from outreach.hometime.selectors import HOME_FIELDS

from .sync_helpers import VISIT_DAY, client_for, hanoi_time, push, statuses, visit
from .test_sync_pull import pull, rows

pytestmark = pytest.mark.django_db

MONDAY = VISIT_DAY - datetime.timedelta(days=VISIT_DAY.weekday() + 7)
WEEKDAY_EVENING = windows.WEEKDAY * windows.SLOTS_PER_DAY + windows.DEFAULT


def at(days: int, hour: int) -> str:
    return hanoi_time(MONDAY + datetime.timedelta(days=days), hour, 30).isoformat()


def home_of(body) -> dict:
    block = body["home"]
    assert block["fields"] == HOME_FIELDS
    return {row[0]: dict(zip(HOME_FIELDS, row, strict=True)) for row in block["rows"]}


def test_it_sends_each_households_estimate_with_its_own_counts(world):
    a0, a1, a2 = world.households_a
    # Two more households of the lane, so that the lane's counts come from three (a place
    # of fewer tells nothing: estimate.MIN_HOUSEHOLDS).
    extra = [household_create(area=world.group1, turf=world.turf_a, house_number=str(n), lane=a0.lane,
                              street=a0.street) for n in (8, 9)]  # fmt: skip
    alice = client_for(world.alice)
    items = [visit(world, a0, when=at(d, 19)) for d in range(4)] + [visit(world, a0, outcome="nobody_home", when=at(4, 19))]
    items.append(visit(world, a1, outcome="nobody_home", when=at(1, 17)))
    items += [visit(world, h, when=at(2, 19)) for h in extra] + [visit(world, h, when=at(3, 17)) for h in extra]
    assert statuses(push(alice, items)) == ["accepted"] * 10
    home = home_of(pull(alice))
    assert set(home) == {a0.id, a1.id, a2.id, *(h.id for h in extra)}  # a2: no visit, its lane's rates
    mine = home[a0.id]
    assert (mine["best"], mine["best_home"], mine["best_visits"], mine["home"], mine["visits"], mine["never"]) == (
        WEEKDAY_EVENING, 4, 5, 4, 5, 0)
    assert mine["tried"] == 1 << WEEKDAY_EVENING | 1 << (WEEKDAY_EVENING - 1)  # a1's 17:30 is the lane's
    assert len(mine["rates"]) == windows.COUNT and all(0 <= r <= 100 for r in mine["rates"])
    assert mine["rates"][WEEKDAY_EVENING] >= 60
    assert home[a2.id]["visits"] == 0 and home[a2.id]["rates"][WEEKDAY_EVENING] > 50


def test_it_sends_estimates_only_for_households_the_device_may_see(world):
    for user, households in ((world.alice, world.households_a), (world.carol, world.households_b)):
        assert statuses(push(client_for(user), [visit(world, h, when=at(0, 19)) for h in households])) == ["accepted"] * 3
    for user, households in ((world.alice, world.households_a), (world.carol, world.households_b),
                             (world.dave, world.households_other)):  # fmt: skip
        body = pull(client_for(user))
        assert set(home_of(body)) <= set(rows(body, "households")) == {h.id for h in households}
    assert home_of(pull(client_for(world.dave))) == {}  # nobody has visited his group yet


def test_it_refreshes_a_households_estimate_with_the_visits_pull(world):
    alice = client_for(world.alice)
    first = pull(alice)
    assert first["home"]["rows"] == []
    a0 = world.households_a[0]
    assert statuses(push(alice, [visit(world, a0, outcome="nobody_home", when=at(2, 20))])) == ["accepted"]
    changes = pull(alice, first["cursor"])
    assert rows(changes, "households") == [a0.id]
    assert home_of(changes)[a0.id]["visits"] == 1 and home_of(changes)[a0.id]["home"] == 0


def test_it_keeps_the_estimate_small(world):
    from .fixtures import make_households

    households = make_households(world.turf_a, "Ngõ 5 Đội Cấn", 60)
    alice = client_for(world.alice)
    items = [visit(world, h, outcome="nobody_home" if n % 3 else "visited", when=at(n % 7, 17 + n % 5))
             for n, h in enumerate(households)]  # fmt: skip
    assert set(statuses(push(alice, items))) == {"accepted"}
    block = pull(alice)["home"]
    assert len(block["rows"]) == 63
    per_household = len(gzip.compress(json.dumps(block["rows"]).encode())) / 63
    assert per_household < 40  # bytes, gzipped: a 500-household turf adds under 20 KB


def test_it_reads_the_estimates_of_a_page_in_one_query(world, django_assert_num_queries):
    from outreach.hometime.selectors import home_rows

    from .fixtures import make_households

    households = world.households_a + make_households(world.turf_a, "Ngõ 5 Đội Cấn", 40)
    items = [visit(world, h, outcome="nobody_home", when=at(n % 7, 19)) for n, h in enumerate(households)]
    assert set(statuses(push(client_for(world.alice), items))) == {"accepted"}
    for page in (households[:3], households):
        with django_assert_num_queries(1):
            assert len(home_rows(households=page)) == len(page)
