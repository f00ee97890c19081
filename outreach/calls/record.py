"""Recording a call (issue 19, part 1): a Visit with channel "phone" of the resident's
household, carrying the resident's outcome, folded into the projection and marked for the
rollups in the same transaction, as the push does for a door visit.

Idempotent like the push: the client makes a UUID per call; a retried POST with the same
UUID and the same content answers what the first one did and writes nothing; the same UUID
with other content is refused. Nothing is written unless every check passes."""

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import Resident

from ..access import AreaScope
from ..models import Campaign, Visit, VisitResidentOutcome
from ..rollups.services import rollups_mark_dirty
from ..rollups.tasks import rollups_schedule_refresh
from ..visits.models import Channel
from ..visits.projection import NewOutcome, NewVisit, projection_apply
from .claims import hold_length, rest_length
from .codes import HOUSEHOLD_CODE, VNEID_REACHED, call_codes, resident_code_for
from .models import CallClaim, CallOutcome

CALLBACK_MAX_DAYS = 30


class CallRefused(Exception):
    """A call that cannot be recorded; the message is for the caller (Vietnamese)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message, self.code = message, code


class CallNotFound(CallRefused):
    """The resident does not exist or lies outside the caller's area: the same answer for
    both, so nothing leaks about other areas."""


@dataclass(frozen=True)
class CallInput:
    client_uuid: uuid.UUID
    resident_id: int
    outcome: str
    vneid: str = ""
    callback_at: datetime.datetime | None = None
    note: str = ""

    def content_hash(self) -> str:
        body = {"resident": self.resident_id, "outcome": self.outcome, "vneid": self.vneid,
                "callback_at": self.callback_at.isoformat() if self.callback_at else None, "note": self.note}
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class CallRecorded:
    visit_id: int
    resident_id: int
    outcome: str
    duplicate: bool = False


def _check_input(call: CallInput, *, now: datetime.datetime) -> None:
    if call.outcome not in CallOutcome.values:
        raise CallRefused(_("Kết quả cuộc gọi không hợp lệ."), "outcome_invalid")
    if call.vneid and (call.outcome != CallOutcome.ASSISTED or call.vneid not in VNEID_REACHED):
        raise CallRefused(_("Mức VNeID chỉ ghi khi đã hỗ trợ qua điện thoại."), "vneid_invalid")
    if call.outcome == CallOutcome.CALL_BACK:
        if call.callback_at is None:
            raise CallRefused(_("Hãy chọn giờ gọi lại."), "callback_missing")
        if call.callback_at <= now:
            raise CallRefused(_("Giờ gọi lại phải sau bây giờ."), "callback_past")
        if call.callback_at > now + datetime.timedelta(days=CALLBACK_MAX_DAYS):
            raise CallRefused(_("Giờ gọi lại không được quá %(days)d ngày.") % {"days": CALLBACK_MAX_DAYS},
                              "callback_far")  # fmt: skip
    elif call.callback_at is not None:
        raise CallRefused(_("Giờ gọi lại chỉ ghi khi hẹn gọi lại."), "callback_unexpected")
    if len(call.note) > 1000:
        raise CallRefused(_("Ghi chú dài quá 1.000 ký tự."), "note_too_long")


def _replayed(call: CallInput, *, user) -> CallRecorded | None:
    """The stored answer to a call with this UUID, if any (a retried POST)."""
    stored = Visit.objects.filter(client_uuid=call.client_uuid).values("id", "content_hash", "recorded_by_id").first()
    if stored is None:
        return None
    if stored["content_hash"] != call.content_hash() or stored["recorded_by_id"] != user.pk:
        raise CallRefused(_("Mã cuộc gọi này đã dùng cho một cuộc gọi khác. Hãy tải lại trang."), "uuid_conflict")
    return CallRecorded(visit_id=stored["id"], resident_id=call.resident_id, outcome=call.outcome, duplicate=True)


def calls_record(*, user, campaign: Campaign, scope: AreaScope, call: CallInput,
                 now: datetime.datetime | None = None) -> CallRecorded:  # fmt: skip
    """Record one call by `user`, who must hold the resident's number. Raises CallNotFound
    (outside the scope), CallRefused (anything else wrong), nothing written either way."""
    now = now or timezone.now()
    _check_input(call, now=now)
    resident = scope.filter(Resident.objects.select_related("household"), "household__area").filter(
        pk=call.resident_id).first()  # fmt: skip
    if resident is None:
        raise CallNotFound(_("Không tìm thấy người này trong địa bàn của bạn."), "resident_not_found")
    try:
        with transaction.atomic():
            return _record(user=user, campaign=campaign, resident=resident, call=call, now=now)
    except IntegrityError:
        # The same UUID committed by a concurrent retry between our check and our insert.
        replayed = _replayed(call, user=user)
        if replayed is None:
            raise
        return replayed


def _record(*, user, campaign: Campaign, resident: Resident, call: CallInput, now) -> CallRecorded:
    # The claim row's lock orders concurrent posts about this number: a retry waits for the
    # first to commit and then finds its visit.
    claim = CallClaim.objects.select_for_update().filter(campaign=campaign, resident=resident).first()
    replayed = _replayed(call, user=user)
    if replayed is not None:
        return replayed
    if claim is None or claim.holder_id != user.pk or claim.done_at is not None or claim.expires_at <= now:
        raise CallRefused(_("Số này không còn do bạn giữ (đã hết hạn hoặc người khác đang gọi). Hãy nhận số mới."),
                          "not_your_claim")  # fmt: skip
    codes = call_codes()
    household_code, resident_code = codes[HOUSEHOLD_CODE], codes[resident_code_for(call.outcome, call.vneid)]
    visit = Visit.objects.create(
        client_uuid=call.client_uuid, campaign=campaign, household_id=resident.household_id, recorded_by=user,
        device_time=now, server_time=now, effective_time=now, outcome=household_code, note=call.note,
        revisit_after=call.callback_at, content_hash=call.content_hash(), channel=Channel.PHONE,
    )  # fmt: skip
    VisitResidentOutcome.objects.create(visit=visit, resident=resident, outcome=resident_code)
    new_visit = NewVisit(id=visit.id, campaign_id=campaign.id, household_id=resident.household_id, effective_time=now,
                         outcome=household_code, revisit_after=call.callback_at, channel=Channel.PHONE)  # fmt: skip
    projection_apply(visits=[new_visit],
                     outcomes=[NewOutcome(visit=new_visit, resident_id=resident.id, outcome=resident_code, reason_id=None)])
    _settle_claim(claim, call=call, now=now)
    rollups_mark_dirty(pairs={(campaign.id, resident.household.area_id)}, at=now)
    transaction.on_commit(lambda: rollups_schedule_refresh(campaign_ids={campaign.id}))
    return CallRecorded(visit_id=visit.id, resident_id=resident.id, outcome=call.outcome)


def _settle_claim(claim: CallClaim, *, call: CallInput, now) -> None:
    """What the number becomes: kept for a call-back, resting after no answer, else done."""
    claim.calls += 1
    if call.outcome == CallOutcome.CALL_BACK:
        claim.callback_at, claim.expires_at = call.callback_at, call.callback_at + hold_length()
    else:
        claim.holder, claim.expires_at, claim.callback_at = None, None, None
        if call.outcome == CallOutcome.NO_ANSWER:
            claim.available_at = now + rest_length()
        else:
            claim.done_at = now
    claim.save(update_fields=["calls", "callback_at", "expires_at", "holder", "available_at", "done_at"])
