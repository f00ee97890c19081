"""Parsing one pushed visit into plain Python values, without touching the database.

Hand-written rather than a DRF serializer per item: a push carries up to 500 items and this
runs for each, so it must cost microseconds (the serializers in outreach/api/schema.py
describe the same shape for the OpenAPI document; both take the new household's and new
resident's fields from households.fields). Anything wrong raises ItemError with a
code from errors.MESSAGES and a detail naming the field.
"""

import datetime
import hashlib
import json
import math
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.dateparse import parse_date, parse_datetime

from households import ids
from households.fields import NEW_HOUSEHOLD, NEW_RESIDENT, PushField


class ItemError(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


@dataclass
class ResidentPart:
    outcome: str
    reason: str | None
    resident_id: int | None = None
    resident_uuid: uuid.UUID | None = None
    new_resident: dict | None = None


@dataclass
class VisitItem:
    client_uuid: uuid.UUID
    content_hash: str
    campaign_id: int
    device_time: datetime.datetime
    outcome: str
    household_id: int | None = None
    household_uuid: uuid.UUID | None = None
    new_household: dict | None = None
    residents: list[ResidentPart] = field(default_factory=list)
    note: str = ""
    revisit_after: datetime.datetime | None = None
    revisit_note: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    accuracy_m: int | None = None  # the phone's estimate of the position's error, metres


# What push.py copies onto the rows it creates; the lists themselves live in households.fields.
HOUSEHOLD_TEXT_FIELDS = tuple(f.name for f in NEW_HOUSEHOLD if f.kind == "text")
RESIDENT_FIELDS = tuple(f.name for f in NEW_RESIDENT if f.kind != "uuid")


def content_hash(raw: dict) -> str:
    """Same content → same hash, whatever key order or spacing the phone used."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _uuid(value, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise ItemError("malformed", f"{name}: not a UUID") from None


# Every id column is a bigint: a larger number would make the database refuse the whole
# batch (a 5xx, which the phone retries for ever) instead of this one item.
MAX_ID = ids.MAX_ID
# Times a phone may report. A clock days or months off is stored and kept visible (the
# projection caps it at the receive time); a year the database cannot read back is not.
EARLIEST_TIME = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
LATEST_AHEAD = datetime.timedelta(days=366)
# The visit's own text and list bounds (the OpenAPI document publishes the same numbers).
NOTE_LENGTH = 2000
REVISIT_NOTE_LENGTH = 200
MAX_RESIDENTS = 50


def _int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ItemError("malformed", f"{name}: expected a positive integer id")
    if value > MAX_ID:
        raise ItemError("malformed", f"{name}: out of range")
    return value


def _checked_text(value, name: str, max_length: int | None) -> str:
    if not isinstance(value, str):
        raise ItemError("malformed", f"{name}: expected text")
    if max_length is not None and len(value) > max_length:
        raise ItemError("malformed", f"{name}: longer than {max_length} characters")
    if "\x00" in value:  # PostgreSQL text cannot hold it
        raise ItemError("malformed", f"{name}: contains a NUL character")
    return value


def _text(raw: dict, name: str, max_length: int) -> str:
    return _checked_text(raw.get(name) or "", name, max_length)


def _datetime(value, name: str, *, required: bool) -> datetime.datetime | None:
    if value in (None, ""):
        if required:
            raise ItemError("malformed", f"{name}: required")
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well-formed but impossible: minute 75, 30 February, offset +25:00
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ItemError("malformed", f"{name}: expected an ISO 8601 time with a UTC offset")
    latest = datetime.datetime.now(datetime.UTC) + LATEST_AHEAD
    try:
        in_range = EARLIEST_TIME <= parsed <= latest
    except OverflowError:  # 9999-12-31T23:59:59-14:00 is past year 9999 in UTC
        in_range = False
    if not in_range:
        raise ItemError("malformed", f"{name}: outside {EARLIEST_TIME:%Y}–{latest:%Y}")
    return parsed


def _date(value, name: str) -> datetime.date:
    try:
        parsed = parse_date(value) if isinstance(value, str) else None
    except ValueError:  # 2020-02-30
        parsed = None
    if parsed is None:
        raise ItemError("malformed", f"{name}: expected YYYY-MM-DD")
    return parsed


def _coordinate(value, name: str, limit: int) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ItemError("malformed", f"{name}: expected a number")  # JSON's NaN and Infinity too
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise ItemError("malformed", f"{name}: expected a number") from None
    if abs(number) > limit:
        raise ItemError("malformed", f"{name}: out of range")
    return number


MAX_ACCURACY_M = 100_000


def _position(raw: dict) -> tuple[Decimal | None, Decimal | None, int | None]:
    """(latitude, longitude, accuracy in metres): all optional (the phone records a position
    only where the volunteer allowed it), but a latitude without its longitude is no position."""
    latitude = _coordinate(raw.get("latitude"), "latitude", 90)
    longitude = _coordinate(raw.get("longitude"), "longitude", 180)
    if (latitude is None) != (longitude is None):
        raise ItemError("malformed", "latitude, longitude: give both or neither")
    accuracy = raw.get("accuracy")
    if accuracy is None:
        return latitude, longitude, None
    if isinstance(accuracy, bool) or not isinstance(accuracy, (int, float)) or not math.isfinite(accuracy):
        raise ItemError("malformed", "accuracy: expected a number of metres")
    if not 0 <= accuracy <= MAX_ACCURACY_M or latitude is None:
        raise ItemError("malformed", f"accuracy: 0 to {MAX_ACCURACY_M} metres, with a position")
    return latitude, longitude, round(accuracy)


def _code(value, name: str, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise ItemError("malformed", f"{name}: expected an outcome code")
    return value


def _value(value, spec: PushField, where: str):
    """A pushed value that is not null, checked against the kind of its field."""
    name = f"{where}.{spec.name}"
    if spec.kind == "uuid":
        return _uuid(value, name)
    if spec.kind in ("id", "year"):
        return _int(value, name)
    if spec.kind == "date":
        return _date(value, name)
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise ItemError("malformed", f"{name}: expected true or false")
        return value
    return _checked_text(value, name, spec.max_length)


def _new_household(raw) -> dict:
    if not isinstance(raw, dict):
        raise ItemError("malformed", "new_household: expected an object")
    data = {}
    for spec in NEW_HOUSEHOLD:
        if spec.kind == "text":  # absent or null is "", as the model stores a blank part
            data[spec.name] = _text(raw, spec.name, spec.max_length)
        else:  # the client UUID and the turf, both required
            key = f"{spec.name}_id" if spec.kind == "id" else spec.name
            data[key] = _value(raw.get(spec.name), spec, "new_household")
    return data


def _new_resident(raw) -> dict:
    if not isinstance(raw, dict):
        raise ItemError("malformed", "new_resident: expected an object")
    data = {}
    for spec in NEW_RESIDENT:
        value = raw.get(spec.name)
        if value is not None or spec.kind == "uuid":  # absent: the model's default
            data[spec.name] = _value(value, spec, "new_resident")
    for spec in NEW_RESIDENT:
        if spec.required and not str(data.get(spec.name, "")).strip():
            raise ItemError("malformed", f"new_resident.{spec.name}: required")
    return data


def _resident_part(raw, index: int) -> ResidentPart:
    if not isinstance(raw, dict):
        raise ItemError("malformed", f"residents[{index}]: expected an object")
    part = ResidentPart(outcome=_code(raw.get("outcome"), f"residents[{index}].outcome"),
                        reason=_code(raw.get("reason"), f"residents[{index}].reason", required=False))  # fmt: skip
    given = [k for k in ("resident", "resident_uuid", "new_resident") if raw.get(k) is not None]
    if len(given) != 1:
        raise ItemError("malformed", f"residents[{index}]: give exactly one of resident, resident_uuid, new_resident")
    if given[0] == "resident":
        part.resident_id = _int(raw["resident"], f"residents[{index}].resident")
    elif given[0] == "resident_uuid":
        part.resident_uuid = _uuid(raw["resident_uuid"], f"residents[{index}].resident_uuid")
    else:
        part.new_resident = _new_resident(raw["new_resident"])
    return part


def parse_visit(raw) -> VisitItem:
    if not isinstance(raw, dict):
        raise ItemError("malformed", "expected an object")
    try:
        digest = content_hash(raw)
    except RecursionError:  # nesting the JSON parser took but the hash cannot
        raise ItemError("malformed", "nested too deeply") from None
    item = VisitItem(
        client_uuid=_uuid(raw.get("client_uuid"), "client_uuid"),
        content_hash=digest,
        campaign_id=_int(raw.get("campaign"), "campaign"),
        device_time=_datetime(raw.get("device_time"), "device_time", required=True),
        outcome=_code(raw.get("outcome"), "outcome"),
        note=_text(raw, "note", NOTE_LENGTH),
        revisit_after=_datetime(raw.get("revisit_after"), "revisit_after", required=False),
        revisit_note=_text(raw, "revisit_note", REVISIT_NOTE_LENGTH),
    )
    item.latitude, item.longitude, item.accuracy_m = _position(raw)
    given = [k for k in ("household", "household_uuid", "new_household") if raw.get(k) is not None]
    if len(given) != 1:
        raise ItemError("malformed", "give exactly one of household, household_uuid, new_household")
    if given[0] == "household":
        item.household_id = _int(raw["household"], "household")
    elif given[0] == "household_uuid":
        item.household_uuid = _uuid(raw["household_uuid"], "household_uuid")
    else:
        item.new_household = _new_household(raw["new_household"])
    residents = raw.get("residents") or []
    if not isinstance(residents, list) or len(residents) > MAX_RESIDENTS:
        raise ItemError("malformed", f"residents: expected a list of at most {MAX_RESIDENTS}")
    item.residents = [_resident_part(r, i) for i, r in enumerate(residents)]
    return item
