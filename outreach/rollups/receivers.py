"""The rollups' answers to registry events they do not cause themselves (connected in
outreach/apps.py): the registry may not import the campaign layer, so it announces."""

import logging

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from households.signals import areas_loaded, roster_imported

from ..models import Campaign
from .services import rollups_mark_dirty
from .tasks import rollups_daily_task, rollups_schedule_refresh

log = logging.getLogger(__name__)


@receiver(roster_imported, dispatch_uid="rollups_roster_imported")
def roster_imported_mark_dirty(sender, *, group_ids: set[int], **kwargs) -> None:
    """New people, and people or households changed or moved by a re-import, change every
    active campaign's totals (households, eligible residents). The bulk writes sent no
    post_save, so mark the groups for recount here (`group_ids` has every group whose counts
    may move, the ones left included), in the import's own transaction: the periodic
    reconciler drains the marks even if the refresh task is lost. The refresh itself waits
    for the commit."""
    campaign_ids = set(Campaign.objects.filter(is_active=True).values_list("id", flat=True))
    if campaign_ids and group_ids:
        rollups_mark_dirty(pairs={(c, g) for c in campaign_ids for g in group_ids}, at=timezone.now())
        transaction.on_commit(lambda: rollups_schedule_refresh(campaign_ids=campaign_ids))


@receiver(areas_loaded, dispatch_uid="rollups_areas_loaded")
def areas_loaded_rebuild(sender, **kwargs) -> None:
    """A new national root has no rollup, and a commune moved to another province still
    counts in the old one: re-sum the whole tree once the load commits, as the nightly run
    does (a refresh only re-sums the new ancestors of dirty groups)."""
    if Campaign.objects.filter(is_active=True).exists():
        transaction.on_commit(_enqueue_rebuild)


def _enqueue_rebuild() -> None:
    try:
        rollups_daily_task.delay()
    except Exception:  # noqa: BLE001 - the map is loaded; the nightly rebuild catches up
        log.warning("could not enqueue the rollup rebuild after load_areas; the nightly run will", exc_info=True)
