"""Opening and closing a team's shift. Run by the team's lead (tổ trưởng tổ công tác) or by
someone who manages the team's turfs (group leader, commune police); each write audited.

Idempotent: opening with the members of the shift already open, or closing a closed
shift, writes nothing and says so (a double tap, a form posted again)."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import Capability, access_for
from ..audit.models import AuditAction
from ..audit.services import audit_change
from ..models import Team, TeamMembership
from .models import Shift


class ShiftNotFound(Exception):
    """Not there, or a team the user does not run shifts of: the same answer (a 404)."""


class ShiftRefused(Exception):
    """The message is for the person, in Vietnamese."""


@dataclass(frozen=True)
class Outcome:
    shift: Shift
    done: bool  # False: it was already so, nothing written


def may_run_shifts(*, user, team: Team) -> bool:
    if access_for(user=user).allows(Capability.MANAGE_TURFS, team.area):
        return True
    return TeamMembership.objects.filter(team=team, user_id=user.pk, is_lead=True).exists()


def _team(*, user, team_id: int) -> Team:
    # FOR UPDATE: two leads opening the team's shift at once are served one after the other.
    team = Team.objects.select_for_update().select_related("area").filter(id=team_id).first()
    if team is None or not may_run_shifts(user=user, team=team):
        raise ShiftNotFound
    return team


def _log(*, user, shift: Shift, team: Team, change: str, request=None) -> None:
    audit_change(user=user, action=AuditAction.SHIFT, area=team.area, object_type="outreach.shift",
                 object_id=shift.pk, request=request,
                 detail={"change": change, "team": team.pk,
                         "members": sorted(shift.members.values_list("id", flat=True))})  # fmt: skip


@transaction.atomic
def shift_open(*, user, team_id: int, member_ids: Sequence[int], request=None) -> Outcome:
    team = _team(user=user, team_id=team_id)
    wanted = set(member_ids)
    if not wanted:
        raise ShiftRefused(_("Hãy chọn ít nhất một người có mặt trong ca."))
    members = set(TeamMembership.objects.filter(team=team, user_id__in=wanted).values_list("user_id", flat=True))
    if members != wanted:
        raise ShiftRefused(_("Chỉ chọn được người thuộc tổ."))
    current = Shift.objects.filter(team=team, ended_at__isnull=True).first()
    if current is not None:
        if set(current.members.values_list("id", flat=True)) == members:
            return Outcome(current, False)
        raise ShiftRefused(_("Tổ đang có một ca chưa đóng: hãy đóng ca đó trước."))
    shift = Shift.objects.create(team=team, started_at=timezone.now(), opened_by=user)
    shift.members.set(sorted(members))
    _log(user=user, shift=shift, team=team, change="open", request=request)
    return Outcome(shift, True)


@transaction.atomic
def shift_close(*, user, shift_id: int, handover_note: str, request=None) -> Outcome:
    shift = Shift.objects.select_for_update().filter(id=shift_id).first()
    if shift is None:
        raise ShiftNotFound
    team = _team(user=user, team_id=shift.team_id)
    if shift.ended_at is not None:
        return Outcome(shift, False)
    shift.ended_at, shift.closed_by = timezone.now(), user
    shift.handover_note = handover_note.strip()[:4000]
    shift.save(update_fields=["ended_at", "closed_by", "handover_note"])
    _log(user=user, shift=shift, team=team, change="close", request=request)
    return Outcome(shift, True)
