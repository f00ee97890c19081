"""What bench/peak.py measures besides the load steps: the incremental pull in process
(Django's test client, no network, no server), and whose CPU a step used.

CPU is read from /proc/<pid>/stat (utime + stime) of the processes of this run only:
the gunicorn master and its workers, the Celery worker, and the PostgreSQL backends
connected to tungnha_bench_peak (pg_stat_activity); PostgreSQL's shared processes
(WAL writer, checkpointer, ...) and every other backend on the machine are counted apart,
as "postgres, other", since other benches may use the same server at the same time.
"""

import os
import statistics
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def children_of(pid: int) -> list[int]:
    out = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(entry))
    return out


def postgres_pids() -> list[int]:
    out = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            if Path(f"/proc/{entry}/cmdline").read_bytes().startswith(b"postgres"):
                out.append(int(entry))
        except OSError:
            continue
    return out


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy (every process, all cores), /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    return (sum(fields) - fields[3] - fields[4]) / TICKS  # less idle and iowait


class CpuMeter:
    """CPU seconds by kind over a window: `sample()` before and after."""

    def __init__(self, *, gunicorn_pid: int, celery_pid: int, db_name: str, dsn: str):
        self.gunicorn_pid, self.celery_pid, self.db_name, self.dsn = gunicorn_pid, celery_pid, db_name, dsn

    def _backends(self) -> set[int]:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                                [self.db_name]).fetchall()  # fmt: skip
        return {r[0] for r in rows}

    def sample(self) -> dict[str, dict[int, float]]:
        mine = self._backends()
        pg = {pid: proc_cpu(pid) for pid in postgres_pids()}
        web = [self.gunicorn_pid, *children_of(self.gunicorn_pid)]
        return {
            "gunicorn": {pid: proc_cpu(pid) for pid in web},
            "celery": {self.celery_pid: proc_cpu(self.celery_pid)},
            "postgres": {pid: v for pid, v in pg.items() if pid in mine},
            "postgres, other": {pid: v for pid, v in pg.items() if pid not in mine},
            "machine": {0: machine_busy()},  # everything, other people's work included
        }

    @staticmethod
    def delta(before: dict, after: dict) -> dict[str, float]:
        """Seconds used between two samples; a process new since `before` counts from 0."""
        return {kind: round(sum(v - before[kind].get(pid, 0.0) for pid, v in after[kind].items()), 2) for kind in after}


def _pull_timer(user, campaign_id: int, xact: int):
    from django.test import Client

    from outreach.accounts.services import device_token_issue

    token = device_token_issue(user=user, device="peak in-process").key
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_ENCODING="gzip", HTTP_HOST="127.0.0.1")

    def pull(cursor: int) -> tuple[float, dict]:
        started = time.perf_counter()
        response = client.get("/api/v1/sync/pull", {"campaign": campaign_id, "cursor": f"x.{xact}.{cursor}"})
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"in-process pull: HTTP {response.status_code} {response.content[:200]!r}")
        return elapsed, response

    return pull


def pull_in_process(*, user_id: int, campaign_id: int, xact: int, head: int, lags: dict[str, int], runs: int,
                    lag_runs: int) -> dict:  # fmt: skip
    """`pull_empty_server_ms`: median of `runs` pulls with the cursor at the head of the log
    (nothing new); `pull_lag_ms_<name>`: median of `lag_runs` first pages of a pull whose
    cursor is that many rows of the city's changes behind the head (none of them the
    phone's: the answer is as empty, the reading behind it is not)."""
    from django.contrib.auth import get_user_model

    pull = _pull_timer(get_user_model().objects.get(id=user_id), campaign_id, xact)
    for _ in range(5):
        pull(head)  # warm: connection, statement caches, the pages of the indexes
    times = [pull(head)[0] for _ in range(runs)]
    out = {"pull_empty_server_ms": round(statistics.median(times) * 1000, 2),
           "pull_empty_server_p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))] * 1000, 2)}  # fmt: skip
    for name, lag in lags.items():
        pull(head - lag)
        times = [pull(head - lag)[0] for _ in range(lag_runs)]
        out[f"pull_lag_ms_{name}"] = round(statistics.median(times) * 1000, 1)
    return out


def pull_plan(*, user_id: int, campaign_id: int, xact: int, cursor: int) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the change-log query of an incremental pull, as the
    server runs it (the queryset of outreach.sync.pull, captured from the test client)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.contrib.auth import get_user_model

    pull = _pull_timer(get_user_model().objects.get(id=user_id), campaign_id, xact)
    with CaptureQueriesContext(connection) as queries:
        pull(cursor)
    sql = next((q["sql"] for q in queries.captured_queries if "outreach_syncchange" in q["sql"]
                and "ORDER BY" in q["sql"]), None)  # fmt: skip
    if sql is None:
        return "(no change-log query captured)"
    with connection.cursor() as cursor_:
        cursor_.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(r[0] for r in cursor_.fetchall())
