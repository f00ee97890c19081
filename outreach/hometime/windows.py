"""The time windows of the week a household's chance of being home is counted in.

Two kinds of day (weekdays Monday–Friday, and the weekend) times six windows of the hour
of the visit's own clock, in Vietnam time (settings.TIME_ZONE: the whole country has one).
The evening is cut finest because that is when teams go out (17:00–21:00, DESIGN.md §1)
and the hour there decides most contacts: 17–19 finds the shift workers and the families
home from the market, 19–21 the office workers, after 21 those who come home late. The day
is coarse (before 11, 11–14, 14–17): teams visit then on weekends only. Hours before 7:00
belong to the morning window: a visit then is rare and tells about the morning.

A window is an index 0–11: day kind × 6 + slot. The field app has the same table
(frontend/static/fieldapp/hometime.js); both must change together.
"""

import datetime
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext_noop

WEEKDAY, WEEKEND = 0, 1
SLOTS_PER_DAY = 6
COUNT = 2 * SLOTS_PER_DAY


class Slot(NamedTuple):
    start: int  # the hour the window starts on the clock (inclusive)
    end: int  # the hour it ends (exclusive)
    come_at: int  # the hour a revisit in this window is suggested for


# Hours 0–6 fall in the morning slot (see the module docstring).
SLOTS = (Slot(0, 11, 8), Slot(11, 14, 11), Slot(14, 17, 14), Slot(17, 19, 17), Slot(19, 21, 19), Slot(21, 24, 21))

# The windows' names, as the household's sentence says them ("Thường có người ở nhà {when}").
# One whole phrase per window, so that a translation may order the words as it needs.
NAMES = (
    gettext_noop("buổi sáng ngày thường"), gettext_noop("buổi trưa ngày thường"),
    gettext_noop("buổi chiều ngày thường"), gettext_noop("17:00–19:00 ngày thường"),
    gettext_noop("sau 19:00 ngày thường"), gettext_noop("sau 21:00 ngày thường"),
    gettext_noop("buổi sáng cuối tuần"), gettext_noop("buổi trưa cuối tuần"),
    gettext_noop("buổi chiều cuối tuần"), gettext_noop("17:00–19:00 cuối tuần"),
    gettext_noop("sau 19:00 cuối tuần"), gettext_noop("sau 21:00 cuối tuần"),
)  # fmt: skip

# Today's fixed suggestion ("Sau 19:00", the field app's first revisit chip): the window
# that wins a tie, and the one a household with no history anywhere is sent to.
DEFAULT = SLOTS.index(Slot(19, 21, 19))

ALL = tuple(range(COUNT))


def day_kind(day: datetime.date) -> int:
    return WEEKEND if day.weekday() >= 5 else WEEKDAY


def slot_of(hour: int) -> int:
    return next(i for i, s in enumerate(SLOTS) if s.start <= hour < s.end)


def window_of(moment: datetime.datetime) -> int:
    """The window a visit made at `moment` (aware) counts in, by the clock in Vietnam."""
    local = timezone.localtime(moment)
    return day_kind(local.date()) * SLOTS_PER_DAY + slot_of(local.hour)


def name(window: int) -> str:
    """The window's phrase, untranslated (gettext it where it is shown)."""
    return NAMES[window]


def occurrences(after: datetime.datetime, *, days: int = 7, allowed=ALL):
    """(window, start) of each allowed window starting after `after` (aware) within `days`
    days, in time order: when a team could come back."""
    local = timezone.localtime(after)
    for offset in range(days + 1):
        day = local.date() + datetime.timedelta(days=offset)
        kind = day_kind(day)
        for index, slot in enumerate(SLOTS):
            window = kind * SLOTS_PER_DAY + index
            start = datetime.datetime.combine(day, datetime.time(slot.come_at), tzinfo=local.tzinfo)
            if window in allowed and start > local and start - local <= datetime.timedelta(days=days):
                yield window, start
