"""Đúng (correct): one person recorded twice, one phone number for many households, ID
numbers whose century and year digits disagree with the birth date, and age at the door
against age in the roster. Each selector is one queryset; the board counts it."""

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, ExtractYear, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from households.idnumber import id_number_birth_year
from households.models import ELIGIBLE_AGE, Resident, eligibility_cutoff

from ..models import ResidentState
from ..reports.lists import Column
from .base import RESIDENT_COLUMNS, Check, Scope, resident_cells, spec

ORDER = ("household__area__path", "household__walk_key", "household_id", "id")
OTHER = Column("other", _l("Trùng với"))


def _people(scope: Scope):
    return scope.residents().select_related("household__area").order_by(*ORDER)


def _other(matches, column: str):
    return Subquery(matches.order_by("id").values(column)[:1])


def _with_other(qs, matches):
    """The first other record, named only where it lies inside the area read."""
    return qs.annotate(other_name=_other(matches, "full_name"), other_address=_other(matches, "household__address_text"),
                       other_path=_other(matches, "household__area__path"))  # fmt: skip


def same_id_number(scope: Scope):
    """Residents of the area whose ID number another household of the area also holds (the
    ID number index makes the look-up cheap). Only inside: whether a number is held in
    another commune is not this officer's to learn (DESIGN.md §6)."""
    matches = scope.residents().filter(id_number=OuterRef("id_number")).exclude(household_id=OuterRef("household_id"))
    return _with_other(_people(scope).filter(id_number__isnull=False).filter(Exists(matches)), matches)


def same_name_and_birth(scope: Scope):
    """The same name (diacritics-free, so Hoà and Hòa match) and full birth date in two
    households of the area."""
    matches = scope.residents().filter(name_key=OuterRef("name_key"), birth_date=OuterRef("birth_date")).exclude(
        household_id=OuterRef("household_id"))
    return _with_other(_people(scope).filter(birth_date__isnull=False).filter(Exists(matches)), matches)


def shared_phone(scope: Scope):
    """People whose phone number is also given for people of at least N households of the
    area (a family's one phone is normal; a volunteer's own number typed for strangers is not).
    The numbers are found with one grouped pass over the area (phones have no index: a
    look-up per resident took 45 s for a 5,000-household ward)."""
    shared = (scope.residents().exclude(phone="").order_by().values("phone")
              .annotate(n=Count("household_id", distinct=True)).filter(n__gte=scope.params.shared_phone_households))
    sharing = shared.filter(phone=OuterRef("phone")).values("n")
    return (_people(scope).filter(phone__in=shared.values("phone"))
            .annotate(households_sharing=Subquery(sharing, output_field=IntegerField()))
            .order_by("phone", *ORDER))  # fmt: skip


def _id_year():
    """id_number_birth_year in SQL: the century digit (4th) and the two year digits (5th, 6th)."""
    century = Case(*(When(**{"id_century": str(d)}, then=Value(1900 + 100 * (d // 2))) for d in range(10)),
                   output_field=IntegerField())  # fmt: skip
    return century + Cast(Substr("id_number", 5, 2), IntegerField())


def id_birth_mismatch(scope: Scope):
    """The ID number's century and year digits against the birth date (or year) recorded."""
    return (_people(scope).filter(id_number__isnull=False)
            .annotate(id_century=Substr("id_number", 4, 1), known_year=Coalesce(ExtractYear("birth_date"), "birth_year", output_field=IntegerField()))
            .annotate(id_year=_id_year()).filter(known_year__isnull=False).exclude(id_year=F("known_year")))  # fmt: skip


def age_at_door_mismatch(scope: Scope):
    """14 or older by the roster but "under 14" at the door, and under 14 by the roster but
    helped or asked about VNeID at the door (the last outcome of the campaign)."""
    if scope.campaign is None:
        return Resident.objects.none()
    cutoff, year = eligibility_cutoff(scope.today), scope.today.year - ELIGIBLE_AGE
    eligible = Q(birth_date__lte=cutoff) | Q(birth_date__isnull=True, birth_year__lte=year)
    young = Q(birth_date__gt=cutoff) | Q(birth_date__isnull=True, birth_year__gt=year)
    states = ResidentState.objects.filter(campaign=scope.campaign, resident=OuterRef("pk"))
    too_young = states.filter(last_outcome__code="not_eligible")
    served = states.filter(~Q(last_outcome__vneid_status="") | ~Q(last_outcome__interest=""))
    return (_people(scope).annotate(door_young=Exists(too_young), door_served=Exists(served))
            .filter((eligible & Q(door_young=True)) | (young & Q(door_served=True))))  # fmt: skip


def _other_row(obj, *, scope: Scope, shown: frozenset[str]) -> dict:
    inside = (obj.other_path or "").startswith(scope.area.path)
    other = f"{obj.other_name} — {obj.other_address}" if inside else _("Một nhân khẩu ở địa bàn khác")
    return {**resident_cells(obj, shown=shown), "other": other}


def _phone_row(obj, *, scope: Scope, shown: frozenset[str]) -> dict:
    return {**resident_cells(obj, shown=shown), "households_sharing": obj.households_sharing}


def _id_row(obj, *, scope: Scope, shown: frozenset[str]) -> dict:
    return {**resident_cells(obj, shown=shown), "id_year": id_number_birth_year(obj.id_number),
            "known_year": obj.known_year}  # fmt: skip


def _age_row(obj, *, scope: Scope, shown: frozenset[str]) -> dict:
    door = _("Tại nhà ghi chưa đủ 14 tuổi") if obj.door_young else _("Tại nhà đã hỗ trợ như người từ 14 tuổi")
    return {**resident_cells(obj, shown=shown), "door": door}


CHECKS = (
    Check("trung-so-dinh-danh", "dung", spec(
        "trung-so-dinh-danh", _l("Một số định danh ở hai hộ"),
        _l("Cùng một số định danh được ghi cho người ở hai hộ khác nhau."), (*RESIDENT_COLUMNS, OTHER)),
        same_id_number, _other_row),
    Check("trung-ten-ngay-sinh", "dung", spec(
        "trung-ten-ngay-sinh", _l("Trùng họ tên và ngày sinh ở hai hộ"),
        _l("Cùng họ tên (không kể dấu) và ngày sinh ở hai hộ của địa bàn: có thể là một người ghi hai lần."),
        (*RESIDENT_COLUMNS, OTHER)), same_name_and_birth, _other_row),
    Check("dung-chung-so-dien-thoai", "dung", spec(
        "dung-chung-so-dien-thoai", _l("Một số điện thoại cho nhiều hộ"),
        _l("Một số điện thoại được ghi cho người ở nhiều hộ khác nhau: số không chính chủ, hoặc số của người ghi."),
        (*RESIDENT_COLUMNS, Column("households_sharing", _l("Số hộ dùng chung"), "int"))),
        shared_phone, _phone_row),
    Check("so-dinh-danh-lech-nam-sinh", "dung", spec(
        "so-dinh-danh-lech-nam-sinh", _l("Số định danh lệch năm sinh"),
        _l("Chữ số thế kỷ và năm sinh trong số định danh không khớp với ngày sinh đã ghi."),
        (*RESIDENT_COLUMNS, Column("id_year", _l("Năm sinh theo số định danh"), "int"),
         Column("known_year", _l("Năm sinh đã ghi"), "int"))), id_birth_mismatch, _id_row),
    Check("tuoi-lech-tai-nha", "dung", spec(
        "tuoi-lech-tai-nha", _l("Tuổi ghi tại nhà khác danh sách"),
        _l("Danh sách ghi từ 14 tuổi nhưng tại nhà ghi chưa đủ 14 tuổi, hoặc ngược lại."),
        (*RESIDENT_COLUMNS, Column("door", _l("Tại nhà")))), age_at_door_mismatch, _age_row),
)  # fmt: skip
