"""Celery beat's entry point for the editions: thin, calls one service."""

from celery import shared_task

from .services import editions_make_due


@shared_task(name="outreach.editions_make_due")
def editions_make_due_task() -> int:
    return editions_make_due()
