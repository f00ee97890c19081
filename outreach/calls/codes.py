"""The outcome codes a phone call is recorded with, and what each call outcome means.

A call is a Visit (channel "phone") of the resident's household carrying one resident
outcome, so the projection folds it as it folds a door visit: interest, VNeID status. The
phone's own codes are rows like every code but created inactive: the field app is sent the
active codes only (outreach/sync/pull.py), and the push refuses an inactive code that was
never retired, so no door visit can carry a phone outcome. Assisted calls that reached a
VNeID level use the door's own assisted codes: the status means the same however reached."""

from django.utils.translation import gettext_lazy as _

from ..campaigns.models import OutcomeCode, OutcomeScope
from .models import CallOutcome

HOUSEHOLD_CODE = "phone_call"

# code, scope, label_vi, label_en, effects
PHONE_CODES = [
    (HOUSEHOLD_CODE, OutcomeScope.HOUSEHOLD, "Gọi điện thoại", "Phone call", {}),
    ("call_interested", OutcomeScope.RESIDENT, "Nghe máy, quan tâm", "Answered, interested",
     {"interest": "interested"}),
    ("call_assisted", OutcomeScope.RESIDENT, "Đã hỗ trợ qua điện thoại", "Assisted by phone",
     {"interest": "interested"}),
    ("call_no_answer", OutcomeScope.RESIDENT, "Gọi không nghe máy", "No answer", {}),
    ("call_wrong_number", OutcomeScope.RESIDENT, "Sai số điện thoại", "Wrong number", {}),
    ("call_back", OutcomeScope.RESIDENT, "Hẹn gọi lại", "Call back later", {}),
]  # fmt: skip

# The VNeID step an assisted call reached, as the door's code for it ("" = none reached).
VNEID_REACHED = {
    "": "call_assisted",
    "l1_registered": "assisted_l1_registered",
    "l1_activated": "assisted_l1_activated",
    "l2_registered": "assisted_l2_registered",
    "l2_activated": "assisted_l2_activated",
}
VNEID_CHOICES = [
    ("", _("Chưa đạt mức nào")),
    ("l1_registered", _("Đã đăng ký mức 1, chờ duyệt")),
    ("l1_activated", _("Đã kích hoạt mức 1")),
    ("l2_registered", _("Đã thu nhận hồ sơ mức 2")),
    ("l2_activated", _("Đã kích hoạt mức 2")),
]

OUTCOME_CODE = {
    CallOutcome.INTERESTED: "call_interested",
    CallOutcome.NO_ANSWER: "call_no_answer",
    CallOutcome.WRONG_NUMBER: "call_wrong_number",
    CallOutcome.CALL_BACK: "call_back",
}
# The resident outcome codes of a call the person picked up (the rollups' "answered").
ANSWERED_CODES = ("call_interested", "call_back", *VNEID_REACHED.values())
ASSISTED_CODES = tuple(VNEID_REACHED.values())


def resident_code_for(outcome: str, vneid: str) -> str:
    return VNEID_REACHED[vneid] if outcome == CallOutcome.ASSISTED else OUTCOME_CODE[outcome]


def call_codes() -> dict[str, OutcomeCode]:
    """The global codes a call uses, by code, the phone's own created (inactive) when
    missing: a database that never ran the seed still records calls."""
    wanted = {c[0] for c in PHONE_CODES} | set(VNEID_REACHED.values())
    codes = {c.code: c for c in OutcomeCode.objects.filter(campaign=None, code__in=wanted)}
    for order, (code, scope, label_vi, label_en, effects) in enumerate(PHONE_CODES):
        if code not in codes:
            codes[code], _created = OutcomeCode.objects.get_or_create(
                code=code, campaign=None,
                defaults={"scope": scope, "label_vi": label_vi, "label_en": label_en, "sort_order": 200 + order,
                          "is_active": False, **effects})  # fmt: skip
    return codes
