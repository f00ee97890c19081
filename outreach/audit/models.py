"""One audit event: who, when, from where, what action, which area, how many rows and which
personal fields. Never the personal data itself (no ID number, no phone, no name).

Kept apart from the data it describes: no foreign key to the user, the area or the object,
so deleting any of them neither cascades into the log nor is blocked by it; the username and
the area's path and name are copied at the time of the event.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    """An audit event is never changed or removed once written."""


class AuditAction(models.TextChoices):
    PULL = "pull", _("Tải dữ liệu về điện thoại")
    LIST_VIEW = "list_view", _("Xem danh sách")
    EXPORT = "export", _("Xuất tệp")
    ADMIN_VIEW = "admin_view", _("Xem hồ sơ trong trang quản trị")
    ADMIN_ADD = "admin_add", _("Thêm trong trang quản trị")
    ADMIN_CHANGE = "admin_change", _("Sửa trong trang quản trị")
    ADMIN_DELETE = "admin_delete", _("Xoá trong trang quản trị")
    IMPORT = "import", _("Nhập danh sách nhân khẩu")
    LOAD_AREAS = "load_areas", _("Nạp danh mục hành chính")
    ASSIGN = "assign", _("Giao khu vực")
    REVEAL = "reveal", _("Hiện số định danh đầy đủ")
    AUDIT_VIEW = "audit_view", _("Xem nhật ký truy cập")
    AUDIT_EXPORT = "audit_export", _("Xuất nhật ký truy cập")
    DEVICE_REVOKE = "device_revoke", _("Đăng xuất một thiết bị")
    SIGNIN_UNLOCK = "signin_unlock", _("Mở khoá đăng nhập")
    QUALITY_DECISION = "quality_decision", _("Xử lý một mục chất lượng dữ liệu")
    QUALITY_MERGE = "quality_merge", _("Gộp hai bản ghi nhân khẩu trùng")
    CONFIRM_GONE = "confirm_gone", _("Xác nhận người không còn trong danh sách")
    CALL_BATCH = "call_batch", _("Nhận số điện thoại để gọi")
    APPOINTMENT_BOOK = "appointment_book", _("Đặt lịch hẹn tại nhà")
    APPOINTMENT_MOVE = "appointment_move", _("Dời lịch hẹn tại nhà")
    APPOINTMENT_CANCEL = "appointment_cancel", _("Huỷ lịch hẹn tại nhà")
    SHIFT = "shift", _("Mở hoặc đóng ca làm việc")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("audit events are append-only")

    def delete(self):
        raise AppendOnly("audit events are append-only")

    # bulk_update goes through update(); _raw_delete is what Collector uses for fast deletes.
    def _raw_delete(self, using):
        raise AppendOnly("audit events are append-only")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("lúc"), default=timezone.now, editable=False)
    user_id = models.IntegerField(_("mã người dùng"), null=True, blank=True)
    username = models.CharField(_("người dùng"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    device = models.CharField(_("thiết bị"), max_length=200, blank=True)
    action = models.CharField(_("thao tác"), max_length=32, choices=AuditAction.choices)
    # Named `path` like Area.path, so the access module's AreaScope.filter(qs) applies the
    # one "inside this area" rule (Area.subtree_q) to the path recorded at the time.
    # "" when the event concerns no area (a campaign edited in the admin): superusers only.
    path = models.CharField(_("đường dẫn địa bàn"), max_length=500, blank=True)
    area_id = models.IntegerField(_("mã địa bàn"), null=True, blank=True)
    area_name = models.CharField(_("địa bàn"), max_length=200, blank=True)
    object_type = models.CharField(_("loại bản ghi"), max_length=64, blank=True)  # "households.resident"
    object_id = models.CharField(_("mã bản ghi"), max_length=64, blank=True)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    fields = models.JSONField(_("trường dữ liệu"), default=list, blank=True)  # ["full_name", "id_number_last4"]
    detail = models.JSONField(_("chi tiết"), default=dict, blank=True)  # list name, filters, a reveal's reason

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký truy cập")
        verbose_name_plural = _("nhật ký truy cập")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["path", "at"], name="audit_path_at"),
            models.Index(fields=["at"], name="audit_at"),
            models.Index(fields=["username", "at"], name="audit_user_at"),
        ]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnly("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit events are append-only")
