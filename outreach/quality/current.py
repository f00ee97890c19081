"""Sống (current): people the teams found at the door not living here (KT2), moved away or
deceased, for the commune police to update the residence registry, with the KT2 people as
a hand-over list for the ward where they live; and households nobody has been to lately.

A resident leaves these lists once an officer records the hand-over (QualityDecision), not
when the door reports them: the residence registry is changed by people, not by a visit."""

import datetime

from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _l

from households.models import ResidenceStatus

from ..models import ResidentState, Visit
from ..visits.models import Channel
from ..reports.lists import Column
from .base import HOUSEHOLD_COLUMNS, LAST_VISIT, NOTE, RESIDENT_COLUMNS, Check, Scope, household_cells, local
from .base import resident_cells, spec
from .correct import ORDER
from .models import QualityDecision

GONE = "chuyen-di-mat"
KT2 = "kt2-ban-giao"
STALE = "lau-chua-den"


def _reported(scope: Scope, *, slug: str, statuses: list[str]):
    """Residents whose status is one of `statuses` as a visit set it (their state in some
    campaign says so), not yet handed over."""
    states = ResidentState.objects.filter(resident=OuterRef("pk"), residence_status=OuterRef("residence_status"))
    latest = states.order_by("-residence_time")
    decided = QualityDecision.objects.filter(check_slug=slug, resident_id=OuterRef("pk"))
    return (scope.residents().filter(residence_status__in=statuses).filter(Exists(states)).exclude(Exists(decided))
            .annotate(reported_at=Subquery(latest.values("residence_time")[:1]),
                      reported_visit=Subquery(latest.values("residence_visit_id")[:1]))
            .annotate(note=Subquery(Visit.objects.filter(pk=OuterRef("reported_visit")).values("note")[:1]))
            .select_related("household__area").order_by(*ORDER))  # fmt: skip


def moved_or_deceased(scope: Scope):
    return _reported(scope, slug=GONE, statuses=[ResidenceStatus.MOVED, ResidenceStatus.DECEASED])


def kt2_handover(scope: Scope):
    return _reported(scope, slug=KT2, statuses=[ResidenceStatus.KT2])


def not_visited_lately(scope: Scope):
    """Households with no visit (of any campaign) in the last N days, never visited ones first."""
    since = scope.now - datetime.timedelta(days=scope.params.stale_days)
    door = Visit.objects.filter(channel=Channel.DOOR)  # a phone call is not a visit of the house
    recent = door.filter(household=OuterRef("pk"), device_time__gte=since)
    last = door.filter(household=OuterRef("pk")).order_by().values("household").annotate(m=Max("device_time"))
    return (scope.households().exclude(Exists(recent)).annotate(last_visit=Subquery(last.values("m")[:1]))
            .select_related("area").order_by("-last_visit", "area__path", "walk_key", "id"))  # fmt: skip


def _reported_row(obj, *, scope: Scope, shown: frozenset[str]) -> dict:
    return {**resident_cells(obj, shown=shown), "status": ResidenceStatus(obj.residence_status).label,
            "reported_at": local(obj.reported_at), "note": obj.note or ""}  # fmt: skip


def _stale_row(obj, *, scope: Scope, shown: frozenset[str]) -> dict:
    return {**household_cells(obj), "last_visit": local(obj.last_visit)}


REPORTED = (Column("status", _l("Tại nhà ghi")), Column("reported_at", _l("Ghi lúc"), "datetime"), NOTE)

CHECKS = (
    Check(GONE, "song", spec(
        GONE, _l("Đã chuyển đi, đã mất"),
        _l("Tổ công tác ghi tại nhà là đã chuyển đi hoặc đã mất: công an phường cập nhật cơ sở dữ liệu cư trú, "
           "rồi bấm “Đã cập nhật”."), (*RESIDENT_COLUMNS, *REPORTED)),
        moved_or_deceased, _reported_row, action="gone"),
    Check(KT2, "song", spec(
        KT2, _l("Không ở tại địa chỉ (KT2)"),
        _l("Có đăng ký thường trú nhưng không ở đây: danh sách bàn giao cho công an nơi họ đang ở (ghi chú của "
           "tổ công tác thường ghi nơi ở), bấm “Đã bàn giao” khi xong."), (*RESIDENT_COLUMNS, *REPORTED)),
        kt2_handover, _reported_row, action="gone"),
    Check(STALE, "song", spec(
        STALE, _l("Lâu chưa đến"), _l("Hộ không có lượt đến nào trong 30 ngày qua (kể cả hộ chưa đến lần nào)."),
        (*HOUSEHOLD_COLUMNS, LAST_VISIT), "household"), not_visited_lately, _stale_row, unit="household"),
)  # fmt: skip
