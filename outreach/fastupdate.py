"""Updating many rows with different values in one statement.

Django's bulk_update builds a CASE WHEN per row and field: its expression resolution costs
~1 ms of Python per row, and PostgreSQL evaluates the CASE per row (n² in the batch size).
On the push path that was most of the time. This writes
    WITH v(id, a, b) AS (VALUES (...), (...)) UPDATE t SET a = v.a, b = v.b FROM v WHERE t.id = v.id
which PostgreSQL and SQLite (3.33+) both run as a join.
"""

from django.db import connection
from django.db.models import Model

_ROWS_PER_STATEMENT = 500


def update_rows(model: type[Model], objects: list[Model], field_names: list[str]) -> None:
    if not objects:
        return
    meta = model._meta
    fields = [meta.pk] + [meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    # PostgreSQL types VALUES columns from their literals; say what each one is.
    slot = "(" + ", ".join(f"CAST(%s AS {f.db_type(connection)})" if postgres else "%s" for f in fields) + ")"
    names = [f"c{i}" for i in range(len(fields))]
    table = quote(meta.db_table)
    assignments = ", ".join(f"{quote(f.column)} = v.{n}" for f, n in zip(fields[1:], names[1:], strict=True))
    for start in range(0, len(objects), _ROWS_PER_STATEMENT):
        chunk = objects[start : start + _ROWS_PER_STATEMENT]
        params = [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in chunk for f in fields]
        sql = (f"WITH v({', '.join(names)}) AS (VALUES {', '.join([slot] * len(chunk))}) "
               f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{quote(meta.pk.column)} = v.c0")  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
