"""The field lists of households.fields: the OpenAPI document says what the push parser and
the pull really do, and every list names fields the models have."""

import uuid

import pytest
from drf_spectacular.generators import SchemaGenerator

from households import fields, roster, services
from households.admin import HouseholdForm, ResidentAdmin
from households.models import Household, Resident
from households.services import resident_update
from outreach.models import TeamMembership
from outreach.sync import items
from outreach.sync.items import ItemError, parse_visit

from .sync_helpers import DEVICE_TIME, client_for, push, statuses, visit

# Roster columns that are not a field of their own: the birth column fills birth_date or
# birth_year, the others group rows into households.
ROSTER_ONLY = {"birth", "household_key", "group", "relation"}


@pytest.fixture(scope="module")
def schemas() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


def _resolve(schemas: dict, prop: dict) -> dict:
    return schemas[prop["$ref"].rsplit("/", 1)[-1]] if "$ref" in prop else prop


def _sample(prop: dict) -> object:
    """A value the schema allows for the property."""
    if "enum" in prop:
        return prop["enum"][0]
    return {"uuid": str(uuid.uuid4()), "date": "1990-05-17"}.get(prop.get("format")) or {
        "integer": 7, "boolean": True, "string": "x"}[prop["type"]]  # fmt: skip


def _model_sample(field) -> object:
    """A plausible JSON value for a model field, to offer the parser fields the schema omits."""
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return True
    if kind in ("DateField", "DateTimeField"):
        return "1990-05-17" if kind == "DateField" else DEVICE_TIME
    if kind == "UUIDField":
        return str(uuid.uuid4())
    if field.is_relation or "Integer" in kind or kind in ("AutoField", "BigAutoField", "DecimalField"):
        return 7
    return "x"


def _parse(entity: str, body: dict):
    """Push `body` as a new household or a new resident; what the parser kept of it."""
    visit = {"client_uuid": str(uuid.uuid4()), "campaign": 1, "device_time": DEVICE_TIME, "outcome": "visited"}
    if entity == "household":
        return parse_visit({**visit, "new_household": body}).new_household
    visit["residents"] = [{"new_resident": body, "outcome": "interested"}]
    return parse_visit({**visit, "household": 1}).residents[0].new_resident


ENTITIES = [("household", "NewHousehold", Household), ("resident", "NewResident", Resident)]


@pytest.mark.parametrize("entity, component, model", ENTITIES)
def test_it_describes_exactly_the_fields_the_push_parser_accepts(schemas, entity, component, model):
    schema = _resolve(schemas, schemas[component])
    props = {name: _resolve(schemas, prop) for name, prop in schema["properties"].items()}
    body = {name: _sample(prop) for name, prop in props.items()}
    # Every other field of the model is offered too: the parser must keep none of them.
    offered = {f.name: _model_sample(f) for f in model._meta.concrete_fields if f.name not in body}
    kept = _parse(entity, {**offered, **body})
    assert {model._meta.get_field(key).name for key in kept} == set(props)
    for name in props:
        without = {key: value for key, value in body.items() if key != name}
        if name in schema.get("required", []):
            with pytest.raises(ItemError, match=name):
                _parse(entity, without)
        else:
            _parse(entity, without)  # optional: the parser takes the body without it
    for name, prop in props.items():
        if "maxLength" in prop:
            _parse(entity, {**body, name: "x" * prop["maxLength"]})
            with pytest.raises(ItemError, match=f"{name}: longer than"):
                _parse(entity, {**body, name: "x" * (prop["maxLength"] + 1)})


@pytest.mark.django_db
def test_it_describes_the_pulls_field_lists_as_the_pull_sends_them(schemas, world):
    resident = resident_update(resident=world.households_a[0].residents.first(), phone="0912345678")
    client = client_for(world.leader)  # a group leader on team A: shown the phone (alice is not)
    TeamMembership.objects.create(team=world.team_a, user=world.leader)
    assert statuses(push(client, [visit(world, world.households_a[0])])) == ["accepted"]  # a visit row too
    body = client.get("/api/v1/sync/pull").json()
    pull_schema = schemas["PullResponse"]["properties"]
    for block in ("households", "residents", "visits"):
        described = _resolve(schemas, pull_schema[block])["properties"]["fields"]["enum"]
        assert described == [body[block]["fields"]], block
        assert body[block]["rows"] and all(len(row) == len(body[block]["fields"]) for row in body[block]["rows"])
    assert body["households"]["fields"] == list(fields.PULL_HOUSEHOLD)
    assert body["residents"]["fields"] == list(fields.PULL_RESIDENT)
    # Each column holds what its name says, for the columns sent as the model stores them.
    row = next(dict(zip(body["residents"]["fields"], r)) for r in body["residents"]["rows"] if r[0] == resident.id)
    assert (row["household"], row["full_name"], row["sex"], row["phone"], row["residence_status"]) == (
        resident.household_id, resident.full_name, resident.sex, resident.phone, resident.residence_status)
    household = Household.objects.get(id=body["households"]["rows"][0][0])
    row = dict(zip(body["households"]["fields"], body["households"]["rows"][0]))
    assert [row[name] for name in fields.ADDRESS_PARTS] == [getattr(household, n) for n in fields.ADDRESS_PARTS]
    assert (row["turf"], row["address"], row["walk_key"]) == (household.turf_id, household.address_text,
                                                             household.walk_key)  # fmt: skip


def _names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def test_it_names_only_real_model_fields_in_every_list():
    household, resident = _names(Household), _names(Resident)
    assert set(fields.ADDRESS_PARTS) | set(fields.HOUSEHOLD) | {f.name for f in fields.NEW_HOUSEHOLD} <= household
    assert set(fields.SUPPORT_FLAGS) | set(fields.RESIDENT) | {f.name for f in fields.NEW_RESIDENT} <= resident
    assert {source for sources in fields.PULL_HOUSEHOLD.values() for source in sources} <= household
    assert {source for sources in fields.PULL_RESIDENT.values() for source in sources} <= resident
    # What the services and the admin set must be editable, or the admin form would refuse it.
    for model, names in ((Household, fields.HOUSEHOLD), (Resident, fields.RESIDENT)):
        assert all(model._meta.get_field(name).editable for name in names)
    assert all(Resident._meta.get_field(spec.name).choices for spec in fields.NEW_RESIDENT if spec.kind == "choice")


def test_it_uses_the_one_list_in_the_services_admin_push_and_roster():
    assert (services.HOUSEHOLD_FIELDS, services.RESIDENT_FIELDS) == (fields.HOUSEHOLD, fields.RESIDENT)
    assert HouseholdForm._meta.fields == ("area", *fields.HOUSEHOLD)
    shown = {name for _, options in ResidentAdmin.fieldsets for name in options["fields"]}
    assert set(fields.RESIDENT) <= shown
    # What the push copies onto the rows it creates is what the services accept.
    assert set(items.HOUSEHOLD_TEXT_FIELDS) <= set(fields.HOUSEHOLD)
    assert set(items.RESIDENT_FIELDS) <= set(fields.RESIDENT)
    assert tuple(roster.ADDRESS) == fields.ADDRESS_PARTS
    assert set(roster.COLUMNS) - ROSTER_ONLY <= set(fields.RESIDENT) | set(fields.ADDRESS_PARTS)
