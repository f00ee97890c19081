"""When is the quota reached at the current pace?

The pace is the last 7 days' gain of the daily snapshots (or the gain since the first
snapshot, when the campaign is younger than a week), per day. With fewer than two snapshot
days, or no gain at all, there is no honest forecast and the page says "chưa đủ dữ liệu".
"""

import datetime
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WINDOW_DAYS = 7


class ForecastStatus:
    NO_TARGET = "no_target"
    REACHED = "reached"
    INSUFFICIENT = "insufficient"
    FORECAST = "forecast"


@dataclass(frozen=True)
class Forecast:
    status: str
    target: int | None
    current: int | None = None
    rate_per_day: Decimal | None = None  # gain per day over the window
    as_of: datetime.date | None = None  # the last snapshot day
    reach_date: datetime.date | None = None
    deadline: datetime.date | None = None
    days_early: int | None = None  # > 0 before the deadline, < 0 after it
    needed_per_day: Decimal | None = None  # the pace that would meet the deadline

    @property
    def on_time(self) -> bool | None:
        return None if self.days_early is None else self.days_early >= 0

    @property
    def days_late(self) -> int | None:
        return None if self.days_early is None else -self.days_early


def forecast_quota(
    *, points: list[tuple[datetime.date, int]], target: int | None, deadline: datetime.date
) -> Forecast:
    """points: (day, cumulative value), oldest first, at most one per day."""
    if not target:
        return Forecast(status=ForecastStatus.NO_TARGET, target=target, deadline=deadline)
    if not points:
        return Forecast(status=ForecastStatus.INSUFFICIENT, target=target, deadline=deadline)
    last_day, current = points[-1]
    if current >= target:
        return Forecast(status=ForecastStatus.REACHED, target=target, current=current, as_of=last_day,
                        deadline=deadline)  # fmt: skip
    remaining = target - current
    days_left = (deadline - last_day).days
    needed = (Decimal(remaining) / days_left).quantize(Decimal("0.1"), ROUND_HALF_UP) if days_left > 0 else None
    base = dict(target=target, current=current, as_of=last_day, deadline=deadline, needed_per_day=needed)
    if len(points) < 2:
        return Forecast(status=ForecastStatus.INSUFFICIENT, **base)
    start = last_day - datetime.timedelta(days=WINDOW_DAYS)
    # The last point on or before a week ago; the first point if the series is younger.
    reference = next((p for p in reversed(points[:-1]) if p[0] <= start), points[0])
    span = (last_day - reference[0]).days
    gain = current - reference[1]
    if span <= 0 or gain <= 0:
        return Forecast(status=ForecastStatus.INSUFFICIENT, rate_per_day=Decimal(0), **base)
    rate = Decimal(gain) / span
    reach = last_day + datetime.timedelta(days=math.ceil(Decimal(remaining) / rate))
    return Forecast(
        status=ForecastStatus.FORECAST, rate_per_day=rate.quantize(Decimal("0.1"), ROUND_HALF_UP),
        reach_date=reach, days_early=(deadline - reach).days, **base,
    )  # fmt: skip
