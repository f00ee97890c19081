"""Visits to doubt: a volunteer recording households faster than anyone walks, positions
kilometres apart minutes apart, an evening where every door opened, and outcomes that
contradict an earlier one. Flags only: nothing is changed or deleted; an officer confirms
or dismisses each (services.flag_decide), and a decided flag leaves the open list.

Per evening checks key their flag "user id:yyyymmdd:commune id" (the device's local date), per visit
checks the visit id, per outcome the outcome id, so a decision finds its flag again."""

import datetime
import math

from django.db.models import CharField, Count, Exists, F, FloatField, Max, Min, OuterRef, Q, Value, Window
from django.db.models.functions import Abs, Cast, Concat, ExtractDay, ExtractMonth, ExtractYear, Lag
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from ..models import Visit, VisitResidentOutcome
from ..visits.models import Channel
from ..reports.lists import ADDRESS, GROUP, Column
from ..visits.geo import distance_m
from .base import RECORDER, RESIDENT_COLUMNS, Check, Scope, household_cells, local, recorder_name, resident_cells
from .base import spec
from .models import QualityDecision

PACE, JUMP, RATE, CONTRADICTION = "nhanh-bat-thuong", "vi-tri-nhay-xa", "gap-gan-het", "ket-qua-mau-thuan"
KM_PER_DEGREE = 111.32
# Longitude degrees shrink with latitude; 24° is north of every Vietnamese commune but the
# very tip of Hà Giang, so a box this wide never misses a pair the distance would flag.
LON_SHRINK = math.cos(math.radians(24))


def _visits(scope: Scope):
    if scope.campaign is None:
        return Visit.objects.none()
    # Door visits: a caller's evening of calls is not a walk (issue 19's phone channel).
    return Visit.objects.filter(scope.area.subtree("household__area"), campaign_id=scope.campaign.id,
                                channel=Channel.DOOR)  # fmt: skip


def _undecided(qs, slug: str, key: str = "pk"):
    keyed = Cast(key, CharField()) if key == "pk" else F(key)
    return qs.annotate(flag_key=keyed).exclude(Exists(QualityDecision.objects.filter(check_slug=slug,
                                                                                     key=OuterRef("flag_key"))))


def _evening(qs):
    """Each visit's recorder, local day and commune, as the flag key "user:yyyymmdd:commune":
    a volunteer's evening in two communes is two flags, each its own commune's to decide."""
    zone = timezone.get_current_timezone()
    day = (ExtractYear("device_time", tzinfo=zone) * 10000 + ExtractMonth("device_time", tzinfo=zone) * 100
           + ExtractDay("device_time", tzinfo=zone))  # fmt: skip
    return qs.annotate(day=day).annotate(evening=Concat(
        Cast("recorded_by_id", CharField()), Value(":"), Cast("day", CharField()), Value(":"),
        Cast("household__area__parent_id", CharField()), output_field=CharField()))


def _grouped(qs):
    return (qs.values("evening", "recorded_by_id", "recorded_by__username", "recorded_by__first_name",
                      "recorded_by__last_name", "day")
            .annotate(visits=Count("id"), first=Min("device_time"), last=Max("device_time")).order_by("-day", "evening"))


def _by_walk(expression, offset: int = 1):
    """The value `offset` visits earlier in the same volunteer's walk (by the phone's clock)."""
    return Window(Lag(expression, offset=offset), partition_by=[F("recorded_by_id")],
                  order_by=[F("device_time").asc(), F("id").asc()])


def too_fast(scope: Scope):
    """Evenings in which a volunteer recorded more than N households within M minutes (by
    the phone's clock, which is what the volunteer's walking follows): a visit whose N-th
    predecessor in the same walk is less than M minutes older. One window pass over the
    area's visits (a look-up per visit took 16 s for 40,000 visits); it counts visits, so a
    household recorded twice in those minutes counts twice, which is as doubtful."""
    p = scope.params
    visits = _undecided(_evening(_visits(scope)), PACE, "evening")
    fast = visits.annotate(before=_by_walk("device_time", p.pace_households)).filter(
        before__gt=F("device_time") - datetime.timedelta(minutes=p.pace_minutes))
    return _grouped(visits.filter(evening__in=fast.values("evening")))


def _peak(row, scope: Scope) -> int:
    """The most households in any M-minute window of that evening (one query per row shown)."""
    p = scope.params
    times = list(_evening(_visits(scope)).filter(evening=row["evening"]).order_by("device_time")
                 .values_list("device_time", "household_id"))  # fmt: skip
    best, span = 0, datetime.timedelta(minutes=p.pace_minutes)
    for i, (end, _) in enumerate(times):
        best = max(best, len({h for t, h in times[: i + 1] if t > end - span}))
    return best


def too_successful(scope: Scope):
    """Evenings of at least N visits where nearly every household was met (people are out)."""
    p = scope.params
    rows = _grouped(_undecided(_evening(_visits(scope)), RATE, "evening")).annotate(
        met=Count("id", filter=Q(outcome__household_reached=True)))
    # met / visits >= rate_percent %, in integers: met·100 >= visits·rate_percent.
    short = F("visits") * p.rate_percent - F("met") * 100
    return rows.annotate(short=short).filter(visits__gte=p.rate_min_visits, short__lte=0)


def _jump_candidates(scope: Scope):
    """Each positioned visit beside the same volunteer's previous positioned one (one window
    pass), narrowed to those M minutes or less apart whose degrees differ enough."""
    p = scope.params
    reach = p.jump_km / math.sqrt(2) / KM_PER_DEGREE  # a distance of d has a side of at least d/√2
    lat, lon = Cast("latitude", output_field=FloatField()), Cast("longitude", output_field=FloatField())
    qs = (_visits(scope).filter(latitude__isnull=False, longitude__isnull=False)
          .annotate(prev_lat=_by_walk(lat), prev_lon=_by_walk(lon), prev_time=_by_walk("device_time"))
          .annotate(dlat=Abs(lat - F("prev_lat")), dlon=Abs(lon - F("prev_lon"))))  # fmt: skip
    close_in_time = Q(prev_time__gte=F("device_time") - datetime.timedelta(minutes=p.jump_minutes))
    far = Q(dlat__gte=reach) | Q(dlon__gte=reach / LON_SHRINK)
    return (qs.filter(close_in_time).filter(far).select_related("household__area", "recorded_by", "outcome")
            .order_by("-device_time", "-id"))  # fmt: skip


def far_apart(scope: Scope) -> list:
    """Visits recorded M minutes or less after the same volunteer's previous one, at least
    K km from it, not decided yet: narrowed in SQL, measured here."""
    metres = scope.params.jump_km * 1000
    out = []
    for v in _jump_candidates(scope):
        v.distance = distance_m(v.prev_lat, v.prev_lon, v.latitude, v.longitude)
        if v.distance is not None and v.distance >= metres:
            out.append(v)
    # Decided flags are left out here, not in SQL: a filter there would change whose
    # predecessor each visit is.
    decided = set(QualityDecision.objects.filter(check_slug=JUMP, key__in=[str(v.pk) for v in out])
                  .values_list("key", flat=True))  # fmt: skip
    return [v for v in out if str(v.pk) not in decided]


def contradicting(scope: Scope):
    """A later outcome that an earlier one rules out: activated, then "no smartphone" or
    "under 14"; deceased, then helped or asked about VNeID."""
    if scope.campaign is None:
        return VisitResidentOutcome.objects.none()
    earlier = VisitResidentOutcome.objects.filter(resident_id=OuterRef("resident_id"),
                                                  visit__effective_time__lt=OuterRef("visit__effective_time"))
    activated = earlier.filter(outcome__vneid_status="activated")
    deceased = earlier.filter(outcome__residence_status="deceased")
    later_denial = Q(reason__code="no_smartphone") | Q(outcome__code="not_eligible")
    later_served = ~Q(outcome__vneid_status="") | ~Q(outcome__interest="")
    qs = VisitResidentOutcome.objects.filter(scope.area.subtree("resident__household__area"),
                                             visit__campaign_id=scope.campaign.id)
    qs = _undecided(qs, CONTRADICTION).annotate(was_activated=Exists(activated), was_deceased=Exists(deceased))
    return (qs.filter((later_denial & Q(was_activated=True)) | (later_served & Q(was_deceased=True)))
            .select_related("resident__household__area", "visit__recorded_by", "outcome", "reason")
            .order_by("-visit__effective_time", "-id"))  # fmt: skip


def _evening_row(row, *, scope: Scope, shown: frozenset[str]) -> dict:
    # As User.get_full_name(): the demo and the admin keep the family names in first_name.
    name = " ".join(p for p in (row["recorded_by__first_name"], row["recorded_by__last_name"]) if p)
    day = datetime.date(row["day"] // 10000, row["day"] // 100 % 100, row["day"] % 100)
    out = {"key": row["evening"], "recorder": name or row["recorded_by__username"], "day": day,
           "visits": row["visits"], "first": local(row["first"]), "last": local(row["last"])}  # fmt: skip
    if "met" in row:
        out["met"] = row["met"]
        out["rate"] = f"{round(100 * row['met'] / row['visits'])} %"
    else:
        out["peak"] = _peak(row, scope)
    return out


def _jump_row(v, *, scope: Scope, shown: frozenset[str]) -> dict:
    minutes = round((v.device_time - v.prev_time).total_seconds() / 60)
    return {**household_cells(v.household), "key": str(v.pk), "recorder": recorder_name(v.recorded_by),
            "when": local(v.device_time), "km": f"{v.distance / 1000:.1f}".replace(".", ","), "minutes": minutes}  # fmt: skip


def _contradiction_row(o, *, scope: Scope, shown: frozenset[str]) -> dict:
    from ..reports.lists import code_label

    now = code_label(o.reason) if o.reason_id and o.reason.code == "no_smartphone" else code_label(o.outcome)
    before = _l("Đã mất") if o.was_deceased else _l("Đã kích hoạt")
    return {**resident_cells(o.resident, shown=shown), "key": str(o.pk), "recorder": recorder_name(o.visit.recorded_by),
            "when": local(o.visit.device_time), "before": str(before), "now": now}  # fmt: skip


WHEN = Column("when", _l("Lúc (giờ trên máy)"), "datetime")
DAY = Column("day", _l("Ngày"), "date")
EVENING = (RECORDER, DAY, Column("visits", _l("Số lượt đến"), "int"), Column("first", _l("Từ"), "datetime"),
           Column("last", _l("Đến"), "datetime"))  # fmt: skip

CHECKS = (
    Check(PACE, "nghi-van", spec(
        PACE, _l("Ghi nhanh bất thường"),
        _l("Một người ghi quá 10 hộ trong 10 phút (theo giờ trên máy): nhanh hơn đi bộ từng nhà."),
        (*EVENING, Column("peak", _l("Nhiều nhất trong 10 phút"), "int")), "evening"),
        too_fast, _evening_row, action="decide", unit="evening"),
    Check(JUMP, "nghi-van", spec(
        JUMP, _l("Vị trí nhảy xa"), _l("Hai lượt ghi liền nhau của một người cách nhau vài cây số trong vài phút."),
        (RECORDER, WHEN, ADDRESS, GROUP, Column("km", _l("Cách lượt trước (km)")),
         Column("minutes", _l("Sau lượt trước (phút)"), "int")), "visit"),
        _jump_candidates, _jump_row, count=lambda scope: len(far_apart(scope)), confirmed=far_apart,
        action="decide", unit="visit"),
    Check(RATE, "nghi-van", spec(
        RATE, _l("Gặp được gần hết"),
        _l("Một buổi có từ 15 lượt đến trở lên mà gần như hộ nào cũng gặp được người (từ 95 %)."),
        (*EVENING, Column("met", _l("Số hộ gặp được"), "int"), Column("rate", _l("Tỉ lệ gặp")))),
        too_successful, _evening_row, action="decide", unit="evening"),
    Check(CONTRADICTION, "nghi-van", spec(
        CONTRADICTION, _l("Kết quả mâu thuẫn"),
        _l("Kết quả trái với lần trước: đã kích hoạt rồi lại ghi “không có điện thoại thông minh”, đã mất rồi lại "
           "được hỗ trợ…"),
        (*RESIDENT_COLUMNS, RECORDER, WHEN, Column("before", _l("Trước đó")), Column("now", _l("Lần này")))),
        contradicting, _contradiction_row, action="decide"),
)  # fmt: skip
