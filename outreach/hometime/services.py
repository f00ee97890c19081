"""Keeping the home-window counts: folded in by the push as visits arrive (one SELECT of
the batch's households and one upsert per batch, never a recount), and recounted from the
visit log by `hometime_rebuild`, which must give the same rows (tests/test_hometime.py)."""

from collections import Counter
from collections.abc import Iterable

from django.db import transaction

from households.models import Household

from ..rowsql import insert_rows, select_where_in, table
from .estimate import level_keys, outcome_home
from .models import HomeWindowCount
from .windows import window_of

_ADDRESS = ("id", "area_id", "street", "lane", "building", "client_uuid")
# Adds the proposed counts to the stored ones. Two pushes about the same lane wait on the
# row lock the upsert takes and then add to the committed row, so no visit is lost; the
# rows go in key order, so two pushes lock them in the same order.
_ADD = ('ON CONFLICT ("key", "time_window") DO UPDATE SET '
        '"home" = t."home" + excluded."home", "visits" = t."visits" + excluded."visits", '
        '"households" = t."households" + excluded."households"')  # fmt: skip


def _keys(address: tuple) -> list:
    household_id, area_id, street, lane, building, client_uuid = address
    return level_keys(household_id=household_id, area_id=area_id, street=street, lane=lane, building=building,
                      at_the_door=client_uuid is not None)  # fmt: skip


def _tally(visits: Iterable, addresses: dict[int, tuple], counted: set | None = None) -> Counter:
    """(key, window) → [home, visits, households] over every level of each visit's household.
    `visits` are anything with household_id, effective_time and an outcome with
    household_reached and needs_revisit (the push's NewVisit, a Visit with its code).
    `counted`: the (household, window) pairs already in the counts (a household's first
    visit in a window adds it to its places' households; its later ones do not)."""
    counts: Counter = Counter()
    counted = set() if counted is None else counted
    for visit in visits:
        home = outcome_home(visit.outcome)
        address = addresses.get(visit.household_id)
        if home is None or address is None:
            continue
        window = window_of(visit.effective_time)
        first = (visit.household_id, window) not in counted
        counted.add((visit.household_id, window))
        for _level, key in _keys(address):
            counts[(key, window, "home")] += int(home)
            counts[(key, window, "visits")] += 1
            counts[(key, window, "households")] += int(first)
    return counts


def _rows(counts: Counter) -> list[tuple]:
    keys = sorted({(key, window) for key, window, _ in counts})
    return [(key, window, counts[(key, window, "home")], counts[(key, window, "visits")],
             counts[(key, window, "households")]) for key, window in keys]  # fmt: skip


def hometime_record(*, visits: list) -> None:
    """Count newly stored visits (in the writer's transaction). Only visits just inserted
    may be passed: a replayed UUID is not a new visit (the push passes its accepted ones)."""
    visits = [v for v in visits if outcome_home(v.outcome) is not None]
    if not visits:
        return
    ids = sorted({v.household_id for v in visits})
    # A plain SELECT, not a queryset: building one cost the push more than running it (rowsql).
    sql = f"SELECT id, area_id, street, lane, building, client_uuid FROM {table(Household)} WHERE {{0}}"
    addresses = {row[0]: row for row in select_where_in(sql, (Household._meta.pk, ids))}
    # Which of these households already have a visit counted in which window.
    counted = {(int(key[1:]), window) for key, window in HomeWindowCount.objects.filter(
        key__in=[f"h{i}" for i in ids], visits__gt=0).values_list("key", "time_window")}  # fmt: skip
    insert_rows(HomeWindowCount, ["key", "time_window", "home", "visits", "households"],
                _rows(_tally(visits, addresses, counted)), on_conflict=_ADD)  # fmt: skip


@transaction.atomic
def hometime_rebuild() -> int:
    """Recount every place and window from the visit log (all campaigns: when a household is
    home does not depend on the campaign). Returns the number of rows written."""
    from ..models import OutcomeCode, Visit

    codes = {c.id: c for c in OutcomeCode.objects.all()}
    informative = [i for i, c in codes.items() if outcome_home(c) is not None]
    visits = Visit.objects.filter(outcome_id__in=informative).only("household_id", "effective_time", "outcome_id")
    counts: Counter = Counter()
    counted: set = set()
    for chunk in _chunked(visits.order_by("id").iterator(chunk_size=5000), 5000):
        for visit in chunk:
            visit.outcome = codes[visit.outcome_id]
        ids = {v.household_id for v in chunk}
        addresses = {row[0]: row for row in Household.objects.filter(id__in=ids).values_list(*_ADDRESS)}
        counts.update(_tally(chunk, addresses, counted))
    HomeWindowCount.objects.all().delete()
    rows = _rows(counts)
    HomeWindowCount.objects.bulk_create(
        [HomeWindowCount(key=k, time_window=w, home=h, visits=n, households=d) for k, w, h, n, d in rows],
        batch_size=2000)
    return len(rows)


def _chunked(iterator, size: int):
    chunk = []
    for item in iterator:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
