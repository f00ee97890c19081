"""How far from its household a visit was recorded, where both have coordinates: a check
for the officers (a visit logged from across the ward), never a reason to refuse one."""

import math
from decimal import Decimal

EARTH_RADIUS_M = 6_371_000


def distance_m(lat1: Decimal | None, lon1: Decimal | None, lat2: Decimal | None, lon2: Decimal | None) -> int | None:
    """Great-circle distance in whole metres (haversine); None when a position is missing."""
    if None in (lat1, lon1, lat2, lon2):
        return None
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(a)))
