"""Reads of shifts: the teams a user sees shifts of, a team's shifts with the hand-over
note the next shift reads first, and each shift's output — the visits the members present
recorded for the team between its start and its end (by the phone's time, so a visit
synced hours later counts for the shift it was made in)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from households.models import VneidStatus

from ..access import Capability, access_for
from ..models import Team, Visit
from .models import Shift


@dataclass
class ShiftOutput:
    visits: int = 0
    households: set = field(default_factory=set)
    reached: int = 0  # visits where someone was met
    registered: int = 0  # resident outcomes: registered, waiting for approval
    activated: int = 0  # resident outcomes: activated with help

    @property
    def household_count(self) -> int:
        return len(self.households)


def shift_teams(*, user) -> list[Team]:
    """Teams the user belongs to, and those of the areas where they manage turfs or read
    reports (output per shift is a report)."""
    access = access_for(user=user)
    areas = access.scope(Capability.MANAGE_TURFS).q("area") | access.scope(Capability.READ_REPORTS).q("area")
    return list(Team.objects.filter(Q(memberships__user_id=user.pk) | areas).select_related("area").distinct()
                .order_by("area__path", "name")[:500])  # fmt: skip


def team_shifts(*, team: Team, limit: int = 30) -> list[Shift]:
    return list(Shift.objects.filter(team=team).prefetch_related("members").select_related("closed_by")
                .order_by("-started_at", "-id")[:limit])  # fmt: skip


def last_handover(*, team: Team) -> Shift | None:
    """The latest closed shift with a note: what the next shift reads first."""
    return (Shift.objects.filter(team=team, ended_at__isnull=False).exclude(handover_note="")
            .select_related("closed_by").order_by("-ended_at", "-id").first())  # fmt: skip


def shift_outputs(*, shifts: Sequence[Shift], now: datetime.datetime | None = None) -> dict[int, ShiftOutput]:
    """shift id → its output, for shifts of one team: one query over the team's visits in
    the span the shifts cover (members prefetched)."""
    out = {s.id: ShiftOutput() for s in shifts}
    if not shifts:
        return out
    now = now or timezone.now()
    spans = [(s, s.started_at, s.ended_at or now, {m.id for m in s.members.all()}) for s in shifts]
    visits = (Visit.objects.filter(team_id=shifts[0].team_id, effective_time__gte=min(a for _, a, _, _ in spans),
                                   effective_time__lt=max(b for _, _, b, _ in spans))
              .annotate(activated=Count("resident_outcomes", filter=Q(
                            resident_outcomes__outcome__vneid_status=VneidStatus.ACTIVATED)),
                        registered=Count("resident_outcomes", filter=Q(
                            resident_outcomes__outcome__vneid_status=VneidStatus.REGISTERED)))
              .values_list("recorded_by_id", "effective_time", "household_id", "outcome__household_reached",
                           "activated", "registered"))  # fmt: skip
    for user_id, at, household_id, reached, activated, registered in visits:
        for shift, start, end, members in spans:
            if user_id in members and start <= at < end:
                o = out[shift.id]
                o.visits += 1
                o.households.add(household_id)
                o.reached += int(bool(reached))
                o.activated += activated
                o.registered += registered
    return out
