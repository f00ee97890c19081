"""Writes for campaign work (assignments). Visits are written by outreach.sync.push."""

from django.db import transaction
from django.utils import timezone

from households.models import Turf

from ..audit.models import AuditAction
from ..audit.services import audit_change
from ..models import Assignment, Campaign, SyncChange, Team
from ..sync.changes import changes_record
from .cutting import assignment_check


@transaction.atomic
def turf_assign(*, campaign: Campaign, turf: Turf, team: Team, assigned_by=None) -> Assignment:
    """Give a turf to a team for a campaign, ending any open assignment of it. Both teams'
    phones learn of it on their next pull: the old one as a tombstone. Refuses (with
    ValidationError) an ended campaign or a team of another commune than the turf's."""
    assignment_check(campaign=campaign, turf=turf, team=team)
    # Lock the open row: two leaders reassigning the same turf at once must not both end
    # it and leave two open assignments (the partial unique constraint would refuse one).
    current = Assignment.objects.select_for_update().filter(campaign=campaign, turf=turf, ended_at__isnull=True).first()
    if current is not None and current.team_id == team.id:
        return current
    changes = []
    if current is not None:
        current.ended_at = timezone.now()
        current.save(update_fields=["ended_at"])
        changes.append(SyncChange(entity=SyncChange.Entity.ASSIGNMENT, entity_id=current.id, team_id=current.team_id,
                                  campaign=campaign))  # fmt: skip
    assignment = Assignment.objects.create(campaign=campaign, turf=turf, team=team, assigned_by=assigned_by)
    changes.append(SyncChange(entity=SyncChange.Entity.ASSIGNMENT, entity_id=assignment.id, team_id=team.id,
                              campaign=campaign))  # fmt: skip
    # The audit log's record of who gave the turf to whom, in this transaction (before
    # changes_record, which must stay its last write).
    audit_change(user=assigned_by, action=AuditAction.ASSIGN, area=turf.area, object_type="outreach.assignment",
                 object_id=assignment.id, detail={
                     "turf": {"id": turf.id, "name": turf.name}, "team": {"id": team.id, "name": team.name},
                     "campaign": campaign.id, **({"ended": current.id} if current is not None else {})})  # fmt: skip
    changes_record(changes=changes)
    return assignment
