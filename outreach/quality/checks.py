"""Every check of the board, by slug, in the order the board shows them."""

from . import clean, complete, correct, current, doubt
from .base import GROUPS, Check

CHECKS: dict[str, Check] = {c.slug: c for c in (*correct.CHECKS, *complete.CHECKS, *clean.CHECKS, *current.CHECKS,
                                                 *doubt.CHECKS)}  # fmt: skip


def check_get(*, slug: str) -> Check:
    """Raises KeyError for an unknown check."""
    return CHECKS[slug]


def checks_by_group() -> dict[str, list[Check]]:
    return {group: [c for c in CHECKS.values() if c.group == group] for group in GROUPS}
