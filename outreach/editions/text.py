"""The text of an edition: short lines for a phone's chat window, and for a city only the
units that moved since the previous edition or lag most, so it stays a message, not a file.
Editions are made by the beat, outside any request: they are written in Vietnamese, the
language of the groups they are pasted into."""

import datetime
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..reports.chat_report import ChatLine, ChatReport, in_sentence
from ..reports.formatting import fmt_date, fmt_int, fmt_pct, fmt_signed
from .models import ChatEdition, EditionSlot

ACTIVE_SHOWN = 8
LAGGING_SHOWN = 3


@dataclass
class EditionData:
    report: ChatReport
    slot: str
    now: datetime.datetime
    previous: ChatEdition | None
    reasons: list[tuple[str, int]]


def edition_text(data: EditionData) -> str:
    with translation.override("vi"):
        lines = _header(data) + _since(data) + _lagging(data) + _reasons(data) + _active(data)
    return "\n".join(lines) + "\n"


def _header(data: EditionData) -> list[str]:
    report, f = data.report, data.report.total.figures
    title = _("BẢN TIN SÁNG") if data.slot == EditionSlot.MORNING else _("BẢN TIN TỐI")
    if f.activated_target is None:
        cumulative = _("kích hoạt %(n)s (chưa giao chỉ tiêu)") % {"n": fmt_int(f.activated)}
    else:
        cumulative = _("kích hoạt %(n)s/%(target)s = %(pct)s chỉ tiêu") % {
            "n": fmt_int(f.activated), "target": fmt_int(f.activated_target), "pct": fmt_pct(f.activated_pct)}  # fmt: skip
    return [
        f"{title} {fmt_date(data.now.date())} — {report.area.name.upper()}",
        _("VNeID mức %(level)s · số liệu lúc %(time)s.") % {"level": report.campaign.target_level,
                                                          "time": data.now.strftime("%H:%M")},  # fmt: skip
        _("Toàn %(area)s: đã đến %(visited)s/%(total)s hộ; %(cumulative)s.") % {
            "area": in_sentence(report.area.name), "visited": fmt_int(f.households_visited), "total": fmt_int(f.households_total),
            "cumulative": cumulative},  # fmt: skip
    ]


def _delta(line: ChatLine, before: list | None) -> tuple[int, int]:
    if not before:
        return 0, 0
    return line.figures.households_visited - before[0], line.figures.activated - before[1]


def _since(data: EditionData) -> list[str]:
    if data.previous is None:
        return ["", _("Bản tin đầu tiên của chiến dịch cho địa bàn này.")]
    visited, activated = _delta(data.report.total, data.previous.figures.get("total"))
    made = timezone.localtime(data.previous.made_at)
    return ["", _("Từ bản tin trước (%(time)s %(date)s): %(visited)s hộ được đến, %(activated)s người kích hoạt.") % {
        "time": made.strftime("%H:%M"), "date": fmt_date(made.date()),
        "visited": fmt_signed(visited), "activated": fmt_signed(activated)}]  # fmt: skip


def _lagging(data: EditionData) -> list[str]:
    """The units furthest behind the area as a whole, by share of the activation quota."""
    overall = data.report.total.pct
    behind = [ln for ln in data.report.lines if ln.pct is not None and (overall is None or ln.pct < overall)]
    behind.sort(key=lambda ln: (ln.pct, ln.figures.name))
    if not behind:
        return []
    return ["", _("Chậm nhất:")] + [f"- {ln.figures.name}: {fmt_pct(ln.pct)}" for ln in behind[:LAGGING_SHOWN]]


def _reasons(data: EditionData) -> list[str]:
    if not data.reasons:
        return []
    listed = "; ".join(f"{label} ({fmt_int(n)})" for label, n in data.reasons)
    return ["", _("Vướng mắc chính: %(reasons)s.") % {"reasons": listed}]


def _active(data: EditionData) -> list[str]:
    """Units with households reached or people activated since the previous edition."""
    if data.previous is None:
        return []
    units = data.previous.figures.get("units", {})
    # A unit missing from the previous edition had nothing then (new, or no rollup yet).
    moved = [(ln, *_delta(ln, units.get(str(ln.figures.area_id), [0, 0]))) for ln in data.report.lines]
    moved = [m for m in moved if m[1] > 0 or m[2] > 0]
    if not moved:
        return ["", _("Không đơn vị nào có thêm kết quả từ bản tin trước.")]
    moved.sort(key=lambda m: (-m[2], -m[1], m[0].figures.name))
    lines = ["", _("Có kết quả từ bản tin trước (%(n)s đơn vị):") % {"n": fmt_int(len(moved))}]
    lines += [_("- %(name)s: %(visited)s hộ, %(activated)s kích hoạt") % {
        "name": ln.figures.name, "visited": fmt_signed(v), "activated": fmt_signed(a)} for ln, v, a in moved[:ACTIVE_SHOWN]]  # fmt: skip
    if len(moved) > ACTIVE_SHOWN:
        lines.append(_("… và %(n)s đơn vị khác.") % {"n": fmt_int(len(moved) - ACTIVE_SHOWN)})
    return lines
