"""Sạch (clean): the queue of possible duplicates (a resident recorded with an ID number
another record holds, queued by the push and the imports: households.services
.duplicates_queue), and names stored garbled by a wrong encoding or not in NFC.

The two name checks narrow in SQL to names holding a suspicious character and confirm in
Python with the registry's own test (households.roster_read's mojibake pattern, the one the
roster import refuses files by; unicodedata's NFC check), so the board counts only the few
candidates, never every name of the area."""

import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from households.models import PossibleDuplicate
from households.roster_read import _MOJIBAKE as MOJIBAKE

from ..reports.lists import Column
from .base import RESIDENT_COLUMNS, Check, Scope, local, resident_cells, resident_row, spec
from .correct import ORDER, OTHER

# Every character the mojibake pattern starts a match with, in a form PostgreSQL's and
# Python's regular expressions read alike (a literal class and a literal pair).
_MOJIBAKE_CANDIDATE = "[¡-¿ÄÅÆÇËÎÏÑÖ×ØÛÜÞßäåæçëîïñö÷øûüþÿ?]|â€"
# Combining marks: text typed or pasted decomposed (NFD), as some Mac and old Windows tools do.
_COMBINING_CANDIDATE = "[\u0300-\u036f\u1dc0-\u1dff]"


def duplicates_open(scope: Scope):
    """Unresolved queue rows with both records in the area. A pair across two communes is
    not shown to either commune's officer: listing it would tell them that a number exists
    elsewhere (DESIGN.md §6, no answer depends on data outside the scope); an officer whose
    area holds both (the administrator, province leadership) sees it."""
    return (PossibleDuplicate.objects.filter(scope.area.subtree("resident__household__area"),
                                             scope.area.subtree("other__household__area"), resolution="")
            .select_related("resident__household__area", "other__household__area")
            .order_by("-found_at", "id"))  # fmt: skip


def _mojibake_candidates(scope: Scope):
    return scope.residents().filter(full_name__regex=_MOJIBAKE_CANDIDATE).select_related("household__area").order_by(*ORDER)


def mojibake_names(scope: Scope) -> list:
    return [r for r in _mojibake_candidates(scope) if MOJIBAKE.search(r.full_name)]


def _nfc_candidates(scope: Scope):
    return scope.residents().filter(full_name__regex=_COMBINING_CANDIDATE).select_related("household__area").order_by(*ORDER)


def non_nfc_names(scope: Scope) -> list:
    return [r for r in _nfc_candidates(scope) if not unicodedata.is_normalized("NFC", r.full_name)]


def _duplicate_row(obj: PossibleDuplicate, *, scope: Scope, shown: frozenset[str]) -> dict:
    other = obj.other
    inside = scope.area.contains(other.household.area)
    described = f"{other.full_name} — {other.household.address_display}" if inside else _("Một nhân khẩu ở địa bàn khác")
    return {**resident_cells(obj.resident, shown=shown), "other": described, "found_at": local(obj.found_at),
            "queue_id": obj.pk, "other_inside": inside}  # fmt: skip


CHECKS = (
    Check("nghi-trung", "sach", spec(
        "nghi-trung", _l("Nghi trùng số định danh"),
        _l("Người được ghi tại nhà hoặc khi nhập danh sách với số định danh đã có: gộp nếu là một người "
           "(mọi lượt đến nhà được giữ), hoặc ghi là hai người khác nhau."),
        (*RESIDENT_COLUMNS, OTHER, Column("found_at", _l("Phát hiện lúc"), "datetime"))),
        duplicates_open, _duplicate_row, action="merge"),
    Check("loi-phong-chu", "sach", spec(
        "loi-phong-chu", _l("Tên lỗi bảng mã"),
        _l("Tên có ký tự lạ do lưu sai bảng mã (Windows-1258, TCVN3…): cần sửa lại theo giấy tờ."), RESIDENT_COLUMNS),
        _mojibake_candidates, resident_row, count=lambda scope: len(mojibake_names(scope)), confirmed=mojibake_names),
    Check("chua-chuan-unicode", "sach", spec(
        "chua-chuan-unicode", _l("Tên chưa chuẩn Unicode dựng sẵn"),
        _l("Tên gõ bằng dấu rời (tổ hợp): trông giống nhưng không tìm thấy, không sắp xếp đúng."), RESIDENT_COLUMNS),
        _nfc_candidates, resident_row, count=lambda scope: len(non_nfc_names(scope)), confirmed=non_nfc_names),
)  # fmt: skip
