"""The GET filter form of the work lists. Every choice is limited to the page's area, so a
filter can only ever narrow a list, never reach outside the area."""

from django import forms
from django.utils.translation import gettext_lazy as _

from households.models import Area, Turf
from outreach.reports.lists import ListFilters
from outreach.models import OutcomeCode, Team


class TurfChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Turf) -> str:
        return f"{obj.name} — {obj.area.name}"


class ListFilterForm(forms.Form):
    group = forms.ModelChoiceField(queryset=Area.objects.none(), required=False, label=_("Tổ dân phố"),
                                   empty_label=_("Tất cả"))  # fmt: skip
    turf = TurfChoice(queryset=Turf.objects.none(), required=False, label=_("Khu vực"), empty_label=_("Tất cả"))
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, label=_("Tổ công tác"),
                                  empty_label=_("Tất cả"))  # fmt: skip
    reason = forms.ModelChoiceField(queryset=OutcomeCode.objects.none(), required=False, label=_("Lý do"),
                                    empty_label=_("Tất cả"))  # fmt: skip
    support = forms.BooleanField(required=False, label=_("Chỉ người cần hỗ trợ tại nhà"))

    def __init__(self, data, *, choices: dict, reason_filter: bool, single_group: bool):
        super().__init__(data)
        self.fields["group"].queryset = choices["groups"]
        self.fields["turf"].queryset = choices["turfs"]
        self.fields["team"].queryset = choices["teams"]
        self.fields["reason"].queryset = choices["reasons"]
        if single_group:  # a group leader's page, or a group's own page: nothing to pick
            del self.fields["group"]
        if not reason_filter:
            del self.fields["reason"]

    def list_filters(self) -> ListFilters:
        """The valid filters; an invalid one (a stale link, a hand-edited URL) is dropped and
        shown as an error rather than widening or failing the page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return ListFilters(group=data.get("group"), turf=data.get("turf"), team=data.get("team"),
                           support=bool(data.get("support")), reason=data.get("reason"))  # fmt: skip

    @property
    def active(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in self.fields)
