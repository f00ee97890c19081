"""Reads from a PostgreSQL streaming replica, only where a caller asks for them.

With REPLICA_DATABASE_URL set, settings.py adds the standby as DATABASES["replica"] and
installs `ReplicaRouter`. The router sends nothing to the replica by default: only the
queries made inside `replica_reads()` (the report pages, `frontend/reports/views.py`
`report_page`) read there, because a report may be a few seconds behind and nothing else
may (a sync pull, a push's checks, a sign-in, an access decision must see the primary).

Inside the context the request still reads its own writes:
- every write goes to "default" (a standby refuses writes anyway), and so do the reads
  Django marks as part of a write: `select_for_update()`, `get_or_create()`,
  `update_or_create()` (QuerySet._for_write picks db_for_write);
- after the first write in the context (an audit row, say), every later read in it goes to
  the primary too: a row just written is not on the replica yet, and a fresh queryset that
  looks it up carries no hint saying so;
- inside a transaction on the primary (`transaction.atomic()`), reads go to the primary:
  Django's router does not know about transactions, and a read there must see the
  transaction's own rows and snapshot.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"


@dataclass
class _Reads:
    wrote: bool = False


# A ContextVar rather than a thread-local: each request (thread, or task under ASGI) has its
# own, and a context left by an exception is reset by the context manager.
_reads: ContextVar[_Reads | None] = ContextVar("replica_reads", default=None)


@contextmanager
def replica_reads():
    """Reads inside this block may come from the replica, when one is configured and
    answers; otherwise they stay on the primary (a standby down for maintenance slows the
    reports, it does not break them)."""
    token = _reads.set(_Reads()) if _replica_up() else None
    try:
        yield
    finally:
        if token is not None:
            _reads.reset(token)


def _replica_up() -> bool:
    if REPLICA not in settings.DATABASES:
        return False
    try:
        connections[REPLICA].ensure_connection()  # nothing to do on a kept connection
    except OperationalError as error:
        logger.warning("replica unreachable, reading the primary: %s", error)
        return False
    return True


def reading_replica() -> bool:
    """Whether a read made now would go to the replica (used by tests and by callers that
    wrap lazily evaluated content, such as a streamed export)."""
    state = _reads.get()
    return state is not None and not state.wrote and not connections[DEFAULT_DB_ALIAS].in_atomic_block


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if reading_replica() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        state = _reads.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The same rows on both servers: an object read from the replica may point at one
        # read from the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The standby replays the primary's schema; migrating it directly is impossible.
        return db == DEFAULT_DB_ALIAS
