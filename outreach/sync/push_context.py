"""What a push's items refer to, and the checks of each item against it.

Everything is read before the push's transaction, one query per kind for the whole batch
(never per item), as plain rows rather than models (loading whole models was a tenth of a
push's time): the campaigns and their codes, the user's field scope in each campaign, and
the existing households, turfs and residents the items name.
"""

import datetime
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError

from households.models import Household, Resident, Turf

from ..access import FieldScope, field_scope
from ..models import Campaign, OutcomeCode, OutcomeScope
from ..rowsql import select_where_in, table
from .items import ItemError, VisitItem


class HouseholdRow(NamedTuple):
    id: int
    client_uuid: uuid.UUID | None
    turf_id: int | None
    area_id: int
    area_path: str

    pk = property(lambda self: self.id)


class ResidentRow(NamedTuple):
    id: int
    client_uuid: uuid.UUID | None
    household_id: int

    pk = property(lambda self: self.id)


class CodeRow(NamedTuple):
    """An outcome or reason code, active or retired (`retired_at` set): what the checks and
    the projection read of it."""

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
    retired_at: datetime.datetime | None


# The batch's active campaigns, each with the codes it may use (the shared ones and its own,
# active or retired: a retired one still serves a visit recorded before) in one query; a
# campaign with no code at all still comes back, with NULLs.
_CAMPAIGN_CODES_SQL = (
    f"SELECT {table(Campaign)}.id, {', '.join(f'oc.{name}' for name in CodeRow._fields)} FROM {table(Campaign)} "
    f"LEFT JOIN {table(OutcomeCode)} oc ON (oc.is_active OR oc.retired_at IS NOT NULL) "
    f"AND (oc.campaign_id IS NULL OR oc.campaign_id = {table(Campaign)}.id) "
    f"WHERE {table(Campaign)}.is_active AND {{0}}"
)  # fmt: skip
_HOUSEHOLDS_SQL = (
    'SELECT "households_household"."id", "households_household"."client_uuid", "households_household"."turf_id", '
    '"households_household"."area_id", "households_area"."path" FROM "households_household" '
    'JOIN "households_area" ON "households_area"."id" = "households_household"."area_id" WHERE {0} OR {1}'
)
_RESIDENTS_SQL = 'SELECT "id", "client_uuid", "household_id" FROM "households_resident" WHERE {0} OR {1}'


@dataclass(frozen=True)
class Codebook:
    """The batch's active campaigns and, by (campaign or None for shared, code), their codes."""

    campaigns: frozenset[int]
    codes: dict[tuple[int | None, str], CodeRow]

    def code(self, campaign_id: int, code: str, scope: str, error: str, *, device_time: datetime.datetime) -> CodeRow:
        # A code retired after the visit was recorded was on the phone's list then (the
        # phone learns of it at its next pull): accepted; one retired before, not.
        for found in (self.codes.get((campaign_id, code)), self.codes.get((None, code))):
            if found is not None and found.scope == scope and (found.retired_at is None or device_time < found.retired_at):
                return found
        raise ItemError(error, code)


def codebook_load(*, campaign_ids: set[int]) -> Codebook:
    campaigns, codes = set(), {}
    as_time = OutcomeCode._meta.get_field("retired_at").to_python  # SQLite may give it as text
    for campaign_id, *code in select_where_in(_CAMPAIGN_CODES_SQL, (Campaign._meta.pk, list(campaign_ids))):
        campaigns.add(campaign_id)
        if code[0] is not None:
            found = CodeRow._make(code)
            if found.retired_at is not None:
                retired_at = as_time(found.retired_at)
                # SQLite keeps UTC without an offset.
                found = found._replace(retired_at=retired_at if retired_at.tzinfo else retired_at.replace(tzinfo=datetime.UTC))
            codes[(found.campaign_id, found.code)] = found
    return Codebook(campaigns=frozenset(campaigns), codes=codes)


@dataclass(frozen=True)
class Registry:
    """The existing households, turfs and residents the batch names, by id and by client UUID."""

    households: dict[int, HouseholdRow]
    households_by_uuid: dict[uuid.UUID, HouseholdRow]
    turfs: dict[int, Turf]
    residents: dict[int, ResidentRow]
    residents_by_uuid: dict[uuid.UUID, ResidentRow]


def registry_load(*, items: list[VisitItem]) -> Registry:
    households = _households_load(items)
    turf_ids = {i.new_household["turf_id"] for i in items if i.new_household}
    # Only a batch that creates a household at the door needs its turf (building even an
    # empty queryset cost a twentieth of a push's Python).
    turfs = {t.id: t for t in Turf.objects.filter(id__in=turf_ids).select_related("area")} if turf_ids else {}
    residents = _residents_load([p for i in items for p in i.residents])
    return Registry(
        households=households, households_by_uuid={h.client_uuid: h for h in households.values() if h.client_uuid},
        turfs=turfs, residents=residents, residents_by_uuid={r.client_uuid: r for r in residents.values() if r.client_uuid},
    )  # fmt: skip


def _households_load(items: list[VisitItem]) -> dict[int, HouseholdRow]:
    field = Household._meta.get_field
    as_uuid = field("client_uuid").to_python  # SQLite gives the UUID as text
    ids = {i.household_id for i in items if i.household_id}
    uuids = {i.household_uuid for i in items if i.household_uuid}
    uuids |= {i.new_household["client_uuid"] for i in items if i.new_household}
    found = select_where_in(_HOUSEHOLDS_SQL, (field("id"), list(ids)), (field("client_uuid"), list(uuids)))
    return {h[0]: HouseholdRow(h[0], as_uuid(h[1]), *h[2:]) for h in found}


def _residents_load(parts: list) -> dict[int, ResidentRow]:
    field = Resident._meta.get_field
    as_uuid = field("client_uuid").to_python
    ids = {p.resident_id for p in parts if p.resident_id}
    uuids = {p.resident_uuid for p in parts if p.resident_uuid}
    uuids |= {p.new_resident["client_uuid"] for p in parts if p.new_resident}
    found = select_where_in(_RESIDENTS_SQL, (field("id"), list(ids)), (field("client_uuid"), list(uuids)))
    return {r[0]: ResidentRow(r[0], as_uuid(r[1]), r[2]) for r in found}


class ItemChecker:
    """Checks a batch's items one by one against what they refer to. A household found at
    the door by one item is remembered (unsaved), so a later item of the batch may name it."""

    def __init__(self, *, user, items):
        items = list(items)
        self.codebook = codebook_load(campaign_ids={i.campaign_id for i in items})
        self.scopes = {cid: field_scope(user=user, campaign_id=cid) for cid in self.codebook.campaigns}
        self.registry = registry_load(items=items)
        self.pending_households: dict[uuid.UUID, Household] = {}

    def check(self, item: VisitItem) -> dict:
        """The item ready to write, or ItemError: what the write needs, resolved."""
        campaign_id = item.campaign_id
        if campaign_id not in self.codebook.campaigns:
            raise ItemError("unknown_campaign", str(campaign_id))
        code = self.codebook.code
        household, recording, new_household = self._household(item, self.scopes[campaign_id])
        when = item.device_time
        outcome = code(campaign_id, item.outcome, OutcomeScope.HOUSEHOLD, "unknown_outcome", device_time=when)
        parts = []
        for n, part in enumerate(item.residents):
            resident_outcome = code(campaign_id, part.outcome, OutcomeScope.RESIDENT, "unknown_outcome", device_time=when)
            reason = (code(campaign_id, part.reason, OutcomeScope.REASON, "unknown_reason", device_time=when)
                      if part.reason else None)  # fmt: skip
            parts.append((self._resident(part, household, n), resident_outcome, reason))
        return {"item": item, "campaign_id": campaign_id, "household": household, "new_household": new_household,
                "team_id": recording.team_id, "after_handover": recording.after_handover, "outcome": outcome,
                "parts": parts}  # fmt: skip

    def _household(self, item: VisitItem, scope: FieldScope):
        """(household, whether and for which team the visit is stored, the household if new
        at the door)."""
        if item.household_id:
            household = self.registry.households.get(item.household_id)
        else:
            key = item.household_uuid or item.new_household["client_uuid"]
            household = self.registry.households_by_uuid.get(key) or self.pending_households.get(key)
        if household is None and item.household_id:
            # An id that names no household answers as one outside the turfs does: which ids
            # exist elsewhere is not the caller's to learn (DESIGN.md §6, no oracle).
            raise ItemError("household_out_of_scope", str(item.household_id))
        if household is None:
            if not item.new_household:
                # A UUID the phone made itself for a household that never reached the server.
                raise ItemError("unknown_household", str(item.household_uuid))
            return self._new_household(item, scope)
        path = household.area_path if isinstance(household, HouseholdRow) else household.area.path
        recording = scope.recording(turf_id=household.turf_id, area_path=path, device_time=item.device_time)
        if not recording.allowed:
            raise ItemError("household_out_of_scope", str(item.household_id or item.household_uuid or ""))
        return household, recording, None

    def _new_household(self, item: VisitItem, scope: FieldScope):
        data = dict(item.new_household)
        turf = self.registry.turfs.get(data.pop("turf_id"))
        recording = (scope.recording(turf_id=turf.id, area_path=turf.area.path, device_time=item.device_time)
                     if turf is not None else None)  # fmt: skip
        if recording is None or not recording.allowed:
            raise ItemError("unknown_turf", str(item.new_household["turf_id"]))
        household = Household(area=turf.area, turf=turf, **data)
        household.address_text = household.address_text or household.compose_address()
        try:
            household.full_clean(exclude=["client_uuid"])
        except ValidationError as exc:
            raise ItemError("invalid_household", "; ".join(exc.messages)) from None
        self.pending_households[household.client_uuid] = household
        return household, recording, household

    def _resident(self, part, household: Household | HouseholdRow, n: int):
        if part.resident_id or part.resident_uuid:
            by_id, by_uuid = self.registry.residents, self.registry.residents_by_uuid
            resident = by_id.get(part.resident_id) if part.resident_id else by_uuid.get(part.resident_uuid)
            if resident is None or resident.household_id != household.id or household.id is None:
                raise ItemError("unknown_resident", f"residents[{n}]")
            return resident
        existing = self.registry.residents_by_uuid.get(part.new_resident["client_uuid"])
        if existing is not None:
            if existing.household_id != household.id:
                raise ItemError("unknown_resident", f"residents[{n}]")
            return existing
        # Not attached to the household yet: it may be a HouseholdRow, not a model.
        resident = Resident(**part.new_resident)
        try:
            resident.full_clean(exclude=["household", "client_uuid"])
        except ValidationError as exc:
            raise ItemError("invalid_resident", "; ".join(exc.messages)) from None
        return resident
