"""Đủ (complete): eligible residents living here without an ID number, a phone or a birth
date; households with nobody in them; eligible people the teams have been to see several
times and never given an outcome."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _l

from households.models import Resident

from ..models import HouseholdState, VisitResidentOutcome
from ..reports.lists import Column
from .base import HOUSEHOLD_COLUMNS, LAST_VISIT, RESIDENT_COLUMNS, Check, Scope, household_row, local, resident_cells
from .base import resident_row, spec
from .correct import ORDER


def _eligible(scope: Scope):
    return scope.residents().living_here().eligible_on(scope.today).select_related("household__area").order_by(*ORDER)


def without_id_number(scope: Scope):
    return _eligible(scope).filter(id_number__isnull=True)


def without_phone(scope: Scope):
    return _eligible(scope).filter(phone="")


def without_birth_date(scope: Scope):
    """Eligible by birth year alone: the 14th birthday, and so the day they may register, is a guess."""
    return _eligible(scope).filter(birth_date__isnull=True)


def empty_households(scope: Scope):
    return (scope.households().exclude(Exists(Resident.objects.filter(household=OuterRef("pk"))))
            .select_related("area").order_by("area__path", "walk_key", "id"))  # fmt: skip


def never_given_an_outcome(scope: Scope):
    """Eligible people of households visited at least N times in the campaign who have no
    outcome of their own in it: the team sees the household and never asks about them."""
    if scope.campaign is None:
        return Resident.objects.none()
    n = scope.params.visits_without_outcome
    states = HouseholdState.objects.filter(campaign=scope.campaign, household=OuterRef("household_id"),
                                           visit_count__gte=n)  # fmt: skip
    outcomes = VisitResidentOutcome.objects.filter(resident=OuterRef("pk"), visit__campaign_id=scope.campaign.id)
    return (_eligible(scope).filter(Exists(states)).exclude(Exists(outcomes))
            .annotate(visits=states.values("visit_count")[:1], last_visit=states.values("last_device_time")[:1]))  # fmt: skip


def _never_row(obj, *, scope: Scope, shown: frozenset[str]) -> dict:
    return {**resident_cells(obj, shown=shown), "visits": obj.visits, "last_visit": local(obj.last_visit)}


CHECKS = (
    Check("thieu-so-dinh-danh", "du", spec(
        "thieu-so-dinh-danh", _l("Thiếu số định danh"), _l("Người từ 14 tuổi đang ở địa bàn chưa có số định danh."),
        RESIDENT_COLUMNS), without_id_number, resident_row),
    Check("thieu-so-dien-thoai", "du", spec(
        "thieu-so-dien-thoai", _l("Thiếu số điện thoại"), _l("Người từ 14 tuổi đang ở địa bàn chưa có số điện thoại."),
        RESIDENT_COLUMNS), without_phone, resident_row),
    Check("thieu-ngay-sinh", "du", spec(
        "thieu-ngay-sinh", _l("Thiếu ngày sinh"),
        _l("Người từ 14 tuổi chỉ có năm sinh: chưa biết chính xác ngày đủ 14 tuổi."), RESIDENT_COLUMNS),
        without_birth_date, resident_row),
    Check("ho-khong-co-nguoi", "du", spec(
        "ho-khong-co-nguoi", _l("Hộ chưa có nhân khẩu"), _l("Hộ trong danh sách không có nhân khẩu nào."),
        HOUSEHOLD_COLUMNS, "household"), empty_households, household_row, unit="household"),
    Check("chua-co-ket-qua", "du", spec(
        "chua-co-ket-qua", _l("Đến nhiều lần, chưa có kết quả"),
        _l("Người từ 14 tuổi ở hộ đã đến nhiều lần trong chiến dịch nhưng chưa lần nào ghi kết quả cho họ."),
        (*RESIDENT_COLUMNS, Column("visits", _l("Số lần đến hộ"), "int"), LAST_VISIT)),
        never_given_an_outcome, _never_row),
)  # fmt: skip
