"""A team's shift. Its output is not stored: the visits the members present recorded
between its start and end (selectors.shift_output), so a visit synced hours later counts
for the shift it was made in."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..turfs.models import Team


class Shift(models.Model):
    team = models.ForeignKey(Team, verbose_name=_("tổ"), on_delete=models.CASCADE, related_name="shifts")
    started_at = models.DateTimeField(_("bắt đầu"), default=timezone.now)
    ended_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("người có mặt"), related_name="+")
    handover_note = models.TextField(_("ghi chú bàn giao"), blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người mở ca"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người đóng ca"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")  # fmt: skip

    class Meta:
        verbose_name = _("ca làm việc")
        verbose_name_plural = _("ca làm việc")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["team"], condition=Q(ended_at__isnull=True), name="one_open_shift_per_team"),
        ]

    def __str__(self):
        return f"{self.team} · {timezone.localtime(self.started_at):%d/%m/%Y %H:%M}"
