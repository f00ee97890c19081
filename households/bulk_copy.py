"""Inserting many rows by PostgreSQL's COPY, the bulk path of the roster import.

bulk_create() compiles an INSERT of every row's every value through the ORM, which cost a
50,000-row roster more time than its whole validation; COPY ... FROM STDIN takes the rows
as psycopg adapts them, as fast as PostgreSQL can write. The ids come first from the table's
own sequence, so that the caller can link rows (a resident to its new household) before
they are written. Every field's pre_save() runs as in bulk_create() (defaults, auto_now and
the derived keys of households.keyfields); like bulk_create(), no signal is sent.
Other databases (SQLite in the embedded mode) take bulk_create().
"""

import operator

from django.db import connection, connections, models
from django.utils import timezone

BATCH = 1000  # rows per bulk_create() where there is no COPY
# Fields whose Python value psycopg writes as it is: get_db_prep_save() only for the others
# (a JSONField, say), since it was a third of the insert's time.
_AS_IS = {"AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateField", "DateTimeField",
          "DecimalField", "FloatField", "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
          "SmallIntegerField", "TextField", "UUIDField"}  # fmt: skip


def _plain(field) -> bool:
    """A field whose value is its attribute as it stands (no default, auto_now or derived
    key to compute at save), of a type psycopg writes as it is."""
    kind = (field.target_field if field.is_relation else field).get_internal_type()
    if kind not in _AS_IS:
        return False
    if isinstance(field, models.DateField):
        return not (field.auto_now or field.auto_now_add)
    return type(field).pre_save is models.Field.pre_save


def _writer(field, db, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: setattr(obj, field.attname, now) or now  # one time for the whole insert
    kind = (field.target_field if field.is_relation else field).get_internal_type()
    if kind in _AS_IS:
        return lambda obj: field.pre_save(obj, True)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), db)


def _link_parents(obj, relations) -> None:
    """What bulk_create's _prepare_related_fields_for_save does for us: a foreign key set as
    an object saved since (a household inserted just before its residents) gets its id."""
    for field in relations:
        if getattr(obj, field.attname) is None and field.is_cached(obj):
            parent = field.get_cached_value(obj)
            if parent is not None:
                if parent.pk is None:
                    raise ValueError(f"bulk_insert(): {field.name} of a {type(obj).__name__} is not saved")
                setattr(obj, field.attname, parent.pk)


def bulk_insert(model, objs: list) -> list:
    """Insert unsaved instances of `model`, set their primary keys and return them."""
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        if not connection.features.can_return_rows_from_bulk_insert:  # an old SQLite: no RETURNING
            for obj in objs:
                obj.save(force_insert=True)
            return objs
        return model.objects.bulk_create(objs, batch_size=BATCH)
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    # The plain columns in one C-level attrgetter per row; the others through their field.
    plain, special = [f for f in fields if _plain(f)], [f for f in fields if not _plain(f)]
    read_plain = operator.attrgetter(*[f.attname for f in plain]) if len(plain) > 1 else None
    writers = [_writer(f, connections[connection.alias], timezone.now()) for f in special]
    relations = [f for f in fields if f.is_relation]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in (meta.pk, *plain, *special))
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [meta.db_table, meta.pk.column, len(objs)])  # fmt: skip
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj, pk in zip(objs, ids, strict=True):
                _link_parents(obj, relations)
                obj.pk = pk
                values = read_plain(obj) if read_plain else tuple(getattr(obj, f.attname) for f in plain)
                copy.write_row((pk, *values, *[write(obj) for write in writers]))
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs
