"""Registry edits made one by one (admin, services) go into the sync change log so the
phones holding that turf pull them. Bulk loads (roster import, demo data) skip signals and
reach phones through a full download; the push logs the households it creates at the door
itself (`logged_by_caller`). A member joining or leaving a team is logged too: the phone of
someone taken off a team must drop the team's households, not keep them offline. So is an
outcome code added, edited or retired: phones already synced must get the new code list."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from households.models import Household, Resident

from ..models import Campaign, OutcomeCode, SyncChange, TeamMembership
from .changes import changes_record

_logged_by_caller = ContextVar("household_saves_logged_by_caller", default=False)


@contextmanager
def logged_by_caller():
    """Inside, saving a household or resident writes no change-log row: the caller logs them
    itself. The push needs this: logging each save here would call changes_record once per
    household and once per resident, the first before its visits are even inserted, so the
    sync clock's lock (changes_record must be its transaction's last write) would be held
    for the rest of the push, and a household created with a resident would be logged once
    for itself and again for the resident.
    A context variable rather than a keyword on the registry's services, which know nothing
    of the sync change log; per thread, so other requests' edits are logged as ever."""
    token = _logged_by_caller.set(True)
    try:
        yield
    finally:
        _logged_by_caller.reset(token)


def _record(entity: str, entity_id: int, *, to: str, ids: set) -> None:
    """One change of the entity for each turf (to="turf_id") or team (to="team_id") in ids."""
    with transaction.atomic():
        changes_record(changes=[
            SyncChange(entity=entity, entity_id=entity_id, **{to: i}) for i in sorted(i for i in ids if i)
        ])  # fmt: skip


@receiver(post_save, sender=Household)
def household_saved(sender, instance: Household, **kwargs):
    # The turf it left gets a change too, which its team's phones read as a removal.
    turf_ids = {instance.turf_id, getattr(instance, "_loaded_turf_id", None)}
    instance._loaded_turf_id = instance.turf_id
    if not _logged_by_caller.get():
        _record(SyncChange.Entity.HOUSEHOLD, instance.id, to="turf_id", ids=turf_ids)


@receiver(post_save, sender=Resident)
def resident_saved(sender, instance: Resident, **kwargs):
    if _logged_by_caller.get():
        return
    turf_id = Household.objects.filter(id=instance.household_id).values_list("turf_id", flat=True).first()
    _record(SyncChange.Entity.HOUSEHOLD, instance.household_id, to="turf_id", ids={turf_id})


@receiver(pre_save, sender=TeamMembership)
def membership_saving(sender, instance: TeamMembership, **kwargs):
    # Moved to another team in place (the admin): the team it leaves needs a change too.
    instance._left_team_id = (
        TeamMembership.objects.filter(pk=instance.pk).values_list("team_id", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=TeamMembership)
def membership_saved(sender, instance: TeamMembership, created: bool, **kwargs):
    left = None if created else instance._left_team_id
    if left != instance.team_id:  # saved in place on the same team (is_lead): nothing to send
        _record(SyncChange.Entity.MEMBERSHIP, instance.user_id, to="team_id", ids={instance.team_id, left})


@receiver(post_delete, sender=TeamMembership)
def membership_deleted(sender, instance: TeamMembership, **kwargs):
    _record(SyncChange.Entity.MEMBERSHIP, instance.user_id, to="team_id", ids={instance.team_id})



def _record_code(code_id: int, campaign_ids: set) -> None:
    """One change-log row per campaign the code is or was in, no turf: the pull sends the
    campaign's `codes` anew when it reads one. A shared code's row (no campaign) reaches
    every campaign's phones, so it alone does."""
    # No campaign yet, no phone holding codes (this also keeps the test fixtures' seeding
    # of the shared codes out of the log).
    if not Campaign.objects.exists():
        return
    campaign_ids = {None} if None in campaign_ids else campaign_ids
    with transaction.atomic():
        changes_record(changes=[
            SyncChange(entity=SyncChange.Entity.CODE, entity_id=code_id, campaign_id=c)
            for c in sorted(campaign_ids, key=lambda c: c or 0)
        ])  # fmt: skip


@receiver(pre_save, sender=OutcomeCode)
def code_saving(sender, instance: OutcomeCode, **kwargs):
    # Moved to another campaign (or made shared): the campaign it leaves needs the list too.
    instance._saved_campaign = (
        list(OutcomeCode.objects.filter(pk=instance.pk).values_list("campaign_id", flat=True)) if instance.pk else []
    )


@receiver(post_save, sender=OutcomeCode)
def code_saved(sender, instance: OutcomeCode, **kwargs):
    _record_code(instance.id, {instance.campaign_id, *getattr(instance, "_saved_campaign", [])})


@receiver(post_delete, sender=OutcomeCode)
def code_deleted(sender, instance: OutcomeCode, **kwargs):
    _record_code(instance.id, {instance.campaign_id})
