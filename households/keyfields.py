"""A column derived from another on every write, bulk inserts included.

Django calls a field's pre_save() for each row of save() and of bulk_create() (that is how
auto_now works), so a key computed there cannot be forgotten by a bulk import. bulk_update()
and queryset.update() write only the values given: a caller renaming rows that way must list
the key too (see households/areas_load.py).
"""

from collections.abc import Callable

from django.db import models


class DerivedKeyField(models.CharField):
    def __init__(self, *args, source: str = "", derive: Callable[[str], str] | None = None, **kwargs):
        self.source, self.derive = source, derive
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = self.derive(getattr(model_instance, self.source) or "")[: self.max_length]
        setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self):
        # Migrations see a plain CharField: the derivation is code, not schema.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs
