"""The change log that incremental pulls read, and the horizon below which it is final.

No lock: every writer in the city writes its rows at once. PostgreSQL stamps each row with
its writer's transaction (`xact`, a column default, migration 0021), and a pull reads only
rows whose transaction is older than the oldest one of this database still running
(`log_horizon`): those
are committed or rolled back for good, so a cursor "everything below transaction N" can
never have a row committed behind it. The race the old lock prevented — transaction A
draws change 10, B draws 11 and commits, a phone reads 11, then A commits 10 — cannot cost
a change: A is still running when the phone reads, so the horizon stays below A and the
phone reads B's row again, with A's, on its next pull (pages are whole transactions).

A long write transaction of this database holds the horizon back while it runs (a roster
import: seconds): the phones see nothing newer meanwhile, and everything once it ends.
Transactions of other databases on the same server do not count (log_horizon). On SQLite, which has
one writer at a time, a transaction's rows are stamped with its first change id.
"""

from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from ..models import SyncChange
from ..rowsql import insert_rows

# The transaction id as a plain number (xid8: epoch and counter, never wraps). A column
# default on PostgreSQL (migration 0021), so the insert itself stays a fixed statement.
XACT_SQL = "pg_current_xact_id()::text::bigint"


class Change(NamedTuple):
    """A change-log row as the push builds it (50 a batch: a model instance each cost more
    than writing it). Anything with these attributes will do, a SyncChange included."""

    entity: str
    entity_id: int
    turf_id: int | None
    campaign_id: int | None
    team_id: int | None = None
    created_at: object = None


def changes_record(*, changes: list[SyncChange | Change]) -> None:
    if not changes:
        return
    assert transaction.get_connection().in_atomic_block, "changes_record needs the writer's transaction"
    now = timezone.now()
    columns = ["turf", "team", "campaign", "entity", "entity_id", "created_at"]
    rows = [(c.turf_id, c.team_id, c.campaign_id, c.entity, c.entity_id, c.created_at or now) for c in changes]
    if connection.vendor == "postgresql":
        insert_rows(SyncChange, columns, rows)  # xact: the column's default
        return
    ids = [pk for (pk,) in insert_rows(SyncChange, columns, rows, returning=["id"])]
    SyncChange.objects.filter(id__in=ids).update(xact=min(ids))


# The oldest transaction still running in this database (a transaction elsewhere in the
# cluster can write no row here, and must not hold our phones back), else the next one to
# start. xip lists the running transactions as xid8; pg_stat_activity tells which are ours,
# as 32-bit xids. The app's writers connect as one role, whose own sessions it always sees.
# Never above the reader's own transaction, if it has written: those rows it reads by id.
_HORIZON_SQL = """
SELECT LEAST(
    (SELECT min(x::text::bigint) FROM pg_snapshot_xip(s) AS x
      WHERE x::text::bigint % 4294967296 IN (
          SELECT backend_xid::text::bigint FROM pg_stat_activity
           WHERE datname = current_database() AND backend_xid IS NOT NULL)),
    pg_snapshot_xmax(s)::text::bigint,
    pg_current_xact_id_if_assigned()::text::bigint),
  pg_current_xact_id_if_assigned()::text::bigint
FROM pg_current_snapshot() AS s
"""


def log_horizon() -> tuple[int, int | None]:
    """(H, own): the change log below transaction H is final — no transaction of this
    database that could still add rows under it is running —, and `own` the reader's own
    transaction if it has written (a test that writes and pulls in one transaction; a pull
    writes nothing), whose rows it sees although they lie above H. Read before the rows it
    bounds: a later statement sees them all."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_HORIZON_SQL)
            return tuple(cursor.fetchone())
        # SQLite: the next transaction's first id; every row below it is committed.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {SyncChange._meta.db_table}")
        return cursor.fetchone()[0], None
