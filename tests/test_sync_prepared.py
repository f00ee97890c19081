"""On PostgreSQL the push's fixed statements are prepared once per connection, so the
server does not parse and plan each of them on every batch of every phone (that was about
a third of its time per push; docs/benchmarks.md). Django leaves preparation off on its
connections, so nothing but this test notices when it is lost."""

import pytest
from django.db import connection

from .fixtures import build_world
from .sync_helpers import client_for, push, statuses, visit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_push_prepares_its_statements_and_the_next_push_reuses_them():
    world = build_world(households_per_turf=4)
    client = client_for(world.alice)
    first, second = world.households_a[:2], world.households_a[2:]
    assert statuses(push(client, [visit(world, h) for h in first])) == ["accepted"] * 2
    prepared = _prepared()
    visit_inserts = [s for s in prepared if 'INSERT INTO "outreach_visit"' in s]
    assert len(visit_inserts) == 1, prepared
    assert any('INSERT INTO "outreach_syncchange"' in s for s in prepared), prepared

    assert statuses(push(client, [visit(world, h) for h in second])) == ["accepted"] * 2
    assert sorted(_prepared()) == sorted(prepared)  # the same statements again, none prepared anew
