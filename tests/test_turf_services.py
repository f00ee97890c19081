"""outreach.turfs.cutting: cutting a group into turfs, and what the phones learn of it."""

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import Household, Turf
from households.services import household_create
from outreach.models import Assignment, Campaign, SyncChange
from outreach.turfs.services import turf_assign
from outreach.turfs.cutting import (
    assignment_check, commune_of, households_move_to_turf, turf_create, turf_merge, turf_rename, turf_split,
)  # fmt: skip

from .fixtures import build_world
from .sync_helpers import client_for
from .test_sync_pull import pull, rows

pytestmark = pytest.mark.django_db


def household_changes(since: int = 0) -> set[tuple[int, int]]:
    return set(
        SyncChange.objects.filter(id__gt=since, entity=SyncChange.Entity.HOUSEHOLD).values_list("entity_id", "turf_id")
    )


def last_change_id() -> int:
    return SyncChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


def more_households(world, count: int, lane: str = "Ngách 12/3") -> list[Household]:
    return [
        household_create(area=world.group1, turf=world.turf_a, house_number=str(n), lane=lane, street="Phố Đội Cấn")
        for n in range(1, count + 1)
    ]


def test_it_creates_a_turf_from_households_of_the_group(world):
    picked = world.households_a[:2]
    turf = turf_create(area=world.group1, name="  Ngõ 12   phía trong ", kind=Turf.Kind.LANE, households=picked)
    assert turf.name == "Ngõ 12 phía trong" and turf.area == world.group1
    assert set(turf.households.values_list("id", flat=True)) == {h.id for h in picked}


def test_it_records_a_change_on_the_old_and_the_new_turf_of_a_moved_household(world):
    since = last_change_id()
    turf = turf_create(area=world.group1, name="Ngõ 12 phía trong", households=world.households_a[:2])
    assert household_changes(since) == {(h.id, t) for h in world.households_a[:2] for t in (world.turf_a.id, turf.id)}


def test_it_moves_a_lane_with_a_constant_number_of_queries(world):
    target = turf_create(area=world.group1, name="Ngách 12/3")
    small = more_households(world, 2, lane="Ngách 12/3")
    with CaptureQueriesContext(connection) as few:
        households_move_to_turf(households=small, turf=target)
    big = more_households(world, 12, lane="Ngách 12/5")
    with CaptureQueriesContext(connection) as many:
        households_move_to_turf(households=big, turf=target)
    assert len(many) == len(few)
    assert target.households.count() == 14


def test_it_moves_nothing_when_a_move_is_submitted_twice(world):
    target = turf_create(area=world.group1, name="Ngõ 12 phía trong")
    assert households_move_to_turf(households=world.households_a[:2], turf=target) == 2
    since = last_change_id()
    assert households_move_to_turf(households=world.households_a[:2], turf=target) == 0
    assert last_change_id() == since


def test_it_refuses_to_move_households_of_another_group(world):
    with pytest.raises(ValidationError) as refused:
        households_move_to_turf(households=[world.households_b[0], world.households_a[0]], turf=world.turf_a)
    assert "cùng tổ dân phố" in refused.value.messages[0]
    assert Household.objects.get(id=world.households_b[0].id).turf == world.turf_b


def test_it_treats_a_resubmitted_create_as_done(world):
    first = turf_create(area=world.group1, name="Ngõ 12 phía trong", households=world.households_a[:2])
    since = last_change_id()
    again = turf_create(area=world.group1, name="Ngõ 12 phía trong", households=world.households_a[:2])
    assert again == first and last_change_id() == since
    assert Turf.objects.filter(area=world.group1).count() == 2


def test_it_refuses_a_second_turf_of_the_same_name_in_a_group(world):
    with pytest.raises(ValidationError) as refused:
        turf_create(area=world.group1, name="ngõ 12 đội cấn", households=[])
    assert "đã có khu vực tên" in refused.value.messages[0]
    # Another group may have its own "Ngõ 12 Đội Cấn".
    assert turf_create(area=world.group2, name="Ngõ 12 Đội Cấn").area == world.group2


def test_it_creates_turfs_only_in_a_residential_group(world):
    with pytest.raises(ValidationError):
        turf_create(area=world.commune, name="Cả phường")


def test_it_renames_a_turf_and_the_teams_phones_pull_the_new_name(world):
    alice = client_for(world.alice)
    cursor = pull(alice)["cursor"]
    turf_rename(turf=world.turf_a, name="Ngõ 12 Đội Cấn (cả ngõ)", kind=Turf.Kind.LANE)
    body = pull(alice, cursor)
    assert [t[1] for t in body["turfs"]] == ["Ngõ 12 Đội Cấn (cả ngõ)"]
    assert "removed" not in body or body["removed"]["turfs"] == []


def test_it_renames_to_the_same_name_without_telling_anyone(world):
    since = last_change_id()
    turf_rename(turf=world.turf_a, name="Ngõ 12 Đội Cấn")
    assert last_change_id() == since


def test_it_refuses_to_rename_a_turf_to_a_name_the_group_has(world):
    other = turf_create(area=world.group1, name="Ngõ 14", households=world.households_a[:1])
    with pytest.raises(ValidationError):
        turf_rename(turf=other, name="NGÕ 12 ĐỘI CẤN")
    with pytest.raises(ValidationError):
        turf_rename(turf=other, name="   ")


def test_it_splits_households_off_into_a_new_unassigned_turf(world):
    alice = client_for(world.alice)
    cursor = pull(alice)["cursor"]
    new = turf_split(turf=world.turf_a, households=world.households_a[1:], name="Ngách 12/45")
    assert new.kind == world.turf_a.kind
    assert set(new.households.values_list("id", flat=True)) == {h.id for h in world.households_a[1:]}
    assert not Assignment.objects.filter(turf=new).exists()
    body = pull(alice, cursor)
    assert body["removed"]["households"] == sorted(h.id for h in world.households_a[1:])


def test_it_treats_a_resubmitted_split_as_done(world):
    first = turf_split(turf=world.turf_a, households=world.households_a[1:], name="Ngách 12/45")
    since = last_change_id()
    assert turf_split(turf=world.turf_a, households=world.households_a[1:], name="Ngách 12/45") == first
    assert last_change_id() == since


def test_it_refuses_to_split_off_every_household_or_another_turfs(world):
    with pytest.raises(ValidationError) as refused:
        turf_split(turf=world.turf_a, households=world.households_a, name="Ngách 12/45")
    assert "ít nhất một hộ" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        turf_split(turf=world.turf_a, households=[world.households_b[0]], name="Ngách 12/45")
    with pytest.raises(ValidationError):
        turf_split(turf=world.turf_a, households=[], name="Ngách 12/45")
    assert Turf.objects.filter(name="Ngách 12/45").count() == 0


def test_it_merges_turfs_and_the_merged_turfs_team_gets_a_tombstone(world):
    side = turf_split(turf=world.turf_a, households=world.households_a[2:], name="Ngách 12/45")
    turf_assign(campaign=world.campaign, turf=side, team=world.team_b, assigned_by=world.leader)
    carol = client_for(world.carol)
    cursor = pull(carol)["cursor"]
    turf_merge(target=world.turf_a, sources=[side])
    assert world.turf_a.households.count() == 3 and side.households.count() == 0
    assert not Assignment.objects.filter(turf=side, ended_at__isnull=True).exists()
    body = pull(carol, cursor)
    # The turf's tombstone takes its households off the phone with it.
    assert body["removed"]["turfs"] == [side.id]
    assert rows(body, "households") == []
    # A second submit finds nothing left to merge.
    since = last_change_id()
    turf_merge(target=world.turf_a, sources=[side])
    assert last_change_id() == since


def test_it_refuses_to_merge_turfs_of_different_groups_or_a_turf_into_itself(world):
    with pytest.raises(ValidationError) as refused:
        turf_merge(target=world.turf_a, sources=[world.turf_b])
    assert "tổ dân phố khác nhau" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        turf_merge(target=world.turf_a, sources=[world.turf_a])
    with pytest.raises(ValidationError):
        turf_merge(target=world.turf_a, sources=[])
    assert world.turf_b.households.count() == 3


def test_it_gives_the_name_of_a_merged_away_turf_to_a_new_one(world):
    side = turf_split(turf=world.turf_a, households=world.households_a[2:], name="Ngách 12/45")
    turf_merge(target=world.turf_a, sources=[side])
    again = turf_create(area=world.group1, name="Ngách 12/45", households=world.households_a[:1])
    assert again.pk == side.pk and again.households.count() == 1


def test_it_tells_both_teams_of_a_household_moved_between_their_turfs(world):
    other = turf_create(area=world.group1, name="Ngõ 14", households=world.households_a[:1])
    turf_assign(campaign=world.campaign, turf=other, team=world.team_b)
    alice, carol = client_for(world.alice), client_for(world.carol)
    alice_cursor, carol_cursor = pull(alice)["cursor"], pull(carol)["cursor"]
    households_move_to_turf(households=world.households_a[1:2], turf=other)
    assert pull(alice, alice_cursor)["removed"]["households"] == [world.households_a[1].id]
    assert rows(pull(carol, carol_cursor), "households") == [world.households_a[1].id]


def test_it_refuses_an_assignment_to_a_team_of_another_commune(world):
    assert commune_of(world.group1) == world.commune
    assignment_check(campaign=world.campaign, turf=world.turf_a, team=world.team_b)
    with pytest.raises(ValidationError) as refused:
        assignment_check(campaign=world.campaign, turf=world.turf_a, team=world.team_other)
    assert "xã / phường khác" in refused.value.messages[0]


def test_it_refuses_an_assignment_in_a_campaign_that_has_ended(world):
    Campaign.objects.filter(id=world.campaign.id).update(is_active=False)
    world.campaign.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        assignment_check(campaign=world.campaign, turf=world.turf_a, team=world.team_a)
    assert "đã kết thúc" in refused.value.messages[0]


def race(*calls) -> list:
    """Run the calls at the same moment on their own connections; their results or errors."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(n):
        try:
            barrier.wait()
            results[n] = calls[n]()
        except Exception as exc:  # noqa: BLE001 - returned to the test
            results[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_tells_the_turf_in_between_when_two_leaders_move_a_household_at_once(transactional_db):
    world = build_world(households_per_turf=2)
    first, second = (Turf.objects.create(area=world.group1, name=name) for name in ("Ngõ 14", "Ngõ 16"))
    household = world.households_a[0]
    since = last_change_id()
    results = race(lambda: households_move_to_turf(households=[household.id], turf=first),
                   lambda: households_move_to_turf(households=[household.id], turf=second))  # fmt: skip
    assert not [r for r in results if isinstance(r, Exception)], results
    final = Household.objects.get(id=household.id).turf_id
    between = ({first.id, second.id} - {final}).pop()
    turfs = Counter(t for h, t in SyncChange.objects.filter(id__gt=since, entity_id=household.id)
                    .values_list("entity_id", "turf_id"))  # fmt: skip
    # Moved in, then out: the turf in between has both changes, so its team's phones drop it.
    assert turfs == {world.turf_a.id: 1, between: 2, final: 1}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_creates_one_turf_when_two_leaders_cut_the_same_name_at_once(transactional_db):
    world = build_world(households_per_turf=2)
    a, b = world.households_a
    results = race(lambda: turf_create(area=world.group1, name="Ngõ 14", households=[a]),
                   lambda: turf_create(area=world.group1, name="Ngõ 14", households=[b]))  # fmt: skip
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert Turf.objects.filter(area=world.group1, name="Ngõ 14").count() == 1
