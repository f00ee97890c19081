"""Writing a run down: bench/results.json (one flat object of figures), docs/benchmarks.md
(the figures against their targets, the method, the machine) and the table printed at the
end. The targets live here, next to the words that explain them, so the JSON, the page and
the printed table can never disagree on what "met" means."""

import datetime
import json
import os
import platform
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# figure: (comparison, target, unit for the page, what the target is for)
TARGETS = {
    "push_vs_copy_pct": (">=", 15, "%", "the whole push path keeps at least 15 % of the visits per second a raw "
                         "COPY of the same rows (every row the push leaves in the database) reaches"),
    "push_vs_naive_x": (">=", 5, "×", "at least 5× the one-visit-at-a-time DRF endpoint"),
    "replay_vs_push_x": (">=", 1, "×", "a retried batch costs no more than its first push"),
    "pull_full_turf_gzip_bytes": ("<=", 60_000, "B",
                                  "a 500-household turf downloads on one bar (60 KB, read strictly as 60,000 B)"),
    "pull_empty_gzip_bytes": ("<=", 300, "B", "a pull with nothing new is almost free"),
    "rollup_lag_s": ("<=", 5, "s", "a visit shows on the commune dashboard within 5 s"),
}

LABELS = {
    "seed_scale20_s": ("Seed `seed_demo --scale 20`", "s"),
    "push_visits_per_s": ("Push, 8 clients × 50-visit batches", "visits/s"),
    "push_batch_p50_ms": ("Push batch latency, median", "ms"),
    "push_batch_p95_ms": ("Push batch latency, 95th percentile", "ms"),
    "push_visits_timed": ("Visits in the timed push", ""),
    "replay_visits_per_s": ("Replay of the same batches (all duplicate)", "visits/s"),
    "naive_push_visits_per_s": ("Naive DRF push (bench/naive.py)", "visits/s"),
    "naive_visits_timed": ("Visits in the timed naive push", ""),
    "copy_visits_per_s": ("Raw COPY of the same rows, all tables", "visits/s"),
    "copy_rows_per_s": ("Raw COPY of the same rows, all tables", "rows/s"),
    "copy_rows_per_visit": ("Rows the COPY writes per visit", ""),
    "copy_visit_rows_only_per_s": ("Raw COPY of the visit rows alone", "rows/s"),
    "push_vs_copy_pct": ("Push ÷ COPY (visits/s ÷ visits/s)", "%"),
    "push_vs_copy_visit_rows_only_pct": ("Push ÷ COPY of the visit rows alone", "%"),
    "push_vs_naive_x": ("Push ÷ naive", "×"),
    "replay_vs_push_x": ("Replay ÷ push", "×"),
    "push_inprocess_visits_per_s": ("Push service in-process, 1 thread, no HTTP", "visits/s"),
    "push_queries_per_batch": ("SQL statements per 50-visit push", ""),
    "pull_full_turf_gzip_bytes": ("Full pull, 500 households / 2,000 residents, gzip", "B"),
    "pull_full_turf_raw_bytes": ("Full pull, same, uncompressed", "B"),
    "pull_full_turf_pages": ("Full pull, pages", ""),
    "pull_empty_gzip_bytes": ("Incremental pull, nothing changed", "B"),
    "pull_incremental_200_visits_gzip_bytes": ("Incremental pull after 200 visits on the turf, gzip", "B"),
    "pull_full_turf_midcampaign_gzip_bytes": ("Full pull of the turf after 205 visits, gzip", "B"),
    "pull_full_turf_midcampaign_raw_bytes": ("Full pull of the turf after 205 visits, uncompressed", "B"),
    "rollup_lag_s": ("Rollup lag, push → commune rollup (median of 5)", "s"),
    "rollup_lag_max_s": ("Rollup lag, slowest of 5", "s"),
}


def met(name: str, value, targets: dict = TARGETS) -> bool | None:
    if name not in targets or value is None:
        return None
    op, target, _, _ = targets[name]
    return value >= target if op == ">=" else value <= target


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def owned(name: str) -> bool:
    """The keys bench/run.py writes; the other bench scripts merge their own keys into the
    same file, and a run keeps theirs."""
    return name in LABELS or name.startswith(("seed_scale", "sync_"))


def write_json(results: dict, path: Path) -> None:
    merged = {}
    try:
        merged = {k: v for k, v in json.loads(path.read_text()).items() if not owned(k)}
    except (OSError, ValueError, AttributeError):
        pass
    path.write_text(json.dumps({**results, **merged}, indent=2, ensure_ascii=False) + "\n")


def write_section(text: str, path: Path, owner: str = "bench/run.py") -> None:
    """Replace the section of the page that `owner` (a bench script) writes, keeping
    whatever else is there."""
    begin, end = f"<!-- {owner}: begin (generated, rewritten by every run) -->", f"<!-- {owner}: end -->"
    section = f"{begin}\n{text.strip()}\n{end}\n"
    try:
        page = path.read_text()
    except OSError:
        page = "# Benchmarks\n\n"
    if begin in page and end in page:
        before, rest = page.split(begin, 1)
        page = before + section + rest.split(end, 1)[1].lstrip("\n")
    else:
        page = page.rstrip("\n") + "\n\n" + section
    path.write_text(page)


def figure_rows(results: dict, labels: dict, targets: dict) -> list[str]:
    """Markdown table rows (figure, name, value, target, verdict) of the labelled results."""
    rows = []
    for name, value in results.items():
        if name not in labels:
            continue
        label, unit = labels[name]
        target = targets.get(name)
        ok = met(name, value, targets)
        target_text = f"{'≥' if target[0] == '>=' else '≤'} {_fmt(target[1])} {target[2]}" if target else ""
        verdict = "" if ok is None else ("met" if ok else "**not met**")
        rows.append(f"| {label} | `{name}` | {_fmt(value)} {unit} | {target_text} | {verdict} |")
    return ["| figure | name | value | target | |", "| --- | --- | ---: | --- | --- |", *rows]


def summary_table(results: dict) -> str:
    lines = [f"{'figure':44} {'value':>14}  {'target':>10}  met"]
    for name, value in results.items():
        if name not in LABELS:
            continue
        target = TARGETS.get(name)
        target_text = f"{target[0]} {_fmt(target[1])}" if target else ""
        ok = met(name, value)
        lines.append(f"{name:44} {_fmt(value):>14}  {target_text:>10}  {'' if ok is None else 'yes' if ok else 'NO'}")
    return "\n".join(lines)


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem_gb, "python": platform.python_version(),
            "kernel": platform.release()}  # fmt: skip


def write_markdown(results: dict, context: dict, path: Path) -> None:
    m = context["machine"]
    rows = figure_rows(results, LABELS, TARGETS)[2:]
    hot = context.get("hotspots") or {}
    hot_lines = []
    if hot:
        hot_lines += [
            "",
            "### Where the push spends its time",
            "",
            f"`bench/hotspots.py` calls `sync_push` in the bench process on {hot['profiled_visits']} fresh visits "
            f"under cProfile ({hot['profiled_total_s']:.2f} s profiled; full profile in `bench/.work/sync-push.prof`, "
            f"`python -m pstats` to browse). A 50-visit batch issues {hot['queries_per_batch']} SQL statements. "
            "Without the profiler, one thread pushes "
            f"{hot['visits_per_s']:,.0f} visits/s in-process, waiting on PostgreSQL between its own "
            "steps; over HTTP eight clients keep both cores busy. (The shares below overlap: they are "
            "cumulative, and the PostgreSQL wait is inside the others.)",
            "",
            "Share of the profiled time spent under:",
            "",
            *[f"- {label}: {share:.0%}" for label, share in hot["shares"]],
            "",
            "Project code by cumulative time:",
            "",
            "| where | calls | own s | cumulative s |",
            "| --- | ---: | ---: | ---: |",
            *[f"| `{w}` | {c:,} | {t:.3f} | {ct:.3f} |" for w, c, t, ct in hot["by_cum_own"]],
            "",
            "Everything by own time:",
            "",
            "| where | calls | own s | cumulative s |",
            "| --- | ---: | ---: | ---: |",
            *[f"| `{w}` | {c:,} | {t:.3f} | {ct:.3f} |" for w, c, t, ct in hot["by_self"]],
        ]
    notes = context.get("notes") or []
    text = f"""## Sync protocol on PostgreSQL (`make bench`)

Run with `make bench` (or `.venv/bin/python bench/run.py`); the figures of the last run are
in `bench/results.json` (merged with the other bench scripts' keys), and this section is
rewritten by the same run. Last run: **{context['date']}**, {context['duration_s']:.0f} s in all.

| figure | name | value | target | |
| --- | --- | ---: | --- | --- |
{chr(10).join(rows)}

Targets: {"; ".join(f"`{k}` — {v[3]}" for k, v in TARGETS.items())}.

### Machine

- {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB RAM, Linux {m['kernel']}, Python {m['python']}.
- **The {m['cores']} cores are shared** between the gunicorn server, the Celery worker,
  PostgreSQL, Redis and the load generator (the client threads run in the bench process).
  Nothing is pinned. Load average before the run: {context['load_before']}; after: {context['load_after']}.
  Other work on the machine at the same time makes every throughput figure lower and noisier;
  compare runs on the same machine only.
- PostgreSQL {context['pg_version']} on 127.0.0.1 as installed: {context['pg_settings']}
  (`jit` as the server has it; the bench's own connections turn it off, see bench/settings.py).
  The database is analysed once after seeding (`ANALYZE`): a freshly seeded database has no
  planner statistics until autovacuum, if it is on, gets to it.
- Redis on 127.0.0.1 (broker db 14, cache db 13, both flushed at the start).

### Method

- **Setup.** Database `tungnha_bench` dropped and created, `manage.py migrate`, then
  `seed_demo --scale {context['scale']}` (timed: `seed_scale20_s`, the whole command
  including Python start-up). `bench/fixtures.py` then adds {context['clients']} push teams (a new
  team and one new field member per ward, owning the turfs of the ward's first two residential
  groups, ≈500 households) and the pull team (below); then `ANALYZE`.
- **Server.** `gunicorn outreach.config.wsgi:application {context['gunicorn']}` with
  `DJANGO_SETTINGS_MODULE=bench.settings` (the app's settings, DEBUG off, persistent
  database connections, the naive endpoint routed), plus `celery -A outreach worker
  --pool=solo` with a Redis broker, as in production. Both are subprocesses the run stops.
  The worker type is `--gunicorn "ARGS"` (or `BENCH_GUNICORN_ARGS`); the default, three sync
  workers, is what `docker-compose.yml` runs in production. On 2026-12-02, with the push's
  statements prepared, `bench/cpu_split.py` (40–60 batches per client, push only) gave sync
  `-w 3` 6,600–7,700 visits/s, sync `-w 4` 6,000–7,600 and `-w 5` 5,700–6,800, against
  gthread `-w 3 --threads 2` 4,900–7,300 (the default until then), `-w 4 --threads 2`
  6,600–7,200 and `-w 2 --threads 3` 6,200–6,600: overlapping ranges on this noisy machine, none clearly
  better than what production runs. Sync workers close the connection after
  each answer, so every request goes to whichever process is free; the bench client opens a
  new connection then, as a phone behind the proxy would not need to.
- **Push** (`push_visits_per_s`). {context['clients']} threads, one per bench user, each with a
  `http.client` connection (reopened after each answer, as sync workers close it) and a token from `POST /api/v1/auth/token`, send
  up to {context['batches']} batches of {context['batch_size']} visits each to
  `POST /api/v1/sync/push` ({context['visits']:,} visits this run). Every visit goes to a
  household of the sender's turfs (50 distinct households per batch) with outcome `visited`,
  two resident outcomes (one in a one-person household: `assisted_l2_activated`,
  `interested` + `no_smartphone`, ...), an evening device time with `+07:00`, a Vietnamese
  note and coordinates. All bodies are JSON-encoded before any clock starts; a clock runs
  from a barrier to the last answer; every item must come back `accepted` or the run fails.
  One warm-up batch per client (and per endpoint) first.
- **Naive** (`naive_push_visits_per_s`): the same clients and batch size, fresh UUIDs, to
  `POST /bench/naive-push` (`bench/naive.py`): a DRF ModelSerializer per visit, one insert per
  resident outcome, `HouseholdState` by `update_or_create`, one transaction per request. It
  does strictly less than the real push (no idempotency, scope, resident state, VNeID
  projection, rollup marks or change log), so `push_vs_naive_x` understates the difference.
- **COPY** (`copy_visits_per_s`, `copy_rows_per_s`): the rows the push of all those visits
  leaves in the database (`bench/payloads.py` `copy_tables`): each visit, its resident
  outcomes and its change-log row, and the household and resident state rows as they stand
  after the last visit (one per household and resident: fewer rows than the push writes,
  which upserts them once per batch), written with psycopg 3 `cursor.copy("COPY … FROM
  STDIN")` and `write_row` into tables created `(LIKE … INCLUDING ALL)` (the same indexes,
  unique ones included, no foreign keys), in one transaction, commit included. The push's
  own tables keep the foreign keys that guard the registry (visit → household, resident
  outcome → resident), which it checks before taking the sync clock. The state rows carry
  none to the household or resident: each is written beside a visit or resident outcome whose
  kept key checks and locks the same row until commit. Keys to rows every visit of a batch
  shares (campaign, recorder, team) are left to Django, since each cost a lock on that one
  row per visit. `push_vs_copy_pct` is push visits per second over COPY visits per second. The issue asks
  for COPY "of the same rows", and these are the rows: the issue itself requires the
  projection and the change log to be written in the push's transaction. For comparison,
  `copy_visit_rows_only_per_s` is the first version of this baseline, the `outreach_visit`
  rows alone (one row per visit, nothing else). Even a raw COPY of every row a push writes
  (`copy_rows_per_visit` per visit) reaches only `copy_visits_per_s` against it, so
  `push_vs_copy_visit_rows_only_pct` measures the schema as much as the push: it is
  reported, not judged.
- **Taking turns.** Push, naive push and COPY run in {context['slices']} slices: a push slice
  (a third of each client's batches, say), a naive slice of as many batches, three COPYs of all
  the rows; the worker's rollup refresh is waited out after each push slice. So whatever
  else the machine does in the meantime weighs on all three alike. Each throughput is its
  visits over the sum of its slices' clocks; COPY is the median of its {context.get('copy_runs', context['slices'])} runs (3 after each naive slice); the
  latencies are over every push batch. Push and naive each have a {context['phase_seconds']:.0f} s
  budget spread over the slices: a client sends no new batch once its slice's share is
  spent, so a slow server bounds the run instead of stretching it.
- **Replay** (`replay_visits_per_s`): every batch the push sent, again, after the slices;
  every item must be `duplicate`.
- **Pull.** A new lane turf of exactly {context['pull_households']} households and
  {context['pull_residents']:,} residents (demo generators: Vietnamese names and addresses, ages
  from infants to the nineties, every adult with a 12-digit ID number and a +84 mobile), the
  only turf of a new team whose only member is a plain field member (ID numbers masked).
  `pull_full_turf_gzip_bytes` sums the bodies of every page of `GET /api/v1/sync/pull` sent
  with `Accept-Encoding: gzip`, as they came over the wire; `_raw_bytes` the same decompressed.
  `pull_empty_gzip_bytes` is the body of a pull with the cursor the full pull ended on, nothing
  changed (Django's GZipMiddleware leaves bodies under 200 bytes uncompressed). Then 200
  visits are pushed to the turf for the incremental and mid-campaign figures.
- **Rollup lag** (`rollup_lag_s`): push one visit to a not-yet-visited household of the pull
  turf, then poll `outreach_arearollup` for the commune every 20 ms until `households_visited`
  goes up; seconds from the push answer to visibility, median of 5 (1.5 s apart, so each push
  starts outside the previous one's 1 s debounce window). The refresh task is enqueued with a
  1 s countdown, so about 1 s of the lag is by design.
{chr(10).join(notes)}
{chr(10).join(hot_lines)}
"""
    write_section(text, path)


def now_text() -> str:
    return datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
