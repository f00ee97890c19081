"""Reading a booking's window from a form: the date as dd/mm/yyyy (or the ISO yyyy-mm-dd a
date picker sends), the times as HH:MM. Errors are for the person, in Vietnamese."""

import datetime

from django.utils.translation import gettext as _

from outreach.appointments.services import AppointmentRefused


def parse_day(text: str) -> datetime.date:
    text = (text or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise AppointmentRefused(_("Ngày hẹn phải viết dạng ngày/tháng/năm, ví dụ 07/12/2026."))


def parse_time(text: str) -> datetime.time:
    try:
        return datetime.datetime.strptime((text or "").strip(), "%H:%M").time()
    except ValueError:
        raise AppointmentRefused(_("Giờ phải viết dạng giờ:phút, ví dụ 18:30.")) from None


def parse_int(text) -> int | None:
    text = str(text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None
