"""Writing a roster matched by roster_match, in bulk, inside the caller's transaction: new
households and residents in bulk inserts, the registered ones the file changed in bulk
updates, and nothing at all when the file changes nothing. Residents, visits and history
are never deleted: the people the file no longer lists ("gone") are only reported, until
an officer confirms each with `roster_confirm_gone`.

A bulk write sends no post_save and skips auto_now: `updated_at` is set here, as the
phones' delta pull reads it.
"""

from django.db import connection, transaction
from django.utils import timezone

from .bulk_copy import bulk_insert
from .fields import ADDRESS_PARTS
from .models import Area, Household, PossibleDuplicate, ResidenceStatus, Resident
from .roster_match import RESIDENT_CELLS, Plan
from .services import resident_update

HOUSEHOLD_WRITE = (*ADDRESS_PARTS, "address_text", "address_key", "walk_key", "head_name", "area", "turf",
                   "updated_at")  # fmt: skip
RESIDENT_WRITE = (*RESIDENT_CELLS, "household", "name_key", "name_order", "updated_at")
CHUNK = 500  # SQLite caps the parameters of a query


def roster_write(plan: Plan) -> bool:
    """Write the plan; False when it changes nothing the registry shows (then the only write
    is marking people a roster lists for the first time, and none for a file seen before)."""
    if not (plan.new_households or plan.updated_households or plan.new_residents or plan.updated_residents):
        roster_mark_listed(plan)
        return False
    now = timezone.now()
    bulk_insert(Household, plan.new_households)  # the residents need their households' ids
    if plan.updated_households:
        for household in plan.updated_households:
            household.derive_fields()
            household.updated_at = now
        Household.objects.bulk_update(plan.updated_households, HOUSEHOLD_WRITE, batch_size=CHUNK)
    bulk_insert(Resident, plan.new_residents)  # derived by roster_match, which keyed them
    if plan.updated_residents:
        for resident in plan.updated_residents:
            resident.household_id = resident.household.pk  # a household inserted above
            resident.derive_fields()
            resident.updated_at = now
        Resident.objects.bulk_update(plan.updated_residents, RESIDENT_WRITE, batch_size=CHUNK)
    duplicates_queue_bulk(residents=[r for r in plan.new_residents + plan.updated_residents if r.id_number])
    roster_mark_listed(plan)
    return True


def roster_mark_listed(plan: Plan) -> int:
    """Mark the registered residents the file listed for the first time (plan.listed_ids:
    people added at the door, then found on a roster) as listed, so that a later roster
    without them reports them gone. Only rows still unmarked: the date is the first listing,
    and an unchanged file writes nothing. Also called by the browser's import after a file
    that changed nothing else (roster_write writes nothing then). Once per plan."""
    ids, plan.listed_ids = sorted(plan.listed_ids), set()
    now, marked = timezone.now(), 0
    for start in range(0, len(ids), CHUNK):
        marked += Resident.objects.filter(pk__in=ids[start : start + CHUNK], roster_listed_at__isnull=True).update(
            roster_listed_at=now)
    return marked


def duplicates_queue_bulk(*, residents: list[Resident]) -> int:
    """services.duplicates_queue for many residents in a few queries: every other resident,
    anywhere, holding the same ID number is queued as a possible duplicate, as a number
    typed at the door is. The import's answer does not depend on it (no oracle)."""
    numbers = sorted({r.id_number for r in residents})
    holders: dict[str, list[int]] = {}
    if connection.vendor == "postgresql":  # one query, answering only the numbers held more than once
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number, array_agg(id) FROM households_resident WHERE id_number = ANY(%s) "
                           "GROUP BY id_number HAVING count(*) > 1", [numbers])  # fmt: skip
            holders = dict(cursor.fetchall())
    else:
        for start in range(0, len(numbers), CHUNK):
            found = Resident.objects.filter(id_number__in=numbers[start : start + CHUNK]).values_list("pk", "id_number")
            for pk, number in found:
                holders.setdefault(number, []).append(pk)
    pairs = [PossibleDuplicate(resident=r, other_id=pk) for r in residents for pk in holders.get(r.id_number, [])
             if pk != r.pk]  # fmt: skip
    if pairs:
        PossibleDuplicate.objects.bulk_create(pairs, ignore_conflicts=True, batch_size=1000)
    return len(pairs)


@transaction.atomic
def roster_confirm_gone(*, area: Area, resident_ids: list[int], status: str) -> list[Resident]:
    """An officer confirms people a re-import listed as gone: moved away or deceased. Only
    residents inside `area` (the officer's scope) are changed; the others are ignored, so
    the answer says nothing about them. Through resident_update, one resident at a time
    (the registry's rules and the duplicates queue apply); nothing is deleted. The caller,
    which knows the user, writes the audit row (the registry cannot import the audit log)."""
    if status not in (ResidenceStatus.MOVED, ResidenceStatus.DECEASED):
        raise ValueError(f"roster_confirm_gone() takes moved or deceased, not {status!r}")
    found = Resident.objects.filter(area.subtree("household__area"), pk__in=resident_ids).order_by("pk")
    return [resident_update(resident=r, residence_status=status) for r in found.select_for_update(of=("self",))]
