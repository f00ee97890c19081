from django.db import models
from django.db.models import Q


class SyncChange(models.Model):
    """One row per change a phone may need to pull. Its id is the pull cursor.

    Rows are written under a lock on the clock row (see outreach.sync), so ids become
    visible in commit order and a reader never skips a row committed late.
    """

    class Entity(models.TextChoices):
        HOUSEHOLD = "household"
        RESIDENT = "resident"
        VISIT = "visit"
        ASSIGNMENT = "assignment"
        # entity_id is the user who joined or left team_id: their phone gains or loses
        # the team's turfs.
        MEMBERSHIP = "membership"
        # entity_id is an outcome code added, edited or retired; no turf, and no campaign
        # for a shared code: every phone of the campaign (or of any) pulls the code list anew.
        CODE = "code"

    # Indexed below as (turf, id) and (team, id), which the pull reads; no single-column ones.
    # A log, written on every push: no database foreign keys (Django still cascades deletes).
    turf = models.ForeignKey("households.Turf", null=True, on_delete=models.CASCADE, related_name="+", db_index=False,
                             db_constraint=False)
    team = models.ForeignKey("outreach.Team", null=True, on_delete=models.CASCADE, related_name="+", db_index=False,
                             db_constraint=False)
    campaign = models.ForeignKey("outreach.Campaign", null=True, on_delete=models.CASCADE, related_name="+",
                                 db_constraint=False)
    entity = models.CharField(max_length=16, choices=Entity.choices)
    entity_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # One per branch of the incremental pull (pull.changes_after). Memberships and codes
        # are a sliver of the log: partial indexes, which cost the push's inserts nothing
        # for every other row.
        indexes = [
            models.Index(fields=["turf", "id"]), models.Index(fields=["team", "id"]),
            models.Index(fields=["entity_id", "id"], condition=Q(entity="membership"), name="syncchange_membership"),
            models.Index(fields=["id"], condition=Q(entity="code"), name="syncchange_code"),
        ]  # fmt: skip


class SyncClock(models.Model):
    """A single row locked at the end of every transaction that writes SyncChange rows.

    Holding it from the first change id to the commit makes ids commit in order, so a pull
    that has seen id N has seen every change below N (no late commit can slip behind a
    cursor). The lock is the last thing taken, so it cannot join a deadlock.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
