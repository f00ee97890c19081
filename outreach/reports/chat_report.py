"""The plain-text summary the police paste into the Zalo group, at any hour.

Today's figure per unit is the current rollup (which is also today's snapshot) minus the
latest snapshot of an earlier day (normally yesterday's); the cumulative percentage is of
the activation quota at the campaign's target level, and the rank orders units by it.
Five queries, whatever the number of units.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import Area, AreaKind

from ..models import AreaDailySnapshot, Campaign
from .figures import AreaFigures, counts_of
from .formatting import fmt_date, fmt_int, fmt_pct, fmt_signed
from .progress import progress_for_area
from .ranking import competition_ranks


@dataclass
class ChatLine:
    figures: AreaFigures
    visited_today: int | None = None
    activated_today: int | None = None
    rank: int | None = None

    @property
    def pct(self) -> Decimal | None:
        return self.figures.activated_pct


@dataclass
class ChatReport:
    area: Area
    campaign: Campaign
    total: ChatLine
    lines: list[ChatLine] = field(default_factory=list)
    as_of: datetime.datetime | None = None
    baseline_day: datetime.date | None = None
    text: str = ""


def _units_label(kind: str) -> str:
    return {
        AreaKind.GROUP: _("tổ dân phố"), AreaKind.COMMUNE: _("xã, phường"),
        AreaKind.DISTRICT: _("quận, huyện"), AreaKind.PROVINCE: _("tỉnh, thành phố"),
    }.get(kind, _("đơn vị"))  # fmt: skip


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def chat_report(*, area: Area, campaign: Campaign, now: datetime.datetime | None = None) -> ChatReport:
    now = timezone.localtime(now)
    today = now.date()
    progress = progress_for_area(area=area, campaign=campaign)
    level = campaign.target_level
    units = [area.id] + [c.area_id for c in progress.children]
    baseline_day = AreaDailySnapshot.objects.filter(campaign=campaign, area=area, day__lt=today).aggregate(
        day=Max("day")
    )["day"]
    baseline = {}
    if baseline_day:
        rows = AreaDailySnapshot.objects.filter(Q(area=area) | Q(area__parent=area), campaign=campaign, day=baseline_day)
        baseline = {s.area_id: counts_of(s) for s in rows if s.area_id in units}

    def line(figures: AreaFigures) -> ChatLine:
        before = baseline.get(figures.area_id)
        if before is None:
            return ChatLine(figures=figures)
        return ChatLine(
            figures=figures, visited_today=figures.households_visited - before["households_visited"],
            activated_today=figures.activated - before[f"level{level}_activated"],
        )  # fmt: skip

    lines = [line(f) for f in progress.children]
    for i, rank in competition_ranks({i: ln.pct for i, ln in enumerate(lines)}).items():
        lines[i].rank = rank
    lines.sort(key=lambda ln: (ln.rank is None, ln.rank or 0, ln.figures.name))
    report = ChatReport(area=area, campaign=campaign, total=line(progress.area), lines=lines,
                        as_of=timezone.localtime(progress.computed_at) if progress.computed_at else now,
                        baseline_day=baseline_day)  # fmt: skip
    report.text = chat_text(report=report)
    return report


def _cumulative(figures: AreaFigures) -> str:
    if figures.activated_target is None:
        return _("lũy kế %(activated)s (chưa giao chỉ tiêu)") % {"activated": fmt_int(figures.activated)}
    return _("lũy kế %(activated)s/%(target)s = %(pct)s") % {
        "activated": fmt_int(figures.activated), "target": fmt_int(figures.activated_target),
        "pct": fmt_pct(figures.activated_pct),
    }  # fmt: skip


def chat_text(*, report: ChatReport) -> str:
    """Short lines, one unit per line, so the message reads well in a phone's chat window."""
    level = report.campaign.target_level
    total = report.total
    f = total.figures
    with_today = report.baseline_day is not None
    lines = [
        _("BÁO CÁO NHANH KÍCH HOẠT VNeID — %(area)s") % {"area": report.area.name.upper()},
        _("Số liệu lúc %(time)s ngày %(date)s. Chiến dịch: %(campaign)s (chỉ tiêu mức %(level)s).") % {
            "time": report.as_of.strftime("%H:%M"), "date": fmt_date(report.as_of.date()),
            "campaign": report.campaign.name, "level": level,
        },
        "",
    ]  # fmt: skip
    params = {
        "area": _lower_first(report.area.name), "visited": fmt_int(f.households_visited),
        "households": fmt_int(f.households_total), "level": level, "cumulative": _cumulative(f),
        "visited_today": fmt_signed(total.visited_today), "activated_today": fmt_signed(total.activated_today),
        "registered": fmt_int(f.registered), "registered_target": fmt_int(f.registered_target),
        "registered_pct": fmt_pct(f.registered_pct),
    }  # fmt: skip
    if with_today:
        lines.append(_("Toàn %(area)s: đã đến %(visited)s/%(households)s hộ (hôm nay %(visited_today)s); kích hoạt"
                       " mức %(level)s hôm nay %(activated_today)s, %(cumulative)s chỉ tiêu.") % params)
    else:
        lines.append(_("Toàn %(area)s: đã đến %(visited)s/%(households)s hộ; kích hoạt mức %(level)s"
                       " %(cumulative)s chỉ tiêu.") % params)
    if f.registered_target is not None:
        lines.append(_("Thu nhận hồ sơ mức %(level)s: %(registered)s/%(registered_target)s = %(registered_pct)s.")
                     % params)
    if report.lines:
        lines += ["", _("Theo %(units)s (xếp hạng theo %% chỉ tiêu kích hoạt):") % {
            "units": _units_label(report.lines[0].figures.kind)}]  # fmt: skip
        for ln in report.lines:
            g = ln.figures
            unit = {
                "rank": f"{ln.rank}." if ln.rank is not None else "-", "name": g.name,
                "visited": fmt_int(g.households_visited), "visited_today": fmt_signed(ln.visited_today),
                "activated_today": fmt_signed(ln.activated_today), "cumulative": _cumulative(g),
            }  # fmt: skip
            if with_today:
                lines.append(_("%(rank)s %(name)s: đến %(visited)s hộ (hôm nay %(visited_today)s); kích hoạt hôm nay"
                               " %(activated_today)s; %(cumulative)s") % unit)
            else:
                lines.append(_("%(rank)s %(name)s: đến %(visited)s hộ; %(cumulative)s") % unit)
    if not with_today:
        lines += ["", _("(Chưa có số liệu của ngày trước nên chưa tính phần tăng trong hôm nay.)")]
    return "\n".join(lines) + "\n"
