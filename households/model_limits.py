"""The cheap part of a model's field rules, for rows checked by the ten thousand.

A roster row's values come out of the roster's own parsers (dates, choices, numbers), so
what the model's clean_fields() can still refuse is a text longer than its column, an empty
required one or a value outside a field's choices. `fits` answers that in a few attribute
reads; only a row that does not fit is given to clean_fields(), for the model's own
messages. Asking clean_fields() of every row was a tenth of a 50,000-row import.
"""

import functools

from django.db import models


@functools.cache
def _rules(model, exclude: frozenset) -> tuple:
    rules = []
    for field in model._meta.concrete_fields:
        if field.name in exclude or field.primary_key or not field.editable:
            continue
        if isinstance(field, models.CharField | models.TextField | models.BooleanField | models.DateField
                      | models.IntegerField | models.UUIDField | models.DecimalField | models.ForeignKey):  # fmt: skip
            choices = frozenset(value for value, _label in field.flatchoices) if field.choices else None
            text = isinstance(field, models.CharField | models.TextField)
            rules.append((field.attname, field.max_length if text else None, field.null, field.blank, choices, text))
        else:
            return ()  # a field this does not know: always the model's own check
    return tuple(rules)


def fits(obj, *, exclude: tuple[str, ...] = ()) -> bool:
    """False when clean_fields(exclude) might refuse the instance (then ask it why)."""
    rules = _rules(type(obj), frozenset(exclude))
    if not rules:
        return False
    for attname, max_length, null, blank, choices, text in rules:
        value = getattr(obj, attname)
        if value is None or value == "":
            if not (blank and (null or value == "")):
                return False
        elif text and (not isinstance(value, str) or len(value) > max_length):
            return False
        elif choices is not None and value not in choices:
            return False
    return True
