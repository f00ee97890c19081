"""The change log that incremental pulls read.

`changes_record` must be the last write of its transaction: it locks the SyncClock row and
then allocates change ids, so ids are committed in the order they were allocated and a pull
that has read up to id N can never later find a smaller id committed behind its back.
"""

from django.db import connection, transaction
from django.utils import timezone

from ..models import SyncChange, SyncClock
from ..rowsql import insert_rows


def changes_record(*, changes: list[SyncChange]) -> None:
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
    SyncClock.objects.select_for_update().get_or_create(id=1)
    now = timezone.now()
    insert_rows(SyncChange, ["turf", "team", "campaign", "entity", "entity_id", "created_at"],
                [(c.turf_id, c.team_id, c.campaign_id, c.entity, c.entity_id, c.created_at or now) for c in changes])

