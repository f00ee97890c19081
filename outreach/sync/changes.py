"""The change log that incremental pulls read.

`changes_record` must be the last write of its transaction: it locks the SyncClock row and
then allocates change ids, so ids are committed in the order they were allocated and a pull
that has read up to id N can never later find a smaller id committed behind its back.
"""

from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from ..models import SyncChange, SyncClock
from ..rowsql import insert_rows, table


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
    # The race this prevents: transaction A takes id 10, B takes id 11 and commits, a phone
    # pulls and moves its cursor to 11, then A commits id 10, which that phone never sees.
    if connection.vendor == "postgresql":
        # Check the transaction's deferred foreign keys now, before taking the clock: at
        # commit they would run with the clock held and every other writer waiting.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    now = timezone.now()
    columns = ["turf", "team", "campaign", "entity", "entity_id", "created_at"]
    rows = [(c.turf_id, c.team_id, c.campaign_id, c.entity, c.entity_id, c.created_at or now) for c in changes]
    if connection.vendor == "postgresql":
        # One statement takes the clock and writes the rows, so the lock is held for one
        # round trip less: a row is only produced once the locking sub-select has returned
        # the clock row, and the row's id is drawn after that. No clock row (a test that
        # flushed the tables; migration 0002 makes it): nothing written, make it and retry.
        lock = f", (SELECT id FROM {table(SyncClock)} WHERE id = 1 FOR UPDATE) AS clock"
        if insert_rows(SyncChange, columns, rows, join=lock, returning=["id"]):
            return
        SyncClock.objects.get_or_create(id=1)
        insert_rows(SyncChange, columns, rows, join=lock)
        return
    # SQLite has one writer at a time: its transaction is the lock.
    SyncClock.objects.get_or_create(id=1)
    insert_rows(SyncChange, columns, rows)
