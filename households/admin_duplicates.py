"""The queue of possible duplicate residents (households.models.PossibleDuplicate) in the
admin, scoped like the registry (households/admin.py)."""

from django.contrib import admin
from django.db.models import BooleanField, Case, ExpressionWrapper, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.access import mask_id_number

from .admin import AreaScopedAdmin, admin_scope, area_filter
from .models import PossibleDuplicate


@admin.register(PossibleDuplicate)
class PossibleDuplicateAdmin(AreaScopedAdmin):
    """The queue of residents recorded with an ID number someone else already holds, for
    the officers of the newer record's area. The other record may lie in another area:
    then only that fact is shown, not whose it is."""

    area_lookup = "resident__household__area"
    list_display = ("resident", "id_number", "other_record", "found_at", "resolution")
    list_filter = ("resolution", area_filter("resident__household__area"))
    list_select_related = ("resident__household__area", "other__household__area")
    fields = ("resident", "id_number", "other_record", "found_at", "resolution", "resolved_at")
    readonly_fields = ("resident", "id_number", "other_record", "found_at", "resolved_at")

    def has_add_permission(self, request):
        return False  # found by the registry's writes (households.services.duplicates_queue)

    @admin.display(description=_("số định danh"))
    def id_number(self, obj: PossibleDuplicate) -> str:
        return mask_id_number(obj.resident.id_number or "")  # in full on the resident's own page, if at all

    @admin.display(description=_("trùng với"))
    def other_record(self, obj: PossibleDuplicate) -> str:
        if obj.other_visible:
            return f"{obj.other.full_name} — {obj.other.household.address_text}"
        return _("Một nhân khẩu ở địa bàn khác")

    def get_queryset(self, request):
        scope = admin_scope(request)
        visible = Value(True) if scope.everything else Case(
            When(scope.q("other__household__area"), then=Value(True)), default=Value(False))
        return super().get_queryset(request).annotate(other_visible=ExpressionWrapper(visible, BooleanField()))

    def save_model(self, request, obj, form, change):
        obj.resolved_at = timezone.now() if obj.resolution else None
        super().save_model(request, obj, form, change)
