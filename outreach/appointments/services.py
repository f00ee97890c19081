"""Booking, moving and cancelling a home appointment. Each is one transaction: the row,
its audit event and, last, a change of the household for its turf in the sync change log,
so the team's phones pull the household again with the appointment as it now is.

Every write is idempotent: the same booking posted twice (a double tap, a retried form)
finds its appointment already there and says so; moving to the window it already has or
cancelling what is cancelled changes nothing and writes nothing."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import Household

from ..access import Capability, access_for
from ..audit.models import AuditAction
from ..audit.services import audit_change
from ..models import Assignment, Campaign, SyncChange, Team
from ..sync.changes import changes_record
from .models import Appointment


class AppointmentNotFound(Exception):
    """Not there, or outside the booker's area: the same answer (a 404)."""


class AppointmentRefused(Exception):
    """A booking the service will not make; the message is for the person, in Vietnamese."""


@dataclass(frozen=True)
class Window:
    starts_at: datetime.datetime
    ends_at: datetime.datetime


@dataclass(frozen=True)
class Outcome:
    appointment: Appointment
    done: bool  # False: it was already so (a replay), nothing written


def window_of(*, day: datetime.date, start: datetime.time, end: datetime.time, now=None) -> Window:
    """The window as aware datetimes in the local time zone, or AppointmentRefused."""
    if end <= start:
        raise AppointmentRefused(_("Giờ kết thúc phải sau giờ bắt đầu."))
    tz = timezone.get_current_timezone()
    window = Window(datetime.datetime.combine(day, start, tzinfo=tz), datetime.datetime.combine(day, end, tzinfo=tz))
    if window.ends_at <= (now or timezone.now()):
        raise AppointmentRefused(_("Khung giờ này đã qua: hãy chọn một ngày giờ sắp tới."))
    return window


def _scope(user):
    return access_for(user=user).scope(Capability.BOOK_APPOINTMENTS)


def _household_for_booking(*, user, household_id: int) -> Household:
    # FOR UPDATE: two officers booking the same household at once are served one after the
    # other, so the second finds the first's appointment instead of a constraint error.
    qs = _scope(user).filter(Household.objects.select_for_update().select_related("area"), "area")
    household = qs.filter(id=household_id).first()
    if household is None:
        raise AppointmentNotFound
    return household


def _team_for(*, user, household: Household, campaign: Campaign, team_id: int) -> Team:
    team = _scope(user).filter(Team.objects.all(), "area").filter(id=team_id).first()
    if team is None:
        raise AppointmentNotFound
    holds = Assignment.objects.filter(campaign=campaign, turf_id=household.turf_id, team=team, ended_at__isnull=True)
    if household.turf_id is None or not holds.exists():
        # Only the team holding the turf has the household on its phones.
        raise AppointmentRefused(_("Tổ này không được giao khu vực của hộ: hãy chọn tổ đang giữ khu vực đó."))
    return team


def _log(*, user, appointment: Appointment, household: Household, action: AuditAction, request=None) -> None:
    audit_change(user=user, action=action, area=household.area, object_type="outreach.appointment",
                 object_id=appointment.pk, request=request,
                 detail={"household": household.pk, "team": appointment.team_id,
                         "starts_at": appointment.starts_at.isoformat(), "ends_at": appointment.ends_at.isoformat(),
                         "status": appointment.status})  # fmt: skip
    # The last write: the household again for its turf's phones (outreach/sync/changes.py).
    changes_record(changes=[SyncChange(entity=SyncChange.Entity.HOUSEHOLD, entity_id=household.pk,
                                       turf_id=household.turf_id, campaign_id=appointment.campaign_id)])  # fmt: skip


@transaction.atomic
def appointment_book(*, user, campaign: Campaign, household_id: int, team_id: int, window: Window, note: str = "",
                     request=None) -> Outcome:  # fmt: skip
    household = _household_for_booking(user=user, household_id=household_id)
    team = _team_for(user=user, household=household, campaign=campaign, team_id=team_id)
    open_one = Appointment.objects.filter(campaign=campaign, household=household, status=Appointment.Status.BOOKED).first()
    if open_one is not None:
        if (open_one.team_id, open_one.starts_at, open_one.ends_at) == (team.id, window.starts_at, window.ends_at):
            return Outcome(open_one, False)
        raise AppointmentRefused(_("Hộ này đã có một lịch hẹn: hãy dời hoặc huỷ lịch đó."))
    appointment = Appointment.objects.create(campaign=campaign, household=household, team=team, booked_by=user,
                                             starts_at=window.starts_at, ends_at=window.ends_at, note=note[:300])  # fmt: skip
    _log(user=user, appointment=appointment, household=household, action=AuditAction.APPOINTMENT_BOOK, request=request)
    return Outcome(appointment, True)


def _open_for_change(*, user, appointment_id: int) -> tuple[Appointment, Household]:
    appointment = (_scope(user).filter(Appointment.objects.select_for_update(), "household__area")
                   .filter(id=appointment_id).first())  # fmt: skip
    if appointment is None:
        raise AppointmentNotFound
    return appointment, Household.objects.select_related("area").get(id=appointment.household_id)


@transaction.atomic
def appointment_move(*, user, appointment_id: int, window: Window, request=None) -> Outcome:
    appointment, household = _open_for_change(user=user, appointment_id=appointment_id)
    if appointment.status == Appointment.Status.CANCELLED:
        raise AppointmentRefused(_("Lịch hẹn này đã huỷ: hãy đặt lịch mới."))
    if appointment.status == Appointment.Status.DONE:
        raise AppointmentRefused(_("Tổ đã đến hộ theo lịch hẹn này: không dời được."))
    if (appointment.starts_at, appointment.ends_at) == (window.starts_at, window.ends_at):
        return Outcome(appointment, False)
    appointment.starts_at, appointment.ends_at = window.starts_at, window.ends_at
    appointment.save(update_fields=["starts_at", "ends_at", "updated_at"])
    _log(user=user, appointment=appointment, household=household, action=AuditAction.APPOINTMENT_MOVE, request=request)
    return Outcome(appointment, True)


@transaction.atomic
def appointment_cancel(*, user, appointment_id: int, request=None) -> Outcome:
    appointment, household = _open_for_change(user=user, appointment_id=appointment_id)
    if appointment.status == Appointment.Status.CANCELLED:
        return Outcome(appointment, False)
    if appointment.status == Appointment.Status.DONE:
        raise AppointmentRefused(_("Tổ đã đến hộ theo lịch hẹn này: không huỷ được."))
    appointment.status = Appointment.Status.CANCELLED
    appointment.save(update_fields=["status", "updated_at"])
    _log(user=user, appointment=appointment, household=household, action=AuditAction.APPOINTMENT_CANCEL,
         request=request)  # fmt: skip
    return Outcome(appointment, True)
