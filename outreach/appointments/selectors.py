"""Reads of home appointments: the households needing home support in an area (the list a
booking starts from), an area's appointments by state, the count of missed ones for the
progress page, and the rows the pull sends with a team's households.

Callers pass an area they have already checked against the access module (a page) or the
households of the device's own turfs (the pull): nothing here widens a scope."""

import datetime
from collections.abc import Sequence

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from households.models import Area, Household, Resident

from ..models import Assignment, Campaign
from ..reports.lists import SUPPORT_Q
from .models import Appointment

Status = Appointment.Status
VIEWS = ("open", "missed", "done", "cancelled")


def missed_q(*, now: datetime.datetime) -> Q:
    """Still booked after its window ended: nobody recorded a visit there in time."""
    return Q(status=Status.BOOKED, ends_at__lte=now)


def support_households(*, area: Area, campaign: Campaign) -> QuerySet:
    """Households of the area with someone living there elderly and alone, disabled or
    sick, in walk order, each with its turf's team and its open appointment, if any."""
    support = Resident.objects.filter(household=OuterRef("pk")).living_here().filter(SUPPORT_Q)
    team = Assignment.objects.filter(campaign=campaign, turf=OuterRef("turf_id"), ended_at__isnull=True)
    return (Household.objects.filter(area.subtree("area"), Exists(support)).select_related("area", "turf")
            .annotate(team_id=Subquery(team.values("team_id")[:1]), team_name=Subquery(team.values("team__name")[:1]))
            .order_by("area__path", "walk_key", "id"))  # fmt: skip


def support_residents(*, household_ids: Sequence[int]) -> dict[int, list[Resident]]:
    """household id → its residents needing home support (for the reasons shown)."""
    out: dict[int, list[Resident]] = {}
    for r in Resident.objects.filter(household_id__in=household_ids).living_here().filter(SUPPORT_Q).order_by("id"):
        out.setdefault(r.household_id, []).append(r)
    return out


def open_appointments(*, campaign: Campaign, household_ids: Sequence[int]) -> dict[int, Appointment]:
    qs = Appointment.objects.filter(campaign=campaign, household_id__in=household_ids, status=Status.BOOKED)
    return {a.household_id: a for a in qs.select_related("team")}


def appointments_in(*, area: Area, campaign: Campaign, view: str, now: datetime.datetime | None = None) -> QuerySet:
    """The area's appointments in one view: open (still to come), missed, done, cancelled."""
    now = now or timezone.now()
    qs = Appointment.objects.filter(area.subtree("household__area"), campaign=campaign)
    if view == "open":
        qs = qs.filter(status=Status.BOOKED, ends_at__gt=now)
    elif view == "missed":
        qs = qs.filter(missed_q(now=now))
    else:
        qs = qs.filter(status=view)
    order = ("-starts_at", "-id") if view in ("done", "cancelled") else ("starts_at", "id")
    return qs.select_related("household__area", "team", "booked_by").order_by(*order)


def appointments_counts(*, area: Area, campaign: Campaign, now: datetime.datetime | None = None) -> dict[str, int]:
    """view → how many, in one query."""
    now = now or timezone.now()
    counts = Appointment.objects.filter(area.subtree("household__area"), campaign=campaign).aggregate(
        open=Count("id", filter=Q(status=Status.BOOKED, ends_at__gt=now)),
        missed=Count("id", filter=missed_q(now=now)),
        done=Count("id", filter=Q(status=Status.DONE)),
        cancelled=Count("id", filter=Q(status=Status.CANCELLED)),
    )
    return counts


def appointments_missed_count(*, area: Area, campaign: Campaign) -> int:
    return appointments_counts(area=area, campaign=campaign)["missed"]


# What the pull sends with a page's households (docs/sync-protocol.md, "appointments"):
# the open ones of the device's teams, and those done today, so the evening's first item
# shows as done once the visit is back. Times as ISO 8601 with the offset.
APPOINTMENT_FIELDS = ["id", "household", "team", "starts_at", "ends_at", "status", "note"]


def pull_rows(*, campaign: Campaign, households: Sequence[Household], team_ids: Sequence[int]) -> list[list]:
    if not households or not team_ids:
        return []
    today = timezone.localdate()
    start = datetime.datetime.combine(today, datetime.time(), tzinfo=timezone.get_current_timezone())
    qs = Appointment.objects.filter(
        Q(status=Status.BOOKED) | Q(status=Status.DONE, starts_at__gte=start),
        campaign=campaign, household_id__in=[h.id for h in households], team_id__in=list(team_ids),
    ).order_by("starts_at", "id")  # fmt: skip
    return [[a.id, a.household_id, a.team_id, timezone.localtime(a.starts_at).isoformat(),
             timezone.localtime(a.ends_at).isoformat(), a.status, a.note] for a in qs]  # fmt: skip
