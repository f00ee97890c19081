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


def test_it_makes_a_later_writer_of_the_change_log_wait_for_the_earlier_ones_commit(transactional_db):
    """The pull cursor is safe only if change ids commit in the order they were drawn: a
    second writer must not draw an id while the first one, holding smaller ids, is still
    uncommitted. Held open on purpose, then released."""
    import time

    from django.db import transaction

    from outreach.models import SyncChange
    from outreach.sync.changes import Change, changes_record

    first_wrote, release = threading.Event(), threading.Event()
    pids, errors = {}, []

    def writer(name, hold):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    pids[name] = cursor.fetchone()[0]
                changes_record(changes=[Change(SyncChange.Entity.VISIT.value, n, None, None) for n in range(3)])
                if hold:
                    first_wrote.set()
                    assert release.wait(30), "never released"
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            first_wrote.set()
        finally:
            connection.close()

    first = threading.Thread(target=writer, args=("first", True))
    first.start()
    assert first_wrote.wait(30)
    second = threading.Thread(target=writer, args=("second", False))
    second.start()
    # Wait (bounded) until PostgreSQL reports the second writer waiting on a lock.
    deadline = time.monotonic() + 30
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pids.get("second", -1)])
            if cursor.fetchone()[0]:
                break
            assert second.is_alive() and time.monotonic() < deadline, "the second writer was not held back"
            time.sleep(0.01)
    assert SyncChange.objects.count() == 0  # nothing committed yet: the first holds the clock
    release.set()
    first.join(30)
    second.join(30)
    assert not errors, errors
    assert SyncChange.objects.count() == 6
