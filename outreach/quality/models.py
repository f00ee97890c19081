"""An officer's decision on one data-quality item: a doubtful visit confirmed or
dismissed, a door-reported move or death confirmed to the residence registry, a possible
duplicate merged or kept apart.

The flags themselves are not stored: each check (outreach.quality.*) works them out from the
visit log and the registry whenever the board is read, so nothing in the log is ever
changed or deleted by a flag. A decision is stored once per item, under the item's stable
key, so a second tap finds it and does nothing twice.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import Area


class QualityDecision(models.Model):
    class Verdict(models.TextChoices):
        CONFIRMED = "confirmed", _("Xác nhận có vấn đề")
        DISMISSED = "dismissed", _("Bỏ qua, không có vấn đề")
        RECORDED = "recorded", _("Đã chuyển cho công an phường cập nhật cư trú")
        MERGED = "merged", _("Đã gộp hai bản ghi")
        DIFFERENT = "different", _("Hai người khác nhau")

    # The check's slug ("nhanh-bat-thuong", "chuyen-di-mat"...) and the item's key within it:
    # a visit id, a resident id, "user:date" for an evening.
    check_slug = models.CharField(_("kiểm tra"), max_length=48)
    key = models.CharField(_("mã mục"), max_length=64)
    verdict = models.CharField(_("kết luận"), max_length=16, choices=Verdict.choices)
    # The residential group the item lies in, so decisions are read with the area scope.
    area = models.ForeignKey(Area, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="+")
    # Plain ids, not keys: a decision outlives a merged-away resident.
    resident_id = models.BigIntegerField(_("mã nhân khẩu"), null=True, blank=True)
    visit_id = models.BigIntegerField(_("mã lượt đến"), null=True, blank=True)
    other_resident_id = models.BigIntegerField(_("mã nhân khẩu gộp vào"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người quyết định"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    decided_at = models.DateTimeField(_("lúc"), default=timezone.now)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("quyết định về chất lượng dữ liệu")
        verbose_name_plural = _("quyết định về chất lượng dữ liệu")
        ordering = ["-decided_at"]
        constraints = [models.UniqueConstraint(fields=["check_slug", "key"], name="quality_decision_once")]

    def __str__(self):
        return f"{self.check_slug} {self.key}: {self.verdict}"
