"""One area's counters against its quota.

The campaign's target level decides which counters count against the quota: a level-2
campaign compares level2_registered and level2_activated with the quota's
registered_target and activated_target. Both levels are still shown on the pages.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..models import Campaign
from ..rollups.models import RollupCounts

COUNTERS = RollupCounts.ALL_COUNTERS  # the phone channel's too: "Qua điện thoại" on the progress page
HUNDREDTH = Decimal("0.01")


def percent(part: int | None, whole: int | None) -> Decimal | None:
    """part / whole as a percentage with two decimals; None without a whole. Above 100 is
    kept: Thanh Hóa reached 100,76 % of its quota."""
    if not whole or part is None:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def counts_of(obj) -> dict[str, int]:
    """The counters of an AreaRollup / AreaDailySnapshot, or zeros for None."""
    if obj is None:
        return dict.fromkeys(COUNTERS, 0)
    if isinstance(obj, dict):
        return {k: obj.get(k) or 0 for k in COUNTERS}
    return {k: getattr(obj, k) for k in COUNTERS}


@dataclass
class AreaFigures:
    area_id: int
    name: str
    kind: str
    level: int  # the campaign's target level
    counts: dict[str, int] = field(default_factory=dict)
    registered_target: int | None = None  # None: no quota given
    activated_target: int | None = None
    has_rollup: bool = True

    @property
    def registered(self) -> int:
        return self.counts[f"level{self.level}_registered"]

    @property
    def activated(self) -> int:
        return self.counts[f"level{self.level}_activated"]

    @property
    def registered_pct(self) -> Decimal | None:
        return percent(self.registered, self.registered_target)

    @property
    def activated_pct(self) -> Decimal | None:
        return percent(self.activated, self.activated_target)

    @property
    def households_pct(self) -> Decimal | None:
        return percent(self.counts["households_visited"], self.counts["households_total"])

    @property
    def activated_of_eligible_pct(self) -> Decimal | None:
        return percent(self.activated, self.counts["residents_eligible"])

    def __getattr__(self, name):
        # figures.level1_activated, figures.households_visited ... read from counts.
        counts = self.__dict__.get("counts")
        if counts is not None and name in counts:
            return counts[name]
        raise AttributeError(name)


def figures_for(*, area, campaign: Campaign, rollup, quota) -> AreaFigures:
    return AreaFigures(
        area_id=area.id, name=area.name, kind=area.kind, level=campaign.target_level,
        counts=counts_of(rollup),
        registered_target=quota.registered_target if quota else None,
        activated_target=quota.activated_target if quota else None,
        has_rollup=rollup is not None,
    )  # fmt: skip
