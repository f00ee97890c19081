"""An officer's decisions on the board's items, each stored once (QualityDecision, unique
per check and item) and audited; a second tap finds the decision and does nothing again.

An item is looked up through its check's own selector in the officer's scope, so an id of
another commune, or of an item the check does not list, is answered as a missing one."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from households.ids import parse_id
from households.roster_write import roster_confirm_gone

from ..audit.models import AuditAction
from ..audit.services import audit_change
from .base import Check, Scope
from .current import GONE
from .models import QualityDecision

Verdict = QualityDecision.Verdict
_EVENING_KEY = re.compile(r"[0-9]{1,19}:[0-9]{8}:[0-9]{1,19}")  # doubt._evening's "user:yyyymmdd:commune"


class ItemNotFound(Exception):
    """Not an item of this check in the officer's scope: the page answers 404."""


class DecisionRefused(Exception):
    """The registry refused the change; the message says why, to the officer."""


@dataclass(frozen=True)
class Decided:
    decision: QualityDecision
    done: bool  # False: it had been decided already


def _existing(*, scope: Scope, check: Check, key: str) -> QualityDecision | None:
    found = QualityDecision.objects.filter(check_slug=check.slug, key=key).select_related("area").first()
    if found is not None and not scope.area.contains(found.area):
        raise ItemNotFound  # decided by someone else elsewhere: the same answer as no such item
    return found


def _item(*, scope: Scope, check: Check, key: str):
    """The listed object the key names, with the area it lies in."""
    if check.unit == "evening":
        if not _EVENING_KEY.fullmatch(key) or not check.select(scope).filter(evening=key).exists():
            raise ItemNotFound
        return None, scope.area
    pk = parse_id(key)
    if pk is None or key != str(pk):  # one spelling per item: "٣" or "03" would be a second decision
        raise ItemNotFound
    if check.confirmed:  # confirmed in Python (distances): the item must be one of those
        obj = next((o for o in check.confirmed(scope) if o.pk == pk), None)
    else:
        obj = check.select(scope).filter(pk=pk).first()
    if obj is None:
        raise ItemNotFound
    if check.unit == "visit":
        return obj, obj.household.area
    resident = getattr(obj, "resident", obj)
    return obj, resident.household.area


def _store(*, check: Check, key: str, verdict: str, area, user, **ids) -> QualityDecision | None:
    try:
        with transaction.atomic():
            return QualityDecision.objects.create(check_slug=check.slug, key=key, verdict=verdict, area=area,
                                                  decided_by=user, **ids)  # fmt: skip
    except IntegrityError:  # the same item decided a moment ago (a double tap on two phones)
        return None


@transaction.atomic
def flag_decide(*, user, scope: Scope, check: Check, key: str, verdict: str, request=None) -> Decided:
    """Confirm (the visit or evening is doubtful) or dismiss a "visits to doubt" flag."""
    if check.action != "decide" or verdict not in (Verdict.CONFIRMED, Verdict.DISMISSED):
        raise ItemNotFound
    if (found := _existing(scope=scope, check=check, key=key)) is not None:
        return Decided(found, False)
    obj, area = _item(scope=scope, check=check, key=key)
    ids = {}
    if check.unit == "visit":
        ids["visit_id"] = obj.pk
    elif obj is not None:
        ids.update(visit_id=obj.visit_id, resident_id=obj.resident_id)
    decision = _store(check=check, key=key, verdict=verdict, area=area, user=user, **ids)
    if decision is None:
        return Decided(QualityDecision.objects.get(check_slug=check.slug, key=key), False)
    audit_change(user=user, action=AuditAction.QUALITY_DECISION, area=area, object_type="outreach.qualitydecision",
                 object_id=decision.pk, request=request, detail={"check": check.slug, "key": key, "verdict": verdict})
    return Decided(decision, True)


@transaction.atomic
def gone_record(*, user, scope: Scope, check: Check, resident_id: int, request=None) -> Decided:
    """The residence registry is updated for a person the door reported moved or deceased
    (their status is confirmed through the registry's own roster_confirm_gone), or a KT2
    person is handed over to the ward where they live."""
    if check.action != "gone":
        raise ItemNotFound
    key = str(resident_id)
    if (found := _existing(scope=scope, check=check, key=key)) is not None:
        return Decided(found, False)
    resident = check.select(scope).filter(pk=resident_id).first()
    if resident is None:
        raise ItemNotFound
    status = resident.residence_status
    if check.slug == GONE:
        try:
            roster_confirm_gone(area=scope.area, resident_ids=[resident.pk], status=status)
        except ValidationError as exc:
            raise DecisionRefused(_("Không cập nhật được: %(error)s") % {"error": " ".join(exc.messages)}) from None
    area = resident.household.area
    decision = _store(check=check, key=key, verdict=Verdict.RECORDED, area=area, user=user, resident_id=resident.pk)
    if decision is None:
        return Decided(QualityDecision.objects.get(check_slug=check.slug, key=key), False)
    audit_change(user=user, action=AuditAction.QUALITY_DECISION, area=area, object_type="households.resident",
                 object_id=resident.pk, fields=["residence_status"] if check.slug == GONE else [], request=request,
                 detail={"check": check.slug, "status": status, "verdict": Verdict.RECORDED})  # fmt: skip
    return Decided(decision, True)
