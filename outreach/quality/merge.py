"""Merging two records of one person from the possible-duplicates queue, every visit kept.

The newer record (the queue row's `resident`, typically created at the door) is merged into
the older one (`other`): its resident outcomes are re-pointed to the kept record (the
visits themselves are household events and never move), the kept record takes what only
the newer one knew (birth date, sex, phone, ID number), its VNeID status is the higher of
the two, and its projection state is folded again from its outcomes with the projection's
own rule. Then the newer record is removed, which is what makes the person count once.
The queue row is kept, resolved "same person", pointing at the kept record on both sides
(the removed one's id is in the QualityDecision and the audit row). The residential groups
of both records are marked for their rollups to be recounted.

Every key to Resident is handled here: VisitResidentOutcome (re-pointed), ResidentState
(folded again), PossibleDuplicate (resolved or queued again). tests/test_quality_actions.py
fails when a new one appears, so that this list grows with the model.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import VNEID_RANK, Area, PossibleDuplicate, Resident
from households.services import duplicates_queue, household_update, resident_update

from ..audit.models import AuditAction
from ..audit.services import audit_change
from ..models import Campaign, OutcomeCode, ResidentState, VisitResidentOutcome
from ..rollups.services import rollups_mark_dirty
from ..rollups.tasks import rollups_schedule_refresh
from ..visits.projection import _fold_resident, _new_resident_state
from .models import QualityDecision

SLUG = "nghi-trung"
TAKEN_FIELDS = ("birth_date", "birth_year", "sex", "phone", "id_number")
RESIDENT_KEYS = {("outreach", "visitresidentoutcome"), ("outreach", "residentstate"), ("households", "possibleduplicate")}


class MergeRefused(Exception):
    """The two records cannot be merged as they are; the message says why, to the officer."""


@dataclass(frozen=True)
class MergeResult:
    kept_id: int
    done: bool  # False: the row was already resolved (a second tap); nothing was done again


def _open_row(*, area: Area, queue_id: int) -> PossibleDuplicate:
    # Locked: two officers (or two taps) merging the same row must not both re-point.
    # Both records inside the area, as the list (clean.duplicates_open): a pair across two
    # communes is answered as no such row, never "the other one is elsewhere".
    row = (PossibleDuplicate.objects.select_for_update(of=("self",)).filter(area.subtree("resident__household__area"),
                                                                            area.subtree("other__household__area"),
                                                                            pk=queue_id)
           .select_related("resident__household__area", "other__household__area").first())  # fmt: skip
    if row is None:
        raise PossibleDuplicate.DoesNotExist
    return row


def _refuse_unless_mergeable(*, area: Area, kept: Resident, dup: Resident) -> None:
    if not area.contains(kept.household.area):
        raise MergeRefused(_("Bản ghi kia ở địa bàn khác: công an nơi đó hoặc quản trị viên mới gộp được."))
    shared = set(VisitResidentOutcome.objects.filter(resident=dup).values_list("visit_id", flat=True)) & set(
        VisitResidentOutcome.objects.filter(resident=kept).values_list("visit_id", flat=True))
    if shared:
        raise MergeRefused(_("Hai bản ghi có kết quả trong cùng một lượt đến nhà: không gộp được mà giữ đủ cả hai. "
                             "Ghi là hai người khác nhau, hoặc nhờ quản trị viên xử lý."))


def _taken(*, kept: Resident, dup: Resident) -> dict:
    """What only the newer record knew."""
    return {f: getattr(dup, f) for f in TAKEN_FIELDS if not getattr(kept, f) and getattr(dup, f)}


def _refold(resident: Resident) -> None:
    """The resident's state rows from its outcomes alone (the rebuild's fold, one resident)."""
    ResidentState.objects.filter(resident=resident).delete()
    codes = {c.id: c for c in OutcomeCode.objects.all()}
    states = {}
    for o in VisitResidentOutcome.objects.filter(resident=resident).select_related("visit").order_by("id"):
        o.outcome = codes[o.outcome_id]
        campaign_id = o.visit.campaign_id
        if campaign_id not in states:
            states[campaign_id] = _new_resident_state(campaign_id, resident.id, o)
        _fold_resident(states[campaign_id], resident, o)
    ResidentState.objects.bulk_create(states.values())


def _mark_rollups(group_ids: set[int]) -> None:
    campaign_ids = set(Campaign.objects.filter(is_active=True).values_list("id", flat=True))
    if campaign_ids:
        rollups_mark_dirty(pairs={(c, g) for c in campaign_ids for g in group_ids}, at=timezone.now())
        transaction.on_commit(lambda: rollups_schedule_refresh(campaign_ids=campaign_ids))


def _move_everything(*, kept: Resident, dup: Resident) -> tuple[int, int]:
    """Re-point the outcomes, raise VNeID, fold the state again: (outcomes, visits) moved."""
    outcomes = VisitResidentOutcome.objects.filter(resident=dup)
    visits = outcomes.values("visit_id").distinct().count()
    moved = outcomes.update(resident=kept)
    for field in ("vneid_level1", "vneid_level2"):
        if VNEID_RANK[getattr(dup, field)] > VNEID_RANK[getattr(kept, field)]:
            setattr(kept, field, getattr(dup, field))
    ResidentState.objects.filter(resident=dup).delete()
    _refold(kept)
    Resident.objects.filter(pk=kept.pk).update(vneid_level1=kept.vneid_level1, vneid_level2=kept.vneid_level2,
                                               residence_status=kept.residence_status)  # fmt: skip
    return moved, visits


@transaction.atomic
def duplicate_merge(*, user, area: Area, queue_id: int, request=None) -> MergeResult:
    """Merge the queue row's newer record into the older one. Raises
    PossibleDuplicate.DoesNotExist outside `area` (the officer's), MergeRefused when the
    records cannot be merged whole."""
    row = _open_row(area=area, queue_id=queue_id)
    if row.resolution:
        return MergeResult(kept_id=row.other_id, done=False)
    kept, dup = row.other, row.resident
    _refuse_unless_mergeable(area=area, kept=kept, dup=dup)
    taken = _taken(kept=kept, dup=dup)
    dup_id, dup_household = dup.pk, dup.household
    thirds = set(PossibleDuplicate.objects.filter(resident=dup).exclude(pk=row.pk).values_list("other_id", flat=True))
    thirds |= set(PossibleDuplicate.objects.filter(other=dup).values_list("resident_id", flat=True))
    moved, visits = _move_everything(kept=kept, dup=dup)
    row.resident, row.resolution, row.resolved_at = kept, PossibleDuplicate.Resolution.SAME_PERSON, timezone.now()
    row.save(update_fields=["resident", "resolution", "resolved_at"])
    dup.delete()  # its other queue rows go with it; the people they paired it with are queued again below
    try:
        resident_update(resident=Resident.objects.get(pk=kept.pk), **taken)  # logs the change for the phones
    except ValidationError as exc:
        raise MergeRefused(_("Thông tin hai bản ghi không khớp nhau (%(error)s): sửa một bản ghi trước khi gộp.")
                           % {"error": " ".join(exc.messages)}) from None  # fmt: skip
    household_update(household=dup_household)  # the phones holding it drop the removed record
    for third in Resident.objects.filter(pk__in=thirds - {kept.pk}):
        duplicates_queue(resident=third)
    QualityDecision.objects.create(check_slug=SLUG, key=str(row.pk), verdict=QualityDecision.Verdict.MERGED,
                                   area=kept.household.area, resident_id=kept.pk, other_resident_id=dup_id,
                                   decided_by=user)  # fmt: skip
    audit_change(user=user, action=AuditAction.QUALITY_MERGE, area=kept.household.area,
                 object_type="households.resident", object_id=kept.pk, fields=sorted(taken), request=request,
                 detail={"merged_resident": dup_id, "queue": row.pk, "outcomes_moved": moved, "visits": visits})  # fmt: skip
    _mark_rollups({kept.household.area_id, dup_household.area_id})
    return MergeResult(kept_id=kept.pk, done=True)


@transaction.atomic
def duplicate_keep_apart(*, user, area: Area, queue_id: int, request=None) -> bool:
    """Two different people (a number typed wrong): the row is resolved, both records stay.
    Returns False when it was resolved already."""
    row = _open_row(area=area, queue_id=queue_id)
    if row.resolution:
        return False
    row.resolution, row.resolved_at = PossibleDuplicate.Resolution.DIFFERENT_PEOPLE, timezone.now()
    row.save(update_fields=["resolution", "resolved_at"])
    QualityDecision.objects.create(check_slug=SLUG, key=str(row.pk), verdict=QualityDecision.Verdict.DIFFERENT,
                                   area=row.resident.household.area, resident_id=row.resident_id,
                                   other_resident_id=row.other_id, decided_by=user)  # fmt: skip
    audit_change(user=user, action=AuditAction.QUALITY_DECISION, area=row.resident.household.area,
                 object_type="households.possibleduplicate", object_id=row.pk, request=request,
                 detail={"check": SLUG, "verdict": QualityDecision.Verdict.DIFFERENT})  # fmt: skip
    return True
