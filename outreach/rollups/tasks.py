"""Celery tasks: thin, take ids, call one service."""

from celery import shared_task

from .services import rollups_daily, rollups_reconcile, rollups_refresh


@shared_task(name="outreach.rollups_refresh")
def rollups_refresh_task(campaign_id: int) -> int:
    return rollups_refresh(campaign_id=campaign_id)


@shared_task(name="outreach.rollups_reconcile")
def rollups_reconcile_task() -> int:
    return rollups_reconcile()


@shared_task(name="outreach.rollups_daily")
def rollups_daily_task() -> None:
    rollups_daily()
