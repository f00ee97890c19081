"""Serializers that describe the wire format for the OpenAPI document at /api/schema/.
They document; the push is validated by outreach.sync.items for speed. The new household's
and new resident's fields and the pull's columns come from households.fields, the lists the
parser and the pull use; tests/test_field_lists.py checks the document against both."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from households import fields
from households.fields import PushField

from ..sync import pull


def _described(spec: PushField) -> serializers.Field:
    options = {"required": spec.required}
    if spec.help_text:
        options["help_text"] = spec.help_text
    if spec.kind == "uuid":
        return serializers.UUIDField(**options)
    if spec.kind in ("id", "year"):
        return serializers.IntegerField(**options)
    if spec.kind == "date":
        return serializers.DateField(**options)
    if spec.kind == "bool":
        return serializers.BooleanField(**options)
    if spec.kind == "choice":
        return serializers.ChoiceField(list(spec.choices), **options)
    return serializers.CharField(max_length=spec.max_length, **options)


def _body(name: str, specs: tuple[PushField, ...]) -> type[serializers.Serializer]:
    """A serializer named `name` (its component name in the document) with one field per spec."""
    attrs = {spec.name: _described(spec) for spec in specs}
    # Built through the serializer metaclass, which collects the declared fields as a class body would.
    return type(serializers.Serializer)(name, (serializers.Serializer,), {"__module__": __name__, **attrs})


NewHousehold = _body("NewHousehold", fields.NEW_HOUSEHOLD)
NewResident = _body("NewResident", fields.NEW_RESIDENT)


class ResidentOutcome(serializers.Serializer):
    resident = serializers.IntegerField(required=False, help_text="one of resident, resident_uuid, new_resident")
    resident_uuid = serializers.UUIDField(required=False)
    new_resident = NewResident(required=False)
    outcome = serializers.CharField(help_text="a resident outcome code, e.g. assisted_l2_activated")
    reason = serializers.CharField(required=False, allow_null=True, help_text="a reason code, e.g. no_smartphone")


class PushVisit(serializers.Serializer):
    client_uuid = serializers.UUIDField(help_text="made on the phone; the idempotency key")
    campaign = serializers.IntegerField()
    household = serializers.IntegerField(required=False, help_text="one of household, household_uuid, new_household")
    household_uuid = serializers.UUIDField(required=False)
    new_household = NewHousehold(required=False)
    device_time = serializers.DateTimeField(help_text="ISO 8601 with offset")
    outcome = serializers.CharField(help_text="a household outcome code: visited, nobody_home, refused, ...")
    residents = ResidentOutcome(many=True, required=False)
    note = serializers.CharField(required=False)
    revisit_after = serializers.DateTimeField(required=False, allow_null=True)
    revisit_note = serializers.CharField(required=False)
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)


class PushRequest(serializers.Serializer):
    visits = PushVisit(many=True, help_text="at most 500")


class ItemResult(serializers.Serializer):
    status = serializers.ChoiceField(["accepted", "duplicate", "rejected"])
    id = serializers.IntegerField(required=False)
    code = serializers.CharField(required=False)
    message_vi = serializers.CharField(required=False)
    message_en = serializers.CharField(required=False)
    detail = serializers.CharField(required=False)


class PushResponse(serializers.Serializer):
    results = ItemResult(many=True, help_text="one per pushed visit, in order")


class Error(serializers.Serializer):
    code = serializers.CharField()
    message_vi = serializers.CharField()
    message_en = serializers.CharField()


class ErrorResponse(serializers.Serializer):
    error = Error()


def _rows(name: str, columns: list[str]) -> type[serializers.Serializer]:
    """A `{"fields": [...], "rows": [[...], ...]}` block whose field list is always `columns`
    (a one-value enum: OpenAPI 3.0 has no const)."""
    schema = {"type": "array", "items": {"type": "string"}, "enum": [list(columns)],
              "description": "the name of each column of a row, always this list in this order"}  # fmt: skip
    column_list = extend_schema_field(schema)(type(f"{name}Fields", (serializers.ListField,), {}))
    attrs = {"fields": column_list(child=serializers.CharField()),
             "rows": serializers.ListField(child=serializers.ListField())}  # fmt: skip
    return type(serializers.Serializer)(name, (serializers.Serializer,), {"__module__": __name__, **attrs})


HouseholdRows = _rows("HouseholdRows", pull.HOUSEHOLD_FIELDS)
ResidentRows = _rows("ResidentRows", pull.RESIDENT_FIELDS)
VisitRows = _rows("VisitRows", pull.VISIT_FIELDS)


class PullResponse(serializers.Serializer):
    cursor = serializers.CharField(help_text="send it back as ?cursor= next time")
    has_more = serializers.BooleanField(help_text="pull again at once with the new cursor")
    households = HouseholdRows(required=False)
    residents = ResidentRows(required=False)
    visits = VisitRows(required=False)
    removed = serializers.DictField(required=False, help_text="turfs and households to drop from the phone")
    campaign = serializers.DictField(required=False)
    codes = serializers.ListField(required=False)
    turfs = serializers.ListField(required=False)
