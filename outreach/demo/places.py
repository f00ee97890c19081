"""Turfs and addresses of one residential group, as a team would walk them.

A Hà Nội group is a stretch of a main street, a few lanes (ngõ) with their side alleys
(ngách, numbered "12/45"), and often an apartment building whose units are numbered floor
first (1204 = floor 12, unit 4). The walk list, the offline turf cache and the "which turf
lags" views all behave differently on these shapes, so the demo has each of them.
"""

import math
import random
from dataclasses import dataclass, field

from households.models import Turf

from .names import BUILDINGS, street_short


@dataclass
class TurfPlan:
    name: str
    kind: str
    addresses: list[dict] = field(default_factory=list)


def split_budget(budget: int, shares: list[float]) -> list[int]:
    """Household counts per turf, in proportion to shares, summing exactly to budget."""
    total = sum(shares)
    counts = [int(budget * s / total) for s in shares]
    for i in range(budget - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


def plan_group(rng: random.Random, *, group_no: int, main: str, side: str, budget: int) -> list[TurfPlan]:
    """Turfs of one group: a street segment, three lanes and, every other group, a building."""
    has_building = group_no % 2 == 1
    shares = [0.15, 0.2, 0.2, 0.15] + ([0.3] if has_building else [])
    counts = split_budget(budget, shares)
    lane_numbers = sorted(rng.sample(range(2, 320, 2), 3))
    plans = [street_segment(rng, main, counts[0])]
    plans.append(lane(rng, main, lane_numbers[0], counts[1]))
    plans.append(lane(rng, main, lane_numbers[1], counts[2]))
    plans.append(lane(rng, side, lane_numbers[2], counts[3]))
    if has_building:
        plans.append(building(rng, BUILDINGS[(group_no // 2) % len(BUILDINGS)], main, counts[4]))
    return [p for p in plans if p.addresses]


def house_numbers(rng: random.Random, count: int, *, start: int = 1, step: int = 1) -> list[str]:
    """Ascending house numbers with the gaps and "15A"-style infill houses of real lanes."""
    numbers, n = [], start
    while len(numbers) < count:
        numbers.append(str(n))
        if len(numbers) < count and rng.random() < 0.06:
            numbers.append(f"{n}A")
        n += step * (1 if rng.random() < 0.8 else 2)
    return numbers


def street_segment(rng: random.Random, street: str, count: int) -> TurfPlan:
    start = rng.choice((1, 2, 41, 42, 81, 82))
    numbers = house_numbers(rng, count, start=start, step=2)
    side = "chẵn" if start % 2 == 0 else "lẻ"
    last = numbers[-1] if numbers else start
    plan = TurfPlan(f"{street} (số {side} {start}–{last})", Turf.Kind.STREET)
    plan.addresses = [{"house_number": n, "street": street} for n in numbers]
    return plan


def lane(rng: random.Random, street: str, number: int, count: int) -> TurfPlan:
    """A lane with houses on it and, for a third of its households, one or two side alleys."""
    plan = TurfPlan(f"Ngõ {number} {street_short(street)}", Turf.Kind.LANE)
    in_alleys = count // 3 if count >= 6 else 0
    on_lane = count - in_alleys
    plan.addresses = [
        {"house_number": n, "lane": f"Ngõ {number}", "street": street} for n in house_numbers(rng, on_lane)
    ]
    alleys = sorted(rng.sample(range(3, 90, 2), 2))
    for i, alley in enumerate(alleys):
        n_alley = in_alleys // 2 + (in_alleys % 2 if i == 0 else 0)
        plan.addresses += [
            {"house_number": n, "lane": f"Ngách {number}/{alley}", "street": street}
            for n in house_numbers(rng, n_alley)
        ]
    return plan


def building(rng: random.Random, name: str, street: str, count: int) -> TurfPlan:
    """An apartment building: units numbered floor first, a few left empty (unsold, rented out
    as offices) so the floors are not uniformly full."""
    plan = TurfPlan(name, Turf.Kind.BUILDING)
    per_floor = 8 if count > 60 else 4
    floors = max(2, math.ceil(count * 1.15 / per_floor))
    slots = [(f, u) for f in range(2, floors + 2) for u in range(1, per_floor + 1)]
    chosen = sorted(rng.sample(slots, count))
    plan.addresses = [
        {"building": name, "floor": str(f), "unit": f"{f}{u:02d}", "street": street} for f, u in chosen
    ]
    return plan


def coordinates(rng: random.Random, *, commune_index: int, group_no: int, turf_no: int) -> tuple[float, float]:
    """A point near the turf: ward centres 1 km apart, groups and turfs a few hundred metres."""
    lat = 21.0350 + (commune_index % 6) * 0.009 + (group_no % 4) * 0.0022 + turf_no * 0.0006
    lon = 105.8200 + (commune_index // 6) * 0.009 + (group_no // 4) * 0.0025 + turf_no * 0.0005
    return lat + rng.uniform(-0.0004, 0.0004), lon + rng.uniform(-0.0004, 0.0004)
