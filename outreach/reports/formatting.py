"""Numbers, percentages and dates as Vietnamese readers write them (1.234.567; 100,76%;
dd/mm/yyyy), for plain text and spreadsheets. Templates use Django's localized filters,
which read the same format module (outreach/formats/vi)."""

import datetime
from decimal import Decimal

from django.utils import formats


def fmt_int(value: int | None) -> str:
    if value is None:
        return "—"
    return formats.number_format(value, force_grouping=True)


def fmt_pct(value: Decimal | None, *, space: str = "") -> str:
    """62,33% — no space before the sign, as officers write it in the chat group."""
    if value is None:
        return "—"
    return formats.number_format(value, decimal_pos=2, force_grouping=True) + space + "%"


def fmt_signed(value: int | Decimal | None, *, decimals: int | None = None) -> str:
    if value is None:
        return "—"
    text = formats.number_format(abs(value), decimal_pos=decimals, force_grouping=True)
    return ("+" if value > 0 else "−" if value < 0 else "") + text  # "0", never "±0"


def fmt_date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""

