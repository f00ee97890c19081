"""Admin for campaign work, scoped like the registry admin (see households/admin.py).

Visits are an append-only event log and the states and rollups are projections of it, so
those admins are read-only: a hand edit would disagree with what the phones sent and be
overwritten by the next rebuild. The sync change log is internal plumbing and not shown.
The audit log is not registered either: it is read on /bao-cao/nhat-ky/, scoped by
Capability.READ_AUDIT and itself audited, and no admin may edit it.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from households.admin import (
    AreaScopedAdmin, ReadOnlyMixin, ScopedInline, ScopedRelatedFilter, area_filter, keyed_search,
)  # fmt: skip

from .access import Capability
from .audit.adminlog import AuditedAdminMixin
from .models import (
    AreaDailySnapshot, AreaRollup, Assignment, Campaign, EditionHours, HouseholdState, OutcomeCode, OutcomeScope, Quota,
    ResidentState, RoleGrant, Team, TeamMembership, Visit, VisitResidentOutcome,
)  # fmt: skip
from .turfs.services import turf_assign
from .visits.geo import distance_m
from .turfs.cutting import assignment_check


@admin.register(RoleGrant)
class RoleGrantAdmin(AreaScopedAdmin):
    list_display = ("user", "role", "area")
    list_filter = ("role", area_filter("area"))
    search_fields = ("user__username", "user__first_name", "user__last_name", "area__code", "area__name")
    list_select_related = ("user", "area")
    autocomplete_fields = ("user", "area")


class TeamMembershipInline(ScopedInline):
    model = TeamMembership
    area_lookup = "team__area"
    autocomplete_fields = ("user",)


@admin.register(Team)
class TeamAdmin(AreaScopedAdmin):
    list_display = ("name", "area", "member_count")
    list_filter = (area_filter("area"),)
    search_fields = ("name", "area__name", "area__code")
    list_select_related = ("area",)
    autocomplete_fields = ("area",)
    inlines = (TeamMembershipInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("số thành viên"), ordering="member_count")
    def member_count(self, obj: Team) -> int:
        return obj.member_count


class OpenAssignmentFilter(admin.SimpleListFilter):
    title = _("trạng thái giao")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("1", _("Đang giao")), ("0", _("Đã kết thúc"))]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(ended_at__isnull=self.value() == "1")
        return queryset


@admin.register(Assignment)
class AssignmentAdmin(AreaScopedAdmin):
    """Adding goes through turf_assign, which ends the turf's open assignment and logs both
    for the phones (the old team's as a tombstone). An edit or a delete in place would skip
    that, so a reassignment is always a new row and the history stays."""

    area_lookup = "turf__area"
    capability = Capability.MANAGE_TURFS
    list_display = ("turf", "team", "campaign", "assigned_by", "assigned_at", "ended_at")
    list_filter = ("campaign", OpenAssignmentFilter, area_filter("turf__area"), ("team", ScopedRelatedFilter))
    search_fields = ("turf__name", "team__name")
    list_select_related = ("turf", "turf__area", "team", "campaign", "assigned_by")
    autocomplete_fields = ("turf", "team")
    # Keeping ended_at out of the form also skips the "one open assignment per turf" check,
    # which turf_assign satisfies by ending the old row first.
    fields = ("campaign", "turf", "team", "assigned_by", "assigned_at", "ended_at")
    readonly_fields = ("assigned_by", "assigned_at", "ended_at")
    audit_changes = False  # turf_assign writes the audit row itself (action "assign")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class CheckedForm(form):
            # The same rule turf_assign enforces, shown on the form instead of as an error page.
            def clean(self):
                cleaned = super().clean()
                if all(cleaned.get(k) for k in ("campaign", "turf", "team")):
                    try:
                        assignment_check(campaign=cleaned["campaign"], turf=cleaned["turf"], team=cleaned["team"])
                    except ValidationError as exc:
                        raise ValidationError(exc.messages) from None
                return cleaned

        return CheckedForm

    def save_model(self, request, obj, form, change):
        assignment = turf_assign(campaign=obj.campaign, turf=obj.turf, team=obj.team, assigned_by=request.user)
        obj.pk, obj.assigned_by, obj.assigned_at = assignment.pk, assignment.assigned_by, assignment.assigned_at


class QuotaInline(ScopedInline):
    model = Quota
    autocomplete_fields = ("area",)


@admin.register(Campaign)
class CampaignAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "start_date", "deadline", "target_level", "is_active")
    list_filter = ("is_active", "target_level")
    search_fields = ("name",)
    inlines = (QuotaInline,)


@admin.register(Quota)
class QuotaAdmin(AreaScopedAdmin):
    list_display = ("campaign", "area", "registered_target", "activated_target")
    list_filter = ("campaign", area_filter("area"))
    search_fields = ("area__name", "area__code")
    list_select_related = ("campaign", "area")
    autocomplete_fields = ("area",)


@admin.register(OutcomeCode)
class OutcomeCodeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("scope", "code", "label_vi", "label_en", "campaign", "sort_order", "is_active")
    list_filter = ("scope", "campaign", "is_active")
    search_fields = ("code", "label_vi", "label_en")
    list_select_related = ("campaign",)


class HouseholdOutcomeFilter(admin.RelatedFieldListFilter):
    """Only household-level codes can be a visit's outcome; resident codes would be noise."""

    def field_choices(self, field, request, model_admin):
        return [(c.pk, c.label_vi) for c in OutcomeCode.objects.filter(scope=OutcomeScope.HOUSEHOLD)]


class VisitResidentOutcomeInline(ReadOnlyMixin, admin.TabularInline):
    model = VisitResidentOutcome
    fields = ("resident", "outcome", "reason")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("resident", "outcome", "reason")


@admin.register(Visit)
class VisitAdmin(ReadOnlyMixin, AreaScopedAdmin):
    area_lookup = "household__area"
    list_display = ("household", "campaign", "team", "recorded_by", "device_time", "server_time", "outcome",
                    "distance", "after_handover")  # fmt: skip
    # after_handover: visits a phone made after its team's turf went to another team, for the
    # officer to check with the new team (issue 15).
    list_filter = ("campaign", ("team", ScopedRelatedFilter), ("outcome", HouseholdOutcomeFilter),
                   ("device_time", admin.DateFieldListFilter), "after_handover", area_filter("household__area"))  # fmt: skip
    list_select_related = ("household", "campaign", "team", "recorded_by", "outcome")
    search_fields = ("household__address_key",)
    search_help_text = _("Địa chỉ hộ, gõ có dấu hay không dấu đều được.")
    inlines = (VisitResidentOutcomeInline,)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return keyed_search(queryset, search_term, ["household__address_key"])

    @admin.display(description=_("cách hộ"))
    def distance(self, obj):
        metres = distance_m(obj.latitude, obj.longitude, obj.household.latitude, obj.household.longitude)
        if metres is None:
            return "—"
        accuracy = _(" (±%(m)s m)") % {"m": number_format(obj.accuracy_m, force_grouping=True)} if obj.accuracy_m else ""
        return f"{number_format(metres, force_grouping=True)} m{accuracy}"


@admin.register(HouseholdState)
class HouseholdStateAdmin(ReadOnlyMixin, AreaScopedAdmin):
    area_lookup = "household__area"
    list_display = ("household", "campaign", "last_outcome", "reached", "needs_revisit", "revisit_after",
                    "visit_count", "last_device_time")  # fmt: skip
    list_filter = ("campaign", "reached", "needs_revisit", area_filter("household__area"))
    list_select_related = ("household", "campaign", "last_outcome")


@admin.register(ResidentState)
class ResidentStateAdmin(ReadOnlyMixin, AreaScopedAdmin):
    area_lookup = "resident__household__area"
    list_display = ("resident", "campaign", "last_outcome", "last_reason", "interest", "last_device_time")
    list_filter = ("campaign", "interest", area_filter("resident__household__area"))
    list_select_related = ("resident", "campaign", "last_outcome", "last_reason")


ROLLUP_COLUMNS = ("households_total", "households_visited", "households_revisit", "residents_eligible",
                  "level1_activated", "level2_registered", "level2_activated")  # fmt: skip


@admin.register(AreaRollup)
class AreaRollupAdmin(ReadOnlyMixin, AreaScopedAdmin):
    list_display = ("area", "campaign", *ROLLUP_COLUMNS, "computed_at")
    list_filter = ("campaign", area_filter("area"))
    list_select_related = ("area", "campaign")


@admin.register(AreaDailySnapshot)
class AreaDailySnapshotAdmin(ReadOnlyMixin, AreaScopedAdmin):
    list_display = ("day", "area", "campaign", *ROLLUP_COLUMNS)
    list_filter = ("campaign", area_filter("area"))
    list_select_related = ("area", "campaign")
    date_hierarchy = "day"


@admin.register(EditionHours)
class EditionHoursAdmin(AreaScopedAdmin):
    """A commune (or district, province) sets when its morning and evening editions are made."""

    list_display = ("area", "morning", "evening")
    list_select_related = ("area",)
    autocomplete_fields = ("area",)
