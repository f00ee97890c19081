from django.db import models
from django.db.models import Q


class SyncChange(models.Model):
    """One row per change a phone may need to pull.

    `xact` is the PostgreSQL transaction that wrote the row (its top-level id, as a number):
    a pull reads only rows whose transaction lies below the oldest one still running, which
    are final, so no late commit can slip behind a cursor — without a lock every writer of
    the city would wait on (see changes.py). On SQLite, one writer at a time, it is the
    first change id its transaction drew.
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
    # Filled by the database (PostgreSQL: a column default, migration 0021) or by
    # changes_record (SQLite); NULL for rows from before it, which no cursor reads again.
    xact = models.BigIntegerField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # One per branch of the incremental pull (pull.changes_after), each in the pull's
        # (xact, id) order. Memberships and codes are a sliver of the log: partial indexes,
        # which cost the push's inserts nothing for every other row.
        indexes = [
            models.Index(fields=["turf", "xact", "id"], name="syncchange_turf_xact"),
            models.Index(fields=["team", "xact", "id"], name="syncchange_team_xact"),
            models.Index(fields=["entity_id", "xact", "id"], condition=Q(entity="membership"),
                         name="syncchange_membership_xact"),
            models.Index(fields=["xact", "id"], condition=Q(entity="code"), name="syncchange_code_xact"),
        ]  # fmt: skip


class SyncLogPruned(models.Model):
    """One row: the change log below transaction `below` has been pruned (sync/prune.py).
    A cursor below it answers 410 cursor_expired: its changes are no longer all there."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    below = models.BigIntegerField(default=0)
    pruned_at = models.DateTimeField(null=True)
