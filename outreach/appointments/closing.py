"""The push closes an appointment with the visit recorded there: a visit accepted for a
household with an open appointment of the visit's team on the appointment's day marks it
done, in the push's own transaction. Replays never reach here (the push passes only the
visits it has just inserted), and only open appointments are touched: idempotent."""

import datetime

from django.utils import timezone

from ..rowsql import select_where_in, table
from ..models import Visit
from .models import Appointment


def _aware(value) -> datetime.datetime:
    """SQLite's raw rows give naive UTC datetimes (or text); PostgreSQL's aware ones."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def appointments_close(*, visits: list) -> int:
    """`visits`: the push's accepted NewVisits (id, household_id, effective_time). One
    query when none of their households has an open appointment (nearly every batch).
    Returns how many were closed."""
    if not visits:
        return 0
    household_ids = sorted({v.household_id for v in visits})
    sql = (f"SELECT id, household_id, team_id, starts_at FROM {table(Appointment)} "
           f"WHERE status = 'booked' AND {{0}}")  # fmt: skip
    open_rows = list(select_where_in(sql, (Appointment._meta.get_field("household"), household_ids)))
    if not open_rows:
        return 0
    teams = dict(Visit.objects.filter(id__in=[v.id for v in visits]).values_list("id", "team_id"))
    closed = 0
    for appointment_id, household_id, team_id, starts_at in open_rows:
        day = timezone.localdate(_aware(starts_at))
        match = [v for v in visits if v.household_id == household_id and teams.get(v.id) == team_id
                 and timezone.localdate(v.effective_time) == day]  # fmt: skip
        if match:
            first = min(match, key=lambda v: v.effective_time)
            closed += Appointment.objects.filter(id=appointment_id, status=Appointment.Status.BOOKED).update(
                status=Appointment.Status.DONE, visit_id=first.id, updated_at=timezone.now())
    return closed
