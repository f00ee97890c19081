"""The change log that incremental pulls read.

`changes_record` must be the last write of its transaction: it locks the SyncClock row and
then allocates change ids, so ids are committed in the order they were allocated and a pull
that has read up to id N can never later find a smaller id committed behind its back.
"""

from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from ..models import SyncChange, SyncClock
from ..rowsql import insert_rows, select_rows, table


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
    # Plain SQL: this runs on every push, and the queryset cost more than the lock. The row
    # is made by migration 0002 (and again here if a test flushed it).
    # SQLite has no FOR UPDATE and needs none: it has one writer at a time.
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    if not select_rows(f"SELECT id FROM {table(SyncClock)} WHERE id = 1{lock}"):
        SyncClock.objects.select_for_update().get_or_create(id=1)
    now = timezone.now()
    insert_rows(SyncChange, ["turf", "team", "campaign", "entity", "entity_id", "created_at"],
                [(c.turf_id, c.team_id, c.campaign_id, c.entity, c.entity_id, c.created_at or now) for c in changes])

