"""Numbers, percentages and dates as Vietnamese readers write them (1.234.567; 100,76 %;
dd/mm/yyyy), for plain text and spreadsheets. Templates use Django's localized filters,
which read the same format module (outreach/formats/vi)."""

import datetime
from decimal import Decimal

from django.utils import formats


def fmt_int(value: int | None) -> str:
    if value is None:
        return "—"
    return formats.number_format(value, force_grouping=True)


def fmt_pct(value: Decimal | None, *, space: str = " ") -> str:
    if value is None:
        return "—"
    return formats.number_format(value, decimal_pos=2, force_grouping=True) + space + "%"


def fmt_signed(value: int | Decimal | None, *, decimals: int | None = None) -> str:
    if value is None:
        return "—"
    text = formats.number_format(abs(value), decimal_pos=decimals, force_grouping=True)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def fmt_date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def phone_local(e164: str | None) -> str:
    """+84912345678 → 0912345678, the way the number is dialled and written in Vietnam."""
    if not e164:
        return ""
    return "0" + e164[3:] if e164.startswith("+84") else e164


def phone_spaced(e164: str | None) -> str:
    """0912 345 678, easier to read aloud over the phone."""
    local = phone_local(e164)
    if len(local) == 10 and local.isdigit():
        return f"{local[:4]} {local[4:7]} {local[7:]}"
    return local
