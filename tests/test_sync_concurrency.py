"""Two pushes of the same batch at the same moment (two tabs, a retry racing its original)
store each visit exactly once. Real threads, real PostgreSQL connections, real commits."""

import threading

import pytest
from django.db import connection

from outreach.models import HouseholdState, Visit, VisitResidentOutcome

from .fixtures import build_world
from .sync_helpers import client_for, push, visit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_it_stores_each_visit_once_when_the_same_batch_races(transactional_db):
    world = build_world(households_per_turf=10)
    batch = [
        visit(world, h, outcome="visited", residents=[{"resident": h.residents.first().id, "outcome": "interested"}])
        for h in world.households_a
    ]
    clients = [client_for(world.alice) for _ in range(6)]
    barrier = threading.Barrier(len(clients))
    results, errors = [None] * len(clients), []

    def run(n):
        try:
            barrier.wait()
            response = push(clients[n], batch)
            results[n] = [r["status"] for r in response.json()["results"]]
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for position in range(len(batch)):
        column = [r[position] for r in results]
        assert column.count("accepted") == 1, column
        assert column.count("duplicate") == len(clients) - 1, column
    assert Visit.objects.count() == len(batch)
    assert VisitResidentOutcome.objects.count() == len(batch)
    assert sorted(HouseholdState.objects.values_list("visit_count", flat=True)) == [1] * len(batch)


def test_it_counts_every_visit_when_teammates_visit_the_same_household_at_once(transactional_db):
    world = build_world(households_per_turf=1)
    household = world.households_a[0]
    users = [world.alice, world.bob, world.leader, world.police]
    batches = [[visit(world, household)] for _ in users]
    clients = [client_for(u) for u in users]
    barrier = threading.Barrier(len(users))
    answers = [None] * len(users)

    def run(n):
        try:
            barrier.wait()
            answers[n] = push(clients[n], batches[n]).json()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(users))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a["results"][0]["status"] for a in answers] == ["accepted"] * len(users), answers
    assert Visit.objects.count() == len(users)
    assert HouseholdState.objects.get(household=household).visit_count == len(users)


def test_no_late_commit_slips_behind_a_cursor_and_no_writer_waits_for_another(transactional_db):
    """The cursor's safety without a lock: writer A draws change ids and stays uncommitted;
    writer B draws later ids and commits at once (it waits for nobody). A reader meanwhile
    gets a horizon below A's transaction, so neither A's rows nor B's can be behind a cursor
    it hands out; once A commits, the horizon passes both and every row is read, once."""
    from django.db import transaction

    from outreach.models import SyncChange
    from outreach.sync.changes import Change, changes_record, log_horizon

    held, release = threading.Event(), threading.Event()
    xacts, errors = {}, []

    def writer(name, hold):
        try:
            with transaction.atomic():
                changes_record(changes=[Change(SyncChange.Entity.VISIT.value, n, None, None) for n in range(3)])
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_current_xact_id()::text::bigint")
                    xacts[name] = cursor.fetchone()[0]
                if hold:
                    held.set()
                    assert release.wait(30), "never released"
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            held.set()
        finally:
            connection.close()

    first = threading.Thread(target=writer, args=("first", True))
    first.start()
    assert held.wait(30)
    second = threading.Thread(target=writer, args=("second", False))
    second.start()
    second.join(30)
    assert not second.is_alive(), "the second writer waited for the first one's commit"
    assert not errors, errors
    horizon = log_horizon()[0]
    assert horizon <= xacts["first"] < xacts["second"]
    visible = list(SyncChange.objects.filter(xact__lt=horizon).values_list("xact", flat=True))
    assert visible == []  # B's committed rows too wait behind A's: a cursor at the horizon skips neither
    assert SyncChange.objects.filter(xact=xacts["second"]).count() == 3  # committed, not yet readable
    release.set()
    first.join(30)
    assert not errors, errors
    horizon = log_horizon()[0]
    assert horizon > xacts["second"]
    rows = list(SyncChange.objects.filter(xact__lt=horizon).order_by("xact", "id").values_list("xact", flat=True))
    assert rows == [xacts["first"]] * 3 + [xacts["second"]] * 3


def test_pushes_to_two_communes_do_not_wait_on_each_other(transactional_db):
    """A push to Ba Đình held open at its last step (after its change-log rows, before its
    commit) does not hold back a push to Hoàn Kiếm: the second is answered meanwhile. Then
    the first commits; both visits are stored, once."""
    from unittest import mock

    from outreach.sync import push as push_module

    world = build_world()
    held, release = threading.Event(), threading.Event()
    real = push_module.changes_record
    answers, errors = {}, []

    def record_then_hold(**kwargs):
        real(**kwargs)
        if threading.current_thread().name == "ba-dinh":
            held.set()
            assert release.wait(30), "never released"

    def run(name, user, household):
        try:
            answers[name] = push(client_for(user), [visit(world, household, outcome="visited")]).json()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            held.set()
        finally:
            connection.close()

    with mock.patch.object(push_module, "changes_record", side_effect=record_then_hold):
        ba_dinh = threading.Thread(target=run, args=("ba-dinh", world.alice, world.households_a[0]), name="ba-dinh")
        ba_dinh.start()
        assert held.wait(30)
        hoan_kiem = threading.Thread(target=run, args=("hoan-kiem", world.dave, world.households_other[0]),
                                     name="hoan-kiem")  # fmt: skip
        hoan_kiem.start()
        hoan_kiem.join(30)
        waited = hoan_kiem.is_alive()
        release.set()
        ba_dinh.join(30)
        hoan_kiem.join(30)
    assert not waited, "the push to Hoàn Kiếm waited for the push to Ba Đình"
    assert not errors, errors
    assert [answers[n]["results"][0]["status"] for n in ("ba-dinh", "hoan-kiem")] == ["accepted", "accepted"]
    assert Visit.objects.count() == 2
