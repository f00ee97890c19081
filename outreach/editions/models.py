"""An area's edition hours and the editions made."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from households.models import Area

from ..campaigns.models import Campaign

MORNING = datetime.time(11, 30)
EVENING = datetime.time(20, 30)


class EditionSlot(models.TextChoices):
    MORNING = "morning", _("Bản tin sáng")
    EVENING = "evening", _("Bản tin tối")


class EditionHours(models.Model):
    """When an area's editions are made; an area without a row gets 11:30 and 20:30."""

    area = models.OneToOneField(Area, verbose_name=_("địa bàn"), on_delete=models.CASCADE, related_name="edition_hours")
    morning = models.TimeField(_("giờ bản tin sáng"), default=MORNING)
    evening = models.TimeField(_("giờ bản tin tối"), default=EVENING)

    class Meta:
        verbose_name = _("giờ bản tin")
        verbose_name_plural = _("giờ bản tin")

    def __str__(self):
        return f"{self.area}: {self.morning:%H:%M}, {self.evening:%H:%M}"


class ChatEdition(models.Model):
    """One edition, kept as pasted. `figures` holds what the next edition compares with:
    {"total": [households visited, activated], "units": {area id: [visited, activated]}}."""

    area = models.ForeignKey(Area, verbose_name=_("địa bàn"), on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, verbose_name=_("chiến dịch"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("ngày"))
    slot = models.CharField(_("bản tin"), max_length=8, choices=EditionSlot.choices)
    made_at = models.DateTimeField(_("lập lúc"))
    text = models.TextField(_("nội dung"))
    figures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("bản tin")
        verbose_name_plural = _("bản tin")
        ordering = ["-day", "-made_at"]
        constraints = [
            models.UniqueConstraint(fields=["area", "campaign", "day", "slot"], name="one_edition_per_slot"),
        ]
        indexes = [models.Index(fields=["campaign", "day"], name="edition_campaign_day_idx")]

    def __str__(self):
        return f"{self.get_slot_display()} {self.day:%d/%m/%Y} — {self.area}"
