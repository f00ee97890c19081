"""Forms of the group leaders' pages. Every id a form accepts is looked up inside the user's
scope (and the group or turf of the page), so a crafted POST naming another area's team,
turf or household is refused with a message, never acted on."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from households.models import Area, Household, Turf
from outreach.models import Campaign, Team
from outreach.access import AreaScope
from outreach.turfs.selectors import parse_section_key, section_q
from outreach.turfs.cutting import assignment_check

OUT_OF_SCOPE_TURF = _("Khu vực đã chọn không thuộc phạm vi bạn quản lý hoặc không còn nữa. Hãy tải lại trang.")
OUT_OF_SCOPE_TEAM = _("Tổ công tác đã chọn không thuộc phạm vi bạn quản lý hoặc không còn nữa. Hãy tải lại trang.")
OUT_OF_SCOPE_HOUSEHOLD = _("Có hộ đã chọn không thuộc phạm vi này hoặc không còn nữa. Hãy tải lại trang.")
NEW_TURF = "new"


class IdsField(forms.ModelMultipleChoiceField):
    """Ticked checkboxes; the widget is the page's own markup, so only the values matter."""

    widget = forms.MultipleHiddenInput

    def __init__(self, queryset, *, invalid: str, **kwargs):
        super().__init__(queryset, required=False, error_messages={"invalid_choice": invalid,
                         "invalid_pk_value": invalid}, **kwargs)  # fmt: skip


class SectionsField(forms.Field):
    """Ticked "whole lane / building" boxes: free text keys, checked by the form's clean."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [str(v) for v in value or []]


class AssignForm(forms.Form):
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.filter(is_active=True),
        error_messages={"required": _("Hãy chọn chiến dịch."),
                        "invalid_choice": _("Chiến dịch đã chọn không còn chạy. Hãy tải lại trang.")},
    )  # fmt: skip
    team = forms.ModelChoiceField(
        queryset=Team.objects.select_related("area"),
        error_messages={"required": _("Hãy chọn tổ công tác để giao."),
                        "invalid_choice": OUT_OF_SCOPE_TEAM},
    )  # fmt: skip

    def __init__(self, *args, scope: AreaScope, turf: Turf, commune: Area, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope, self.turf, self.commune = scope, turf, commune
        # Only the teams the user may assign to are choices: one outside the scope and one
        # that does not exist get the same answer, so the form tells nothing of other areas.
        self.fields["team"].queryset = scope.filter(self.fields["team"].queryset, "area")

    def clean(self):
        data = super().clean()
        team, campaign = data.get("team"), data.get("campaign")
        if team is None or campaign is None:
            return data
        if not team.area.path.startswith(self.commune.path):  # in the scope, another commune
            raise ValidationError(
                _("Không giao được: tổ công tác đã chọn thuộc xã / phường khác, không phải %(commune)s."),
                params={"commune": self.commune.name}, code="other_commune",
            )  # fmt: skip
        assignment_check(campaign=campaign, turf=self.turf, team=team, commune=self.commune)
        return data


class TurfNameForm(forms.Form):
    name = forms.CharField(
        label=_("Tên khu vực"), max_length=Turf._meta.get_field("name").max_length, required=False
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=Turf.Kind.choices, required=False)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Hãy nhập tên khu vực."), code="name_required")
        return name


class MoveForm(forms.Form):
    """Households of a group, ticked one by one or by whole street frontage, lane or
    building, moved into an existing turf of the group or a new one."""

    sections = SectionsField(required=False)
    target = forms.CharField(required=False)
    name = forms.CharField(max_length=Turf._meta.get_field("name").max_length, required=False)
    kind = forms.ChoiceField(choices=Turf.Kind.choices, required=False)

    def __init__(self, *args, group: Area, turfs: list[Turf], **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.turfs = {str(t.pk): t for t in turfs}
        self.fields["households"] = IdsField(Household.objects.filter(area=group), invalid=OUT_OF_SCOPE_HOUSEHOLD)

    def clean_sections(self):
        keys = []
        for text in self.cleaned_data["sections"]:
            key = parse_section_key(text)
            if key is None:
                raise ValidationError(
                    _("Dữ liệu chọn ngõ / toà nhà không hợp lệ. Hãy tải lại trang."), code="bad_section"
                )
            keys.append(key)
        return keys

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        ids = {h.pk for h in data.get("households") or []}
        if data.get("sections"):
            whole = Household.objects.filter(section_q(data["sections"]), area=self.group)
            ids |= set(whole.values_list("id", flat=True))
        if not ids:
            raise ValidationError(_("Hãy chọn ít nhất một hộ, hoặc cả một ngõ / toà nhà."), code="nothing_selected")
        data["household_ids"] = ids
        target = data.get("target") or ""
        if target == NEW_TURF:
            if not (data.get("name") or "").strip():
                self.add_error("name", _("Hãy nhập tên cho khu vực mới."))
        elif target in self.turfs:
            data["turf"] = self.turfs[target]
        elif not target:
            raise ValidationError(_("Hãy chọn khu vực để chuyển các hộ vào."), code="no_target")
        else:
            raise ValidationError(OUT_OF_SCOPE_TURF, code="turf_out_of_scope")
        return data


class SplitForm(TurfNameForm):
    def __init__(self, *args, turf: Turf, **kwargs):
        super().__init__(*args, **kwargs)
        households = Household.objects.filter(area_id=turf.area_id)
        self.fields["households"] = IdsField(households, invalid=OUT_OF_SCOPE_HOUSEHOLD)


class MergeForm(forms.Form):
    def __init__(self, *args, scope_turfs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"] = IdsField(scope_turfs, invalid=OUT_OF_SCOPE_TURF)

    def clean_sources(self):
        sources = list(self.cleaned_data["sources"])
        if not sources:
            raise ValidationError(_("Hãy chọn ít nhất một khu vực để gộp."), code="nothing_selected")
        return sources


class StaleForm(forms.Form):
    days = forms.IntegerField(
        min_value=1, max_value=365, required=False,
        error_messages={"invalid": _("Số ngày phải là số nguyên."),
                        "min_value": _("Số ngày phải từ 1 đến 365."), "max_value": _("Số ngày phải từ 1 đến 365.")},
    )  # fmt: skip
