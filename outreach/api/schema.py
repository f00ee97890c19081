"""Serializers that describe the wire format for the OpenAPI document at /api/schema/.
They document; the push is validated by outreach.sync.items for speed. The new household's
and new resident's fields and the pull's columns come from households.fields, the lists the
parser and the pull use; tests/test_field_lists.py checks the document against both."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from households import fields
from households.fields import PushField

from ..hometime.selectors import HOME_FIELDS
from ..sync import errors, items, pull, push
from ..sync.items import MAX_ID


def _id(**options) -> serializers.IntegerField:
    """A row id as the parser takes it: positive and a bigint (documented as int64)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **options)


class OneOf(serializers.CharField):
    """A string that is one of `values`, published as the enum component `component`."""

    def __init__(self, values, *, component: str, **options):
        super().__init__(**options)
        self.values, self.component = tuple(values), component


class OneOfExtension(OpenApiSerializerFieldExtension):
    # Named here, not by drf-spectacular's enum hook: it names an enum after its field, and
    # the "code" of an item, of each refusal and of the token view's answers would collide.
    target_class = OneOf

    def map_serializer_field(self, auto_schema, direction):
        component = ResolvedComponent(name=self.target.component, type=ResolvedComponent.SCHEMA,
                                      object=self.target.component,
                                      schema={"type": "string", "enum": list(self.target.values)})  # fmt: skip
        auto_schema.registry.register_on_missing(component)
        return component.ref


def _list(child: serializers.Field, max_length: int, **options) -> serializers.ListField:
    # A ListField, not many=True: drf-spectacular publishes a ListField's max_length as maxItems.
    return serializers.ListField(child=child, max_length=max_length, **options)


def _described(spec: PushField) -> serializers.Field:
    # The parser reads null as absent for every optional field (items._new_household/_new_resident).
    options = {"required": spec.required, "allow_null": not spec.required}
    if spec.help_text:
        options["help_text"] = spec.help_text
    if spec.kind == "uuid":
        return serializers.UUIDField(**options)
    if spec.kind in ("id", "year"):
        return _id(**options)
    if spec.kind == "date":
        return serializers.DateField(**options)
    if spec.kind == "bool":
        return serializers.BooleanField(**options)
    if spec.kind == "choice":
        # Documented without null (the parser takes it as absent): a nullable choice would be
        # published as oneOf an enum and a null enum, for no client's benefit.
        return serializers.ChoiceField(list(spec.choices), **{**options, "allow_null": False})
    return serializers.CharField(max_length=spec.max_length, allow_blank=not spec.required, **options)


def _body(name: str, specs: tuple[PushField, ...]) -> type[serializers.Serializer]:
    """A serializer named `name` (its component name in the document) with one field per spec."""
    attrs = {spec.name: _described(spec) for spec in specs}
    # Built through the serializer metaclass, which collects the declared fields as a class body would.
    return type(serializers.Serializer)(name, (serializers.Serializer,), {"__module__": __name__, **attrs})


NewHousehold = _body("NewHousehold", fields.NEW_HOUSEHOLD)
NewResident = _body("NewResident", fields.NEW_RESIDENT)


class ResidentOutcome(serializers.Serializer):
    resident = _id(required=False, allow_null=True, help_text="one of resident, resident_uuid, new_resident")
    resident_uuid = serializers.UUIDField(required=False, allow_null=True)
    new_resident = NewResident(required=False, allow_null=True)
    outcome = serializers.CharField(min_length=1, help_text="a resident outcome code, e.g. assisted_l2_activated")
    reason = serializers.CharField(min_length=1, required=False, allow_null=True,
                                   help_text="a reason code, e.g. no_smartphone")  # fmt: skip


_TIME = (f"ISO 8601 with a UTC offset, from {items.EARLIEST_TIME:%Y} to {items.LATEST_AHEAD.days} days after the "
         "server's clock; outside that the visit is rejected as malformed")  # fmt: skip


class PushVisit(serializers.Serializer):
    client_uuid = serializers.UUIDField(help_text="made on the phone; the idempotency key")
    campaign = _id()
    household = _id(required=False, allow_null=True, help_text="one of household, household_uuid, new_household")
    household_uuid = serializers.UUIDField(required=False, allow_null=True)
    new_household = NewHousehold(required=False, allow_null=True)
    device_time = serializers.DateTimeField(help_text=_TIME)
    outcome = serializers.CharField(min_length=1, help_text="a household outcome code: visited, nobody_home, refused, ...")
    residents = _list(ResidentOutcome(), items.MAX_RESIDENTS, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=items.NOTE_LENGTH)
    revisit_after = serializers.DateTimeField(required=False, allow_null=True, help_text=_TIME)
    revisit_note = serializers.CharField(required=False, allow_null=True, allow_blank=True,
                                         max_length=items.REVISIT_NOTE_LENGTH)  # fmt: skip
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    accuracy = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=items.MAX_ACCURACY_M,
                                      help_text="metres; only with latitude and longitude")  # fmt: skip


class PushRequest(serializers.Serializer):
    visits = _list(PushVisit(), push.MAX_ITEMS, help_text=f"at most {push.MAX_ITEMS}; at most 2 MB in all")


class ItemResult(serializers.Serializer):
    status = OneOf(["accepted", "duplicate", "rejected"], component="ItemStatus")
    id = _id(required=False, help_text="accepted: the visit's id on the server")
    code = OneOf(errors.ITEM_CODES, component="ItemCode", required=False, help_text="rejected: why")
    message_vi = serializers.CharField(required=False)
    message_en = serializers.CharField(required=False)
    detail = serializers.CharField(required=False, help_text="rejected: the field, for malformed")


class PushResponse(serializers.Serializer):
    results = ItemResult(many=True, help_text="one per pushed visit, in order")


def _refusal(name: str, codes: tuple[str, ...]) -> type[serializers.Serializer]:
    """`{"error": {"code", "message_vi", "message_en"}}` whose code is one of `codes`."""
    error = type(serializers.Serializer)(f"{name}Error", (serializers.Serializer,), {
        "__module__": __name__, "code": OneOf(codes, component=f"{name}Code"), "message_vi": serializers.CharField(),
        "message_en": serializers.CharField(), "detail": serializers.CharField(required=False)})  # fmt: skip
    return type(serializers.Serializer)(name, (serializers.Serializer,), {"__module__": __name__, "error": error()})


# Every refusal of a whole request, for callers that want one shape for all of them.
ErrorResponse = _refusal("ErrorResponse", tuple(c for c in errors.MESSAGES if c not in errors.ITEM_CODES)
                         + errors.PULL_NOT_FOUND)  # fmt: skip
PushBadRequest = _refusal("PushBadRequest", errors.PUSH_BAD_REQUEST)
PushTooLarge = _refusal("PushTooLarge", errors.PUSH_TOO_LARGE)
PullBadRequest = _refusal("PullBadRequest", errors.PULL_BAD_REQUEST)
PullNotFound = _refusal("PullNotFound", errors.PULL_NOT_FOUND)
PullGone = _refusal("PullGone", errors.PULL_GONE)
SignedOut = _refusal("SignedOut", errors.SIGNED_OUT)
Unavailable = _refusal("Unavailable", errors.UNAVAILABLE)


class CsrfRefused(serializers.Serializer):
    detail = serializers.CharField(help_text="DRF's own words, in English: a session POST without X-CSRFToken")


# DRF answers 403 for a missing session (its first authenticator, the session's, sends no
# WWW-Authenticate header) and for a session POST without the CSRF token.
Forbidden = PolymorphicProxySerializer(component_name="Forbidden", serializers=[SignedOut, CsrfRefused],
                                       resource_type_field_name=None)  # fmt: skip
_SHARED = {401: SignedOut, 403: Forbidden, 503: Unavailable}
PUSH_RESPONSES = {200: PushResponse, 400: PushBadRequest, 413: PushTooLarge, **_SHARED}
PULL_PARAMETERS = [
    OpenApiParameter("campaign", {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID},
                     description="Campaign id; default: the newest active campaign"),
    OpenApiParameter("cursor", {"type": "string", "pattern": pull.CURSOR_PATTERN},
                     description="The cursor of the last pull; none for a full download"),
]  # fmt: skip


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
HomeRows = _rows("HomeRows", HOME_FIELDS)


class Removed(serializers.Serializer):
    turfs = serializers.ListField(child=_id())
    households = serializers.ListField(child=_id())


class PulledCampaign(serializers.Serializer):
    id = _id()
    name = serializers.CharField()
    deadline = serializers.DateField()
    target_level = serializers.IntegerField(min_value=1, max_value=2)


class PulledUser(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()


class PullResponse(serializers.Serializer):
    cursor = serializers.CharField(help_text="send it back as ?cursor= next time")
    has_more = serializers.BooleanField(help_text="pull again at once with the new cursor")
    households = HouseholdRows(required=False)
    residents = ResidentRows(required=False)
    visits = VisitRows(required=False)
    home = HomeRows(required=False, help_text="when someone is usually home, per household sent (docs/sync-protocol.md)")
    removed = Removed(required=False, help_text="turfs and households to drop from the phone")
    campaign = PulledCampaign(required=False)
    codes = serializers.ListField(required=False)
    turfs = serializers.ListField(required=False)
    user = PulledUser(help_text="whose session answered: a phone with nothing to send syncs in this one request, "
                                "and starts over when the session is someone else's")


PULL_RESPONSES = {200: PullResponse, 400: PullBadRequest, 404: PullNotFound, 410: PullGone, **_SHARED}
