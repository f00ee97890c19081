"""Admin for the registry, in Vietnamese, scoped to the areas the signed-in officer holds.

The admin is the back office of ward police and the project team. It shows the personal
data of whole communes (Decree 13/2023), so every queryset, every foreign-key choice and
every sidebar filter is cut down to the user's Capability.ADMINISTER scope from
outreach.access (commune police, province leadership and admins in their areas; superusers
everywhere). The scoping helpers live here and outreach/admin.py reuses them. Search goes
through the stored diacritics-free keys, from the start of words and whole names first
(admin_search.py), because officers type "doi can" on desktops without a Vietnamese keyboard.
"""

import re

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.access import Access, AreaScope, Capability, access_for, mask_id_number
from outreach.access.rules import RESIDENT_FIELD_CAPABILITY
from outreach.audit.adminlog import AuditedAdminMixin

from .admin_search import KeyedSearchMixin, keyed_search  # noqa: F401 - keyed_search for outreach/admin.py
from .collation import vi_order
from .fields import ADDRESS_PARTS, HOUSEHOLD, RESIDENT, SUPPORT_FLAGS
from .models import Area, Household, Resident, Turf
from .phones import phone_display

admin.site.site_header = _("Từng Nhà — Quản trị")
admin.site.site_title = _("Từng Nhà — Quản trị")
admin.site.index_title = _("Sổ hộ dân và chiến dịch")

# A sidebar longer than this is useless; past it a filter asks the user to pick an area first.
FILTER_MAX_CHOICES = 200


def admin_access(request) -> Access:
    """The user's access, read once per request: a changelist asks for it from several
    filters and widgets."""
    if not hasattr(request, "_tungnha_access"):
        request._tungnha_access = access_for(user=request.user)
    return request._tungnha_access


def admin_scope(request, capability: Capability = Capability.ADMINISTER) -> AreaScope:
    """Where the user may administer (or hold `capability`)."""
    return admin_access(request).scope(capability)


def hidden_personal_fields(request, area: Area) -> list[str]:
    """The resident fields the user may not see in full in `area` (the access module's
    table): the admin shows them masked and read-only, never in a form field."""
    shown = admin_access(request).resident_fields(area)
    return [name for name in RESIDENT_FIELD_CAPABILITY if name not in shown]


class MaskedResidentFieldsMixin:
    """Read-only stand-ins for the personal fields a user may not see in full."""

    MASKED = {"id_number": "id_number_masked", "phone": "phone_masked", "birth_date": "birth_date_masked"}

    @admin.display(description=_("số định danh"))
    def id_number_masked(self, obj: Resident) -> str:
        return mask_id_number(obj.id_number or "") if obj else ""

    @admin.display(description=_("số điện thoại"))
    def phone_masked(self, obj: Resident) -> str:
        return "••••••••" if obj and obj.phone else ""

    @admin.display(description=_("ngày sinh"))
    def birth_date_masked(self, obj: Resident) -> str:
        return str(obj.birth_date.year) if obj and obj.birth_date else ""

    def masked(self, names, hidden: list[str]) -> list[str]:
        return [self.MASKED[name] if name in hidden else name for name in names]


def scope_queryset(qs: QuerySet, request, area_lookup: str) -> QuerySet:
    """Rows whose area (reached through `area_lookup`, "" for Area itself) the user may see."""
    return admin_scope(request).filter(qs, area_lookup)


class ScopedChoicesMixin:
    """Foreign-key choices cut to the user's areas, using the related model's own admin
    scoping, so a police officer cannot file a household under another commune."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if "queryset" not in kwargs and isinstance(related_admin, AreaScopedAdmin) and not admin_scope(request).everything:
            kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# Edits audited (adminlog.py); search boxes over the diacritics-free keys (admin_search.py).
class AreaScopedAdmin(AuditedAdminMixin, ScopedChoicesMixin, KeyedSearchMixin, admin.ModelAdmin):
    area_lookup = "area"  # from the model to its Area; "" for Area itself
    # The capability whose scope the rows follow: a model whose own pages ask for another
    # (turfs and assignments: MANAGE_TURFS, as /to/ does) says so, so that the admin is
    # never a side door around the table in outreach/access/rules.py.
    capability = Capability.ADMINISTER

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if isinstance(self.list_select_related, (list, tuple)) and self.list_select_related:
            # Also for autocomplete and filters, which print str() of related rows.
            qs = qs.select_related(*self.list_select_related)
        return admin_scope(request, self.capability).filter(qs, self.area_lookup)


class ScopedInline(ScopedChoicesMixin, admin.TabularInline):
    area_lookup = "area"
    extra = 0

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request, self.area_lookup)


class ReadOnlyMixin:
    """Event logs and projections are written by the sync and rollup code, never by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AreaFilter(admin.SimpleListFilter):
    """Drill down the area tree instead of listing every group in the country: the sidebar
    shows the chosen area's ancestors and children, or the user's own areas to start with."""

    title = _("địa bàn")
    parameter_name = "area"
    area_lookup = "area"  # from the listed model to its Area

    def _visible(self, request, qs: QuerySet[Area]) -> QuerySet[Area]:
        return admin_scope(request).filter(qs)

    def _selected(self, request) -> Area | None:
        value = self.value() or ""
        return self._visible(request, Area.objects.filter(pk=value)).first() if value.isdigit() else None

    def lookups(self, request, model_admin):
        selected = self._selected(request)
        if selected:
            shown = Area.objects.filter(Q(path__in=selected.ancestors_paths()) | Q(parent=selected))
        else:
            scope = admin_scope(request)
            roots = Area.objects.filter(Q(parent=None) if scope.everything else Q(path__in=scope.top_paths()))
            children = list(Area.objects.filter(parent__in=roots).values_list("pk", flat=True)[:FILTER_MAX_CHOICES])
            if len(children) == FILTER_MAX_CHOICES:  # every province's communes: list the provinces only
                children = []
            shown = Area.objects.filter(Q(pk__in=roots) | Q(pk__in=children))
        areas = list(self._visible(request, shown).order_by("path"))
        top = min((a.depth for a in areas), default=0)
        return [(str(a.pk), "— " * (a.depth - top) + a.name) for a in areas]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        selected = self._selected(request)
        return queryset.filter(selected.subtree(self.area_lookup)) if selected else queryset.none()


def area_filter(area_lookup: str) -> type[AreaFilter]:
    return type("AreaFilter", (AreaFilter,), {"area_lookup": area_lookup})


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """Lists only the related rows the user may see (their turfs, their teams), narrowed to
    the area chosen in the area filter, and hides itself rather than list thousands."""

    def field_choices(self, field, request, model_admin):
        model = field.related_model
        related_admin = model_admin.admin_site._registry.get(model)
        qs = related_admin.get_queryset(request) if related_admin else model._default_manager.all()
        area_id = request.GET.get(AreaFilter.parameter_name, "")
        lookup = getattr(related_admin, "area_lookup", None)
        if lookup is not None and area_id.isdigit():
            area = Area.objects.filter(pk=area_id).first()
            if area:
                qs = qs.filter(area.subtree(lookup))
        rows = list(qs[: FILTER_MAX_CHOICES + 1])
        return [] if len(rows) > FILTER_MAX_CHOICES else [(obj.pk, str(obj)) for obj in rows]


@admin.register(Area)
class AreaAdmin(AreaScopedAdmin):
    area_lookup = ""
    list_display = ("name", "code", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name")  # name through name_key: "phuong ba dinh" finds Phường Ba Đình
    search_rank_field, search_rank_order = "name_key", (vi_order("name"),)
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "parent" and not admin_scope(request).everything:
            field.required = True  # only superusers create top-level areas
        return field


@admin.register(Turf)
class TurfAdmin(AreaScopedAdmin):
    capability = Capability.MANAGE_TURFS
    list_display = ("name", "kind", "area")
    list_filter = ("kind", area_filter("area"))
    search_fields = ("name", "area__name", "area__code")
    search_rank_field, search_rank_order = "name_key", (vi_order("name"),)
    list_select_related = ("area",)
    autocomplete_fields = ("area",)


class HouseholdForm(forms.ModelForm):
    """The full address may be left blank: it is composed from the parts, and recomposed
    when the parts change, so it never goes stale behind an edited street."""

    class Meta:
        model = Household
        fields = ("area", *HOUSEHOLD)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address_text"].required = False
        self.fields["address_text"].help_text = _("Để trống để ghép tự động từ số nhà, ngõ, đường, toà nhà…")

    def clean(self):
        data = super().clean()
        parts_changed = any(name in self.changed_data for name in ADDRESS_PARTS)
        if not data.get("address_text") or (parts_changed and "address_text" not in self.changed_data):
            data["address_text"] = Household(**{name: data.get(name) or "" for name in ADDRESS_PARTS}).compose_address()
            if not data["address_text"]:
                raise ValidationError(_("Nhập địa chỉ: ít nhất số nhà, ngõ, đường/phố hoặc toà nhà."))
        return data


class ResidentForm(forms.ModelForm):
    """The phone box shows +84… as everywhere else (0974 363 407), also when bound, so a
    number posted back as shown is no change; the model's clean() stores +84… again."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "phone" in self.fields and self.instance.phone:
            self.initial["phone"] = phone_display(self.instance.phone)


class ResidentInline(MaskedResidentFieldsMixin, admin.TabularInline):
    model = Resident
    form = ResidentForm
    extra = 0
    show_change_link = True
    # The support flags are on the resident's own page (ResidentAdmin.fieldsets), not here.
    fields = tuple(name for name in RESIDENT if name not in SUPPORT_FLAGS)

    def _hidden(self, request, household) -> list[str]:
        return hidden_personal_fields(request, household.area) if household else []

    def get_fields(self, request, obj=None):
        return self.masked(super().get_fields(request, obj), self._hidden(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *(self.MASKED[n] for n in self._hidden(request, obj))]

    def has_add_permission(self, request, obj=None):
        # A resident added here would show the fields masked as read-only: add on its own page.
        return not self._hidden(request, obj) and super().has_add_permission(request, obj)


@admin.register(Household)
class HouseholdAdmin(AreaScopedAdmin):
    form = HouseholdForm
    list_display = ("address", "head_name", "area", "turf")
    list_filter = (area_filter("area"), ("turf", ScopedRelatedFilter))
    list_select_related = ("area", "turf", "turf__area")
    search_fields = ("address_key",)  # shows the box; the search itself is below
    search_help_text = _("Địa chỉ hoặc tên người trong hộ, gõ có dấu hay không dấu đều được.")
    autocomplete_fields = ("area", "turf")
    inlines = (ResidentInline,)
    audit_reads = True  # the page shows the household's residents, ID numbers and phones

    @admin.display(description=_("địa chỉ đầy đủ"), ordering="address_text")
    def address(self, obj: Household) -> str:
        return obj.address_display  # "Số 1, Ngách…" as in the lists and exports

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return keyed_search(queryset, search_term, ["address_key", "residents__name_key"])


_NUMBER_QUERY = re.compile(r"^[\d\s.+()-]+$")


@admin.register(Resident)
class ResidentAdmin(MaskedResidentFieldsMixin, AreaScopedAdmin):
    area_lookup = "household__area"
    form = ResidentForm
    list_display = ("full_name", "birth", "age", "eligible", "id_number", "phone", "residence_status",
                    "vneid_level1", "vneid_level2", "household")  # fmt: skip
    # The personal columns, fieldsets and search follow the access module's table per
    # resident's area: get_list_display, get_fieldsets, get_search_results below.
    list_filter = ("residence_status", "vneid_level1", "vneid_level2", *SUPPORT_FLAGS, area_filter("household__area"))
    list_select_related = ("household", "household__area")
    search_fields = ("name_key", "household__address_key")
    # Searches rank the whole name first; lists read by given name, middle, family name.
    search_rank_field, search_rank_order = "name_key", (vi_order("name_order"),)
    ordering = (vi_order("name_order"), "id")
    search_help_text = _("Tên (có dấu hay không dấu), địa chỉ, số định danh hoặc số điện thoại.")
    autocomplete_fields = ("household",)
    readonly_fields = ("created_at", "updated_at")
    audit_reads = True  # the full record: ID number, phone, birth date
    fieldsets = (
        (None, {"fields": ("household", "full_name", "birth_date", "birth_year", "sex")}),
        (_("Giấy tờ và liên lạc"), {"fields": ("id_number", "phone")}),
        (_("Cư trú và hỗ trợ tại nhà"), {"fields": ("residence_status", *SUPPORT_FLAGS)}),
        (_("VNeID"), {"fields": ("vneid_level1", "vneid_level2")}),
        (_("Lịch sử"), {"fields": ("created_at", "updated_at")}),
    )

    # The defaults show no more than a volunteer sees; get_list_display swaps in the columns
    # of what this user may see.
    @admin.display(description=_("sinh"), ordering="birth_year")
    def birth(self, obj: Resident) -> str:
        return str(obj.birth_year or "")

    @admin.display(description=_("tuổi"))
    def age(self, obj: Resident):
        return obj.birth_year and timezone.localdate().year - obj.birth_year

    def get_list_display(self, request):
        access = admin_access(request)

        def shows(obj: Resident, name: str) -> bool:
            return name in access.resident_fields(obj.household.area)

        @admin.display(description=_("sinh"), ordering="birth_year")
        def birth(obj: Resident) -> str:
            if obj.birth_date and shows(obj, "birth_date"):
                return obj.birth_date.strftime("%d/%m/%Y")
            return str(obj.birth_year or "")

        @admin.display(description=_("số định danh"))
        def id_number(obj: Resident) -> str:
            return (obj.id_number or "") if shows(obj, "id_number") else mask_id_number(obj.id_number or "")

        @admin.display(description=_("số điện thoại"))
        def phone(obj: Resident) -> str:
            return phone_display(obj.phone) if shows(obj, "phone") else self.phone_masked(obj)

        @admin.display(description=_("tuổi"))
        def age(obj: Resident):
            # From the year alone where the date is withheld: a year off at most, never the date.
            return obj.age_on(timezone.localdate()) if shows(obj, "birth_date") else obj.birth_year and (
                timezone.localdate().year - obj.birth_year)

        columns = {"birth": birth, "id_number": id_number, "phone": phone, "age": age}
        return [columns.get(name, name) for name in super().get_list_display(request)]

    def get_fieldsets(self, request, obj=None):
        hidden = hidden_personal_fields(request, obj.household.area) if obj else []
        return [(title, {**options, "fields": self.masked(options["fields"], hidden)})
                for title, options in super().get_fieldsets(request, obj)]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        hidden = hidden_personal_fields(request, obj.household.area) if obj else []
        return [*super().get_readonly_fields(request, obj), *(self.MASKED[n] for n in hidden)]

    @admin.display(description=_("đủ 14 tuổi"), boolean=True)
    def eligible(self, obj: Resident) -> bool:
        return obj.is_eligible

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        digits = re.sub(r"\D", "", term)
        if _NUMBER_QUERY.match(term) and len(digits) >= 4:
            # A number is looked up only in what the user may see: otherwise the search would
            # tell a full ID number or phone it never shows. Phones are stored +84…, so
            # "0912 345" is looked up without its leading zero.
            access = admin_access(request)
            found = access.scope(Capability.SEE_FULL_ID).q("household__area") & Q(id_number__contains=digits)
            if len(digits) == 4:  # the last 4 digits, which every role sees
                found |= Q(id_number__endswith=digits)
            found |= access.scope(Capability.SEE_PHONE).q("household__area") & Q(phone__contains=digits.lstrip("0"))
            return queryset.filter(found), False
        return super().get_search_results(request, queryset, term)


from .admin_duplicates import PossibleDuplicateAdmin  # noqa: E402,F401 - registers it
