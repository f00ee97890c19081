"""The form of one recorded call. Only checks what the values are (a UUID, a resident id,
an outcome, a date-time); what they mean (the claim, the scope, a time in the past) is the
service's to check, so a retried or hand-made POST meets the same rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.calls.codes import VNEID_CHOICES
from outreach.calls.models import CallOutcome
from outreach.calls.record import CallInput

_INVALID = {"required": _("Thiếu thông tin cuộc gọi. Hãy tải lại trang."),
            "invalid": _("Thông tin cuộc gọi không hợp lệ. Hãy tải lại trang.")}  # fmt: skip


class CallForm(forms.Form):
    client_uuid = forms.UUIDField(error_messages=_INVALID)
    resident = forms.IntegerField(min_value=1, max_value=2**63 - 1, error_messages=_INVALID)
    outcome = forms.ChoiceField(choices=CallOutcome.choices,
                                error_messages={"required": _("Hãy chọn kết quả cuộc gọi."),
                                                "invalid_choice": _("Kết quả cuộc gọi không hợp lệ.")})  # fmt: skip
    vneid = forms.ChoiceField(choices=VNEID_CHOICES, required=False,
                              error_messages={"invalid_choice": _("Mức VNeID không hợp lệ.")})  # fmt: skip
    callback_at = forms.CharField(required=False, max_length=32)
    note = forms.CharField(required=False, max_length=1000,
                           error_messages={"max_length": _("Ghi chú dài quá 1.000 ký tự.")})  # fmt: skip

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        # One form carries every outcome's button: the level and the time belong to theirs only.
        if outcome != CallOutcome.ASSISTED:
            data["vneid"] = ""
        raw = (data.get("callback_at") or "").strip()
        data["callback_at"] = None
        if outcome == CallOutcome.CALL_BACK and raw:
            field = forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"])
            try:
                data["callback_at"] = field.clean(raw)
            except forms.ValidationError:
                self.add_error("callback_at", _("Giờ gọi lại không hợp lệ (ngày dd/mm/yyyy, giờ hh:mm)."))
        return data

    def call(self) -> CallInput:
        d = self.cleaned_data
        return CallInput(client_uuid=d["client_uuid"], resident_id=d["resident"], outcome=d["outcome"],
                         vneid=d["vneid"], callback_at=d["callback_at"], note=d["note"].strip())  # fmt: skip

    def first_error(self) -> str:
        return next(iter(e for errors in self.errors.values() for e in errors))
