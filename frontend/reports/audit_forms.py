"""The reveal form (why a full ID number is needed) and the audit page's filter form."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.audit.models import AuditAction

REASON_MIN = 10
REASON_MAX = 300
OTHER = "other"
# The usual reasons an officer needs one resident's full number; "Lý do khác" asks for text.
REVEAL_REASONS = [
    ("activate", _("Đối chiếu khi hỗ trợ công dân đăng ký, kích hoạt VNeID")),
    ("verify", _("Xác minh nhân khẩu trùng hoặc sai thông tin")),
    ("correct", _("Sửa số định danh ghi sai trong sổ")),
    ("request", _("Theo đề nghị của chính công dân")),
    (OTHER, _("Lý do khác (ghi rõ bên dưới)")),
]


class RevealForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Lý do cần xem số đầy đủ"), choices=[("", _("— Chọn lý do —")), *REVEAL_REASONS],
        error_messages={"required": _("Chọn lý do cần xem số định danh đầy đủ."),
                        "invalid_choice": _("Lý do đã chọn không có trong danh sách.")},
    )  # fmt: skip
    reason_text = forms.CharField(label=_("Ghi rõ"), required=False, max_length=REASON_MAX, strip=True,
                                  error_messages={"max_length": _("Lý do dài quá %(limit_value)d ký tự.")})  # fmt: skip

    def clean(self):
        data = super().clean()
        code, text = data.get("reason_code"), data.get("reason_text") or ""
        if code == OTHER and len(text) < REASON_MIN:
            self.add_error("reason_text", _("Ghi rõ lý do, ít nhất %(n)d ký tự.") % {"n": REASON_MIN})
        return data

    @property
    def reason(self) -> str:
        """The reason as the audit log keeps it: the chosen label, then the officer's words."""
        code, text = self.cleaned_data["reason_code"], self.cleaned_data.get("reason_text") or ""
        label = str(dict(REVEAL_REASONS)[code]) if code != OTHER else ""
        return ": ".join(part for part in (label, text) if part)


DATE_FORMAT = "%d/%m/%Y"
BAD_DATE = _("Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 05/03/2026.")


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_("Người dùng"), required=False, max_length=150, strip=True)
    since = forms.DateField(label=_("Từ ngày"), required=False, input_formats=[DATE_FORMAT],
                            widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
                            error_messages={"invalid": BAD_DATE})  # fmt: skip
    until = forms.DateField(label=_("Đến ngày"), required=False, input_formats=[DATE_FORMAT],
                            widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
                            error_messages={"invalid": BAD_DATE})  # fmt: skip
    action = forms.ChoiceField(label=_("Thao tác"), required=False, choices=[("", _("Tất cả")), *AuditAction.choices],
                               error_messages={"invalid_choice": _("Thao tác không có trong danh sách.")})  # fmt: skip

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("“Đến ngày” phải từ “Từ ngày” trở đi."))
        return data

    def filters(self) -> dict:
        """The selector's keyword arguments; call after is_valid()."""
        data = self.cleaned_data
        return {"username": data.get("username") or "", "since": data.get("since"), "until": data.get("until"),
                "action": data.get("action") or ""}  # fmt: skip

    def described(self) -> dict:
        """The filters for the audit row of this read, dates as dd/mm/yyyy."""
        out = {}
        for name, value in self.filters().items():
            if isinstance(value, datetime.date):
                out[name] = value.strftime(DATE_FORMAT)
            elif value:
                out[name] = value
        return out
