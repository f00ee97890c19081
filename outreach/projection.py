"""The projection of the visit log onto current status.

Visits are the truth; HouseholdState, ResidentState and the residents' VNeID and residence
status are derived from them. `projection_apply` folds new visits in, in the writer's
transaction; `projection_rebuild` recomputes everything from the log and must agree with
it (tests/test_projection_and_rollups.py). Both use the same pure fold below. The order is
deterministic: the latest visit by effective time (device time, capped at the server's
receive time) wins, ties broken by server order (the visit id). VNeID status only ever
rises: an account once activated stays activated.
"""

import datetime

from django.db import transaction

from households.models import VNEID_RANK, Resident

from .fastupdate import update_rows
from .models import Campaign, HouseholdState, OutcomeCode, ResidentState, Visit, VisitResidentOutcome

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_HOUSEHOLD_STATE_FIELDS = ["visit_count", "last_visit", "last_device_time", "last_outcome", "reached",
                           "needs_revisit", "revisit_after"]  # fmt: skip
_RESIDENT_STATE_FIELDS = ["last_visit", "last_device_time", "last_outcome", "last_reason", "interest", "interest_time",
                          "interest_visit_id", "residence_status", "residence_time", "residence_visit_id"]  # fmt: skip
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


# --- incremental, in the push transaction ------------------------------------------------


def projection_apply(*, visits: list[Visit], outcomes: list[VisitResidentOutcome]) -> None:
    if not visits:
        return
    by_household = _group(visits, lambda v: (v.campaign_id, v.household_id))
    # Insert a placeholder for households seen for the first time (a concurrent push may do
    # the same: the unique constraint keeps one), then lock the rows in id order so two
    # pushes to the same household apply one after the other instead of losing a count.
    HouseholdState.objects.bulk_create(
        [_new_household_state(c, h, vs[0]) for (c, h), vs in by_household.items()], ignore_conflicts=True
    )
    states = _locked(HouseholdState, list(by_household), "household_id")
    for key, state in states.items():
        for visit in by_household[key]:
            _fold_household(state, visit)
    update_rows(HouseholdState, list(states.values()), _HOUSEHOLD_STATE_FIELDS)
    if outcomes:
        _apply_residents(outcomes)


def _apply_residents(outcomes: list[VisitResidentOutcome]) -> None:
    by_resident = _group(outcomes, lambda o: (o.visit.campaign_id, o.resident_id))
    ResidentState.objects.bulk_create(
        [_new_resident_state(c, r, os[0]) for (c, r), os in by_resident.items()], ignore_conflicts=True
    )
    states = _locked(ResidentState, list(by_resident), "resident_id")
    ids = sorted({r for _, r in by_resident})
    residents = {r.id: r for r in Resident.objects.select_for_update().filter(id__in=ids).order_by("id")}
    changed = set()
    for key, state in states.items():
        for o in by_resident[key]:
            if _fold_resident(state, residents[key[1]], o):
                changed.add(key[1])
    update_rows(ResidentState, list(states.values()), _RESIDENT_STATE_FIELDS)
    update_rows(Resident, [residents[i] for i in sorted(changed)], _RESIDENT_FIELDS)


def _locked(model, keys: list[tuple[int, int]], field: str) -> dict:
    campaigns = {c for c, _ in keys}
    ids = {i for _, i in keys}
    rows = model.objects.select_for_update().filter(campaign_id__in=campaigns, **{f"{field}__in": ids}).order_by("id")
    wanted = set(keys)
    return {(r.campaign_id, getattr(r, field)): r for r in rows if (r.campaign_id, getattr(r, field)) in wanted}


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
    update_rows(Resident, [residents[i] for i in sorted(changed)], _RESIDENT_FIELDS)
