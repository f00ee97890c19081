"""Accepting a batch of visits from a phone: every item answered, each visit stored once.

Reads happen in bulk before the transaction (a few queries per batch, not per item); the
writes happen in one transaction: visits inserted with ON CONFLICT DO NOTHING on the client
UUID (so a retry racing its original stores nothing twice and the unique constraint, not a
check-then-insert, decides), then their resident outcomes, the projection, the rollup
dirty marks and the change log.
"""

import datetime
import logging
import uuid
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from households.models import Household, Resident, Turf
from households.services import household_create, resident_create

from ..access import FieldScope, field_scope
from ..models import Campaign, OutcomeCode, OutcomeScope, SyncChange, Visit, VisitResidentOutcome
from ..visits.projection import NewOutcome, NewVisit, projection_apply
from ..rollups.services import rollups_mark_dirty, rollups_schedule_refresh
from ..rowsql import insert_rows, select_where_in, table
from .changes import Change, changes_record
from .errors import error_body
from .items import HOUSEHOLD_TEXT_FIELDS, RESIDENT_FIELDS, ItemError, VisitItem, parse_visit

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
        context = _Context(user=user, items=items.values())
        ready = {}
        for index, item in items.items():
            try:
                ready[index] = context.check(item)
            except ItemError as exc:
                results[index] = _rejected(exc.code, exc.detail)
        if ready:
            for index, result in _write(user=user, context=context, ready=ready).items():
                results[index] = result
    return results


# Existing households and residents as the checks need them: a few columns, not models
# (loading whole models was a tenth of a push's time).
class _Household(NamedTuple):
    id: int
    client_uuid: uuid.UUID | None
    turf_id: int | None
    area_id: int
    area_path: str

    pk = property(lambda self: self.id)


class _Resident(NamedTuple):
    id: int
    client_uuid: uuid.UUID | None
    household_id: int

    pk = property(lambda self: self.id)


class _Code(NamedTuple):
    """An active outcome or reason code: what the checks and the projection read of it."""

    id: int
    code: str
    scope: str
    campaign_id: int | None
    household_reached: bool
    needs_revisit: bool
    interest: str
    vneid_level: int | None
    vneid_status: str
    residence_status: str


# The batch's active campaigns, each with the active codes it may use (the shared ones and
# its own) in one query; a campaign with no code at all still comes back, with NULLs.
_CAMPAIGN_CODES_SQL = (
    f"SELECT {table(Campaign)}.id, {', '.join(f'oc.{name}' for name in _Code._fields)} FROM {table(Campaign)} "
    f"LEFT JOIN {table(OutcomeCode)} oc ON oc.is_active "
    f"AND (oc.campaign_id IS NULL OR oc.campaign_id = {table(Campaign)}.id) "
    f"WHERE {table(Campaign)}.is_active AND {{0}}"
)  # fmt: skip


class _Context:
    """Everything the batch refers to, loaded with one query per kind, as plain rows."""

    def __init__(self, *, user, items):
        items = list(items)
        self.campaigns, self.codes = set(), {}
        for campaign_id, *code in select_where_in(_CAMPAIGN_CODES_SQL,
                                                  (Campaign._meta.pk, list({i.campaign_id for i in items}))):
            self.campaigns.add(campaign_id)
            if code[0] is not None:
                found = _Code._make(code)
                self.codes[(found.campaign_id, found.code)] = found
        self.scopes = {cid: field_scope(user=user, campaign_id=cid) for cid in self.campaigns}
        household_ids = {i.household_id for i in items if i.household_id}
        household_uuids = {i.household_uuid for i in items if i.household_uuid}
        household_uuids |= {i.new_household["client_uuid"] for i in items if i.new_household}
        field = Household._meta.get_field
        as_uuid = field("client_uuid").to_python  # SQLite gives the UUID as text
        self.households = {h[0]: _Household(h[0], as_uuid(h[1]), *h[2:]) for h in select_where_in(
            'SELECT "households_household"."id", "households_household"."client_uuid", "households_household"."turf_id", '
            '"households_household"."area_id", "households_area"."path" FROM "households_household" '
            'JOIN "households_area" ON "households_area"."id" = "households_household"."area_id" WHERE {0} OR {1}',
            (field("id"), list(household_ids)), (field("client_uuid"), list(household_uuids)))}
        self.households_by_uuid = {h.client_uuid: h for h in self.households.values() if h.client_uuid}
        turf_ids = {i.new_household["turf_id"] for i in items if i.new_household}
        # Only a batch that creates a household at the door needs its turf (building even an
        # empty queryset cost a twentieth of a push's Python).
        self.turfs = {t.id: t for t in Turf.objects.filter(id__in=turf_ids).select_related("area")} if turf_ids else {}
        resident_ids = {p.resident_id for i in items for p in i.residents if p.resident_id}
        resident_uuids = {p.resident_uuid for i in items for p in i.residents if p.resident_uuid}
        resident_uuids |= {p.new_resident["client_uuid"] for i in items for p in i.residents if p.new_resident}
        field = Resident._meta.get_field
        as_uuid = field("client_uuid").to_python
        self.residents = {r[0]: _Resident(r[0], as_uuid(r[1]), r[2]) for r in select_where_in(
            'SELECT "id", "client_uuid", "household_id" FROM "households_resident" WHERE {0} OR {1}',
            (field("id"), list(resident_ids)), (field("client_uuid"), list(resident_uuids)))}
        self.residents_by_uuid = {r.client_uuid: r for r in self.residents.values() if r.client_uuid}
        # Households created earlier in this same batch, so a later item may refer to them.
        self.pending_households: dict = {}

    def code(self, campaign_id: int, code: str, scope: str, error: str) -> _Code:
        found = self.codes.get((campaign_id, code)) or self.codes.get((None, code))
        if found is None or found.scope != scope:
            raise ItemError(error, code)
        return found

    def check(self, item: VisitItem) -> dict:
        campaign_id = item.campaign_id
        if campaign_id not in self.campaigns:
            raise ItemError("unknown_campaign", str(campaign_id))
        scope = self.scopes[campaign_id]
        household, team_id, new_household = self._household(item, scope)
        outcome = self.code(campaign_id, item.outcome, OutcomeScope.HOUSEHOLD, "unknown_outcome")
        parts = []
        for n, part in enumerate(item.residents):
            resident_outcome = self.code(campaign_id, part.outcome, OutcomeScope.RESIDENT, "unknown_outcome")
            reason = self.code(campaign_id, part.reason, OutcomeScope.REASON, "unknown_reason") if part.reason else None
            parts.append((self._resident(part, household, n), resident_outcome, reason))
        return {"item": item, "campaign_id": campaign_id, "household": household, "new_household": new_household,
                "team_id": team_id, "outcome": outcome, "parts": parts}  # fmt: skip

    def _household(self, item: VisitItem, scope: FieldScope):
        if item.household_id:
            household = self.households.get(item.household_id)
        else:
            key = item.household_uuid or item.new_household["client_uuid"]
            household = self.households_by_uuid.get(key) or self.pending_households.get(key)
        if household is not None:
            path = household.area_path if isinstance(household, _Household) else household.area.path
            allowed, team_id = scope.team_for(turf_id=household.turf_id, area_path=path)
            if not allowed:
                raise ItemError("household_out_of_scope", str(household.id or ""))
            return household, team_id, None
        if not item.new_household:
            raise ItemError("unknown_household", str(item.household_id or item.household_uuid))
        data = dict(item.new_household)
        turf = self.turfs.get(data.pop("turf_id"))
        if turf is None or not scope.may_use_turf(turf_id=turf.id, area_path=turf.area.path):
            raise ItemError("unknown_turf", str(item.new_household["turf_id"]))
        household = Household(area=turf.area, turf=turf, **data)
        household.address_text = household.address_text or household.compose_address()
        try:
            household.full_clean(exclude=["client_uuid"])
        except ValidationError as exc:
            raise ItemError("invalid_household", "; ".join(exc.messages)) from None
        self.pending_households[household.client_uuid] = household
        allowed, team_id = scope.team_for(turf_id=household.turf_id, area_path=turf.area.path)
        return household, team_id, household

    def _resident(self, part, household: Household | _Household, n: int):
        if part.resident_id or part.resident_uuid:
            resident = self.residents.get(part.resident_id) if part.resident_id else self.residents_by_uuid.get(part.resident_uuid)
            if resident is None or resident.household_id != household.id or household.id is None:
                raise ItemError("unknown_resident", f"residents[{n}]")
            return resident
        existing = self.residents_by_uuid.get(part.new_resident["client_uuid"])
        if existing is not None:
            if existing.household_id != household.id:
                raise ItemError("unknown_resident", f"residents[{n}]")
            return existing
        # Not attached to the household yet: it may be a _Household row, not a model.
        resident = Resident(**part.new_resident)
        try:
            resident.full_clean(exclude=["household", "client_uuid"])
        except ValidationError as exc:
            raise ItemError("invalid_resident", "; ".join(exc.messages)) from None
        return resident


def _write(*, user, context: _Context, ready: dict[int, dict]) -> dict[int, dict]:
    results: dict[int, dict] = {}
    now = timezone.now()
    with transaction.atomic():
        for index, entry in list(ready.items()):
            if entry["new_household"] is not None or any(r.pk is None for r, _, _ in entry["parts"]):
                try:
                    _create_new_entities(entry)
                except (IntegrityError, ValidationError) as exc:
                    results[index] = _rejected("invalid_resident", str(exc))
                    del ready[index]
        for index, entry in list(ready.items()):
            if entry["household"].pk is None:  # refers to a new household whose own item failed
                results[index] = _rejected("unknown_household", str(entry["item"].household_uuid))
                del ready[index]
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
            visits = [v for v, _ in accepted]
            projection_apply(visits=visits, outcomes=outcomes)
            groups = {(v.campaign_id, household.area_id) for v, household in accepted}
            rollups_mark_dirty(pairs=groups, at=now)
            changes_record(changes=[Change(SyncChange.Entity.VISIT.value, v.id, household.turf_id, v.campaign_id)
                                    for v, household in accepted])  # fmt: skip
            transaction.on_commit(lambda: rollups_schedule_refresh(campaign_ids={c for c, _ in groups}))
    return results


def _create_new_entities(entry: dict) -> None:
    with transaction.atomic():  # a savepoint: a clash rejects this item only
        household = entry["new_household"]
        if household is not None and household.pk is None:
            fields = {f: getattr(household, f) for f in HOUSEHOLD_TEXT_FIELDS}
            created = household_create(area=household.area, turf=household.turf, client_uuid=household.client_uuid, **fields)
            household.pk = household.id = created.id
            entry["household"] = household
        if isinstance(entry["household"], _Household):  # an existing one, loaded as a row
            entry["household"] = Household.objects.get(id=entry["household"].id)
        for n, (resident, outcome, reason) in enumerate(entry["parts"]):
            if resident.pk is None:
                fields = {f: getattr(resident, f) for f in RESIDENT_FIELDS}
                created = resident_create(household=entry["household"], client_uuid=resident.client_uuid, **fields)
                entry["parts"][n] = (created, outcome, reason)


_VISIT_COLUMNS = ["client_uuid", "campaign", "household", "recorded_by", "team", "device_time", "server_time",
                  "effective_time", "outcome", "note", "revisit_after", "revisit_note", "latitude", "longitude",
                  "content_hash"]  # fmt: skip


def _visit_row(*, user, entry: dict, now: datetime.datetime) -> tuple:
    item: VisitItem = entry["item"]
    return (item.client_uuid, entry["campaign_id"], entry["household"].id, user.id, entry["team_id"], item.device_time,
            now, min(item.device_time, now), entry["outcome"].id, item.note, item.revisit_after, item.revisit_note,
            item.latitude, item.longitude, item.content_hash)  # fmt: skip


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
