"""Celery tasks of the sync: thin, one service each."""

from celery import shared_task
from django.conf import settings

from .prune import change_log_prune


@shared_task(name="outreach.change_log_prune")
def change_log_prune_task() -> int:
    return change_log_prune(keep_days=settings.SYNC_LOG_KEEP_DAYS)
