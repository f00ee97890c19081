"""What the caller's page shows: their batch (due call-backs first, then the call list's
walk order), their call-backs still to come, and how many numbers are left in the pool.
Only numbers the user holds are read with their phone (the page audits what it shows), and
of each person only what a call needs: name, birth year, residential group (no address, no
ID digits: minimised as DESIGN.md §6 asks)."""

import datetime
from dataclasses import dataclass

from django.db.models import F

from households.models import Area

from ..models import Campaign
from .claims import held_queryset, pool_queryset


@dataclass(frozen=True)
class CallRow:
    resident_id: int
    name: str
    birth_year: int | None
    group: str
    phone: str  # E.164, formatted by the page
    callback_at: datetime.datetime | None
    calls: int  # calls already made to this number in the campaign


def _rows(qs) -> list[CallRow]:
    qs = qs.select_related("resident__household__area")
    return [
        CallRow(resident_id=c.resident_id, name=c.resident.full_name,
                birth_year=c.resident.birth_date.year if c.resident.birth_date else c.resident.birth_year,
                group=c.resident.household.area.name, phone=c.resident.phone,
                callback_at=c.callback_at, calls=c.calls)  # fmt: skip
        for c in qs
    ]


def caller_batch(*, user, campaign: Campaign, area: Area, now: datetime.datetime) -> list[CallRow]:
    """The numbers to call now: due call-backs (earliest first), then the rest in walk order."""
    held = held_queryset(user=user, campaign=campaign, area=area, now=now)
    due = held.filter(callback_at__lte=now).order_by("callback_at", "resident_id")
    fresh = held.filter(callback_at__isnull=True).order_by(
        "resident__household__area__path", "resident__household__walk_key", "resident_id")  # fmt: skip
    return _rows(due) + _rows(fresh)


def caller_upcoming(*, user, campaign: Campaign, area: Area, now: datetime.datetime) -> list[CallRow]:
    """Call-backs set for later: the user keeps these numbers until then."""
    held = held_queryset(user=user, campaign=campaign, area=area, now=now)
    return _rows(held.filter(callback_at__gt=now).order_by(F("callback_at").asc(), "resident_id"))


def pool_count(*, campaign: Campaign, area: Area, now: datetime.datetime) -> int:
    """Numbers of the area's call list nobody holds, not done and not resting."""
    return pool_queryset(campaign=campaign, area=area, now=now).count()
