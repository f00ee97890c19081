"""The fields of a household and of a resident, each list written once.

The registry's writes (services.py) and the admin, the roster import, the push parser
(outreach/sync/items.py), the pull (outreach/sync/pull.py) and the OpenAPI document
(outreach/api/schema.py) all take their field names from here, so a field added to the
model reaches every surface through one edit, and tests/test_field_lists.py fails when the
published schema and the parser drift apart.
"""

from dataclasses import dataclass

from .models import Sex

ADDRESS_PARTS = ("house_number", "lane", "street", "building", "floor", "unit")
# The "needs help at home" flags; the pull packs them into one number (bit 1, 2, 4 in this order).
SUPPORT_FLAGS = ("elderly_alone", "disabled", "sick")


@dataclass(frozen=True)
class PushField:
    """One key a phone may send in a push. The wire name is the model field's name."""

    name: str
    kind: str = "text"  # text, uuid, id (a row of the model the field points to), date, year, bool, choice
    required: bool = False
    max_length: int | None = None  # enforced by the push parser; None: left to the model's full_clean
    choices: tuple[str, ...] = ()
    help_text: str = ""


# A household the team found at the door and created on the phone.
NEW_HOUSEHOLD = (
    PushField("client_uuid", "uuid", required=True),
    PushField("turf", "id", required=True),
    *(PushField(name, max_length=200) for name in (*ADDRESS_PARTS, "head_name")),
    PushField("address_text", max_length=500),
)
# A resident added at the door. Not the VNeID levels: those follow from the outcome codes
# the phone reports with the visit (outreach/visits/projection.py).
NEW_RESIDENT = (
    PushField("client_uuid", "uuid", required=True),
    PushField("full_name", required=True),
    PushField("birth_date", "date"),
    PushField("birth_year", "year"),
    PushField("sex", "choice", choices=tuple(Sex.values)),
    PushField("id_number", help_text="12 digits, checked against birth year and sex"),
    PushField("phone", help_text="normalised to +84"),
    PushField("residence_status"),
    *(PushField(name, "bool") for name in SUPPORT_FLAGS),
)

# What the registry's writes and the admin may change. Not the area: household_create takes
# it as its own argument, household_update never moves a household, the admin form adds it.
HOUSEHOLD = ("turf", *ADDRESS_PARTS, "address_text", "head_name", "latitude", "longitude")
RESIDENT = (*(f.name for f in NEW_RESIDENT if f.kind != "uuid"), "vneid_level1", "vneid_level2")

# The pull's columns in the order of each row: wire name -> the model fields it is read from
# ((): worked out by the pull from the campaign's state). The phone reads a row by these names
# (frontend/static/fieldapp/pull.js), so renaming one is a protocol change.
PULL_HOUSEHOLD = {
    "id": ("id",), "turf": ("turf",), **{name: (name,) for name in ADDRESS_PARTS}, "address": ("address_text",),
    "walk_key": ("walk_key",), "status": (), "visit_count": (), "last_visit_time": (), "revisit_after": (),
    "last_outcome": (),
}  # fmt: skip
PULL_RESIDENT = {
    "id": ("id",), "household": ("household",),
    **{name: (name,) for name in ("full_name", "birth_date", "birth_year")},
    "eligible_from": ("birth_date",),
    **{name: (name,) for name in ("sex", "id_number", "phone", "residence_status")},
    "support": SUPPORT_FLAGS, "vneid1": ("vneid_level1",), "vneid2": ("vneid_level2",), "interest": (),
    "last_outcome": (), "last_reason": (),
}  # fmt: skip
