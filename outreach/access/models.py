"""Roles and role grants: a user's role in one area, and so in its whole subtree."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from households.models import Area


class Role(models.TextChoices):
    FIELD_MEMBER = "field_member", _("Thành viên tổ công tác")
    GROUP_LEADER = "group_leader", _("Tổ trưởng dân phố")
    COMMUNE_POLICE = "commune_police", _("Công an xã / phường")
    PROVINCE_LEADER = "province_leader", _("Lãnh đạo tỉnh / thành phố")
    ADMIN = "admin", _("Quản trị")
    CALLER = "caller", _("Người gọi điện hỗ trợ")


class RoleGrant(models.Model):
    """A user's role in one area, and so in its whole subtree. A user may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    area = models.ForeignKey(Area, verbose_name=_("địa bàn"), on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [models.UniqueConstraint(fields=["user", "area", "role"], name="role_grant_unique")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.area}"
