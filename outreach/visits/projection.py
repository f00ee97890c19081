"""The projection of the visit log onto current status.

Visits are the truth; HouseholdState, ResidentState and the residents' VNeID and residence
status are derived from them. `projection_apply` folds new visits in, in the writer's
transaction; `projection_rebuild` recomputes everything from the log and must agree with
it (tests/test_projection_and_rollups.py). The rebuild runs the pure fold below; the
incremental path folds the batch with the same rule and merges it into the stored rows in
SQL (one upsert per table). The order is deterministic: the latest visit by effective time (device time, capped at the server's
receive time) wins, ties broken by server order (the visit id). VNeID status only ever
rises: an account once activated stays activated.
"""

import datetime
from typing import NamedTuple

from django.db import transaction

from households.models import VNEID_RANK, Resident, VneidStatus

from ..models import Campaign, HouseholdState, OutcomeCode, ResidentState, Visit, VisitResidentOutcome
from ..rowsql import insert_rows, update_objects, update_rows

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_RESIDENT_FIELDS = ["vneid_level1", "vneid_level2", "residence_status"]


def _later(time_a, id_a, time_b, id_b) -> bool:
    return (time_a, id_a) > (time_b or _EPOCH, id_b or 0)


# --- the fold: pure, no queries ----------------------------------------------------------


def _fold_household(state: HouseholdState, visit: Visit) -> None:
    state.visit_count += 1
    if _later(visit.effective_time, visit.id, state.last_device_time, state.last_visit_id):
        outcome = visit.outcome
        state.last_visit_id, state.last_device_time, state.last_outcome_id = visit.id, visit.effective_time, outcome.id
        state.reached = outcome.household_reached
        state.needs_revisit = outcome.needs_revisit
        state.revisit_after = visit.revisit_after if outcome.needs_revisit else None


def _fold_resident(state: ResidentState, resident: Resident, o: VisitResidentOutcome) -> bool:
    """Fold one resident outcome into the state; return True if the resident row changed."""
    visit, outcome, changed = o.visit, o.outcome, False
    if _later(visit.effective_time, visit.id, state.last_device_time, state.last_visit_id):
        state.last_visit_id, state.last_device_time = visit.id, visit.effective_time
        state.last_outcome_id, state.last_reason_id = outcome.id, o.reason_id
    if outcome.interest and _later(visit.effective_time, visit.id, state.interest_time, state.interest_visit_id):
        state.interest, state.interest_time, state.interest_visit_id = outcome.interest, visit.effective_time, visit.id
    if outcome.residence_status and _later(
        visit.effective_time, visit.id, state.residence_time, state.residence_visit_id
    ):
        state.residence_status = outcome.residence_status
        state.residence_time, state.residence_visit_id = visit.effective_time, visit.id
        if resident.residence_status != outcome.residence_status:
            resident.residence_status = outcome.residence_status
            changed = True
    if outcome.vneid_level and outcome.vneid_status:
        field = f"vneid_level{outcome.vneid_level}"
        if VNEID_RANK[outcome.vneid_status] > VNEID_RANK[getattr(resident, field)]:
            setattr(resident, field, outcome.vneid_status)
            changed = True
    return changed


def _new_household_state(campaign_id: int, household_id: int, visit: Visit) -> HouseholdState:
    return HouseholdState(campaign_id=campaign_id, household_id=household_id, last_visit=visit,
                          last_device_time=_EPOCH, last_outcome_id=visit.outcome_id, visit_count=0)  # fmt: skip


def _new_resident_state(campaign_id: int, resident_id: int, o: VisitResidentOutcome) -> ResidentState:
    return ResidentState(campaign_id=campaign_id, resident_id=resident_id, last_visit=o.visit,
                         last_device_time=_EPOCH, last_outcome_id=o.outcome_id)  # fmt: skip


def _group(items, key) -> dict:
    grouped = {}
    for item in sorted(items, key=key):
        grouped.setdefault(key(item), []).append(item)
    return grouped


# _door_only: a phone call (Visit.channel "phone", outreach/calls) is a visit of the
# resident's household in the log, and its resident outcome folds like any other (interest,
# VNeID status). The household's own state is the door's: reached, to revisit, visit count,
# what the walk lists and the "households visited" figures read. A call changes none of it.

# --- incremental, in the push transaction ------------------------------------------------


class NewVisit(NamedTuple):
    """A visit being stored (what the fold reads of it). `outcome` is anything with an
    OutcomeCode's id and effect fields: the push passes the plain row it checked against."""

    id: int
    campaign_id: int
    household_id: int
    effective_time: datetime.datetime
    outcome: OutcomeCode
    revisit_after: datetime.datetime | None
    channel: str = "door"  # a phone call ("phone") folds into the residents only, see _door_only


class NewOutcome(NamedTuple):
    """A resident outcome being stored with its visit (what the fold reads of it)."""

    visit: NewVisit
    resident_id: int
    outcome: OutcomeCode
    reason_id: int | None


def _order(visit) -> tuple:
    return visit.effective_time, visit.id


def _newer(time: str, visit_id: str) -> str:
    """SQL: the proposed row's (time, visit) is later than the stored row's; a stored NULL
    time counts as never (the fold's epoch)."""
    return (f"(excluded.{time} IS NOT NULL AND (t.{time} IS NULL OR "
            f"(excluded.{time}, excluded.{visit_id}) > (t.{time}, t.{visit_id})))")  # fmt: skip


def _take_if(condition: str, columns: list[str]) -> list[str]:
    return [f"{c} = CASE WHEN {condition} THEN excluded.{c} ELSE t.{c} END" for c in columns]


# How the upserts below merge a proposed state row into the stored one (built once).
_HOUSEHOLD_MERGE = "ON CONFLICT (campaign_id, household_id) DO UPDATE SET " + ", ".join(
    ["visit_count = t.visit_count + excluded.visit_count"]
    + _take_if(_newer("last_device_time", "last_visit_id"),
               ["last_visit_id", "last_device_time", "last_outcome_id", "reached", "needs_revisit", "revisit_after"]))
_RESIDENT_MERGE = "ON CONFLICT (campaign_id, resident_id) DO UPDATE SET " + ", ".join(
    _take_if(_newer("last_device_time", "last_visit_id"),
             ["last_visit_id", "last_device_time", "last_outcome_id", "last_reason_id"])
    + _take_if(_newer("interest_time", "interest_visit_id"), ["interest", "interest_time", "interest_visit_id"])
    + _take_if(_newer("residence_time", "residence_visit_id"),
               ["residence_status", "residence_time", "residence_visit_id"]))  # fmt: skip
# A resident's VNeID status per level only rises; residence status follows its state.
_RANK = "CASE {} " + " ".join(f"WHEN '{s}' THEN {n}" for s, n in VNEID_RANK.items()) + " ELSE 0 END"
_RESIDENT_RISE = {
    f"vneid_level{n}": f"CASE WHEN {_RANK.format(f'v.c{n}')} > {_RANK.format(f't.vneid_level{n}')} "
                       f"THEN v.c{n} ELSE t.vneid_level{n} END"
    for n in (1, 2)
} | {"residence_status": "CASE WHEN v.c3 <> '' THEN v.c3 ELSE t.residence_status END"}  # fmt: skip


def projection_apply(*, visits: list[NewVisit], outcomes: list[NewOutcome]) -> None:
    """Fold the new visits into the stored state with one upsert per table: the batch is
    folded here (the same rule as the rebuild), then each state row keeps whichever of its
    stored and proposed values is later. Concurrent pushes to the same household wait on
    the row lock the upsert takes and then compare against the committed row, so no count
    is lost; rows go in key order so two pushes lock in the same order."""
    if not visits:
        return
    rows = []
    door = [v for v in visits if v.channel != "phone"]
    for (campaign_id, household_id), group in sorted(_group(door, lambda v: (v.campaign_id, v.household_id)).items()):
        last = max(group, key=_order)
        o = last.outcome
        rows.append((campaign_id, household_id, len(group), last.id, last.effective_time, o.id, o.household_reached,
                     o.needs_revisit, last.revisit_after if o.needs_revisit else None))  # fmt: skip
    if rows:
        insert_rows(HouseholdState, ["campaign", "household", "visit_count", "last_visit", "last_device_time",
                                     "last_outcome", "reached", "needs_revisit", "revisit_after"], rows,
                    on_conflict=_HOUSEHOLD_MERGE)  # fmt: skip
    if outcomes:
        _apply_residents(outcomes)


def _apply_residents(outcomes: list[NewOutcome]) -> None:
    rows, vneid = [], {}
    for (campaign_id, resident_id), group in sorted(_group(outcomes, lambda o: (o.visit.campaign_id, o.resident_id)).items()):
        last = max(group, key=lambda o: _order(o.visit))
        interest = max((o for o in group if o.outcome.interest), key=lambda o: _order(o.visit), default=None)
        moved = max((o for o in group if o.outcome.residence_status), key=lambda o: _order(o.visit), default=None)
        rows.append((
            campaign_id, resident_id, last.visit.id, last.visit.effective_time, last.outcome.id, last.reason_id,
            interest.outcome.interest if interest else "", interest.visit.effective_time if interest else None,
            interest.visit.id if interest else None, moved.outcome.residence_status if moved else "",
            moved.visit.effective_time if moved else None, moved.visit.id if moved else None,
        ))  # fmt: skip
        for o in group:  # VNeID status only rises: keep the highest the batch reports per level
            level, status = o.outcome.vneid_level, o.outcome.vneid_status
            if level and status:
                best = vneid.setdefault(resident_id, {1: VneidStatus.NONE, 2: VneidStatus.NONE})
                if VNEID_RANK[status] > VNEID_RANK[best[level]]:
                    best[level] = status
    stored = insert_rows(
        ResidentState, ["campaign", "resident", "last_visit", "last_device_time", "last_outcome", "last_reason",
                        "interest", "interest_time", "interest_visit_id", "residence_status", "residence_time",
                        "residence_visit_id"], rows,
        on_conflict=_RESIDENT_MERGE,
        returning=["resident", "residence_status", "residence_visit_id"],
    )  # fmt: skip
    # A resident's residence status follows its state when one of these visits set it.
    visit_ids = {o.visit.id for o in outcomes}
    moved = {r: status for r, status, visit_id in stored if visit_id in visit_ids}
    changes = sorted(
        (r, best[1], best[2], moved.get(r, "")) for r, best in vneid.items()
    ) + sorted((r, "", "", status) for r, status in moved.items() if r not in vneid)
    update_rows(Resident, ["id", "vneid_level1", "vneid_level2", "residence_status"], sorted(changes),
                assignments=_RESIDENT_RISE)


# --- from scratch ------------------------------------------------------------------------


@transaction.atomic
def projection_rebuild(*, campaign: Campaign) -> None:
    """Recompute the campaign's projection from its visits alone: fold in memory, then
    insert fresh state rows (no per-row updates) and write back only residents that move."""
    HouseholdState.objects.filter(campaign=campaign).delete()
    ResidentState.objects.filter(campaign=campaign).delete()
    codes = {c.id: c for c in OutcomeCode.objects.all()}
    visits = {}
    household_states = {}
    for visit in Visit.objects.filter(campaign=campaign).order_by("id").iterator(chunk_size=5000):
        visit.outcome = codes[visit.outcome_id]
        visits[visit.id] = visit
        if visit.channel == "phone":  # a call: the residents' state only (_door_only)
            continue
        state = household_states.get(visit.household_id)
        if state is None:
            state = household_states[visit.household_id] = _new_household_state(campaign.id, visit.household_id, visit)
        _fold_household(state, visit)
    HouseholdState.objects.bulk_create(household_states.values(), batch_size=2000)

    outcomes = VisitResidentOutcome.objects.filter(visit__campaign=campaign).order_by("id")
    residents = {r.id: r for r in Resident.objects.filter(id__in=outcomes.values("resident_id"))}
    resident_states, changed = {}, set()
    for o in outcomes.iterator(chunk_size=5000):
        o.visit, o.outcome = visits[o.visit_id], codes[o.outcome_id]
        state = resident_states.get(o.resident_id)
        if state is None:
            state = resident_states[o.resident_id] = _new_resident_state(campaign.id, o.resident_id, o)
        if _fold_resident(state, residents[o.resident_id], o):
            changed.add(o.resident_id)
    ResidentState.objects.bulk_create(resident_states.values(), batch_size=2000)
    update_objects(Resident, [residents[i] for i in sorted(changed)], _RESIDENT_FIELDS)
