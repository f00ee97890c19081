"""Making the editions. One beat task every few minutes asks `editions_make_due`, which
makes, for every province, district and commune whose hour has passed today, the edition
of that slot it does not have yet: re-running it makes nothing twice (a unique constraint
backs that up when two beats race)."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from households.models import Area, AreaKind, VneidStatus

from ..campaigns.models import Campaign
from ..campaigns.selectors import campaign_current
from ..reports.chat_report import chat_report
from ..rollups.models import AreaRollup
from ..visits.models import ResidentState
from .models import EVENING, MORNING, ChatEdition, EditionHours, EditionSlot
from .text import EditionData, edition_text

# The levels whose officers paste a report into their group (groups report by word of mouth).
EDITION_KINDS = (AreaKind.PROVINCE, AreaKind.DISTRICT, AreaKind.COMMUNE)
REASONS_SHOWN = 3


def slot_due(hours: EditionHours | None, at: datetime.time) -> str | None:
    morning, evening = (hours.morning, hours.evening) if hours else (MORNING, EVENING)
    if at >= evening:
        return EditionSlot.EVENING
    if at >= morning:
        return EditionSlot.MORNING
    return None


def editions_make_due(*, now: datetime.datetime | None = None) -> int:
    """Make every edition due by `now`; returns how many were made."""
    now = timezone.localtime(now)
    campaign = campaign_current()
    if campaign is None:
        return 0
    hours = {h.area_id: h for h in EditionHours.objects.all()}
    made = set(ChatEdition.objects.filter(campaign=campaign, day=now.date()).values_list("area_id", "slot"))
    count = 0
    # Only areas with households in the campaign: once the national map is loaded most of
    # its 3,355 units have none yet, and an edition of zeros is noise in a group chat.
    with_households = AreaRollup.objects.filter(campaign=campaign, households_total__gt=0).values("area_id")
    for area in Area.objects.filter(kind__in=EDITION_KINDS, id__in=with_households).order_by("path"):
        slot = slot_due(hours.get(area.id), now.time())
        if slot is not None and (area.id, slot) not in made:
            count += edition_make(area=area, campaign=campaign, slot=slot, now=now) is not None
    return count


def edition_make(*, area: Area, campaign: Campaign, slot: str, now: datetime.datetime) -> ChatEdition | None:
    """The edition of `slot` today for `area`, compared with the area's previous one.
    None when another process made it first."""
    report = chat_report(area=area, campaign=campaign, now=now)
    previous = ChatEdition.objects.filter(area=area, campaign=campaign, made_at__lt=now).order_by("-made_at").first()
    data = EditionData(report=report, slot=slot, now=now, previous=previous,
                       reasons=blocking_reasons(area=area, campaign=campaign))  # fmt: skip
    figures = {
        "total": [report.total.figures.households_visited, report.total.figures.activated],
        "units": {str(ln.figures.area_id): [ln.figures.households_visited, ln.figures.activated] for ln in report.lines},
    }
    try:
        with transaction.atomic():
            return ChatEdition.objects.create(area=area, campaign=campaign, day=now.date(), slot=slot, made_at=now,
                                              text=edition_text(data), figures=figures)  # fmt: skip
    except IntegrityError:
        return None


def blocking_reasons(*, area: Area, campaign: Campaign) -> list[tuple[str, int]]:
    """The most common reasons given for residents not yet activated: (label, count). An
    aggregate of the area, no person in it."""
    rows = (
        ResidentState.objects.filter(area.subtree("resident__household__area"), campaign=campaign,
                                     last_reason__isnull=False)
        .exclude(**{f"resident__vneid_level{campaign.target_level}": VneidStatus.ACTIVATED})
        .values("last_reason__label_vi")
        .annotate(n=Count("id"))
        .order_by("-n", "last_reason__label_vi")[:REASONS_SHOWN]
    )  # fmt: skip
    return [(r["last_reason__label_vi"], r["n"]) for r in rows]


def editions_of(*, area: Area, campaign: Campaign, days: int = 14) -> list[ChatEdition]:
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    return list(ChatEdition.objects.filter(area=area, campaign=campaign, day__gte=since))
