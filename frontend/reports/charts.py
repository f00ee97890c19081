"""The daily trend chart, drawn on the server as SVG: no JavaScript, no chart library, and
readable by a screen reader through its <title> and <desc>.

Two cumulative lines (registered and activated at the campaign's target level) against
the two quota lines, one point per snapshot day, days labelled dd/mm.
"""

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from outreach.reports.formatting import fmt_date, fmt_int
from outreach.reports.progress import DayPoint

# Two drawings of the same chart: a narrow one for phones and a wide one for desktops, so
# the labels are about 13 px on both instead of shrinking on one and swelling on the other.
PHONE = (360, 250)
DESKTOP = (880, 300)
LEFT, RIGHT, TOP, BOTTOM = 56, 18, 14, 30
FONT = 14
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


def trend_svg(
    *, points: list[DayPoint], registered_target: int | None, activated_target: int | None, level: int,
    area_name: str, chart_id: str = "trend", size: tuple[int, int] = DESKTOP,
) -> SafeString | None:
    if not points:
        return None
    width, height = size
    values = [p.registered for p in points] + [p.activated for p in points]
    top = max(values + [registered_target or 0, activated_target or 0, 1])
    step = nice_step(top)
    y_max = step * math.ceil(top * 1.05 / step)
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    first, last = points[0].day, points[-1].day
    days = max((last - first).days, 1)

    def x(day) -> float:
        if first == last:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day - first).days / days

    def y(value: int) -> float:
        return TOP + plot_h * (1 - value / y_max)

    title = _("Tiến độ theo ngày — %(area)s") % {"area": area_name}
    last_point = points[-1]
    desc = _(
        "Từ %(start)s đến %(end)s: đã thu nhận hồ sơ mức %(level)s tăng từ %(r0)s lên %(r1)s (chỉ tiêu %(rt)s);"
        " đã kích hoạt tăng từ %(a0)s lên %(a1)s (chỉ tiêu %(at)s)."
    ) % {
        "start": fmt_date(first), "end": fmt_date(last), "level": level,
        "r0": fmt_int(points[0].registered), "r1": fmt_int(last_point.registered), "rt": fmt_int(registered_target),
        "a0": fmt_int(points[0].activated), "a1": fmt_int(last_point.activated), "at": fmt_int(activated_target),
    }  # fmt: skip
    out = [
        f'<svg class="trend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img"'
        f' aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg"'
        f' font-family="system-ui, sans-serif" font-size="{FONT}">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]
    for value in range(0, y_max + 1, step):
        yy = y(value)
        out.append(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" fill="#444">{fmt_int(value)}</text>')
    labels = _label_days(points, most=5 if width < 500 else 10)
    for point in labels:
        xx = x(point.day)
        # The last label ends at its tick, so it is not cut off at the right edge.
        anchor = "end" if point is points[-1] and len(points) > 1 else "middle"
        out.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 4}" stroke="#444"/>')
        out.append(f'<text x="{xx + (4 if anchor == "end" else 0):.1f}" y="{height - 10}" text-anchor="{anchor}"'
                   f' fill="#444">{point.day.strftime("%d/%m")}</text>')  # fmt: skip
    out.append(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="#444"/>')
    quotas = [(t, c, label) for t, c, label in (
        (registered_target, REGISTERED_COLOUR, _("Chỉ tiêu thu nhận")),
        (activated_target, ACTIVATED_COLOUR, _("Chỉ tiêu kích hoạt")),
    ) if t]  # fmt: skip
    quotas.sort(key=lambda q: -q[0])
    for i, (target, colour, label) in enumerate(quotas):
        yy = y(target)
        out.append(f'<line class="quota" x1="{LEFT}" x2="{width - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}"'
                   f' stroke="{colour}" stroke-width="2" stroke-dasharray="6 4"/>')  # fmt: skip
        # The higher quota is labelled above its line, the lower one below, so two close
        # quotas never print over each other.
        below = i == 1 and len(quotas) == 2
        ty = yy + FONT + 2 if below else yy - 5
        out.append(f'<text x="{width - RIGHT}" y="{ty:.1f}" text-anchor="end" fill="{colour}" font-size="{FONT - 1}"'
                   f' paint-order="stroke" stroke="#fff" stroke-width="3">{escape(label)} {fmt_int(target)}</text>')
    for attr, colour, cls in (("registered", REGISTERED_COLOUR, "registered"), ("activated", ACTIVATED_COLOUR,
                                                                               "activated")):  # fmt: skip
        coords = " ".join(f"{x(p.day):.1f},{y(getattr(p, attr)):.1f}" for p in points)
        out.append(f'<polyline class="{cls}" points="{coords}" fill="none" stroke="{colour}" stroke-width="3"'
                   ' stroke-linejoin="round"/>')  # fmt: skip
        for p in points:
            out.append(f'<circle cx="{x(p.day):.1f}" cy="{y(getattr(p, attr)):.1f}" r="3.5" fill="{colour}"/>')
    out.append("</svg>")
    return mark_safe("\n".join(out))  # noqa: S308 - every text inside is escaped or a formatted number


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
