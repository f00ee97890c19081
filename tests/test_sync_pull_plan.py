"""The incremental pull reads only the user's changes, whatever the size of the city's log
behind the cursor (issue 17): proven on PostgreSQL's own plan, with EXPLAIN ANALYZE, on a
log where 200,000 rows of other turfs lie between the phone's cursor and now."""

import pytest
from django.db import connection

from outreach.models import SyncChange
from outreach.sync.changes import log_horizon
from outreach.sync.pull import Cursor, changes_after, sync_pull
from outreach.access import field_scope

from .fixtures import build_world
from .sync_helpers import client_for, push, statuses, visit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
CITY_LAG = 200_000


def _scans(plan: dict):
    """Every node of the plan that reads outreach_syncchange."""
    if plan.get("Relation Name") == "outreach_syncchange" or "syncchange" in plan.get("Index Name", ""):
        yield plan
    for child in plan.get("Plans", []):
        yield from _scans(child)


def test_an_incremental_pull_reads_the_users_changes_not_the_citys(world):
    alice = client_for(world.alice)
    cursor = Cursor.parse(alice.get(f"/api/v1/sync/pull?campaign={world.campaign.id}").json()["cursor"])
    # The rest of the city's evening: turfs (ids beyond any real one: the log has no foreign
    # keys) and teams of other communes, visits and assignments, then statistics as autovacuum keeps them.
    with connection.cursor() as c:
        c.execute(
            "INSERT INTO outreach_syncchange (turf_id, team_id, campaign_id, entity, entity_id, created_at) "
            "SELECT 1000000 + n %% 5000, 1000000 + n %% 700, %s, CASE WHEN n %% 50 = 0 THEN 'assignment' ELSE 'visit' END, "
            "n, now() FROM generate_series(1, %s) AS n", [world.campaign.id, CITY_LAG])  # fmt: skip
        c.execute("ANALYZE outreach_syncchange")
    assert statuses(push(client_for(world.bob), [visit(world, world.households_a[0])])) == ["accepted"]

    scope = field_scope(user=world.alice, campaign_id=world.campaign.id)
    query = changes_after(world.campaign, list(scope.turf_team), list(scope.team_ids), world.alice.id,
                          (cursor.xact, cursor.after), *log_horizon())[:500]  # fmt: skip
    sql, params = query.query.sql_with_params()
    with connection.cursor() as c:
        c.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = c.fetchone()[0][0]["Plan"]
    scans = list(_scans(plan))
    assert scans and not [s for s in scans if s["Node Type"] == "Seq Scan"], plan
    examined = sum(s.get("Actual Rows", 0) + s.get("Rows Removed by Filter", 0) for s in scans)
    assert examined < 100, f"{examined} log rows read for 1 change of the user's: {plan}"
    # And the pull itself finds bob's visit among them.
    body = sync_pull(user=world.alice, campaign=world.campaign, cursor=cursor)
    assert [row[0] for row in body["households"]["rows"]] == [world.households_a[0].id]
    assert SyncChange.objects.count() > CITY_LAG
