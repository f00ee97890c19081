"""Where the push path spends its time, measured in the bench process itself.

The HTTP figures say how fast; this says why. It calls the same service the view calls
(outreach.sync.push.sync_push) on fresh 50-visit batches of one bench team, three ways:
plainly (in-process throughput, no HTTP, no gunicorn), under cProfile (the hotspots, with
file:line, written to docs/benchmarks.md and bench/.work/sync-push.prof), and with Django's query
capture (statements per batch). Named hotspots.py, not profile.py, so it never shadows the
standard library's `profile` module that cProfile imports.
"""

import cProfile
import pstats
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outreach.sync.push import sync_push

ROOT = Path(__file__).resolve().parent.parent
PROJECT_DIRS = ("/outreach/", "/households/")
# Where the time goes, by entry points whose cumulative time is meaningful on its own.
SHARES = (
    ("psycopg waiting for PostgreSQL (round trips, server work, commit)", "psycopg/connection.py", "wait"),
    ("`outreach.sync.push_context.ItemChecker` (the batch's reads and scope)", "outreach/sync/push_context.py",
     "__init__"),
    ("`outreach.sync.items.parse_visit` (checking each item, content hash)", "outreach/sync/items.py", "parse_visit"),
    ("`outreach.rowsql.insert_rows` (visits, outcomes, states, change log)", "outreach/rowsql.py", "insert_rows"),
    ("`outreach.visits.projection.projection_apply`", "outreach/visits/projection.py", "projection_apply"),
    ("Django's SQL compiler (the queryset reads and small writes left)", "django/db/models/sql/compiler.py",
     "execute_sql"),
)  # fmt: skip


def _run(user, batches) -> None:
    for batch in batches:
        results = sync_push(user=user, raw_items=batch.visits)
        if any(r["status"] != "accepted" for r in results):
            bad = next(r for r in results if r["status"] != "accepted")
            raise RuntimeError(f"in-process push: not accepted: {bad}")


def _where(filename: str, line: int, name: str) -> str:
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        shown = "/".join(parts[parts.index("site-packages") + 1 :])
    elif filename.startswith(str(ROOT)):
        shown = str(path.relative_to(ROOT))
    elif filename == "~":
        return name
    else:
        shown = f"python/{path.name}"
    return f"{shown}:{line} {name}"


def profile_push(*, username: str, timed: list, profiled: list, counted) -> dict:
    user = get_user_model().objects.get(username=username)
    start = time.perf_counter()
    _run(user, timed)
    elapsed = time.perf_counter() - start
    visits = sum(len(b.visits) for b in timed)

    profiler = cProfile.Profile()
    profiler.enable()
    _run(user, profiled)
    profiler.disable()
    work = ROOT / "bench" / ".work"
    profiler.dump_stats(work / "sync-push.prof")
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    rows = []
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():
        rows.append((filename, line, name, calls, tottime, cumtime))
    def own(row) -> bool:
        return row[0].startswith(str(ROOT)) and ".venv" not in row[0] and any(d in row[0] for d in PROJECT_DIRS)

    by_self = sorted(rows, key=lambda r: -r[4])[:12]
    by_cum_own = sorted((r for r in rows if own(r)), key=lambda r: -r[5])[:12]
    shares = []
    for label, file_part, function in SHARES:
        cum = sum(r[5] for r in rows if r[0].endswith(file_part) and r[2] == function)
        shares.append((label, cum / total if total else 0.0))

    with CaptureQueriesContext(connection) as queries:
        _run(user, [counted])
    return {
        "visits_per_s": visits / elapsed,
        "profiled_total_s": total,
        "profiled_visits": sum(len(b.visits) for b in profiled),
        "queries_per_batch": len(queries.captured_queries),
        "shares": shares,
        "by_self": [(_where(f, ln, n), c, t, ct) for f, ln, n, c, t, ct in by_self],
        "by_cum_own": [(_where(f, ln, n), c, t, ct) for f, ln, n, c, t, ct in by_cum_own],
        "queries": [q["sql"][:160] for q in queries.captured_queries],
    }
