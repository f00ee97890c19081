"""The chance that someone is home, per window of the week, from visit outcomes alone.

Counts per window — visits that found someone home out of visits — for the household and
for each place it belongs to: its building, its lane (or street) and its residential
group. Each level's rate is shrunk towards the level above it, empirical-Bayes style: the
parent's rate counts as `STRENGTH[level]` pseudo-visits, so

    rate(level, w) = (home(level, w) + k · rate(parent, w)) / (visits(level, w) + k)

from the group down to the household. The group's own parent is its rate over all windows
(shrunk towards ½ by 2 pseudo-visits), so a window nobody has tried yet starts at what the
group's doors usually give. A household with no history gets its lane's or group's rates;
five visits of its own outweigh its lane's. No model to train, nothing to tune per area,
and every figure can be said in a sentence ("4 trên 5 lần").

Everything here is pure: no queries. services.py keeps the counts, selectors.py reads them;
the benchmark (bench/revisit.py) feeds these same functions with simulated outcomes.
"""

import datetime
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import windows

# Pseudo-visits the parent's rate weighs at each level (see the module docstring).
STRENGTH = {"household": 2.0, "building": 4.0, "lane": 4.0, "group": 6.0}
POOLED_STRENGTH, POOLED_PRIOR = 2.0, 0.5
# A revisit a day later is worth this much less chance: of two windows about as good, the
# sooner one is suggested.
WAIT_COST_PER_DAY = 0.03
# "Likely home now" (the walk list's "Nên đến bây giờ"): the current window's rate at least.
LIKELY = 0.5
# After this many visits, in at least NEVER_HOME_WINDOWS different windows, with nobody
# ever home, the household is probably not living there (KT2): the sentence says so, and
# no revisit time is suggested — the group leader is the one to ask.
NEVER_HOME_AFTER, NEVER_HOME_WINDOWS = 4, 3


def outcome_home(outcome) -> bool | None:
    """What a household outcome says: someone home (the team met the household), nobody home
    (asked to come back), or nothing (door not opened / refused: someone may have been)."""
    if outcome.household_reached:
        return True
    if outcome.needs_revisit:
        return False
    return None


# A place's counts are used for a window only when at least this many distinct households
# gave them: a building (or lane) of one or two households would otherwise tell a phone,
# through its own households' blended rates, when a household outside its turfs is home.
MIN_HOUSEHOLDS = 3


class Counts:
    """Per window: (home, visits) and, for a place, how many distinct households gave them.
    Mutable, so the benchmark can fold outcomes in."""

    __slots__ = ("home", "visits", "households")

    def __init__(self, home: Sequence[int] | None = None, visits: Sequence[int] | None = None,
                 households: Sequence[int] | None = None):  # fmt: skip
        self.home = list(home) if home is not None else [0] * windows.COUNT
        self.visits = list(visits) if visits is not None else [0] * windows.COUNT
        self.households = list(households) if households is not None else [0] * windows.COUNT

    def add(self, window: int, home: bool, *, first: bool = True) -> None:
        """One visit; `first`: the first of its household in this window (for a place)."""
        self.visits[window] += 1
        self.home[window] += int(home)
        self.households[window] += int(first)

    def pooled(self) -> "Counts":
        """The windows enough households gave (MIN_HOUSEHOLDS); the others as if unvisited."""
        keep = [n >= MIN_HOUSEHOLDS for n in self.households]
        return Counts([h if k else 0 for h, k in zip(self.home, keep, strict=True)],
                      [v if k else 0 for v, k in zip(self.visits, keep, strict=True)], self.households)  # fmt: skip

    @property
    def total(self) -> int:
        return sum(self.visits)


def level_keys(*, household_id: int, area_id: int, street: str = "", lane: str = "", building: str = "",
               at_the_door: bool = False) -> list:  # fmt: skip
    """(level, key) of the household and the places it belongs to, broadest first. Places are
    named by their address words (diacritics-free), inside the residential group. A household
    added at the door (its address is the words a phone sent) joins no lane or building, only
    its group: naming another team's building must not put a household beside it."""
    places = _place_keys(area_id, street or "", lane or "", building or "")
    return [*(places[:1] if at_the_door else places), ("household", f"h{household_id}")]


@functools.lru_cache(maxsize=65536)  # a lane's households share it: a push asks for the same places again and again
def _place_keys(area_id: int, street: str, lane: str, building: str) -> tuple:
    from households.text import search_key

    street, lane, building = search_key(street), search_key(lane), search_key(building)
    keys = [("group", f"g{area_id}")]
    if street or lane:
        keys.append(("lane", _short(f"l{area_id}|{street}|{lane}")))
    if building:
        keys.append(("building", _short(f"b{area_id}|{street}|{lane}|{building}")))
    return tuple(keys)


def _short(key: str, limit: int = 190) -> str:
    """Keys fit their column: a very long address is named by its hash."""
    if len(key) <= limit:
        return key
    import hashlib

    return key[0] + "#" + hashlib.sha1(key.encode()).hexdigest()


@dataclass
class Estimate:
    rates: list[float]  # per window, 0..1
    own: Counts  # the household's own counts, for the sentence
    informed: bool  # some level has at least one visit: the rates are learned, not the flat ½
    evidence: list[int]  # per window, visits counted at any level (0: the rate is the group's pooled one)

    def best(self, allowed: Iterable[int] = windows.ALL) -> int:
        """The window with the highest rate (today's default window wins a tie)."""
        allowed = list(allowed)
        return max(allowed, key=lambda w: (round(self.rates[w], 6), w == windows.DEFAULT, -w))

    def best_known(self) -> int:
        """The best window that some visit has tried: what the sentence may claim."""
        tried = [w for w in windows.ALL if self.evidence[w]]
        return self.best(tried or windows.ALL)


def estimate(chain: Sequence[tuple[str, Counts]]) -> Estimate:
    """The household's rates from its levels' counts, broadest (group) first, the household
    last; a level with no counts may be missing or empty."""
    group = chain[0][1].pooled() if chain and chain[0][0] != "household" else Counts()
    pooled = (sum(group.home) + POOLED_STRENGTH * POOLED_PRIOR) / (group.total + POOLED_STRENGTH)
    rates = [pooled] * windows.COUNT
    chain = [(level, counts if level == "household" else counts.pooled()) for level, counts in chain]
    for level, counts in chain:
        k = STRENGTH[level]
        rates = [(h + k * p) / (n + k) for h, n, p in zip(counts.home, counts.visits, rates, strict=True)]
    own = chain[-1][1] if chain and chain[-1][0] == "household" else Counts()
    evidence = [sum(c.visits[w] for _, c in chain) for w in windows.ALL]
    return Estimate(rates=rates, own=own, informed=any(evidence), evidence=evidence)


def never_home(est: Estimate) -> bool:
    own = est.own
    tried = sum(1 for n in own.visits if n)
    return own.total >= NEVER_HOME_AFTER and tried >= NEVER_HOME_WINDOWS and not sum(own.home)


def suggest(est: Estimate, *, now: datetime.datetime, allowed: Iterable[int] = windows.ALL,
            days: int = 7) -> tuple[int, datetime.datetime] | None:  # fmt: skip
    """When to come back: the next start of the window worth most, a day's wait costing
    WAIT_COST_PER_DAY of chance. Without learned rates, today's rule: the next 19:00. None
    for a household never found home (`never_home`): ask whether it lives there instead."""
    if never_home(est):
        return None
    allowed = tuple(allowed)
    options = list(windows.occurrences(now, days=days, allowed=allowed))
    if not est.informed:
        default = [o for o in options if o[0] % windows.SLOTS_PER_DAY == windows.DEFAULT]
        return (default or options)[0]

    def worth(option):
        window, start = option
        wait = (start - now).total_seconds() / 86400
        return est.rates[window] - WAIT_COST_PER_DAY * wait

    return max(options, key=lambda o: (round(worth(o), 6), -o[1].timestamp()))


def likely_now(est: Estimate, *, now: datetime.datetime) -> bool:
    """Someone is likely home in the window we are in, on evidence: some visit at some level
    tried this window (a rate that is only the group's pooled one says nothing of the hour)."""
    window = windows.window_of(now)
    return est.evidence[window] > 0 and not never_home(est) and round(100 * est.rates[window]) >= round(100 * LIKELY)


def percent(rates: Sequence[float]) -> list[int]:
    """Rates as whole percents, as the pull sends them."""
    return [round(100 * r) for r in rates]
