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
from .ranking import competition_ranks, name_key


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


# Up to this many units, every one is listed in rank order (a commune's groups). Past it (a
# city's communes: Hà Nội has 126), only the most lagging and the most active today, so the
# message stays short enough to paste into a Zalo group.
ALL_UNITS_UP_TO = 15
MOST_LAGGING = 10
MOST_ACTIVE = 5

# The kind of unit that starts an official name: lower-case after "Toàn" ("Toàn phường Ba
# Đình"). A proper name (Cà Mau, Việt Nam) keeps its capital.
_UNIT_WORDS = ("tổ dân phố", "thị trấn", "thị xã", "thành phố", "đặc khu", "phường", "xã", "quận", "huyện",
               "tỉnh", "thôn", "ấp", "bản", "khu phố", "tổ")  # fmt: skip


def in_sentence(name: str) -> str:
    lowered = name[:1].lower() + name[1:]
    for word in _UNIT_WORDS:
        if lowered.startswith(word + " ") and name[:1].isupper():
            return lowered
    return name


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
    lines.sort(key=lambda ln: (ln.rank is None, ln.rank or 0, name_key(ln)))
    report = ChatReport(area=area, campaign=campaign, total=line(progress.area), lines=lines,
                        as_of=timezone.localtime(progress.computed_at) if progress.computed_at else now,
                        baseline_day=baseline_day)  # fmt: skip
    report.text = chat_text(report=report)
    return report


def _cumulative(figures: AreaFigures, *, of_quota: bool = False) -> str:
    """of_quota: say "chỉ tiêu" after the percentage (the area's own line)."""
    if figures.activated_target is None:
        return _("lũy kế %(activated)s (chưa giao chỉ tiêu)") % {"activated": fmt_int(figures.activated)}
    text = _("lũy kế %(activated)s/%(target)s = %(pct)s chỉ tiêu") if of_quota else _(
        "lũy kế %(activated)s/%(target)s = %(pct)s")
    return text % {
        "activated": fmt_int(figures.activated), "target": fmt_int(figures.activated_target),
        "pct": fmt_pct(figures.activated_pct),
    }  # fmt: skip


def _units_shown(report: ChatReport) -> list[ChatLine]:
    """Every unit for a commune; for a city, the units lagging (below the area's own
    percentage, or with a quota and none activated), most lagging first, then the units with
    the most activity today, each list bounded."""
    if len(report.lines) <= ALL_UNITS_UP_TO:
        return report.lines
    overall = report.total.pct

    def lagging(ln: ChatLine) -> bool:
        if ln.pct is None:
            return False
        return ln.pct == 0 or (overall is not None and ln.pct < overall)

    slowest = sorted((ln for ln in report.lines if lagging(ln)), key=lambda ln: (ln.pct, name_key(ln)))
    shown = slowest[:MOST_LAGGING]
    listed = {id(ln) for ln in shown}
    active = [ln for ln in report.lines if id(ln) not in listed
              and ((ln.activated_today or 0) > 0 or (ln.visited_today or 0) > 0)]  # fmt: skip
    active.sort(key=lambda ln: (-(ln.activated_today or 0), -(ln.visited_today or 0), name_key(ln)))
    return shown + active[:MOST_ACTIVE]


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
        "area": in_sentence(report.area.name), "visited": fmt_int(f.households_visited),
        "households": fmt_int(f.households_total), "level": level, "cumulative": _cumulative(f, of_quota=True),
        "visited_today": fmt_signed(total.visited_today), "activated_today": fmt_signed(total.activated_today),
        "registered": fmt_int(f.registered), "registered_target": fmt_int(f.registered_target),
        "registered_pct": fmt_pct(f.registered_pct),
    }  # fmt: skip
    if with_today:
        lines.append(_("Toàn %(area)s: đã đến %(visited)s/%(households)s hộ (hôm nay %(visited_today)s); kích hoạt"
                       " mức %(level)s hôm nay %(activated_today)s, %(cumulative)s.") % params)
    else:
        lines.append(_("Toàn %(area)s: đã đến %(visited)s/%(households)s hộ; kích hoạt mức %(level)s"
                       " %(cumulative)s.") % params)
    if f.registered_target is not None:
        lines.append(_("Thu nhận hồ sơ mức %(level)s: %(registered)s/%(registered_target)s = %(registered_pct)s.")
                     % params)
    if report.lines:
        units = _units_label(report.lines[0].figures.kind)
        shown = _units_shown(report)
        if len(shown) == len(report.lines):
            lines += ["", _("Theo %(units)s (xếp hạng theo %% chỉ tiêu kích hoạt):") % {"units": units}]
        else:
            lines += ["", _("Theo %(units)s: chậm nhất trước, rồi có kết quả nhiều nhất hôm nay (số đầu dòng là hạng"
                            " theo %% chỉ tiêu kích hoạt trong %(count)s đơn vị):") % {
                "units": units, "count": fmt_int(len(report.lines))}]  # fmt: skip
        for ln in shown:
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
        others = len(report.lines) - len(shown)
        if others:
            lines.append(_("… và %(n)s đơn vị khác.") % {"n": fmt_int(others)})  # the editions' msgid too
    if not with_today:
        lines += ["", _("(Chưa có số liệu của ngày trước nên chưa tính phần tăng trong hôm nay.)")]
    return "\n".join(lines) + "\n"
