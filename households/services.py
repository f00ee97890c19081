"""Writes to the registry. Every write goes through full_clean so the same rules apply to
the admin, the roster import, the sync push and the demo data."""

import datetime
import uuid

from django.db import transaction

from .bulk_copy import bulk_insert
from .fields import HOUSEHOLD, RESIDENT
from .models import Area, Household, PossibleDuplicate, Resident, Turf

HOUSEHOLD_FIELDS = HOUSEHOLD  # what an update may change, from the one list in households.fields
RESIDENT_FIELDS = RESIDENT


def household_create(
    *, area: Area, turf: Turf | None = None, client_uuid: uuid.UUID | None = None, **fields
) -> Household:
    household = Household(area=area, turf=turf, client_uuid=client_uuid, **fields)
    household.address_text = household.address_text or household.compose_address()
    household.full_clean()
    household.save()
    return household


def household_update(*, household: Household, **fields) -> Household:
    for name, value in fields.items():
        if name not in HOUSEHOLD_FIELDS:
            raise TypeError(f"household_update() got an unexpected field {name!r}")
        setattr(household, name, value)
    household.full_clean()
    household.save()
    return household


def resident_create(*, household: Household, client_uuid: uuid.UUID | None = None, **fields) -> Resident:
    resident = Resident(household=household, client_uuid=client_uuid, **fields)
    _prepare(resident)
    resident.save()
    duplicates_queue(resident=resident)
    return resident


def resident_update(*, resident: Resident, **fields) -> Resident:
    for name, value in fields.items():
        if name not in RESIDENT_FIELDS:
            raise TypeError(f"resident_update() got an unexpected field {name!r}")
        setattr(resident, name, value)
    _prepare(resident)
    resident.save()
    duplicates_queue(resident=resident)
    return resident


def duplicates_queue(*, resident: Resident) -> int:
    """Queue every other resident holding the same ID number as a possible duplicate of
    this one; returns how many. The caller's answer must not depend on it (no oracle)."""
    if not resident.id_number:
        return 0
    others = Resident.objects.filter(id_number=resident.id_number).exclude(pk=resident.pk).values_list("pk", flat=True)
    found = [PossibleDuplicate(resident=resident, other_id=pk) for pk in others]
    PossibleDuplicate.objects.bulk_create(found, ignore_conflicts=True)
    return len(found)


def _prepare(resident: Resident) -> None:
    if isinstance(resident.birth_date, datetime.date) and not resident.birth_year:
        resident.birth_year = resident.birth_date.year
    resident.full_clean()


@transaction.atomic
def residents_bulk_create(*, residents: list[Resident]) -> list[Resident]:
    """Insert residents that were already validated (the roster import, the demo data)."""
    for resident in residents:
        resident.derive_fields()
    return bulk_insert(Resident, residents)
