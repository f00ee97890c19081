"""The board's figures: one count per check, each a COUNT query over the check's selector
(or over the few candidates a Python-confirmed check narrows to), so the board costs the
same whatever the lists hold, and never loads the rows it counts."""

from dataclasses import dataclass

from .base import GROUP_HINTS, GROUPS, Check, Scope
from .checks import checks_by_group


@dataclass(frozen=True)
class Figure:
    check: Check
    count: int


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    hint: str
    figures: list[Figure]

    @property
    def total(self) -> int:
        return sum(f.count for f in self.figures)


def board_figures(*, scope: Scope) -> list[Group]:
    return [
        Group(key, str(GROUPS[key]), str(GROUP_HINTS[key]), [Figure(c, c.figure(scope)) for c in checks])
        for key, checks in checks_by_group().items()
    ]
