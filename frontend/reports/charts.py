"""The daily trend chart, drawn on the server as SVG: no JavaScript, no chart library, and
readable by a screen reader through its <title> and <desc>.

Two cumulative lines (registered and activated at the campaign's target level) against
the two quota lines, one point per snapshot day, days labelled dd/mm. Where a forecast has
a pace, a dotted line carries each series on at that pace to the campaign's deadline,
marked by a vertical line: whether it crosses its quota before the deadline is then seen
at a glance.
"""

import datetime
import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from outreach.reports.forecast import Forecast, ForecastStatus
from outreach.reports.formatting import fmt_date, fmt_int
from outreach.reports.progress import DayPoint

# Two drawings of the same chart: a narrow one for phones and a wide one for desktops, so
# the labels are about 13 px on both instead of shrinking on one and swelling on the other.
PHONE = (360, 250)
DESKTOP = (880, 300)
LEFT, RIGHT, TOP, BOTTOM = 56, 18, 14, 30
FONT = 14
LABEL_GAP = 48  # px between the centres of two dd/mm day labels
REGISTERED_COLOUR = "#1d5fa8"
ACTIVATED_COLOUR = "#0b5d3b"


def nice_step(span: float, ticks: int = 4) -> int:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` gridlines."""
    raw = max(span / ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return max(1, int(factor * power))
    return int(10 * power)


@dataclass(frozen=True)
class _Frame:
    """Where a day and a value land on the drawing: the plot area inside the margins spans
    the days from the first point's to the last one's and the values from 0 to y_max."""

    width: int
    height: int
    first: datetime.date
    last: datetime.date
    step: int
    y_max: int

    @property
    def plot_w(self) -> int:
        return self.width - LEFT - RIGHT

    @property
    def plot_h(self) -> int:
        return self.height - TOP - BOTTOM

    def x(self, day: datetime.date) -> float:
        if self.first == self.last:
            return LEFT + self.plot_w / 2
        return LEFT + self.plot_w * (day - self.first).days / max((self.last - self.first).days, 1)

    def y(self, value: int) -> float:
        return TOP + self.plot_h * (1 - value / self.y_max)


@dataclass(frozen=True)
class _Projection:
    """A series carried on at its forecast pace: from (start, value) to (end, end_value)."""

    attr: str
    start: datetime.date
    value: int
    end: datetime.date
    end_value: int


def _projections(forecasts: dict[str, Forecast] | None) -> list[_Projection]:
    """One per series whose forecast has a pace and a deadline still ahead."""
    out = []
    for attr, f in (forecasts or {}).items():
        if f.status != ForecastStatus.FORECAST or not f.deadline or not f.as_of or f.deadline <= f.as_of:
            continue
        days = (f.deadline - f.as_of).days
        out.append(_Projection(attr=attr, start=f.as_of, value=f.current, end=f.deadline,
                               end_value=int(f.current + f.rate_per_day * days)))  # fmt: skip
    return out


def forecast_drawn(forecasts: dict[str, Forecast] | None) -> bool:
    """Whether trend_svg draws a forecast line (the legend names it only then)."""
    return bool(_projections(forecasts))


def trend_svg(
    *, points: list[DayPoint], registered_target: int | None, activated_target: int | None, level: int,
    area_name: str, chart_id: str = "trend", size: tuple[int, int] = DESKTOP,
    forecasts: dict[str, Forecast] | None = None,
) -> SafeString | None:
    """forecasts: {"activated": …, "registered": …}, each drawn to the deadline if it has a pace."""
    if not points:
        return None
    projections = _projections(forecasts)
    frame = _frame(points=points, targets=(registered_target, activated_target), size=size, projections=projections)
    title = _("Tiến độ theo ngày — %(area)s") % {"area": area_name}
    desc = _describe(points=points, registered_target=registered_target, activated_target=activated_target,
                     level=level)  # fmt: skip
    if projections:
        desc += " " + _("Nét chấm: dự báo theo tốc độ 7 ngày gần nhất đến hạn %(deadline)s (%(values)s).") % {
            "deadline": fmt_date(projections[0].end),
            "values": "; ".join(_("%(name)s khoảng %(value)s") % {
                "name": _("kích hoạt") if p.attr == "activated" else _("thu nhận hồ sơ"),
                "value": fmt_int(p.end_value)} for p in projections),
        }  # fmt: skip
    width, height = size
    out = [
        f'<svg class="trend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img"'
        f' aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg"'
        f' font-family="system-ui, sans-serif" font-size="{FONT}">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
        *_value_axis(frame),
        *_day_axis(frame, points, deadline=projections[0].end if projections else None),
        *_quota_lines(frame, registered_target=registered_target, activated_target=activated_target),
        *_projection_lines(frame, projections),
        *_series_lines(frame, points),
        "</svg>",
    ]
    return mark_safe("\n".join(out))  # noqa: S308 - every text inside is escaped or a formatted number


def _frame(*, points: list[DayPoint], targets: tuple[int | None, int | None], size: tuple[int, int],
           projections: list[_Projection] = ()) -> _Frame:  # fmt: skip
    """The scale: the value axis ends on a round step just above the highest point, quota or
    forecast; the day axis runs to the deadline when a forecast is drawn."""
    values = [p.registered for p in points] + [p.activated for p in points] + [p.end_value for p in projections]
    top = max(values + [target or 0 for target in targets] + [1])
    step = nice_step(top)
    width, height = size
    last = max([points[-1].day] + [p.end for p in projections])
    return _Frame(width=width, height=height, first=points[0].day, last=last, step=step,
                  y_max=step * math.ceil(top * 1.05 / step))  # fmt: skip


def _describe(
    *, points: list[DayPoint], registered_target: int | None, activated_target: int | None, level: int
) -> str:
    """The chart in one sentence, for a screen reader (<desc>)."""
    first, last = points[0], points[-1]
    return _(
        "Từ %(start)s đến %(end)s: đã thu nhận hồ sơ mức %(level)s tăng từ %(r0)s lên %(r1)s (chỉ tiêu %(rt)s);"
        " đã kích hoạt tăng từ %(a0)s lên %(a1)s (chỉ tiêu %(at)s)."
    ) % {
        "start": fmt_date(first.day), "end": fmt_date(last.day), "level": level,
        "r0": fmt_int(first.registered), "r1": fmt_int(last.registered), "rt": fmt_int(registered_target),
        "a0": fmt_int(first.activated), "a1": fmt_int(last.activated), "at": fmt_int(activated_target),
    }  # fmt: skip


def _value_axis(frame: _Frame) -> list[str]:
    """A gridline and its number at each step, 0 included."""
    out = []
    for value in range(0, frame.y_max + 1, frame.step):
        yy = frame.y(value)
        out.append(f'<line x1="{LEFT}" x2="{frame.width - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" fill="#444">{fmt_int(value)}</text>')
    return out


def _day_axis(frame: _Frame, points: list[DayPoint], *, deadline: datetime.date | None = None) -> list[str]:
    """Ticks and dd/mm labels under a few of the days, the deadline's when a forecast runs to
    it, then the axis line itself."""
    out = []
    bottom = TOP + frame.plot_h
    labels = _label_days(points, most=(4 if deadline else 5) if frame.width < 500 else (8 if deadline else 10))
    if deadline:
        # The days take only part of the axis now: keep labels a dd/mm's width (about 40 px)
        # apart, and clear of the deadline's.
        # Today's label first (walking back from the last day), then the older ones.
        kept = []
        for p in reversed(labels if labels[-1] is points[-1] else [*labels, points[-1]]):
            if frame.x(deadline) - frame.x(p.day) > LABEL_GAP and (
                    not kept or frame.x(kept[-1].day) - frame.x(p.day) > LABEL_GAP):
                kept.append(p)
        labels = kept[::-1]
        out += _deadline_mark(frame, deadline)
    for point in labels:
        xx = frame.x(point.day)
        # The last label ends at its tick, so it is not cut off at the right edge.
        anchor = "end" if point is points[-1] and len(points) > 1 and not deadline else "middle"
        out.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{bottom}" y2="{bottom + 4}" stroke="#444"/>')
        out.append(f'<text x="{xx + (4 if anchor == "end" else 0):.1f}" y="{frame.height - 10}"'
                   f' text-anchor="{anchor}" fill="#444">{point.day.strftime("%d/%m")}</text>')  # fmt: skip
    out.append(f'<line x1="{LEFT}" x2="{frame.width - RIGHT}" y1="{bottom}" y2="{bottom}" stroke="#444"/>')
    return out


def _quota_lines(frame: _Frame, *, registered_target: int | None, activated_target: int | None) -> list[str]:
    """A dashed line at each quota that is set, labelled with its name and number."""
    quotas = [(t, c, label) for t, c, label in (
        (registered_target, REGISTERED_COLOUR, _("Chỉ tiêu thu nhận")),
        (activated_target, ACTIVATED_COLOUR, _("Chỉ tiêu kích hoạt")),
    ) if t]  # fmt: skip
    quotas.sort(key=lambda q: -q[0])
    out = []
    right = frame.width - RIGHT
    for i, (target, colour, label) in enumerate(quotas):
        yy = frame.y(target)
        out.append(f'<line class="quota" x1="{LEFT}" x2="{right}" y1="{yy:.1f}" y2="{yy:.1f}"'
                   f' stroke="{colour}" stroke-width="2" stroke-dasharray="6 4"/>')  # fmt: skip
        # The higher quota is labelled above its line, the lower one below, so two close
        # quotas never print over each other.
        below = i == 1 and len(quotas) == 2
        ty = yy + FONT + 2 if below else yy - 5
        out.append(f'<text x="{right}" y="{ty:.1f}" text-anchor="end" fill="{colour}" font-size="{FONT - 1}"'
                   f' paint-order="stroke" stroke="#fff" stroke-width="3">{escape(label)} {fmt_int(target)}</text>')
    return out


def _deadline_mark(frame: _Frame, deadline: datetime.date) -> list[str]:
    """A vertical line at the deadline, "Hạn dd/mm" under it, ending at the right edge."""
    xx = frame.x(deadline)
    bottom = TOP + frame.plot_h
    label = _("Hạn %(day)s") % {"day": deadline.strftime("%d/%m")}
    return [
        f'<line class="deadline" x1="{xx:.1f}" x2="{xx:.1f}" y1="{TOP}" y2="{bottom + 4}" stroke="#a11a1a"'
        ' stroke-width="1.5"/>',
        f'<text x="{xx + 4:.1f}" y="{frame.height - 10}" text-anchor="end" fill="#a11a1a"'
        f' font-weight="700">{escape(label)}</text>',
    ]  # fmt: skip


def _projection_lines(frame: _Frame, projections: list[_Projection]) -> list[str]:
    """Each forecast as a dotted line in its series' colour, a ring where it meets the deadline."""
    out = []
    for p in projections:
        colour = ACTIVATED_COLOUR if p.attr == "activated" else REGISTERED_COLOUR
        x1, y1, x2, y2 = frame.x(p.start), frame.y(p.value), frame.x(p.end), frame.y(p.end_value)
        out.append(f'<line class="forecast {p.attr}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"'
                   f' stroke="{colour}" stroke-width="2.5" stroke-dasharray="2 4" stroke-linecap="round"/>')
        out.append(f'<circle cx="{x2:.1f}" cy="{y2:.1f}" r="4.5" fill="#fff" stroke="{colour}" stroke-width="2"/>')
    return out


def _series_lines(frame: _Frame, points: list[DayPoint]) -> list[str]:
    """The registered and the activated line, a dot on each day."""
    out = []
    for attr, colour in (("registered", REGISTERED_COLOUR), ("activated", ACTIVATED_COLOUR)):
        spots = [(frame.x(p.day), frame.y(getattr(p, attr))) for p in points]
        coords = " ".join(f"{xx:.1f},{yy:.1f}" for xx, yy in spots)
        out.append(f'<polyline class="{attr}" points="{coords}" fill="none" stroke="{colour}" stroke-width="3"'
                   ' stroke-linejoin="round"/>')  # fmt: skip
        out.extend(f'<circle cx="{xx:.1f}" cy="{yy:.1f}" r="3.5" fill="{colour}"/>' for xx, yy in spots)
    return out


def _label_days(points: list[DayPoint], most: int = 6) -> list[DayPoint]:
    """At most `most` evenly spaced day labels, always the first and the last."""
    if len(points) <= most:
        return points
    stride = math.ceil((len(points) - 1) / (most - 1))
    chosen = points[::stride]
    if chosen[-1] is not points[-1]:
        if (points[-1].day - chosen[-1].day).days < stride / 2 + 0.5:
            chosen = chosen[:-1]
        chosen.append(points[-1])
    return chosen
