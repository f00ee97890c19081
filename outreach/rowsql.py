"""Writing many rows in one statement, on PostgreSQL and SQLite alike.

The push path writes a few hundred rows per batch into five tables. Django's bulk_create
and bulk_update build a model instance and prepare every value per field (~1 ms of Python
per row for bulk_update's CASE WHEN), and a multi-row VALUES list with one placeholder per
value makes psycopg re-scan the whole statement on every call. Here the rows come in as
plain tuples and go out as

    WITH v(c0, c1, ...) AS (SELECT * FROM unnest(%s::bigint[], %s::text[], ...))   -- PostgreSQL
    WITH v(c0, c1, ...) AS (VALUES (%s, %s, ...), (...))                            -- SQLite

so on PostgreSQL the statement has one parameter per column whatever the row count: its
text is the same on every call (psycopg parses it once) and the values travel as arrays.
"""

import time
import weakref
from collections.abc import Sequence
from contextlib import contextmanager
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.db.models import Field, Model

_SQLITE_ROWS_PER_STATEMENT = 200  # SQLite allows 32,766 parameters per statement


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


# The statement texts below depend only on the model, the column names and the database
# (and, on SQLite, the number of rows), so each is built once per process: building them
# (field lookups, type names, quoting) cost a push more than a tenth of its Python time.
@lru_cache(maxsize=None)
def _columns(model: type[Model], names: tuple[str, ...]) -> tuple[Field, ...]:
    return tuple(model._meta.get_field(name) for name in names)


@lru_cache(maxsize=1024)
def _cte_text(model: type[Model], names: tuple[str, ...], postgres: bool, rows: int) -> str:
    """`WITH v(c0, ...) AS (...)` for `rows` rows of these columns (any number on PostgreSQL)."""
    fields = _columns(model, names)
    columns = ", ".join(f"c{i}" for i in range(len(fields)))
    if postgres:
        arrays = ", ".join(f"%s::{f.cast_db_type(connection) or f.db_type(connection)}[]" for f in fields)
        return f"WITH v({columns}) AS (SELECT * FROM unnest({arrays}))"
    slot = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return f"WITH v({columns}) AS (VALUES {', '.join([slot] * rows)})"


def _rows_cte(model: type[Model], names: tuple[str, ...], rows: list[tuple]) -> tuple[str, list]:
    """`WITH v(c0, ...) AS (...)` holding `rows`, and its parameters."""
    if _postgres():
        # psycopg adapts Python values of these types itself; Django's per-value
        # preparation would only copy them.
        return _cte_text(model, names, True, 0), [list(col) for col in zip(*rows, strict=True)]
    fields = _columns(model, names)
    params = [f.get_db_prep_save(value, connection) for row in rows for f, value in zip(fields, row, strict=True)]
    return _cte_text(model, names, False, len(rows)), params


_cursors: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # psycopg connection → its cursor


class _BinaryCursor:
    """PostgreSQL: a server-side binding cursor sending its parameters in binary. Django's
    default client-side cursor quotes every array element into the SQL text (checking each
    against a regex), which was most of these statements' cost on the client; this one
    sends the arrays as binary parameters, and prepares each fixed statement once per
    connection. Database errors come out as Django's, as from any Django cursor."""

    def __init__(self):
        import psycopg

        connection.ensure_connection()
        # One per database connection, kept: a push runs a dozen of these statements, and a
        # new cursor copies the connection's adapter map each time.
        raw = connection.connection
        self.cursor = _cursors.get(raw)
        if self.cursor is None or self.cursor.closed:
            self.cursor = _cursors[raw] = psycopg.Cursor(raw)
            # Django turns psycopg's statement preparation off on its connections
            # (prepare_threshold None; its own client-side cursors never prepare anyway).
            # These statements have a fixed text whatever the rows, so each is prepared on
            # its first call and PostgreSQL parses and plans it once per connection, not on
            # every call: that was about a third of the server's time per push.
            # Not behind a PgBouncer that cannot keep them (settings.DB_PGBOUNCER).
            raw.prepare_threshold = 0 if settings.DB_PREPARE_STATEMENTS else None

    def execute(self, sql: str, params: list) -> None:
        start = time.monotonic()
        with connection.wrap_database_errors:
            self.cursor.execute(sql.replace("%s", "%b"), params)
        if connection.queries_logged:  # counted like any other query (tests, the bench)
            connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - start:.3f}"})

    def fetchall(self) -> list[tuple]:
        with connection.wrap_database_errors:
            return self.cursor.fetchall()


@contextmanager
def _cursor():
    if not _postgres():
        with connection.cursor() as cursor:
            yield cursor
        return
    yield _BinaryCursor()


def _chunks(rows: list[tuple]) -> list[list[tuple]]:
    if _postgres():
        return [rows]
    return [rows[i : i + _SQLITE_ROWS_PER_STATEMENT] for i in range(0, len(rows), _SQLITE_ROWS_PER_STATEMENT)]


@lru_cache(maxsize=None)
def _insert_tail(model: type[Model], names: tuple[str, ...], on_conflict: str, returning: tuple[str, ...],
                 join: str) -> str:  # fmt: skip
    fields = _columns(model, names)
    columns = ", ".join(_quote(f.column) for f in fields)
    values = ", ".join(f"c{i}" for i in range(len(fields)))
    back = f" RETURNING {', '.join(_quote(model._meta.get_field(n).column) for n in returning)}" if returning else ""
    # `WHERE true`: SQLite needs it to read ON CONFLICT after INSERT ... SELECT.
    return (f" INSERT INTO {_quote(model._meta.db_table)} AS t ({columns}) SELECT {values} FROM v{join} WHERE true "
            f"{on_conflict}{back}")  # fmt: skip


def insert_rows(model: type[Model], names: Sequence[str], rows: list[tuple], *, on_conflict: str = "",
                returning: Sequence[str] = (), join: str = "") -> list[tuple]:  # fmt: skip
    """INSERT `rows` (tuples in the order of `names`, values as the model's fields hold
    them) into the model's table. `on_conflict` is appended as written, with `t` naming the
    table's existing row and `excluded` the proposed one; rows are inserted in the order
    given, so callers that may clash with a concurrent writer sort them (lock order).
    Returns the `returning` columns of the rows written. `join` is appended to `FROM v` as
    written (", (SELECT ...) AS x"): every row is written joined with its rows, so none is
    written if it has none, and not before it has produced its first one."""
    if not rows:
        return []
    names = tuple(names)
    tail = _insert_tail(model, names, on_conflict, tuple(returning), join)
    out = []
    with _cursor() as cursor:
        for chunk in _chunks(rows):
            cte, params = _rows_cte(model, names, chunk)
            cursor.execute(cte + tail, params)
            if returning:
                out += cursor.fetchall()
    return out


@lru_cache(maxsize=None)
def _update_tail(model: type[Model], names: tuple[str, ...], assignments: tuple[tuple[str, str], ...]) -> str:
    fields = _columns(model, names)
    given = dict(assignments)
    sets = ", ".join(f"{_quote(f.column)} = {given.get(f.name, f'v.c{i}')}" for i, f in enumerate(fields) if i)
    return f" UPDATE {_quote(model._meta.db_table)} AS t SET {sets} FROM v WHERE t.{_quote(fields[0].column)} = v.c0"


def update_rows(model: type[Model], names: Sequence[str], rows: list[tuple], *, assignments: dict | None = None) -> None:
    """UPDATE the rows whose primary key is each tuple's first value, setting `names[1:]`
    from the rest. `assignments` may give an SQL expression per field instead, over
    `t` (the row as stored) and `v.cN` (the N-th value given)."""
    if not rows:
        return
    names = tuple(names)
    tail = _update_tail(model, names, tuple(sorted((assignments or {}).items())))
    with _cursor() as cursor:
        for chunk in _chunks(rows):
            cte, params = _rows_cte(model, names, chunk)
            cursor.execute(cte + tail, params)


def update_objects(model: type[Model], objects: list[Model], names: Sequence[str]) -> None:
    """update_rows for model instances: write `names` of each (by primary key)."""
    names = [model._meta.pk.name, *names]
    attnames = [model._meta.get_field(n).attname for n in names]
    update_rows(model, names, [tuple(getattr(obj, a) for a in attnames) for obj in objects])


@lru_cache(maxsize=1024)
def _in_clause(field: Field, postgres: bool, count: int) -> str:
    column = f"{_quote(field.model._meta.db_table)}.{_quote(field.column)}"
    if postgres:
        return f"{column} = ANY(%s::{field.cast_db_type(connection) or field.db_type(connection)}[])"
    return f"{column} IN ({', '.join(['%s'] * count)})"


def select_where_in(sql: str, *conditions: tuple[Field, list]) -> list[tuple]:
    """Run a SELECT whose `{0}`, `{1}`... each stand for "column IN (values)" of one
    (field, values) condition, without building a Django queryset (the push's hottest
    reads: building the query cost more than running it). On PostgreSQL each list is one
    array parameter (`= ANY(...)`), so the statement text stays the same; an empty list
    matches nothing."""
    clauses, params = [], []
    postgres = _postgres()
    for field, values in conditions:
        if not values:
            clauses.append("1 = 0")
        elif postgres:
            clauses.append(_in_clause(field, True, 0))
            params.append(list(values))
        else:
            clauses.append(_in_clause(field, False, len(values)))
            params += [field.get_db_prep_value(v, connection) for v in values]
    with _cursor() as cursor:
        cursor.execute(sql.format(*clauses), params)
        return cursor.fetchall()


def select_rows(sql: str, params: Sequence = ()) -> list[tuple]:
    """Run a plain SELECT with `%s` parameters through the same cursor as the writes here:
    rows as tuples, no queryset built (for the push's per-batch reads)."""
    with _cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def table(model: type[Model]) -> str:
    """The model's table name, quoted, for the hand-written SQL of the push path."""
    return _quote(model._meta.db_table)
