"""Keeping the change log small: rows older than the horizon of days go, and a phone whose
cursor lies below what is left downloads its turfs again (410 cursor_expired), as
CommCare's 412 tells a phone to restore from scratch.

A phone that synced within the horizon is never affected: every pull, even an empty one,
moves its cursor up to the log's horizon (pull.py), so its cursor is newer than anything
pruned. Tombstones (a turf taken away, a household moved out) are rows like any other:
they are kept as long, which is long enough for every phone that synced in that time.

Order matters. The mark is raised (and committed) before any row is deleted, and a pull
checks the mark after it has read its rows: a pull that could have read a half-deleted
range sees the raised mark and answers 410 instead of handing out a cursor past rows it
never got. The rows go in batches, each in its own short transaction, so the pruning
never holds the pulls' horizon back for long (changes.py).
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..models import SyncChange, SyncLogPruned
from .changes import log_horizon

BATCH = 10_000


def pruned_below() -> int:
    return SyncLogPruned.objects.filter(id=1).values_list("below", flat=True).first() or 0


def change_log_prune(*, keep_days: int, now: datetime.datetime | None = None, batch: int = BATCH) -> int:
    """Delete the rows of the transactions up to the newest one that wrote a change more than
    `keep_days` days ago (and the rows from before transactions were stamped); the number
    deleted. Run by Celery beat nightly; safe to run again at any time."""
    now = now or timezone.now()
    horizon = log_horizon()[0]
    old = SyncChange.objects.filter(created_at__lt=now - datetime.timedelta(days=keep_days),
                                    xact__isnull=False).aggregate(m=Max("xact"))["m"]  # fmt: skip
    # Just past the newest old transaction, never past what pulls can read: a phone whose
    # cursor is beyond it lost nothing, however recently its turfs last changed.
    below = min(old + 1, horizon) if old is not None else 0
    with transaction.atomic():
        mark, _ = SyncLogPruned.objects.select_for_update().get_or_create(id=1)
        if below > mark.below:
            mark.below, mark.pruned_at = below, now
            mark.save()
        below = mark.below
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(SyncChange.objects.filter(xact__lt=below).values_list("id", flat=True)[:batch])
            ids += list(SyncChange.objects.filter(xact__isnull=True).values_list("id", flat=True)[: batch - len(ids)])
            if not ids:
                return deleted
            deleted += SyncChange.objects.filter(id__in=ids).delete()[0]
