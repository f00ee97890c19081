"""Reading the home-window estimates of a set of households: one query for the counts of
the households and of every place they belong to, then the pure maths (estimate.py).

Callers pass households they may see (the pull passes the device's own, already scoped by
outreach.access); what comes back of a place is a blended rate, never another household's
counts."""

from collections.abc import Sequence

from households.models import Household

from .estimate import Counts, Estimate, estimate, level_keys, never_home, percent
from .models import HomeWindowCount


def _chains(households: Sequence[Household]) -> dict[int, list[tuple[str, str]]]:
    return {h.id: level_keys(household_id=h.id, area_id=h.area_id, street=h.street, lane=h.lane,
                             building=h.building, at_the_door=h.client_uuid is not None) for h in households}  # fmt: skip


def home_estimates(*, households: Sequence[Household]) -> dict[int, Estimate]:
    """household id → its estimate, for those with something learned anywhere in their chain
    (a household in a group nobody has visited yet gets none)."""
    chains = _chains(households)
    keys = {key for chain in chains.values() for _, key in chain}
    counts: dict[str, Counts] = {}
    rows = HomeWindowCount.objects.filter(key__in=keys).values_list("key", "time_window", "home", "visits",
                                                                    "households")  # fmt: skip
    for key, window, home, visits, households in rows.iterator(chunk_size=5000):
        c = counts.setdefault(key, Counts())
        c.home[window], c.visits[window], c.households[window] = home, visits, households
    out = {}
    for household_id, chain in chains.items():
        if not any(key in counts for _, key in chain):
            continue
        out[household_id] = estimate([(level, counts.get(key) or Counts()) for level, key in chain])
    return out


def home_estimate(*, household: Household) -> Estimate | None:
    return home_estimates(households=[household]).get(household.id)


# What the pull sends per household (docs/sync-protocol.md, "home"): the rates in whole
# percents per window, the sentence's window and the household's own counts there and in
# all, the windows some visit has tried (a bit each, window 0 the lowest), and whether it
# was never found home (estimate.never_home): all the field app needs
# for the sentence, the revisit suggestion and "Nên đến bây giờ", offline. About 60 bytes
# a household before gzip.
HOME_FIELDS = ["household", "rates", "best", "best_home", "best_visits", "home", "visits", "tried", "never"]


def home_rows(*, households: Sequence[Household]) -> list[list]:
    rows = []
    for household_id, est in sorted(home_estimates(households=households).items()):
        best = est.best_known()  # the sentence's window
        rows.append([household_id, percent(est.rates), best, est.own.home[best], est.own.visits[best],
                     sum(est.own.home), est.own.total, sum(1 << w for w, n in enumerate(est.evidence) if n),
                     int(never_home(est))])  # fmt: skip
    return rows
