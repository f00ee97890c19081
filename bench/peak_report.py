"""The figures of bench/peak.py: the flat keys merged into bench/results.json and the
generated section of docs/benchmarks.md (owner "bench/peak.py")."""

import json
from pathlib import Path

TARGETS = {
    "peak_sync_p95_ms": ("<=", 300, "ms", "a whole sync (session check, push, every pull page) in 300 ms at the peak"),
    "peak_errors": ("<=", 0, "", "no failed request at the peak"),
}
LABELS = {
    "peak_devices_per_box": ("Phones one box sustains, at one sync per 5 min each", "phones"),
    "peak_phones_simulated": ("Simulated phones of the best step (visit every ~3 min + 5-min timer)", "phones"),
    "peak_syncs_per_s": ("Syncs per second handled at that step", "syncs/s"),
    "peak_sync_p50_ms": ("Whole sync, median", "ms"),
    "peak_sync_p95_ms": ("Whole sync, 95th percentile", "ms"),
    "peak_request_p95_ms": ("One request, 95th percentile", "ms"),
    "peak_errors": ("Errors at that step", ""),
    "peak_server_cpu_ms_per_sync": ("Server CPU per sync (gunicorn + its PostgreSQL backends + Celery)", "ms"),
    "peak_loadgen_cpu_ms_per_sync": ("Load generator CPU per sync (its own process)", "ms"),
    "peak_changelog_rows": ("Rows in the change log", "rows"),
    "pull_empty_server_ms": ("Incremental pull, nothing new, in process (median)", "ms"),
    "pull_lag_ms_10k": ("Incremental pull 10,000 city rows behind, in process", "ms"),
    "pull_lag_ms_1m": ("Incremental pull 1,000,000 city rows behind, in process", "ms"),
}


def _best(steps: list[dict]) -> dict | None:
    good = [s for s in steps if s["passed"]]
    return max(good, key=lambda s: s["devices"]) if good else None


def results_of(o, facts: dict, inproc: dict, steps: list[dict], load_before, load_after) -> dict:
    best = _best(steps)
    server = ("gunicorn", "postgres", "celery")
    out = {}
    if best:
        out.update({
            "peak_devices_per_box": round(best["syncs_per_s"] * 300),
            "peak_phones_simulated": best["devices"],
            "peak_syncs_per_s": best["syncs_per_s"],
            "peak_sync_p50_ms": best["sync_p50_ms"],
            "peak_sync_p95_ms": best["sync_p95_ms"],
            "peak_request_p95_ms": best["request_p95_ms"],
            "peak_errors": best["errors"],
            "peak_server_cpu_ms_per_sync": round(sum(best["cpu_ms_per_sync"].get(k, 0) for k in server), 1),
            "peak_loadgen_cpu_ms_per_sync": best["cpu_ms_per_sync"]["load generator"],
        })  # fmt: skip
    else:
        out.update({"peak_devices_per_box": 0, "peak_phones_simulated": 0, "peak_errors": steps[0]["errors"] if steps else None})
    out["peak_changelog_rows"] = facts["changes"]
    out.update(inproc)
    out.update({"peak_mode": "quick" if o.quick else "default", "peak_step_seconds": o.seconds,
                "peak_auth": o.auth, "peak_loadavg_before": load_before, "peak_loadavg_after": load_after,
                "peak_first_failing_devices": next((s["devices"] for s in steps if not s["passed"]), None)})  # fmt: skip
    return out


def labels(results: dict) -> dict:
    extra = {k: (f"Incremental pull {k.removeprefix('pull_lag_ms_').replace('_', '.')} rows behind (all of the log), "
                 "in process", "ms") for k in results if k.startswith("pull_lag_ms_") and k not in LABELS}  # fmt: skip
    return {**LABELS, **extra}


def _steps_table(steps: list[dict]) -> list[str]:
    rows = ["| phones | syncs/s | sync p50 / p95 ms | request p95 ms (session / push / pull) | errors | "
            "generator late p95 ms | CPU ms per sync: gunicorn / PG backends / Celery / PG other / generator | "
            "machine busy % (others' share) | load avg (1 min) at end | |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]  # fmt: skip
    for s in steps:
        k, c = s["by_kind_p95_ms"], s["cpu_ms_per_sync"]
        cpu = " / ".join(str(c.get(x, 0)) for x in ("gunicorn", "postgres", "celery", "postgres, other", "load generator"))
        rows.append(f"| {s['devices']:,} | {s['syncs_per_s']} | {s['sync_p50_ms']} / {s['sync_p95_ms']} | "
                    f"{s['request_p95_ms']} ({k['session']} / {k['push']} / {k['pull']}) | {s['errors']} | "
                    f"{s['late_p95_ms']} | {cpu} | {s.get('machine_busy_pct')} ({s.get('others_busy_pct')}) | {s['loadavg_end'][0]:.2f} | {'pass' if s['passed'] else '**fail**'} |")  # fmt: skip
    return rows


def _plan_lines(plan: str) -> list[str]:
    lines = [line for line in plan.splitlines() if line.strip()][:14]
    return ["```", *lines, "```"]


def _method(o, facts: dict, m: dict) -> str:
    return f"""### Method

- **Database** `tungnha_bench_peak` (dropped and made again): `seed_demo --scale {facts['scale']}`
  ({facts['households']:,} households in turfs, {facts['seed_visits']:,} visits), then one new
  team per turf ({facts['teams']} teams) and {facts['phones']:,} phones spread round-robin over them (a step of
  N phones puts N / {facts['teams']} on each turf: beyond a real team's 3–6, from
  {facts['teams'] * 6:,} phones on, each pull brings more teammates' visits than in the field). Each phone is its own
  user (a field member), with a web session (`django_session` and `WebSession` rows, as after a
  sign-in), a `csrftoken` and a device token, all written with COPY ({facts['phones_s']:.0f} s), then
  **{facts['changes']:,} change-log rows** (`outreach_syncchange`) COPYed in
  {facts['copy_s']:.0f} s ({facts['copy_rows_per_s']:,} rows/s): 80 % the current campaign's
  visits, households and residents in 20,000 turfs of communes this box does not serve, 20 % two
  earlier campaigns' (a third of those in this box's turfs). Then `ANALYZE`.
- **Server**: `gunicorn {o.gunicorn}` (sync workers, as docker-compose.yml) with `bench.settings`,
  `celery worker --pool=solo`, PostgreSQL and Redis (dbs 11 and 12) on 127.0.0.1; all of it and the
  load generator on the same {m['cores']} cores ({m['cpu']}).
- **A phone** (`bench/peak_load.py`, one process per step, asyncio, a new connection per
  request as sync workers close it): exactly `cycle` of `frontend/static/fieldapp/sync.js` —
  `GET /app/session`; when its outbox holds visits, `POST /api/v1/sync/push` with them
  (bodies as `bench/payloads.py` makes them; `X-CSRFToken` and `Origin` as the browser sends);
  `GET /api/v1/sync/pull?campaign=…&cursor=…` with `Accept-Encoding: gzip`, following
  `has_more`, keeping its cursor between syncs and steps. With `--auth session` (the field
  app) every request carries the session cookie; with `--auth token` push and pull carry
  `Authorization: Token` instead. Each phone's cursor starts up to {o.start_lag:,} city rows behind the head.
- **Schedule**: each phone records a visit every 180 s on average (exponential gaps) and
  syncs right after it with 1–3 visits (70 / 20 / 10 %); the app's timer syncs 300 s after
  the last sync when no visit came. Start times are drawn in the steady state. A sync counts
  from its first request to its last answer. A step passes with sync p95 ≤ 300 ms, no error,
  and the generator waking phones on time (p95 lateness ≤ 50 ms; otherwise the generator,
  not the server, set the pace). Steps {', '.join(f'{s:,}' for s in o.steps)} phones, each {o.seconds:g} s,
  until the first failure, then one bisection (budget {o.budget:g} s).
- **`peak_devices_per_box`** is the syncs per second of the best passing step × 300: phones
  at one sync per 5 minutes each. The simulated phones sync more often (about every 2.5 min),
  so the box serves fewer of *those*: `peak_phones_simulated`.
- **CPU**: from `/proc/<pid>/stat` over each step: the gunicorn master and workers, the
  Celery worker, the PostgreSQL backends of this database (`pg_stat_activity`) — "server" —
  and apart: PostgreSQL's other processes (WAL writer, checkpointer, other benches'
  backends), and the load generator's own process (its `os.times()`).
- **In process** (before the server starts): `pull_empty_server_ms` is the median of 300
  `GET /api/v1/sync/pull` through Django's test client (token, gzip) with the cursor at the head of
  the log, nothing new; `pull_lag_ms_*` the median of 7 pulls whose cursor is that many city rows
  behind the head — rows none of which is the phone's, so the answer is as empty and only the
  reading behind it grows. The change-log query of the last, as PostgreSQL ran it
  (`EXPLAIN (ANALYZE, BUFFERS)`; whole plan in `bench/.work/peak/pull-plan.txt`):

"""


def write(results: dict, o, facts: dict, steps: list[dict], plan: str, results_path: Path, doc: Path) -> None:
    from bench import report

    merged = json.loads(results_path.read_text()) if results_path.exists() else {}
    results_path.write_text(json.dumps({**merged, **results}, indent=2, ensure_ascii=False) + "\n")
    mode = "`--quick` (a reduced run: small log, short steps — not the published figure)" if o.quick else "default"
    m = report.machine()
    text = f"""## Evening peak (`bench/peak.py`)

Run by hand: `.venv/bin/python bench/peak.py` (this run: {mode}, `--seconds {o.seconds:g}`,
`--auth {o.auth}`). Last run **{report.now_text()}**; load average before
{' / '.join(f'{x:.2f}' for x in results['peak_loadavg_before'])}, after
{' / '.join(f'{x:.2f}' for x in results['peak_loadavg_after'])} ({m['cores']} cores shared with other work:
read every figure as a floor, and compare runs on this machine only).

{chr(10).join(report.figure_rows(results, labels(results), TARGETS))}

### Steps

{chr(10).join(_steps_table(steps))}

{_method(o, facts, m)}
{chr(10).join(_plan_lines(plan))}
"""
    report.write_section(text, doc, owner="bench/peak.py")
