"""Serializers that describe the wire format for the OpenAPI document at /api/schema/.
They document; the push is validated by outreach.sync.items for speed."""

from rest_framework import serializers


class NewHousehold(serializers.Serializer):
    client_uuid = serializers.UUIDField()
    turf = serializers.IntegerField()
    house_number = serializers.CharField(required=False)
    lane = serializers.CharField(required=False)
    street = serializers.CharField(required=False)
    building = serializers.CharField(required=False)
    floor = serializers.CharField(required=False)
    unit = serializers.CharField(required=False)
    head_name = serializers.CharField(required=False)
    address_text = serializers.CharField(required=False)


class NewResident(serializers.Serializer):
    client_uuid = serializers.UUIDField()
    full_name = serializers.CharField()
    birth_date = serializers.DateField(required=False)
    birth_year = serializers.IntegerField(required=False)
    sex = serializers.ChoiceField(["M", "F"], required=False)
    id_number = serializers.CharField(required=False, help_text="12 digits, checked against birth year and sex")
    phone = serializers.CharField(required=False, help_text="normalised to +84")
    residence_status = serializers.CharField(required=False)
    elderly_alone = serializers.BooleanField(required=False)
    disabled = serializers.BooleanField(required=False)
    sick = serializers.BooleanField(required=False)


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


class Rows(serializers.Serializer):
    fields = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())


class PullResponse(serializers.Serializer):
    cursor = serializers.CharField(help_text="send it back as ?cursor= next time")
    has_more = serializers.BooleanField(help_text="pull again at once with the new cursor")
    households = Rows(required=False)
    residents = Rows(required=False)
    visits = Rows(required=False)
    removed = serializers.DictField(required=False, help_text="turfs and households to drop from the phone")
    campaign = serializers.DictField(required=False)
    codes = serializers.ListField(required=False)
    turfs = serializers.ListField(required=False)
