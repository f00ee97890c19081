"""Booking one household: the form (GET) and its POSTs, each calling one service and
returning with a message (CSRF-checked by the middleware). A household or team outside the
booker's area, or an appointment of another area, is a 404; a refused booking shows the
form again with the reason, in Vietnamese."""

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import Household
from outreach.appointments.models import Appointment
from outreach.appointments.selectors import open_appointments, support_residents
from outreach.appointments.services import (
    AppointmentNotFound, AppointmentRefused, appointment_book, appointment_cancel, appointment_move, window_of,
)  # fmt: skip
from outreach.models import Assignment, Team
from outreach.reports.lists import _support_text

from .forms import parse_day, parse_int, parse_time
from .pages import Page, booking_page
from .views import context


def _household(page: Page, household_id: int) -> Household:
    qs = page.scope.filter(Household.objects.select_related("area", "turf"), "area").filter(page.area.subtree("area"))
    household = qs.filter(id=household_id).first()
    if household is None:
        raise Http404
    return household


def _form_data(request, *, household: Household, page: Page, appointment: Appointment | None) -> dict:
    """The form's values: what was posted, else the open appointment's, else this evening."""
    if request.method == "POST":
        return {k: request.POST.get(k, "") for k in ("day", "start", "end", "team", "note")}
    if appointment is not None:
        start, end = timezone.localtime(appointment.starts_at), timezone.localtime(appointment.ends_at)
        return {"day": f"{start:%d/%m/%Y}", "start": f"{start:%H:%M}", "end": f"{end:%H:%M}",
                "team": str(appointment.team_id), "note": appointment.note}  # fmt: skip
    holder = Assignment.objects.filter(campaign=page.campaign, turf_id=household.turf_id, ended_at__isnull=True).first()
    day = timezone.localdate() + datetime.timedelta(days=int(timezone.localtime().hour >= 19))
    return {"day": f"{day:%d/%m/%Y}", "start": "18:00", "end": "19:00", "team": str(holder.team_id if holder else ""),
            "note": ""}  # fmt: skip


def _submit(request, page: Page, household: Household, appointment: Appointment | None):
    """Book or move; the message for the person. Raises AppointmentRefused / NotFound."""
    window = window_of(day=parse_day(request.POST.get("day")), start=parse_time(request.POST.get("start")),
                       end=parse_time(request.POST.get("end")))  # fmt: skip
    if appointment is not None and request.POST.get("action") == "move":
        done = appointment_move(user=request.user, appointment_id=appointment.id, window=window, request=request).done
        return _("Đã dời lịch hẹn.") if done else _("Lịch hẹn đã ở khung giờ này.")
    team_id = parse_int(request.POST.get("team"))
    if team_id is None:
        raise AppointmentRefused(_("Hãy chọn tổ công tác sẽ đến."))
    done = appointment_book(user=request.user, campaign=page.campaign, household_id=household.id, team_id=team_id,
                            window=window, note=request.POST.get("note", ""), request=request).done  # fmt: skip
    return _("Đã đặt lịch hẹn.") if done else _("Lịch hẹn này đã được đặt trước đó.")


@booking_page
def household_form(request, page: Page, household_id: int):
    if page.campaign is None:
        raise Http404
    household = _household(page, household_id)
    appointment = open_appointments(campaign=page.campaign, household_ids=[household.id]).get(household.id)
    error = None
    if request.method == "POST":
        try:
            messages.success(request, _submit(request, page, household, appointment))
            return redirect(f"{reverse('appointments:area', args=[page.area.pk])}?xem=open")
        except AppointmentNotFound:
            raise Http404 from None
        except AppointmentRefused as exc:
            error = str(exc)
    teams = page.scope.filter(Team.objects.filter(page.area.subtree("area")), "area").order_by("name")
    reasons = support_residents(household_ids=[household.id]).get(household.id, [])
    return render(request, "appointments/household.html", context(
        page, title=_("Hẹn đến tận nhà"), household=household, appointment=appointment, error=error,
        data=_form_data(request, household=household, page=page, appointment=appointment), teams=list(teams[:200]),
        support="; ".join(_support_text(r) for r in reasons),
    ), status=400 if error else 200)  # fmt: skip


@booking_page
def cancel(request, page: Page, appointment_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        appointment = page.scope.filter(Appointment.objects.filter(page.area.subtree("household__area")),
                                        "household__area").get(id=appointment_id)
        done = appointment_cancel(user=request.user, appointment_id=appointment.id, request=request).done
    except (Appointment.DoesNotExist, AppointmentNotFound):
        raise Http404 from None
    except AppointmentRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã huỷ lịch hẹn.") if done else _("Lịch hẹn này đã được huỷ trước đó."))
    return redirect(f"{reverse('appointments:area', args=[page.area.pk])}?xem={request.POST.get('back', 'open')}")
