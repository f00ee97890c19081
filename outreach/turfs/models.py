"""Door-knocking teams, their members, and the turfs assigned to them per campaign."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import Area, Turf

from ..campaigns.models import Campaign


class Team(models.Model):
    """A door-knocking team (tổ công tác) of a commune or residential group."""

    name = models.CharField(_("tên"), max_length=200)
    area = models.ForeignKey(Area, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="teams")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMembership", related_name="teams", verbose_name=_("thành viên")
    )

    class Meta:
        verbose_name = _("tổ công tác")
        verbose_name_plural = _("tổ công tác")
        ordering = ["area__path", "name"]

    def __str__(self):
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, verbose_name=_("tổ"), on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE)
    is_lead = models.BooleanField(_("tổ trưởng tổ công tác"), default=False)

    class Meta:
        verbose_name = _("thành viên tổ")
        verbose_name_plural = _("thành viên tổ")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_membership_unique")]

    def __str__(self):
        return f"{self.user} @ {self.team}"


class Assignment(models.Model):
    """A turf given to a team for a campaign. Reassigning ends the old row and adds a new one,
    so history (and the phones' tombstones) can be derived from it."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("chiến dịch"), on_delete=models.CASCADE)
    turf = models.ForeignKey(Turf, verbose_name=_("khu vực"), on_delete=models.CASCADE, related_name="assignments")
    team = models.ForeignKey(Team, verbose_name=_("tổ"), on_delete=models.CASCADE, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người giao"), null=True, blank=True, on_delete=models.SET_NULL
    )
    assigned_at = models.DateTimeField(_("giao lúc"), default=timezone.now)
    ended_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("giao khu vực")
        verbose_name_plural = _("giao khu vực")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "turf"], condition=Q(ended_at__isnull=True), name="one_open_assignment_per_turf"
            )
        ]

    def __str__(self):
        return f"{self.turf} → {self.team}"
