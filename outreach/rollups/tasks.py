"""Celery tasks: thin, take ids, call one service. And the one way to enqueue the refresh,
here beside its task, so the services never import the tasks (this module imports them)."""

import logging
import time

from celery import shared_task
from django.core.cache import cache

from .services import rollups_daily, rollups_reconcile, rollups_refresh

log = logging.getLogger(__name__)
DEBOUNCE_SECONDS = 1


@shared_task(name="outreach.rollups_refresh")
def rollups_refresh_task(campaign_id: int) -> int:
    return rollups_refresh(campaign_id=campaign_id)


@shared_task(name="outreach.rollups_reconcile")
def rollups_reconcile_task() -> int:
    return rollups_reconcile()


@shared_task(name="outreach.rollups_daily")
def rollups_daily_task() -> None:
    rollups_daily()


def rollups_schedule_refresh(*, campaign_ids: set[int]) -> None:
    """Enqueue a refresh per campaign unless one is already due within the debounce window.
    Never raises: with Redis or the broker down the marks stay, and the beat reconciler
    (or the next push) picks them up."""
    for campaign_id in campaign_ids:
        try:
            if cache.add(f"rollup-refresh:{campaign_id}", 1, timeout=DEBOUNCE_SECONDS):
                rollups_refresh_task.apply_async(args=[campaign_id], countdown=DEBOUNCE_SECONDS)
        except Exception:  # noqa: BLE001 - the broker being down must not fail a stored visit
            _warn_once_a_minute(campaign_id)


_warned_at = [float("-inf")]


def _warn_once_a_minute(campaign_id: int) -> None:
    """With Redis down every push lands here: a traceback each was about 1 MB of log in 15 s
    for six phones (tests/test_faults.py), gigabytes a minute for a city. One a minute per
    process says the same."""
    now = time.monotonic()
    if now - _warned_at[0] >= 60:
        _warned_at[0] = now
        log.warning("could not enqueue the rollup refresh for campaign %s; the reconciler will (said once a minute)",
                    campaign_id, exc_info=True)  # fmt: skip
