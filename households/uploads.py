"""A roster file uploaded in the browser (/nhap-danh-sach/), between its preview and the
officer's confirmation. The file's bytes are kept only until the import ends (then
cleared: the registry holds the people, the upload keeps only counts and messages), and
the id is a random UUID, so that an upload's URL cannot be guessed from another's."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RosterUpload(models.Model):
    class Status(models.TextChoices):
        CHECKING = "checking", _("Đang kiểm tra")
        READY = "ready", _("Chờ xác nhận")
        REFUSED = "refused", _("Không đọc được")
        IMPORTING = "importing", _("Đang nhập")
        DONE = "done", _("Đã nhập")
        FAILED = "failed", _("Nhập không thành công")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_uploads")
    area = models.ForeignKey("households.Area", verbose_name=_("địa bàn"), on_delete=models.CASCADE)
    filename = models.CharField(_("tên tệp"), max_length=255)
    data = models.BinaryField(default=b"")
    size = models.PositiveIntegerField(default=0)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.CHECKING)
    # What the preview found: {"columns": {field: header}, "counts": {...}, "rows": [...]} (see
    # households/upload_services.py), and the message of a file refused as a whole.
    summary = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tệp danh sách tải lên")
        verbose_name_plural = _("tệp danh sách tải lên")
        indexes = [models.Index(fields=["user", "-created_at"], name="roster_upload_user_at")]

    def __str__(self):
        return self.filename
