"""A booked home visit: a household, a team and a time window in one campaign. Missed is
not stored: an appointment still booked after its window ended (selectors.missed)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import Household

from ..campaigns.models import Campaign
from ..turfs.models import Team


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Đã hẹn")
        DONE = "done", _("Đã đến")
        CANCELLED = "cancelled", _("Đã huỷ")

    campaign = models.ForeignKey(Campaign, verbose_name=_("chiến dịch"), on_delete=models.CASCADE)
    household = models.ForeignKey(Household, verbose_name=_("hộ"), on_delete=models.CASCADE,
                                  related_name="appointments")  # fmt: skip
    team = models.ForeignKey(Team, verbose_name=_("tổ"), on_delete=models.CASCADE, related_name="appointments")
    starts_at = models.DateTimeField(_("từ"))
    ends_at = models.DateTimeField(_("đến"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người đặt"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    # The visit that closed it (the push), kept so a report can open it.
    visit = models.ForeignKey("outreach.Visit", verbose_name=_("lượt đến"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", db_constraint=False)  # fmt: skip
    created_at = models.DateTimeField(_("đặt lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("lịch hẹn tại nhà")
        verbose_name_plural = _("lịch hẹn tại nhà")
        ordering = ["starts_at", "id"]
        constraints = [
            # One open appointment per household and campaign: a second booking is a move.
            models.UniqueConstraint(fields=["campaign", "household"], condition=Q(status="booked"),
                                    name="one_open_appointment_per_household"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_window_order"),
        ]  # fmt: skip
        # The push looks up open appointments of its batch's households.
        indexes = [models.Index(fields=["household"], condition=Q(status="booked"), name="appointment_open")]

    def __str__(self):
        return f"{self.household} · {self.team} · {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"
