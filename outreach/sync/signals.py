"""Registry edits made one by one (admin, services) go into the sync change log so the
phones holding that turf pull them. Bulk loads (roster import, demo data) skip signals and
reach phones through a full download; the push logs the households it creates at the door
itself (`logged_by_caller`). A member joining or leaving a team is logged too: the phone of
someone taken off a team must drop the team's households, not keep them offline."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from households.models import Household, Resident

from ..models import SyncChange, TeamMembership
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
