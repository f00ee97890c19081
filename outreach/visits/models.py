"""Visits are append-only events; HouseholdState and ResidentState are their projection
(current status per campaign), kept in step in the same transaction and rebuildable."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from households.models import Household, Resident

from ..campaigns.models import Campaign, Interest, OutcomeCode
from ..turfs.models import Team


class Channel(models.TextChoices):
    """How the team reached the household: at its door, or a caller by phone (issue 19).
    A phone call is a visit of the resident's household with that resident's outcome; it
    folds into the residents' state and VNeID status but not into the household's door
    state (reached, to revisit), which is what the door teams walk by."""

    DOOR = "door", _("Đến nhà")
    PHONE = "phone", _("Qua điện thoại")


class Visit(models.Model):
    client_uuid = models.UUIDField(_("mã trên máy"), unique=True)
    # Indexes: every one costs each pushed visit a write, so none that another covers (the
    # (campaign, household, effective_time) index below serves campaign lookups).
    # No database foreign key to the campaign, the recorder or the team (Django still
    # PROTECTs and nulls them): all 50 visits of a batch point at the same three rows, and
    # every checked key locked that row FOR KEY SHARE per visit at commit, a MultiXact shared
    # by every concurrent push (about a third of PostgreSQL's time per batch). The push
    # reads all three in the same request. The household key, one distinct row per visit,
    # keeps its constraint: it is what a visit is about.
    campaign = models.ForeignKey(Campaign, verbose_name=_("chiến dịch"), on_delete=models.PROTECT, db_index=False,
                                 db_constraint=False)
    household = models.ForeignKey(Household, verbose_name=_("hộ"), on_delete=models.PROTECT, related_name="visits")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), on_delete=models.PROTECT,
                                    db_constraint=False)
    team = models.ForeignKey(Team, verbose_name=_("tổ"), null=True, blank=True, on_delete=models.SET_NULL,
                             db_constraint=False)
    device_time = models.DateTimeField(_("giờ trên máy"))
    server_time = models.DateTimeField(_("giờ máy chủ nhận"), db_index=True)
    # The time status decisions use: the device time, but never later than the server
    # received the visit (a phone clock set in the future must not win every tie).
    effective_time = models.DateTimeField(_("giờ dùng để xét trạng thái"))
    # No database-level foreign key to the outcome codes here or below: codes are reference
    # rows that are deactivated, never deleted (PROTECT keeps Django from it), the push
    # checks every code against the active list in the same request, and each checked key
    # cost the push a lookup per row at commit.
    outcome = models.ForeignKey(OutcomeCode, verbose_name=_("kết quả theo hộ"), on_delete=models.PROTECT,
                                db_constraint=False)
    note = models.TextField(_("ghi chú"), blank=True)
    revisit_after = models.DateTimeField(_("quay lại sau"), null=True, blank=True)
    revisit_note = models.CharField(_("hẹn quay lại"), max_length=200, blank=True)
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("sai số vị trí (m)"), null=True, blank=True)
    # Hash of the submitted content: a replay with the same UUID and the same hash is a
    # duplicate (success), with another hash a conflict.
    content_hash = models.CharField(max_length=64, editable=False)
    # Made on a phone after its team's assignment of the turf had ended (the phone was
    # offline through the reassignment): kept, never dropped, and flagged for the officers.
    after_handover = models.BooleanField(_("ghi sau khi đã chuyển tổ"), default=False, db_default=False, editable=False)
    # The database default lets the push's own INSERT (outreach/sync) leave it out.
    channel = models.CharField(_("hình thức"), max_length=8, choices=Channel.choices, default=Channel.DOOR,
                               db_default=Channel.DOOR)

    class Meta:
        verbose_name = _("lượt đến nhà")
        verbose_name_plural = _("lượt đến nhà")
        ordering = ["-server_time"]
        indexes = [models.Index(fields=["campaign", "household", "effective_time"])]

    def __str__(self):
        return f"{self.household} — {self.device_time:%d/%m/%Y %H:%M}"

    @property
    def clock_skew_seconds(self) -> float:
        """How far the phone's clock was behind (positive) or ahead (negative) of the server."""
        return (self.server_time - self.device_time).total_seconds()


class VisitResidentOutcome(models.Model):
    # The (visit, resident) unique index serves lookups by visit. No database foreign key
    # to the visit: these rows are written in the visit's own statement sequence with the
    # ids its insert returned, and Django cascades deletes; the check cost a lookup and a
    # row lock per outcome at commit. The resident key keeps its constraint.
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="resident_outcomes", db_index=False,
                              db_constraint=False)
    resident = models.ForeignKey(Resident, verbose_name=_("nhân khẩu"), on_delete=models.PROTECT)
    outcome = models.ForeignKey(OutcomeCode, verbose_name=_("kết quả"), on_delete=models.PROTECT, related_name="+",
                                db_constraint=False)
    reason = models.ForeignKey(
        OutcomeCode, verbose_name=_("lý do"), null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )

    class Meta:
        verbose_name = _("kết quả theo người")
        verbose_name_plural = _("kết quả theo người")
        constraints = [models.UniqueConstraint(fields=["visit", "resident"], name="one_outcome_per_resident_visit")]


class HouseholdState(models.Model):
    # Written on every push: no index that the (campaign, household) unique one covers, and
    # none on last_visit (visits are append-only, never deleted) or last_outcome (every
    # list reads state by area, and codes are never deleted). So no column a push changes
    # is indexed, and with the free space migration 0006 leaves in each page PostgreSQL
    # updates the row in place (a HOT update) instead of writing every index again. The last_* keys are
    # derived (projection_rebuild recomputes them from the visits) and carry no database
    # foreign key, which each pushed row would pay for with a lookup at commit; nor does the
    # campaign (one row shared by every state row of a batch, see Visit.campaign).
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, db_index=False, db_constraint=False)
    # No database foreign key on the household either: a state row is only ever written
    # with a visit of its household in the same transaction (push) or derived from the
    # visits (rebuild), and the visit's own key to the household, kept, checks and locks
    # that household row until commit. A second check per row would protect nothing more.
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="states", db_constraint=False)
    last_visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    last_device_time = models.DateTimeField()
    last_outcome = models.ForeignKey(OutcomeCode, on_delete=models.PROTECT, related_name="+", db_index=False,
                                     db_constraint=False)
    reached = models.BooleanField(default=False)
    needs_revisit = models.BooleanField(default=False)
    revisit_after = models.DateTimeField(null=True, blank=True)
    visit_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tình trạng hộ")
        verbose_name_plural = _("tình trạng hộ")
        constraints = [models.UniqueConstraint(fields=["campaign", "household"], name="household_state_unique")]


class ResidentState(models.Model):
    # As HouseholdState: no index the (campaign, resident) unique one covers, none on
    # last_visit, no database foreign key on the derived last_* keys or the campaign.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, db_index=False, db_constraint=False)
    # Nor on the resident, for the same reason: its resident outcome's key checks it.
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="states", db_constraint=False)
    last_visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    last_device_time = models.DateTimeField()
    last_outcome = models.ForeignKey(OutcomeCode, on_delete=models.PROTECT, related_name="+", db_index=False,
                                     db_constraint=False)
    last_reason = models.ForeignKey(OutcomeCode, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    db_index=False, db_constraint=False)
    # Outcomes without an interest or residence meaning (absent, say) leave the earlier
    # answer standing, so each keeps the ordering key of the visit that set it.
    interest = models.CharField(max_length=16, choices=Interest.choices, blank=True)
    interest_time = models.DateTimeField(null=True, blank=True)
    interest_visit_id = models.BigIntegerField(null=True, blank=True)
    residence_status = models.CharField(max_length=16, blank=True)
    residence_time = models.DateTimeField(null=True, blank=True)
    residence_visit_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("tình trạng nhân khẩu")
        verbose_name_plural = _("tình trạng nhân khẩu")
        constraints = [models.UniqueConstraint(fields=["campaign", "resident"], name="resident_state_unique")]
