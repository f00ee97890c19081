"""Taking and giving back numbers of the call list (issue 19, part 1).

The rule: no two callers hold the same number. A batch is taken with one conditional
upsert on the (campaign, resident) key,

    INSERT ... ON CONFLICT (campaign_id, resident_id) DO UPDATE SET holder = me ...
        WHERE <the stored row is free> RETURNING resident_id

which PostgreSQL runs row by row under the row lock: a caller racing another waits for the
other's insert to commit, then finds the row held and skips it, so only the rows it really
took come back. SQLite runs writers one at a time, so the same statement is as safe there.
Rows go in resident order, so two batches lock in the same order and never deadlock.

A number is free when nobody holds it or the hold expired (`CALLS_CLAIM_MINUTES`), unless
it is done (the person answered, was assisted, or the number is wrong) or resting after a
missed call (`CALLS_RETRY_MINUTES`). A call-back keeps the number with its caller until a
hold's length after the time set, and the caller's next batch starts with the due ones.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from households.models import Area

from ..models import Campaign
from ..reports.lists import ListFilters, list_queryset
from .models import CallClaim

_ROUNDS = 5  # candidates lost to a racing caller are replaced this many times at most


def batch_size() -> int:
    return int(getattr(settings, "CALLS_BATCH_SIZE", 20))


def hold_length() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(getattr(settings, "CALLS_CLAIM_MINUTES", 30)))


def rest_length() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(getattr(settings, "CALLS_RETRY_MINUTES", 120)))


def claims_blocking(*, campaign: Campaign, now: datetime.datetime) -> QuerySet:
    """Claim rows that keep their number out of the pool right now."""
    return CallClaim.objects.filter(campaign=campaign).filter(
        Q(done_at__isnull=False) | Q(holder__isnull=False, expires_at__gt=now) | Q(available_at__gt=now)
    )


def pool_queryset(*, campaign: Campaign, area: Area, now: datetime.datetime) -> QuerySet:
    """The call list of the area (outreach/reports/lists.py, "goi-dien") less the numbers
    someone holds, that are done or resting."""
    blocking = claims_blocking(campaign=campaign, now=now).filter(resident=OuterRef("pk"))
    call_list = list_queryset(slug="goi-dien", area=area, campaign=campaign, filters=ListFilters(),
                              today=timezone.localdate(now))  # fmt: skip
    return call_list.exclude(Exists(blocking))


def held_queryset(*, user, campaign: Campaign, area: Area, now: datetime.datetime) -> QuerySet:
    """The user's unexpired holds in the area, call-backs not yet due included."""
    return CallClaim.objects.filter(
        area.subtree("resident__household__area"), campaign=campaign, holder=user, done_at__isnull=True,
        expires_at__gt=now,
    )


def _dt(value: datetime.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _upsert_sql(rows: int) -> str:
    table = connection.ops.quote_name(CallClaim._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s, 0)"] * rows)
    return (f"INSERT INTO {table} (campaign_id, resident_id, holder_id, claimed_at, expires_at, calls) "
            f"VALUES {values} ON CONFLICT (campaign_id, resident_id) DO UPDATE SET "
            "holder_id = excluded.holder_id, claimed_at = excluded.claimed_at, expires_at = excluded.expires_at, "
            "callback_at = NULL "
            f"WHERE {table}.done_at IS NULL AND ({table}.holder_id IS NULL OR {table}.expires_at IS NULL "
            f"OR {table}.expires_at <= %s) AND ({table}.available_at IS NULL OR {table}.available_at <= %s) "
            "RETURNING resident_id")  # fmt: skip


def claim_residents(*, user, campaign: Campaign, resident_ids: list[int], now: datetime.datetime) -> list[int]:
    """Take those of `resident_ids` that are free, in one statement; return the ones taken."""
    if not resident_ids:
        return []
    until = now + hold_length()
    params = []
    for resident_id in sorted(set(resident_ids)):
        params += [campaign.id, resident_id, user.pk, _dt(now), _dt(until)]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(len(params) // 5), [*params, _dt(now), _dt(now)])
        return sorted(row[0] for row in cursor.fetchall())


@dataclass(frozen=True)
class Taken:
    new: int  # numbers taken from the pool now
    due_callbacks: int  # call-backs due now, first in the batch
    held: int  # everything the batch holds now


@transaction.atomic
def calls_take_batch(*, user, campaign: Campaign, area: Area, now: datetime.datetime, size: int | None = None) -> Taken:
    """Fill the user's batch in the area up to `size`: due call-backs first (they are the
    user's already), then free numbers of the call list in its walk order. Taking renews
    the hold of every number the batch keeps."""
    size = size or batch_size()
    held = held_queryset(user=user, campaign=campaign, area=area, now=now)
    active = held.filter(Q(callback_at__isnull=True) | Q(callback_at__lte=now))
    due = active.filter(callback_at__isnull=False).count()
    have, taken, tried = active.count(), [], set()
    for _round in range(_ROUNDS):
        need = size - have - len(taken)
        if need <= 0:
            break
        candidates = list(pool_queryset(campaign=campaign, area=area, now=now).exclude(pk__in=tried)
                          .values_list("pk", flat=True)[:need])  # fmt: skip
        if not candidates:
            break
        tried.update(candidates)
        # Those a racing caller took meanwhile do not come back: the next round asks for more.
        taken += claim_residents(user=user, campaign=campaign, resident_ids=candidates, now=now)
    active.update(expires_at=now + hold_length())
    return Taken(new=len(taken), due_callbacks=due, held=have + len(taken))


def calls_release(*, user, campaign: Campaign, resident_ids: list[int] | None = None) -> int:
    """Give numbers back to the pool (all the user's holds when `resident_ids` is None).
    Idempotent: only the user's own open holds change; a second call changes nothing."""
    qs = CallClaim.objects.filter(campaign=campaign, holder=user, done_at__isnull=True)
    if resident_ids is not None:
        qs = qs.filter(resident_id__in=resident_ids)
    return qs.update(holder=None, expires_at=None, callback_at=None)


def resident_ids_held(*, user, campaign: Campaign, now: datetime.datetime) -> set[int]:
    return set(CallClaim.objects.filter(campaign=campaign, holder=user, done_at__isnull=True, expires_at__gt=now)
               .values_list("resident_id", flat=True))  # fmt: skip


__all__ = ["calls_take_batch", "calls_release", "claim_residents", "pool_queryset", "held_queryset"]
