"""The projection of the visit log onto current status.

Visits are the truth; HouseholdState, ResidentState and the residents' VNeID and residence
status are derived from them. `projection_apply` folds new visits in, in the writer's
transaction; `projection_rebuild` recomputes everything from the log and must agree with
it (tests/test_projection.py). The order is deterministic: the latest visit by effective
time (device time, capped at the server's receive time) wins, ties broken by server order
(the visit id). VNeID status only ever rises: an account once activated stays activated.
"""

import datetime

from django.db import transaction

from households.models import VNEID_RANK, Resident

from .models import Campaign, HouseholdState, OutcomeCode, ResidentState, Visit, VisitResidentOutcome

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _later(time_a, id_a, time_b, id_b) -> bool:
    return (time_a, id_a) > (time_b or _EPOCH, id_b or 0)


def projection_apply(*, visits: list[Visit], outcomes: list[VisitResidentOutcome]) -> None:
    if not visits:
        return
    _apply_households(visits)
    _apply_residents(outcomes)


def _apply_households(visits: list[Visit]) -> None:
    by_key = {}
    for visit in sorted(visits, key=lambda v: (v.campaign_id, v.household_id)):
        by_key.setdefault((visit.campaign_id, visit.household_id), []).append(visit)
    # Insert a placeholder for households seen for the first time (a concurrent push may do
    # the same: the unique constraint keeps one), then lock the rows in id order so two
    # pushes to the same household apply one after the other instead of losing a count.
    HouseholdState.objects.bulk_create(
        [HouseholdState(campaign_id=c, household_id=h, last_visit=vs[0], last_device_time=_EPOCH,
                        last_outcome_id=vs[0].outcome_id, visit_count=0)
         for (c, h), vs in by_key.items()],
        ignore_conflicts=True,
    )  # fmt: skip
    states = _locked(HouseholdState, [(c, h) for c, h in by_key], "household_id")
    for key, state in states.items():
        for visit in by_key[key]:
            state.visit_count += 1
            if _later(visit.effective_time, visit.id, state.last_device_time, state.last_visit_id):
                _set_household_state(state, visit, visit.outcome)
    HouseholdState.objects.bulk_update(
        states.values(),
        ["visit_count", "last_visit", "last_device_time", "last_outcome", "reached", "needs_revisit", "revisit_after"],
    )


def _set_household_state(state: HouseholdState, visit: Visit, outcome: OutcomeCode) -> None:
    state.last_visit_id = visit.id
    state.last_device_time = visit.effective_time
    state.last_outcome_id = outcome.id
    state.reached = outcome.household_reached
    state.needs_revisit = outcome.needs_revisit
    state.revisit_after = visit.revisit_after if outcome.needs_revisit else None


def _locked(model, keys: list[tuple[int, int]], field: str) -> dict:
    campaigns = {c for c, _ in keys}
    ids = {i for _, i in keys}
    rows = model.objects.select_for_update().filter(campaign_id__in=campaigns, **{f"{field}__in": ids}).order_by("id")
    wanted = set(keys)
    return {(r.campaign_id, getattr(r, field)): r for r in rows if (r.campaign_id, getattr(r, field)) in wanted}


def _apply_residents(outcomes: list[VisitResidentOutcome]) -> None:
    if not outcomes:
        return
    by_key = {}
    for o in sorted(outcomes, key=lambda o: (o.visit.campaign_id, o.resident_id)):
        by_key.setdefault((o.visit.campaign_id, o.resident_id), []).append(o)
    ResidentState.objects.bulk_create(
        [ResidentState(campaign_id=c, resident_id=r, last_visit=os[0].visit, last_device_time=_EPOCH,
                       last_outcome_id=os[0].outcome_id)
         for (c, r), os in by_key.items()],
        ignore_conflicts=True,
    )  # fmt: skip
    states = _locked(ResidentState, list(by_key), "resident_id")
    residents = {r.id: r for r in Resident.objects.select_for_update().filter(id__in={r for _, r in by_key}).order_by("id")}
    changed_residents = set()
    for key, state in states.items():
        resident = residents[key[1]]
        for o in by_key[key]:
            if _fold_resident(state, resident, o.visit, o.outcome, o.reason_id):
                changed_residents.add(resident.id)
    ResidentState.objects.bulk_update(states.values(), _RESIDENT_STATE_FIELDS)
    if changed_residents:
        Resident.objects.bulk_update(
            [residents[i] for i in sorted(changed_residents)], ["vneid_level1", "vneid_level2", "residence_status"]
        )


_RESIDENT_STATE_FIELDS = ["last_visit", "last_device_time", "last_outcome", "last_reason", "interest", "interest_time",
                          "interest_visit_id", "residence_status", "residence_time", "residence_visit_id"]  # fmt: skip


def _fold_resident(state: ResidentState, resident: Resident, visit: Visit, outcome: OutcomeCode, reason_id) -> bool:
    """Fold one resident outcome into the state; return True if the resident row changed."""
    changed = False
    if _later(visit.effective_time, visit.id, state.last_device_time, state.last_visit_id):
        state.last_visit_id, state.last_device_time = visit.id, visit.effective_time
        state.last_outcome_id, state.last_reason_id = outcome.id, reason_id
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


@transaction.atomic
def projection_rebuild(*, campaign: Campaign) -> None:
    """Recompute the campaign's projection from its visits alone, in log order."""
    HouseholdState.objects.filter(campaign=campaign).delete()
    ResidentState.objects.filter(campaign=campaign).delete()
    codes = {c.id: c for c in OutcomeCode.objects.all()}
    visits = list(Visit.objects.filter(campaign=campaign).order_by("effective_time", "id"))
    for visit in visits:
        visit.outcome = codes[visit.outcome_id]
    visits_by_id = {v.id: v for v in visits}
    outcomes = list(VisitResidentOutcome.objects.filter(visit__campaign=campaign).order_by("id"))
    for o in outcomes:
        o.visit = visits_by_id[o.visit_id]
        o.outcome = codes[o.outcome_id]
    for start in range(0, len(visits), 2000):
        chunk = visits[start : start + 2000]
        ids = {v.id for v in chunk}
        projection_apply(visits=chunk, outcomes=[o for o in outcomes if o.visit_id in ids])


def household_status(state: HouseholdState | None, now: datetime.datetime | None = None) -> str:
    """The walk-list state: not_visited, revisit (due or later), or visited."""
    if state is None:
        return "not_visited"
    return "revisit" if state.needs_revisit else "visited"


__all__ = ["projection_apply", "projection_rebuild", "household_status"]
