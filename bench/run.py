"""`make bench`: push, replay, naive push and COPY throughput, pull sizes and rollup lag on
PostgreSQL, against a real gunicorn server and Celery worker.

Writes bench/results.json (one flat object of figures) and docs/benchmarks.md, and prints
a summary. Scratch output (server logs, the profile) goes to bench/.work/. See
docs/benchmarks.md for the method; the helpers:

    procs.py     database reset, Redis flush, gunicorn and worker processes
    fixtures.py  bench teams, users and the 500-household pull turf
    payloads.py  push bodies, pre-encoded; the same visits as COPY rows
    client.py    the client threads and the pull walker
    naive.py     the naive endpoint (served by the gunicorn under test)
    hotspots.py  in-process profile of the push service
    cpu_split.py (run by hand) CPU per batch by process: gunicorn, PostgreSQL, worker
    report.py    targets, results.json, docs/benchmarks.md

Options: --scale, --batches, --slices, --phase-seconds, --gunicorn "ARGS" (e.g. "-w 3" for
sync workers). For trying settings without touching the published figures: --reuse (keep
the database of an earlier run) or BENCH_DB_NAME=tungnha_bench_<x>, with --no-docs.
"""

import argparse
import os
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, sys.path[0] is bench/: put the project first instead, so the helpers are
# imported as bench.* and nothing here can shadow a standard-library module.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench import procs  # noqa: E402

os.environ.update(procs.ENV)

CLIENTS = 8
BATCH_SIZE = 50
COPY_RUNS_PER_SLICE = 3
RESULTS = ROOT / "bench" / "results.json"
DOC = ROOT / "docs" / "benchmarks.md"


_T0 = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _T0:6.1f} s] {message}", flush=True)


def loadavg() -> str:
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def quiesce(timeout: float = 90) -> None:
    """Wait until the worker has drained the rollup marks, so phases do not overlap."""
    from outreach.models import RollupDirty

    deadline = time.monotonic() + timeout
    while RollupDirty.objects.exists():
        if time.monotonic() > deadline:
            log("warning: rollup marks still pending after the wait; going on")
            return
        time.sleep(0.2)
    time.sleep(1.0)


class CopyBaseline:
    """Raw COPY into copies of the push's tables (same columns, indexes and defaults, no
    foreign keys): the floor any push is compared with.

    `rate(tables)` loads every table of `payloads.copy_tables` (the visits, their resident
    outcomes and change-log rows, the resulting state rows) in one transaction;
    `rate(tables, only="outreach_visit")` the visit rows alone, as the first version of this
    bench did. Both return (visits per second, rows per second), commit included."""

    def __enter__(self):
        import psycopg

        self.conn = psycopg.connect(procs.ENV["DATABASE_URL"])
        self.copies = {}
        return self

    def _copy_of(self, table: str, columns: tuple) -> str:
        if table not in self.copies:
            found = {r[0] for r in self.conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])}  # fmt: skip
            if not set(columns) <= found or not found - {"id"} <= set(columns):
                raise RuntimeError(f"{table} columns changed: {sorted(found)}; update bench/payloads.py")
            copy = f"bench_copy_{table}"
            self.conn.execute(f"DROP TABLE IF EXISTS {copy}")
            self.conn.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
            self.conn.commit()
            self.copies[table] = copy
        return self.copies[table]

    def rate(self, tables: dict, *, only: str | None = None) -> tuple[float, float]:
        chosen = {t: v for t, v in tables.items() if only in (None, t)}
        copies = {t: self._copy_of(t, columns) for t, (columns, _) in chosen.items()}
        self.conn.execute(f"TRUNCATE {', '.join(copies.values())}")
        self.conn.commit()
        start = time.perf_counter()
        with self.conn.cursor() as cursor:
            for table, (columns, rows) in chosen.items():
                with cursor.copy(f"COPY {copies[table]} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        self.conn.commit()
        elapsed = time.perf_counter() - start
        for table, (_, rows) in chosen.items():
            count = self.conn.execute(f"SELECT count(*) FROM {copies[table]}").fetchone()[0]
            if count != len(rows):
                raise RuntimeError(f"COPY stored {count} rows of {len(rows)} in {table}")
        visits = len(tables["outreach_visit"][1])
        return visits / elapsed, sum(len(rows) for _, rows in chosen.values()) / elapsed

    def __exit__(self, *exc):
        try:
            self.conn.rollback()
            for copy in self.copies.values():
                self.conn.execute(f"DROP TABLE IF EXISTS {copy}")
            self.conn.commit()
        finally:
            self.conn.close()


def slices_of(batches: int, slices: int) -> list[tuple[int, int]]:
    slices = max(1, min(slices, batches))
    edges = [round(k * batches / slices) for k in range(slices + 1)]
    return list(zip(edges, edges[1:]))


def households_visited(campaign_id: int, commune_id: int) -> int:
    from outreach.models import AreaRollup

    value = AreaRollup.objects.filter(campaign_id=campaign_id, area_id=commune_id).values_list(
        "households_visited", flat=True
    ).first()
    return value or 0


def rollup_lags(http, fx, homes, *, now, seed: int) -> list[float]:
    import random

    from bench.client import check, PhaseResult
    from bench.payloads import encode, visit

    rng = random.Random(seed)
    lags = []
    for home in homes:
        before = households_visited(fx.campaign_id, fx.puller.commune_id)
        body = encode([visit(rng, campaign_id=fx.campaign_id, home=home, now=now)])
        status, _, data = http.request("POST", "/api/v1/sync/push", body)
        answered = time.perf_counter()
        check(PhaseResult(0, [], [[(status, data)]]), "accepted", [1])
        deadline = answered + 30
        while households_visited(fx.campaign_id, fx.puller.commune_id) <= before:
            if time.perf_counter() > deadline:
                raise RuntimeError("rollup lag: the commune rollup did not change within 30 s")
            time.sleep(0.02)
        lags.append(time.perf_counter() - answered)
        time.sleep(1.5)
    return lags


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--batches", type=int, default=25, help="batches per client")
    parser.add_argument("--phase-seconds", type=float, default=150,
                        help="time budget of the push and of the naive push, each (spread over the slices)")
    parser.add_argument("--slices", type=int, default=3, help="turns push, naive push and COPY take")
    parser.add_argument("--gunicorn", default=os.environ.get("BENCH_GUNICORN_ARGS", procs.DEFAULT_GUNICORN_ARGS))
    parser.add_argument("--no-docs", action="store_true", help="write bench/.work/ only (for trying settings)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database of an earlier run (no reset, seed or new fixtures; implies --no-docs)")
    options = parser.parse_args()
    # A SIGTERM (timeout, CI cancel) unwinds like Ctrl-C, so the finally blocks stop the
    # server and the worker and subprocess.run kills a running manage.py.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    procs.WORK.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    load_before = loadavg()
    results: dict = {}

    options.no_docs = options.no_docs or options.reuse
    procs.flush_redis()
    if not options.reuse:
        log(f"resetting the database {procs.DB_NAME}, the broker {procs.BROKER_URL} and the cache {procs.CACHE_URL}")
        procs.reset_database()
        procs.manage("migrate", "--noinput", log="sync-migrate.log")
        log(f"seed_demo --scale {options.scale}")
        t = time.perf_counter()
        procs.manage("seed_demo", "--scale", str(options.scale), log="sync-seed.log")
        results[f"seed_scale{options.scale}_s"] = round(time.perf_counter() - t, 1)
        log(f"seeded in {results[f'seed_scale{options.scale}_s']} s")

    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from bench import client as bc
    from bench.fixtures import PASSWORD, build_fixtures, load_fixtures
    from bench.payloads import batches_for, copy_tables
    from households.models import Household
    from outreach.models import OutcomeCode

    fx = load_fixtures(clients=CLIENTS) if options.reuse else build_fixtures(clients=CLIENTS)
    # Statistics for the planner. A seeded database has none until autovacuum analyses it
    # (and autovacuum may be off, as on the reference machine); without them the rollup
    # recount of one group picks a nested loop over every resident of the city (seconds).
    with connection.cursor() as c:
        c.execute("ANALYZE")
    salt = int(time.time()) % 1_000_000 * 10_000  # fresh client UUIDs on every run
    now = timezone.now()
    n = CLIENTS
    log(f"fixtures: {n} push teams with {[len(c.homes) for c in fx.pushers]} households; pull turf {fx.pull_turf_id}")

    def bodies(seed: int, count: int, crew=None) -> list:
        crews = [crew] if crew else fx.pushers
        return [batches_for(c, campaign_id=fx.campaign_id, count=count, size=BATCH_SIZE, seed=salt + seed + i, now=now)
                for i, c in enumerate(crews)]  # fmt: skip

    warm, naive_warm = bodies(1000, 1), bodies(3000, 1)
    main_batches, naive_batches = bodies(0, options.batches), bodies(2000, options.batches)
    profile_batches = bodies(4000, 21, fx.pushers[0])[0]
    codes = {c.code: c for c in OutcomeCode.objects.filter(campaign=None)}
    turf_of = dict(Household.objects.filter(turf__isnull=False).values_list("id", "turf_id"))
    counts = [BATCH_SIZE] * n
    connection.close()  # the bench process's own connection; reopened when next needed

    hot = None
    with procs.celery_worker(), procs.gunicorn(options.gunicorn) as port:
        log(f"gunicorn ({options.gunicorn}) on 127.0.0.1:{port} and the Celery worker are up")
        import concurrent.futures

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            tokens = list(pool.map(lambda c: bc.obtain_token(port, c.username, PASSWORD), fx.pushers))
            pull_token = pool.submit(bc.obtain_token, port, fx.puller.username, PASSWORD).result()

        log("warm-up")
        w = bc.run_phase(port, tokens, [[b.body for b in bs] for bs in warm], "/api/v1/sync/push")
        bc.check(w, "accepted", counts)
        w = bc.run_phase(port, tokens, [[b.body for b in bs] for bs in naive_warm], "/bench/naive-push")
        bc.check(w, "accepted", counts)
        quiesce()

        # Push, naive push and COPY take turns in slices, so the load the other users of the
        # machine put on it in the meantime falls on all three alike and their ratios hold.
        slices = slices_of(options.batches, options.slices)
        budget = options.phase_seconds / len(slices)
        push_parts, naive_parts, copy_rates, visit_copy_rates = [], [], [], []
        pushed = [[] for _ in range(n)]  # the batches each client actually sent
        naive_sent = 0
        tables = copy_tables(list(zip(fx.pushers, main_batches, strict=True)), codes=codes, turf_of=turf_of, now=now)
        with CopyBaseline() as baseline:
            for k, (lo, hi) in enumerate(slices, start=1):
                log(f"slice {k}/{len(slices)}: push, naive push and COPY of batches {lo + 1}–{hi}")
                part = bc.run_phase(port, tokens, [[b.body for b in bs[lo:hi]] for bs in main_batches],
                                    "/api/v1/sync/push", budget)  # fmt: skip
                bc.check(part, "accepted", counts)
                for i, sent in enumerate(bc.sent(part)):
                    pushed[i] += main_batches[i][lo : lo + sent]
                push_parts.append(part)
                quiesce()
                part = bc.run_phase(port, tokens, [[b.body for b in bs[lo:hi]] for bs in naive_batches],
                                    "/bench/naive-push", budget)  # fmt: skip
                bc.check(part, "accepted", counts)
                naive_sent += sum(bc.sent(part))
                naive_parts.append(part)
                # Several COPY runs a slice: one run lasts well under a second, and single
                # runs of the same rows varied by ±30 % here.
                for _ in range(COPY_RUNS_PER_SLICE):
                    copy_rates.append(baseline.rate(tables))
                    visit_copy_rates.append(baseline.rate(tables, only="outreach_visit"))
                slice_visits = sum(bc.sent(push_parts[-1])) * BATCH_SIZE
                log(f"  push {slice_visits / push_parts[-1].elapsed:,.0f}, naive {sum(bc.sent(part)) * BATCH_SIZE / part.elapsed:,.0f}, "
                    f"COPY {', '.join(f'{r[0]:,.0f}' for r in copy_rates[-COPY_RUNS_PER_SLICE:])} visits/s")  # fmt: skip
        visits = sum(len(p) for p in pushed) * BATCH_SIZE
        if visits < n * options.batches * BATCH_SIZE:
            log(f"push: cut short by the {options.phase_seconds:.0f} s budget: {[len(p) for p in pushed]} batches")
        results["push_visits_timed"] = visits
        results["push_visits_per_s"] = round(visits / sum(p.elapsed for p in push_parts), 1)
        lat = sorted(x for p in push_parts for x in p.latencies)
        results["push_batch_p50_ms"] = round(statistics.median(lat) * 1000, 1)
        results["push_batch_p95_ms"] = round(lat[int(0.95 * (len(lat) - 1))] * 1000, 1)
        results["naive_visits_timed"] = naive_sent * BATCH_SIZE
        results["naive_push_visits_per_s"] = round(naive_sent * BATCH_SIZE / sum(p.elapsed for p in naive_parts), 1)
        # The median run by visits per second, and its rows per second.
        copy_visits, copy_rows = sorted(copy_rates)[len(copy_rates) // 2]
        results["copy_visits_per_s"] = round(copy_visits, 1)
        results["copy_rows_per_s"] = round(copy_rows, 1)
        results["copy_rows_per_visit"] = round(copy_rows / copy_visits, 2)
        results["copy_visit_rows_only_per_s"] = round(sorted(visit_copy_rates)[len(visit_copy_rates) // 2][0], 1)
        log(f"push {results['push_visits_per_s']}, naive {results['naive_push_visits_per_s']} visits/s; "
            f"COPY {results['copy_visits_per_s']} visits/s ({results['copy_rows_per_s']} rows/s), "
            f"visit rows alone {results['copy_visit_rows_only_per_s']} rows/s")  # fmt: skip
        quiesce()

        log("replay")
        replay = bc.run_phase(port, tokens, [[b.body for b in bs] for bs in pushed], "/api/v1/sync/push")
        bc.check(replay, "duplicate", counts)
        results["replay_visits_per_s"] = round(visits / replay.elapsed, 1)
        log(f"replay: {results['replay_visits_per_s']} visits/s")
        results["push_vs_copy_pct"] = round(100 * results["push_visits_per_s"] / results["copy_visits_per_s"], 2)
        results["push_vs_copy_visit_rows_only_pct"] = round(
            100 * results["push_visits_per_s"] / results["copy_visit_rows_only_per_s"], 2)
        results["push_vs_naive_x"] = round(results["push_visits_per_s"] / results["naive_push_visits_per_s"], 2)
        results["replay_vs_push_x"] = round(results["replay_visits_per_s"] / results["push_visits_per_s"], 2)

        log("pull")
        http = bc.Http(port, pull_token)
        full = bc.pull(http, fx.campaign_id)
        if (full.households, full.residents) != (500, 2000):
            raise RuntimeError(f"full pull: {full.households} households, {full.residents} residents")
        results["pull_full_turf_gzip_bytes"] = full.gzip_bytes
        results["pull_full_turf_raw_bytes"] = full.raw_bytes
        results["pull_full_turf_pages"] = full.pages
        empty = bc.pull(http, fx.campaign_id, full.cursor)
        if empty.households or empty.pages != 1:
            raise RuntimeError(f"empty pull was not empty: {empty}")
        results["pull_empty_gzip_bytes"] = empty.gzip_bytes

        log("rollup lag")
        quiesce()
        from outreach.models import HouseholdState

        seen = set(HouseholdState.objects.filter(campaign_id=fx.campaign_id).values_list("household_id", flat=True))
        homes = [h for h in fx.puller.homes if h.residents and h.id not in seen]
        lags = rollup_lags(http, fx, homes[:5], now=now, seed=salt + 5)
        results["rollup_lag_s"] = round(statistics.median(lags), 3)
        results["rollup_lag_max_s"] = round(max(lags), 3)

        log("mid-campaign pulls")
        cursor = bc.pull(http, fx.campaign_id, empty.cursor).cursor  # past the lag visits
        mid = bodies(77, 4, fx.puller)[0]
        bc.check(bc.run_phase(port, [pull_token], [[b.body for b in mid]], "/api/v1/sync/push"), "accepted",
                 [BATCH_SIZE])  # fmt: skip
        results["pull_incremental_200_visits_gzip_bytes"] = bc.pull(http, fx.campaign_id, cursor).gzip_bytes
        again = bc.pull(http, fx.campaign_id)
        results["pull_full_turf_midcampaign_gzip_bytes"] = again.gzip_bytes
        results["pull_full_turf_midcampaign_raw_bytes"] = again.raw_bytes
        http.close()
        quiesce()

        log("profiling the push service in-process")
        from bench.hotspots import profile_push

        hot = profile_push(username=fx.pushers[0].username, timed=profile_batches[:10], profiled=profile_batches[10:20],
                           counted=profile_batches[20])  # fmt: skip
        results["push_inprocess_visits_per_s"] = round(hot["visits_per_s"], 1)
        results["push_queries_per_batch"] = hot["queries_per_batch"]

    from bench import report

    with connection.cursor() as c:
        c.execute("SELECT version()")
        pg_version = c.fetchone()[0].split(" on ")[0].replace("PostgreSQL ", "")
        c.execute("SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'synchronous_commit', "
                  "'max_connections', 'work_mem', 'fsync', 'autovacuum', 'jit') ORDER BY name")  # fmt: skip
        pg_settings = ", ".join(f"{name}={setting}{'×' + unit if unit else ''}" for name, setting, unit in c.fetchall())
    connection.close()

    ordered = {k: results[k] for k in report.LABELS if k in results}
    ordered |= {k: v for k, v in results.items() if k not in ordered}
    ordered |= {"sync_clients": n, "sync_batches_per_client": options.batches, "sync_batch_size": BATCH_SIZE,
                "sync_run_date": report.now_text(), "sync_gunicorn_args": options.gunicorn}  # fmt: skip
    context = {
        "machine": report.machine(), "date": ordered["sync_run_date"], "duration_s": time.perf_counter() - started,
        "load_before": load_before, "load_after": loadavg(), "pg_version": pg_version, "pg_settings": pg_settings,
        "scale": options.scale, "clients": n, "batches": options.batches, "batch_size": BATCH_SIZE, "visits": visits,
        "phase_seconds": options.phase_seconds, "slices": len(slices_of(options.batches, options.slices)),
        "copy_runs": len(slices_of(options.batches, options.slices)) * COPY_RUNS_PER_SLICE,
        "gunicorn": options.gunicorn, "pull_households": 500, "pull_residents": 2000, "hotspots": hot,
    }  # fmt: skip
    (procs.WORK / "sync-push-queries.txt").write_text("\n".join(hot["queries"]) + "\n")
    if options.no_docs:
        report.write_json(ordered, procs.WORK / "sync-results.json")
        report.write_markdown(ordered, context, procs.WORK / "sync-benchmarks.md")
    else:
        report.write_json(ordered, RESULTS)
        report.write_markdown(ordered, context, DOC)
    print()
    print(report.summary_table(ordered))
    print(f"\n{'bench/.work/sync-results.json' if options.no_docs else 'bench/results.json and docs/benchmarks.md'} "
          f"written in {context['duration_s']:.0f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
