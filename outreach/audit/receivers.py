"""Registry events the registry cannot log itself (it must not import the campaign layer),
connected at start-up through outreach/models/__init__.py. The `origin` module's request
signal receivers are connected by importing it here too."""

import getpass

from django.dispatch import receiver

from households.models import Resident
from households.signals import areas_loaded, roster_imported

from . import origin  # noqa: F401 - connects the request_started / request_finished receivers
from .models import AuditAction
from .services import audit_change


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return ""


@receiver(roster_imported, dispatch_uid="audit_roster_imported")
def roster_imported_audit(sender, *, area, household_ids: list[int], group_ids: set[int], updated_ids=(),
                          residents_created=None, residents_updated=0, **kwargs) -> None:  # fmt: skip
    """One row per imported file, inside the import's transaction. The import runs from
    `manage.py import_roster`, which has no signed-in user: the operating-system account
    that ran it is recorded instead. Its rows: the residents created and updated (a sender
    without the counts: the residents of the households created)."""
    if residents_created is None:
        residents_created = Resident.objects.filter(household_id__in=household_ids).count() if household_ids else 0
    detail = {"households": len(household_ids), "groups": len(group_ids), "os_user": _os_user(),
              "households_updated": len(updated_ids), "residents_created": residents_created,
              "residents_updated": residents_updated}  # fmt: skip
    audit_change(user=None, action=AuditAction.IMPORT, area=area, rows=residents_created + residents_updated,
                 detail=detail)  # fmt: skip


@receiver(areas_loaded, dispatch_uid="audit_areas_loaded")
def areas_loaded_audit(sender, *, root, result, **kwargs) -> None:
    """One row per load that changed the map, inside its transaction; by the operating-system
    account that ran `manage.py load_areas`, as for a roster import."""
    detail = {"created": len(result.created), "renamed": result.renamed[:50], "moved": result.moved[:50],
              "below": result.below, "os_user": _os_user()}  # fmt: skip
    rows = len(result.created) + len(result.renamed) + len(result.moved)
    audit_change(user=None, action=AuditAction.LOAD_AREAS, area=root, rows=rows, detail=detail)
