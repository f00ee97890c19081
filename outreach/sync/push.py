"""Accepting a batch of visits from a phone: every item answered, each visit stored once.

Reads happen in bulk before the transaction (a few queries per batch, not per item); the
writes happen in one transaction: households and residents found at the door, visits
inserted with ON CONFLICT DO NOTHING on the client UUID (so a retry racing its original
stores nothing twice and the unique constraint, not a check-then-insert, decides), then
their resident outcomes, the projection, the rollup dirty marks and, last, the change log:
the visits and the households created or given a resident, each once, in one call.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from households.models import Household
from households.services import household_create, resident_create

from ..appointments.closing import appointments_close
from ..hometime.services import hometime_record
from ..models import SyncChange, Visit, VisitResidentOutcome
from ..rollups.services import rollups_mark_dirty
from ..rollups.tasks import rollups_schedule_refresh
from ..rowsql import insert_rows, select_where_in
from ..visits.projection import NewOutcome, NewVisit, projection_apply
from .changes import Change, changes_record
from .errors import error_body
from .items import HOUSEHOLD_TEXT_FIELDS, RESIDENT_FIELDS, ItemError, VisitItem, parse_visit
from .push_context import HouseholdRow, ItemChecker
from .signals import logged_by_caller

log = logging.getLogger(__name__)
MAX_ITEMS = 500


def _rejected(code: str, detail: str = "") -> dict:
    return {"status": "rejected", **error_body(code, detail)}


def sync_push(*, user, raw_items: list) -> list[dict]:
    results: list[dict | None] = [None] * len(raw_items)
    items: dict[int, VisitItem] = {}
    first_index: dict = {}
    for index, raw in enumerate(raw_items):
        try:
            item = parse_visit(raw)
        except ItemError as exc:
            results[index] = _rejected(exc.code, exc.detail)
            continue
        # The same UUID twice in one batch: the first one decides, the second is judged
        # against it exactly as a later retry would be.
        if item.client_uuid in first_index:
            earlier = items[first_index[item.client_uuid]]
            results[index] = {"status": "duplicate"} if earlier.content_hash == item.content_hash else _rejected("conflict")
            continue
        first_index[item.client_uuid] = index
        items[index] = item

    uuid_field = Visit._meta.get_field("client_uuid")
    found = select_where_in('SELECT client_uuid, content_hash FROM "outreach_visit" WHERE {0}', (uuid_field, list(first_index)))
    stored = {uuid_field.to_python(client_uuid): content_hash for client_uuid, content_hash in found}
    for index, item in list(items.items()):
        if item.client_uuid in stored:
            results[index] = {"status": "duplicate"} if stored[item.client_uuid] == item.content_hash else _rejected("conflict")
            del items[index]

    if items:
        checker = ItemChecker(user=user, items=items.values())
        ready = {}
        for index, item in items.items():
            try:
                ready[index] = checker.check(item)
            except ItemError as exc:
                results[index] = _rejected(exc.code, exc.detail)
        if ready:
            for index, result in _write(user=user, ready=ready).items():
                results[index] = result
    return results


def _write(*, user, ready: dict[int, dict]) -> dict[int, dict]:
    results: dict[int, dict] = {}
    now = timezone.now()
    with transaction.atomic():
        touched = _create_at_the_door(ready=ready, results=results)
        entries = sorted(ready.items(), key=lambda pair: str(pair[1]["item"].client_uuid))
        inserted = _insert_ignoring_duplicates([_visit_row(user=user, entry=entry, now=now) for _, entry in entries])
        outcomes, accepted = [], []
        for index, entry in entries:
            item: VisitItem = entry["item"]
            if item.client_uuid not in inserted:
                # A concurrent push of the same UUID committed first: judge against it.
                stored_hash = Visit.objects.filter(client_uuid=item.client_uuid).values_list("content_hash", flat=True)
                same = stored_hash.first() == item.content_hash
                results[index] = {"status": "duplicate"} if same else _rejected("conflict")
                continue
            visit = NewVisit(id=inserted[item.client_uuid], campaign_id=entry["campaign_id"],
                             household_id=entry["household"].id, effective_time=min(item.device_time, now),
                             outcome=entry["outcome"], revisit_after=item.revisit_after)  # fmt: skip
            accepted.append((visit, entry["household"]))
            results[index] = {"status": "accepted", "id": visit.id}
            for resident, outcome, reason in entry["parts"]:
                outcomes.append(NewOutcome(visit, resident.id, outcome, reason.id if reason else None))
        if accepted:
            insert_rows(VisitResidentOutcome, ["visit", "resident", "outcome", "reason"],
                        [(o.visit.id, o.resident_id, o.outcome.id, o.reason_id) for o in outcomes])  # fmt: skip
            projection_apply(visits=[v for v, _ in accepted], outcomes=outcomes)
            hometime_record(visits=[v for v, _ in accepted])  # when each household is home (outreach/hometime)
            appointments_close(visits=[v for v, _ in accepted])  # the visit closes its appointment (outreach/appointments)
            groups = {(v.campaign_id, household.area_id) for v, household in accepted}
            rollups_mark_dirty(pairs=groups, at=now)
            transaction.on_commit(lambda: rollups_schedule_refresh(campaign_ids={c for c, _ in groups}))
        # The last write, in one call: it takes the sync clock's lock (see changes.py).
        changes_record(changes=[
            *(Change(SyncChange.Entity.HOUSEHOLD.value, h, turf_id, None) for h, turf_id in touched.items() if turf_id),
            *(Change(SyncChange.Entity.VISIT.value, v.id, household.turf_id, v.campaign_id) for v, household in accepted),
        ])  # fmt: skip
    return results


def _create_at_the_door(*, ready: dict[int, dict], results: dict[int, dict]) -> dict[int, int | None]:
    """Create the households and residents the items found at the door, each item in its own
    savepoint; drop the items that fail, and those naming a new household whose own item
    failed. Returns household id → turf id for every household created or given a resident.

    Their saves write no change-log rows (`logged_by_caller`): _write logs these households
    with its visits, once each, as its last write."""
    touched: dict[int, int | None] = {}
    with logged_by_caller():
        for index, entry in list(ready.items()):
            if entry["new_household"] is not None or any(r.pk is None for r, _, _ in entry["parts"]):
                try:
                    touched.update(_create_new_entities(entry))
                except (IntegrityError, ValidationError) as exc:
                    # Our own validation messages only: a database error's text names
                    # constraints and values, which can tell what else is stored.
                    detail = "; ".join(exc.messages) if isinstance(exc, ValidationError) else ""
                    results[index] = _rejected("invalid_resident", detail)
                    del ready[index]
                    if entry["new_household"] is not None:
                        # Rolled back with the savepoint: a later item naming it by UUID is then
                        # "unknown_household", not a visit pointing at a row that is not there.
                        entry["new_household"].pk = entry["new_household"].id = None
    for index, entry in list(ready.items()):
        if entry["household"].pk is None:  # refers to a new household whose own item failed
            results[index] = _rejected("unknown_household", str(entry["item"].household_uuid))
            del ready[index]
    return touched


def _create_new_entities(entry: dict) -> dict[int, int | None]:
    touched = {}
    with transaction.atomic():  # a savepoint: a clash rejects this item only
        household = entry["new_household"]
        if household is not None and household.pk is None:
            fields = {f: getattr(household, f) for f in HOUSEHOLD_TEXT_FIELDS}
            created = household_create(area=household.area, turf=household.turf, client_uuid=household.client_uuid, **fields)
            household.pk = household.id = created.id
            entry["household"] = household
            touched[created.id] = created.turf_id
        if isinstance(entry["household"], HouseholdRow):  # an existing one, loaded as a row
            entry["household"] = Household.objects.get(id=entry["household"].id)
        for n, (resident, outcome, reason) in enumerate(entry["parts"]):
            if resident.pk is None:
                fields = {f: getattr(resident, f) for f in RESIDENT_FIELDS}
                created = resident_create(household=entry["household"], client_uuid=resident.client_uuid, **fields)
                entry["parts"][n] = (created, outcome, reason)
                touched[entry["household"].id] = entry["household"].turf_id
    return touched


_VISIT_COLUMNS = ["client_uuid", "campaign", "household", "recorded_by", "team", "device_time", "server_time",
                  "effective_time", "outcome", "note", "revisit_after", "revisit_note", "latitude", "longitude",
                  "content_hash", "after_handover", "accuracy_m"]  # fmt: skip


def _visit_row(*, user, entry: dict, now: datetime.datetime) -> tuple:
    item: VisitItem = entry["item"]
    return (item.client_uuid, entry["campaign_id"], entry["household"].id, user.id, entry["team_id"], item.device_time,
            now, min(item.device_time, now), entry["outcome"].id, item.note, item.revisit_after, item.revisit_note,
            item.latitude, item.longitude, item.content_hash, entry["after_handover"], item.accuracy_m)  # fmt: skip


def _insert_ignoring_duplicates(rows: list[tuple]) -> dict:
    """INSERT ... ON CONFLICT (client_uuid) DO NOTHING RETURNING id, client_uuid: client
    UUID → id of the visits this statement stored.

    Django's bulk_create(ignore_conflicts=True) cannot say which rows it inserted, and that
    is exactly what decides between "accepted" and "duplicate" when two pushes race.
    """
    uuid_field = Visit._meta.get_field("client_uuid")
    stored = insert_rows(Visit, _VISIT_COLUMNS, rows, on_conflict="ON CONFLICT (client_uuid) DO NOTHING",
                         returning=["id", "client_uuid"])  # fmt: skip
    return {uuid_field.to_python(client_uuid): pk for pk, client_uuid in stored}
