"""A roster read against the registry it refreshes (issue 16, item 4): rosters come again
every week from the national population database, so a file is matched to the people
already registered in the area and classified row by row as new, changed or unchanged,
and the people of the area the file no longer lists are reported as "gone" — only people a
roster listed before (Resident.roster_listed_at): someone added at the door is not gone
from a file that never had them.

Only the import's area is searched (DESIGN.md §6: no answer may depend on data outside
the user's scope): an ID number registered in another commune is no match here; the row is
a new resident, queued as a possible duplicate when it is written (roster_write), and no
message says the number exists elsewhere.

A row matches a resident of the area by ID number; failing that (no ID number in the row,
or none registered for that person yet) by name, birth year and household address among
residents without an ID number (a row without one: among all residents). A household of the file is the registered household most
of its matched people live in, else the registered one at its address in its group, else
new. A field is only compared when the file gives it (a blank phone cell does not erase a
number a team took at the door). Nothing is saved here: the matched objects are updated in
memory for roster_write, and discarded by a preview.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from .fields import ADDRESS_PARTS
from .models import Area, Household, ResidenceStatus, Resident
from .text import search_key

# Resident fields a roster may refresh, each with the cell that gives it.
RESIDENT_CELLS = {"full_name": "full_name", "birth_date": "birth", "birth_year": "birth", "sex": "sex",
                  "id_number": "id_number", "phone": "phone", "residence_status": "residence_status",
                  "elderly_alone": "elderly_alone", "disabled": "disabled", "sick": "sick"}  # fmt: skip
HOUSEHOLD_CHANGES = (*ADDRESS_PARTS, "address_text", "head_name", "area", "turf")
GONE_STATUSES = (ResidenceStatus.MOVED, ResidenceStatus.DECEASED)  # already confirmed gone: not listed again


@dataclass
class Plan:
    """What writing the file would do. `changes` by line: field -> (old, new)."""

    new_households: list[Household] = field(default_factory=list)
    updated_households: list[Household] = field(default_factory=list)
    new_residents: list[Resident] = field(default_factory=list)
    updated_residents: list[Resident] = field(default_factory=list)
    gone: list[Resident] = field(default_factory=list)
    change: dict[int, str] = field(default_factory=dict)  # line -> "new" | "changed" | "unchanged"
    changes: dict[int, dict] = field(default_factory=dict)
    group_ids: set[int] = field(default_factory=set)  # groups whose counts may move
    touched_ids: set[int] = field(default_factory=set)  # registered households written to or moved out of
    updated_lines: dict[int, Resident] = field(default_factory=dict)  # line -> the registered resident it changes
    # Matched residents no roster had listed yet (added at the door, in the admin): marked
    # listed by roster_write (roster_mark_listed); the new ones carry roster_listed_at already.
    listed_ids: set[int] = field(default_factory=set)


class _Registry:
    """The area's households and residents, read in two queries, and the indexes to match on."""

    def __init__(self, area: Area):
        self.households = {h.pk: h for h in Household.objects.filter(area.subtree("area")).select_related("area")}
        self.residents = list(Resident.objects.filter(household_id__in=self.households).order_by("pk")
                              if self.households else [])  # fmt: skip
        self.by_id, self.by_name, self.by_address, self.matched = {}, {}, {}, set()
        for resident in self.residents:
            resident.household = self.households[resident.household_id]
            if resident.id_number:
                self.by_id.setdefault(resident.id_number, []).append(resident)
            self.by_name.setdefault(self._key(resident, resident.household), []).append(resident)
        # As registered, before the file changes them in memory.
        self.was = {pk: (h.address_display, h.area_id) for pk, h in self.households.items()}
        for household in self.households.values():
            self.by_address.setdefault((household.area_id, household.address_key), []).append(household)

    @staticmethod
    def _key(resident: Resident, household: Household) -> tuple:
        return search_key(resident.full_name), resident.birth_year, household.address_key

    def match(self, resident: Resident, household: Household) -> Resident | None:
        by_name = self.by_name.get(self._key(resident, household), [])
        if resident.id_number:  # by name only someone registered without a number
            found = self.by_id.get(resident.id_number, []) + [r for r in by_name if not r.id_number]
        else:
            found = by_name
        for candidate in found:
            if candidate.pk not in self.matched:
                self.matched.add(candidate.pk)
                return candidate
        return None

    def gone(self) -> list[Resident]:
        """Only people a roster listed before: someone added at the door is not "gone" from
        a file that never had them."""
        return [r for r in self.residents if r.pk not in self.matched and r.roster_listed_at is not None
                and r.residence_status not in GONE_STATUSES]  # fmt: skip


def roster_match(*, area: Area, rows: list[tuple[int, Resident, Household]], cells: dict[int, dict]) -> Plan:
    """Match the good rows of a file (line, parsed resident, its parsed household; `cells`:
    each line's cell texts by field) to the registry of `area`."""
    registry, plan, now = _Registry(area), Plan(), timezone.now()
    matches = {}
    for line, resident, household in rows:
        resident.derive_fields()
        matches[line] = registry.match(resident, household)
    heads = {id(h) for line, _r, h in rows if search_key(cells[line].get("relation", "")) == "chu ho"}
    target, household_changes = _households(registry, rows, matches, plan, heads)
    for line, resident, household in rows:
        existing, home = matches[line], target[id(household)]
        if existing is None:
            resident.household, resident.roster_listed_at = home, now
            plan.new_residents.append(resident)
            plan.change[line] = "new"
            continue
        if existing.roster_listed_at is None:
            plan.listed_ids.add(existing.pk)
        changes = _resident_changes(existing, resident, cells[line])
        if existing.household_id != home.pk:
            old_address, old_group = registry.was[existing.household_id]
            changes["household"] = (old_address, home.address_display)
            plan.touched_ids.add(existing.household_id)
            plan.group_ids |= {old_group, home.area_id}
            existing.household = home
        if changes:
            plan.updated_residents.append(existing)
            plan.updated_lines[line] = existing
        changes.update(household_changes.get(id(home), {}))  # shown on every row of the household
        if changes:
            plan.changes[line] = changes
        plan.change[line] = "changed" if changes else "unchanged"
    _touch(plan)
    plan.gone = registry.gone()
    return plan


def _households(registry: _Registry, rows, matches: dict, plan: Plan, heads: set) -> tuple[dict[int, Household], dict]:
    """id(parsed household) -> the household its rows go to: a registered one (updated in
    memory to the file's address, head and group) or the parsed one, new; and id(registered
    household) -> what changed on it. `heads`: the parsed households with a row marked "chủ
hộ", the only ones whose head may replace a registered household's."""
    homes: dict[int, Counter] = {}
    parsed = {}
    for line, _resident, household in rows:
        parsed[id(household)] = household
        counter = homes.setdefault(id(household), Counter())
        if matches[line] is not None:
            counter[matches[line].household_id] += 1
    target, claimed, changed = {}, set(), {}
    for key, household in parsed.items():
        candidates = [pk for pk, _n in homes[key].most_common() if pk not in claimed]
        candidates += [h.pk for h in registry.by_address.get((household.area_id, household.address_key), [])
                       if h.pk not in claimed]  # fmt: skip
        if not candidates:
            target[key] = household
            plan.new_households.append(household)
            plan.group_ids.add(household.area_id)
            continue
        existing = registry.households[candidates[0]]
        claimed.add(existing.pk)
        target[key], old_group = existing, existing.area_id
        changes = _household_changes(existing, household, key in heads)
        if changes:
            changed[id(existing)] = changes
            plan.updated_households.append(existing)
            plan.touched_ids.add(existing.pk)
            plan.group_ids |= {old_group, household.area_id}
    return target, changed


def _household_changes(existing: Household, parsed: Household, head_given: bool) -> dict:
    """Set the file's address, head and group on a registered household; what changed."""
    changes = {}
    if any(getattr(existing, name) != getattr(parsed, name) for name in ADDRESS_PARTS):
        old = existing.address_display
        for name in ADDRESS_PARTS:
            setattr(existing, name, getattr(parsed, name))
        existing.address_text = ""
        existing.derive_fields()
        changes["address"] = (old, existing.address_display)
    if head_given and existing.head_name != parsed.head_name:
        changes["head_name"] = (existing.head_name, parsed.head_name)
        existing.head_name = parsed.head_name
    if existing.area_id != parsed.area_id:
        changes["group"] = (existing.area.name, parsed.area.name)
        existing.area, existing.turf = parsed.area, None  # a turf lies inside one group
    return changes


def _resident_changes(existing: Resident, parsed: Resident, cells: dict) -> dict:
    """Set on a registered resident what the file gives and differs; field -> (old, new)."""
    changes = {}
    given = {name for name, cell in RESIDENT_CELLS.items() if cells.get(cell)}
    if parsed.id_number and not existing.id_number:
        given.add("id_number")  # matched by name: the file now knows the number
    else:
        given.discard("id_number")  # matched by it, or the file has none: never blanked
    if "birth_date" in given and parsed.birth_date is None:
        given.discard("birth_date")  # only a year in the file
        if existing.birth_date and existing.birth_date.year != parsed.birth_year:
            given.add("birth_date")  # the year changed: the old date is wrong
    if parsed.id_number and not cells.get("birth") and not existing.birth_year:
        given.add("birth_year")  # read from the ID number
    for name in RESIDENT_CELLS:
        old, new = getattr(existing, name), getattr(parsed, name)
        if name in given and old != new:
            changes[name] = (old, new)
            setattr(existing, name, new)
    return changes


def _touch(plan: Plan) -> None:
    """The households that get a new resident count as touched too (their counts move)."""
    for resident in plan.new_residents:
        if resident.household.pk:
            plan.touched_ids.add(resident.household.pk)
            plan.group_ids.add(resident.household.area_id)
