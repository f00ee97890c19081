from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import Area, ResidenceStatus, VneidStatus


class Campaign(models.Model):
    class Level(models.IntegerChoices):
        LEVEL1 = 1, _("Mức 1")
        LEVEL2 = 2, _("Mức 2")

    name = models.CharField(_("tên"), max_length=200)
    start_date = models.DateField(_("ngày bắt đầu"))
    deadline = models.DateField(_("hạn hoàn thành"))
    target_level = models.PositiveSmallIntegerField(_("mức mục tiêu"), choices=Level.choices, default=Level.LEVEL2)
    is_active = models.BooleanField(_("đang chạy"), default=True)

    class Meta:
        verbose_name = _("chiến dịch")
        verbose_name_plural = _("chiến dịch")
        ordering = ["-start_date"]

    def __str__(self):
        return self.name


class Quota(models.Model):
    """The targets the ministry gave one area for one campaign."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("chiến dịch"), on_delete=models.CASCADE, related_name="quotas")
    area = models.ForeignKey(Area, verbose_name=_("địa bàn"), on_delete=models.CASCADE, related_name="quotas")
    registered_target = models.PositiveIntegerField(_("chỉ tiêu thu nhận hồ sơ"), default=0)
    activated_target = models.PositiveIntegerField(_("chỉ tiêu kích hoạt"), default=0)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [models.UniqueConstraint(fields=["campaign", "area"], name="quota_unique_per_area")]

    def __str__(self):
        return f"{self.campaign} — {self.area}"


class OutcomeScope(models.TextChoices):
    HOUSEHOLD = "household", _("Kết quả theo hộ")
    RESIDENT = "resident", _("Kết quả theo người")
    REASON = "reason", _("Lý do vướng mắc")


class Interest(models.TextChoices):
    INTERESTED = "interested", _("Quan tâm")
    LITTLE = "little", _("Ít quan tâm")
    NOT = "not", _("Không quan tâm")


class OutcomeCode(models.Model):
    """An outcome or blocking reason. Rows, not code, so a campaign can add its own; the
    effect fields tell the projection what the outcome means for status and rollups."""

    code = models.SlugField(_("mã"), max_length=48)
    scope = models.CharField(_("loại"), max_length=16, choices=OutcomeScope.choices)
    label_vi = models.CharField(_("tên (tiếng Việt)"), max_length=200)
    label_en = models.CharField(_("tên (tiếng Anh)"), max_length=200)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("chỉ dùng cho chiến dịch"), null=True, blank=True, on_delete=models.CASCADE
    )
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    # When it was taken out of use: a visit recorded offline before then, on a phone that
    # still listed it, is accepted with it (outreach.sync.push_context.Codebook).
    retired_at = models.DateTimeField(_("ngừng dùng lúc"), null=True, blank=True, editable=False)
    # Household outcomes: did the team talk to the household, or must it come back?
    household_reached = models.BooleanField(_("đã gặp được hộ"), default=False)
    needs_revisit = models.BooleanField(_("cần quay lại"), default=False)
    # Resident outcomes: what they change on the resident.
    interest = models.CharField(_("mức quan tâm"), max_length=16, choices=Interest.choices, blank=True)
    vneid_level = models.PositiveSmallIntegerField(_("mức VNeID"), null=True, blank=True, choices=Campaign.Level.choices)
    vneid_status = models.CharField(_("trạng thái VNeID"), max_length=16, choices=VneidStatus.choices, blank=True)
    residence_status = models.CharField(
        _("tình trạng cư trú"), max_length=16, choices=ResidenceStatus.choices, blank=True
    )

    class Meta:
        verbose_name = _("mã kết quả")
        verbose_name_plural = _("mã kết quả")
        ordering = ["scope", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(campaign__isnull=True), name="outcome_code_global"),
            models.UniqueConstraint(fields=["campaign", "code"], name="outcome_code_per_campaign"),
        ]

    def __str__(self):
        return self.label_vi

    def save(self, *args, **kwargs):
        # Stamped on the save that retires it (the admin's form or any service), cleared on
        # the one that brings it back; a code created inactive was never in use.
        if self.is_active:
            self.retired_at = None
        elif self.retired_at is None and self.pk is not None:
            if OutcomeCode.objects.filter(pk=self.pk, is_active=True).exists():
                self.retired_at = timezone.now()
        if kwargs.get("update_fields") is not None and "is_active" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "retired_at"}
        super().save(*args, **kwargs)
