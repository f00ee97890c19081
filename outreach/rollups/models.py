"""Per-area, per-campaign counters that dashboards read instead of counting residents."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from households.models import Area

from ..campaigns.models import Campaign


class RollupCounts(models.Model):
    households_total = models.PositiveIntegerField(_("tổng số hộ"), default=0)
    households_visited = models.PositiveIntegerField(_("hộ đã đến"), default=0)
    households_revisit = models.PositiveIntegerField(_("hộ cần quay lại"), default=0)
    residents_eligible = models.PositiveIntegerField(_("người đủ 14 tuổi"), default=0)
    residents_interested = models.PositiveIntegerField(_("quan tâm"), default=0)
    residents_little_interested = models.PositiveIntegerField(_("ít quan tâm"), default=0)
    residents_not_interested = models.PositiveIntegerField(_("không quan tâm"), default=0)
    level1_registered = models.PositiveIntegerField(_("mức 1 đã thu nhận"), default=0)
    level1_activated = models.PositiveIntegerField(_("mức 1 đã kích hoạt"), default=0)
    level2_registered = models.PositiveIntegerField(_("mức 2 đã thu nhận"), default=0)
    level2_activated = models.PositiveIntegerField(_("mức 2 đã kích hoạt"), default=0)
    # The phone channel (issue 19): eligible residents living here called at least once in
    # the campaign, those who answered (interested, assisted or asked to be called back), and
    # those assisted by phone.
    phone_called = models.PositiveIntegerField(_("người đã gọi điện"), default=0)
    phone_answered = models.PositiveIntegerField(_("người nghe máy"), default=0)
    phone_assisted = models.PositiveIntegerField(_("người được hỗ trợ qua điện thoại"), default=0)

    COUNTERS = (
        "households_total", "households_visited", "households_revisit", "residents_eligible",
        "residents_interested", "residents_little_interested", "residents_not_interested",
        "level1_registered", "level1_activated", "level2_registered", "level2_activated",
    )  # fmt: skip
    # Kept apart so the door figures' recount checks stay as they are; the rollups store both.
    PHONE_COUNTERS = ("phone_called", "phone_answered", "phone_assisted")
    ALL_COUNTERS = COUNTERS + PHONE_COUNTERS

    class Meta:
        abstract = True


class AreaRollup(RollupCounts):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="rollups")
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tổng hợp theo địa bàn")
        verbose_name_plural = _("tổng hợp theo địa bàn")
        constraints = [models.UniqueConstraint(fields=["campaign", "area"], name="rollup_unique")]


class AreaDailySnapshot(RollupCounts):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="snapshots")
    day = models.DateField()

    class Meta:
        verbose_name = _("số liệu theo ngày")
        verbose_name_plural = _("số liệu theo ngày")
        constraints = [models.UniqueConstraint(fields=["campaign", "area", "day"], name="snapshot_unique")]


class RollupDirty(models.Model):
    """A residential group whose rollup a visit changed and that is not recomputed yet.

    Written in the visit's own transaction, so the work survives a lost Celery task, a
    stopped worker or Redis being down; the refresh task and the periodic reconciler both
    drain it.
    """

    # Upserted by every push: no database foreign keys (see Visit.campaign); Django still
    # cascades deletes.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, db_constraint=False)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    marked_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "area"], name="rollup_dirty_unique")]
