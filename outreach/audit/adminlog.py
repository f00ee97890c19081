"""The admin's part of the audit log, as a ModelAdmin mixin.

- A change page of a record holding personal data (households, residents: `audit_reads`)
  writes one `admin_view` row each time it is shown, naming the personal fields on it and
  how many records (the object and its inline rows).
- An add, change or delete writes one row per object naming the fields that changed, never
  their values; inline rows (a household's residents) are counted and their changed field
  names listed.

Our own hook rather than django-auditlog: that library records values (mask_fields only
hides part of them) on every model save through signals, which would add writes to the
push and the projection; this hook costs nothing outside the admin, keeps one log with one
reading page, and only ever sees field names. Django's own LogEntry (the admin's history)
is left as it is.
"""

from django.contrib.admin.utils import flatten_fieldsets

from households.fields import ADDRESS_PARTS

from .models import AuditAction
from .services import (
    FIELD_ADDRESS, FIELD_BIRTH_DATE, FIELD_BIRTH_YEAR, FIELD_FULL_NAME, FIELD_HEAD_NAME, FIELD_ID_LAST4,
    FIELD_ID_NUMBER, FIELD_PHONE, FIELD_SEX, audit_change, audit_deletions, audit_read,
)  # fmt: skip

# A model field name → the personal field it shows, in the log's names.
PERSONAL = {
    "full_name": FIELD_FULL_NAME, "birth_date": FIELD_BIRTH_DATE, "birth_year": FIELD_BIRTH_YEAR, "sex": FIELD_SEX,
    "id_number": FIELD_ID_NUMBER, "phone": FIELD_PHONE, "head_name": FIELD_HEAD_NAME, "address_text": FIELD_ADDRESS,
    **{name: FIELD_ADDRESS for name in ADDRESS_PARTS},
    # households/admin.py's read-only stand-ins where the role may not see the field in full
    "id_number_masked": FIELD_ID_LAST4, "birth_date_masked": FIELD_BIRTH_YEAR,
}  # fmt: skip


def personal_fields(names) -> set[str]:
    return {PERSONAL[name] for name in names if name in PERSONAL}


def object_area(obj, area_lookup: str | None):
    """The Area an object lies in, through the admin's area_lookup ("" for an Area itself);
    None for objects outside the area tree (campaigns, codes)."""
    if area_lookup is None:
        return None
    target = obj
    for step in area_lookup.split("__") if area_lookup else ():
        target = getattr(target, step, None)
        if target is None:
            return None
    return target


class AuditedAdminMixin:
    audit_reads = False  # the change page shows personal data: log every view of it
    audit_changes = True  # False where a service the admin calls logs the change itself

    def _audit_area(self, obj):
        return object_area(obj, getattr(self, "area_lookup", None))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if self.audit_reads and change and obj is not None:
            names = set(flatten_fieldsets(context["adminform"].fieldsets))
            rows = 1
            for inline in context.get("inline_admin_formsets", ()):
                names |= set(flatten_fieldsets(inline.fieldsets))
                rows += len(inline.formset.initial_forms)
            audit_read(request=request, action=AuditAction.ADMIN_VIEW, area=self._audit_area(obj), rows=rows,
                       fields=personal_fields(names), object_type=obj._meta.label_lower, object_id=obj.pk)  # fmt: skip
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def construct_change_message(self, request, form, formsets, add=False):
        # Field names only: Django's own message would also carry str() of inline rows
        # (a resident's name), which the audit log must not hold.
        fields, inlines = set(form.changed_data), []
        for formset in formsets or ():
            changed = {name for _, names in getattr(formset, "changed_objects", ()) for name in names}
            added, deleted = len(getattr(formset, "new_objects", ())), len(getattr(formset, "deleted_objects", ()))
            if added or changed or deleted:
                inlines.append({"model": formset.model._meta.label_lower, "added": added, "deleted": deleted,
                                "changed_rows": len(formset.changed_objects), "fields": sorted(changed)})  # fmt: skip
                fields |= changed
        request._audit_change = {"fields": sorted(fields), "inlines": inlines}
        return super().construct_change_message(request, form, formsets, add)

    def _audit_saved(self, request, obj, action: AuditAction) -> None:
        if not self.audit_changes:
            return
        change = getattr(request, "_audit_change", None) or {"fields": [], "inlines": []}
        audit_change(user=request.user, request=request, action=action, area=self._audit_area(obj),
                     object_type=obj._meta.label_lower, object_id=obj.pk, fields=change["fields"],
                     detail={"inlines": change["inlines"]} if change["inlines"] else {})  # fmt: skip

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._audit_saved(request, obj, AuditAction.ADMIN_ADD)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._audit_saved(request, obj, AuditAction.ADMIN_CHANGE)
        return entry

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        if self.audit_changes:
            audit_deletions(request=request, objects=[(obj._meta.label_lower, obj.pk, self._audit_area(obj))
                                                      for obj in queryset])  # fmt: skip
        return entries
