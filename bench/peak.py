"""The evening peak: how many field phones one box (gunicorn -w 3 + Celery worker +
PostgreSQL, all on this machine) sustains, on a database with a change log of millions of
rows, and how the incremental pull grows with the city's changes behind a phone's cursor.

    .venv/bin/python bench/peak.py [--quick] [--seconds S] [--steps 1000,2000,...] [--reuse]

Its own database, tungnha_bench_peak (BENCH_DB_NAME, dropped and made again), and Redis
databases 11 and 12 (BENCH_BROKER_URL, BENCH_CACHE_URL, flushed). Everything on 127.0.0.1.

- Seeding (bench/peak_seed.py): seed_demo --scale, one team per turf, one user, session,
  csrftoken and device token per phone, and --changes rows of the city's change log, all
  with COPY; then ANALYZE.
- In process (bench/peak_measure.py): the empty incremental pull and the pull behind
  10,000 / 1,000,000 / all the rows of the log, Django's test client, no server running.
- Load (bench/peak_load.py, its own process per step): N phones, each syncing after every
  visit it records (every ~3 min) and on the app's 5-minute timer. Steps go up
  (--steps, each held --seconds) until one fails (sync p95 > 300 ms, an error, or the
  generator itself falling behind), then one bisection between the last good and the
  first bad. --budget bounds the load part (default 600 s).

Figures merged into bench/results.json; a section of docs/benchmarks.md (bench/peak_report.py).
"""

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("BENCH_DB_NAME", "tungnha_bench_peak")
os.environ.setdefault("BENCH_BROKER_URL", "redis://127.0.0.1:6379/11")
os.environ.setdefault("BENCH_CACHE_URL", "redis://127.0.0.1:6379/12")
os.environ.setdefault("TUNGNHA_EMBEDDED", "1")  # as `make bench` sets it: http on 127.0.0.1
if not os.environ["BENCH_DB_NAME"].startswith("tungnha_bench_peak"):
    raise SystemExit("bench/peak.py drops its database: BENCH_DB_NAME must be tungnha_bench_peak[_<suffix>]")

from bench import procs  # noqa: E402

os.environ.update(procs.ENV)
procs.WORK = procs.WORK / "peak"  # its own logs, beside the other benches' files
RESULTS = ROOT / "bench" / "results.json"
DOC = ROOT / "docs" / "benchmarks.md"
SYNC_P95_MS = 300.0
LATE_P95_MS = 50.0  # past this the generator, not the server, sets the pace
_T0 = time.perf_counter()
SALT = int(time.time()) % 100_000  # fresh visit UUIDs on every run (--reuse keeps the database)


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _T0:6.1f} s] {message}", flush=True)


def options():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small log, short steps: proves the bench end to end")
    parser.add_argument("--scale", type=int, help="seed_demo --scale (default 12; --quick 2)")
    parser.add_argument("--changes", type=int, help="change-log rows to COPY (default 3,000,000; --quick 200,000)")
    parser.add_argument("--steps", help="phones per step (default 250,500,1000,2000,4000,8000,16000; --quick 250,500,1000,2000)")
    parser.add_argument("--seconds", type=float, help="each step held this long (default 75; --quick 25)")
    parser.add_argument("--budget", type=float, default=600, help="seconds for all the steps together")
    parser.add_argument("--start-lag", type=int, default=20_000,
                        help="a phone's cursor starts up to this many city rows behind the head")
    parser.add_argument("--auth", choices=("session", "token"), default="session",
                        help="push and pull with the session cookie (the field app) or the device token")
    parser.add_argument("--gunicorn", default=os.environ.get("BENCH_GUNICORN_ARGS", procs.DEFAULT_GUNICORN_ARGS))
    parser.add_argument("--reuse", action="store_true", help="keep the database and phones of an earlier run")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave results.json and the page alone")
    o = parser.parse_args()
    q = o.quick
    o.scale = o.scale or (2 if q else 12)
    o.changes = o.changes if o.changes is not None else (200_000 if q else 3_000_000)
    o.steps = [int(s) for s in (o.steps or ("250,500,1000,2000" if q else "250,500,1000,2000,4000,8000,16000")).split(",")]
    o.seconds = o.seconds or (25.0 if q else 75.0)
    return o


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def prepare(o) -> dict:
    """Seed (or, with --reuse, read back) the database; return the run's facts."""
    phones_file, facts_file = procs.WORK / "phones.json", procs.WORK / "facts.json"
    if o.reuse:
        return json.loads(facts_file.read_text())
    import django

    django.setup()  # opens no connection: the database may be dropped below
    from django.db import connection

    from bench import peak_seed
    from outreach.models import Campaign

    log(f"resetting {procs.DB_NAME}; seed_demo --scale {o.scale}")
    seed_s = peak_seed.seed_base(scale=o.scale)

    campaign_id = Campaign.objects.get(is_active=True).id
    t = time.perf_counter()
    fleet = peak_seed.seed_phones(count=max(o.steps), campaign_id=campaign_id)
    phones_s = time.perf_counter() - t
    log(f"{len(fleet['phones']):,} phones over {fleet['teams']} teams in {phones_s:.1f} s; COPY {o.changes:,} changes")
    t = time.perf_counter()
    log_facts = peak_seed.seed_changelog(rows=o.changes, campaign_id=campaign_id)
    copy_s = time.perf_counter() - t
    with connection.cursor() as c:
        c.execute("ANALYZE")
        c.execute("SELECT count(*) FROM outreach_visit")
        visits = c.fetchone()[0]
    peak_seed.save(phones_file, fleet)
    facts = {"campaign": campaign_id, "scale": o.scale, "changes": log_facts["rows"], "head": log_facts["last_id"],
             "xact": log_facts["xact"],
             "teams": fleet["teams"], "phones": len(fleet["phones"]), "user": fleet["phones"][0]["user"],
             "seed_s": round(seed_s, 1), "phones_s": round(phones_s, 1), "copy_s": round(copy_s, 1),
             "copy_rows_per_s": round(log_facts["rows"] / copy_s), "seed_visits": visits,
             "households": sum(len(h) for h in fleet["homes"].values())}  # fmt: skip
    facts_file.write_text(json.dumps(facts))
    rng = random.Random(5)
    cursors = [f"x.{facts['xact']}.{max(0, facts['head'] - rng.randrange(o.start_lag + 1))}" for _ in fleet["phones"]]
    (procs.WORK / "cursors.json").write_text(json.dumps(cursors))
    log(f"change log: {facts['changes']:,} rows in {copy_s:.1f} s ({facts['copy_rows_per_s']:,} rows/s)")
    connection.close()
    return facts


def in_process(facts: dict) -> tuple[dict, str]:
    import django

    django.setup()
    from django.db import connection

    from bench.peak_measure import pull_in_process, pull_plan

    rows = facts["changes"]
    lags = {"10k": 10_000}
    if rows >= 1_000_000:
        lags["1m"] = 1_000_000
    lags[full_lag_name(rows)] = rows
    out = pull_in_process(user_id=facts["user"], campaign_id=facts["campaign"], xact=facts["xact"], head=facts["head"],
                          lags=lags, runs=300, lag_runs=7)  # fmt: skip
    plan = pull_plan(user_id=facts["user"], campaign_id=facts["campaign"], xact=facts["xact"], cursor=facts["head"] - rows)
    (procs.WORK / "pull-plan.txt").write_text(plan + "\n")
    connection.close()
    return out, plan


def full_lag_name(rows: int) -> str:
    return f"{rows / 1e6:g}m".replace(".", "_") if rows >= 1_000_000 else f"{rows // 1000}k"


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[int(p * (len(values) - 1))] if values else 0.0


def run_step(o, facts: dict, port: int, meter, devices: int, seed: int, warmup: bool = False) -> dict:
    """One step: N phones for --seconds in a process of their own; its figures. The
    warm-up: 10 phones, a visit and a sync every ~2 s each, 12 s (every gunicorn worker
    imports and caches what a push and a pull need before any clock counts)."""
    out = procs.WORK / f"step-{devices}{'-warmup' if warmup else ''}.json"
    cfg = {"port": port, "devices": devices, "seconds": 12 if warmup else o.seconds, "campaign": facts["campaign"],
           "auth": o.auth, "phones": str(procs.WORK / "phones.json"), "cursors": str(procs.WORK / "cursors.json"),
           "out": str(out), "seed": seed * 100_000 + SALT, **({"visit_every": 2.0} if warmup else {})}  # fmt: skip
    config = procs.WORK / f"step-{devices}.config.json"
    config.write_text(json.dumps(cfg))
    children_before = os.times()
    child = subprocess.Popen([str(procs.VENV_BIN / "python"), str(ROOT / "bench" / "peak_load.py"), str(config)],
                             cwd=ROOT, env=procs.child_env(), stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        samples = {}
        for line in child.stdout:
            if line.strip() in ("start", "end"):
                samples[line.strip()] = (meter.sample(), loadavg(), time.perf_counter())
        if child.wait(timeout=o.seconds + 120) != 0 or len(samples) != 2:
            raise RuntimeError(f"the load generator failed (exit {child.returncode}); see the output above")
    finally:
        if child.poll() is None:
            child.kill()
    children_after = os.times()
    data = json.loads(out.read_text())
    return summarize(data, devices, samples, children_after.children_user + children_after.children_system
                     - children_before.children_user - children_before.children_system)  # fmt: skip


def summarize(data: dict, devices: int, samples: dict, child_cpu_total: float) -> dict:
    syncs = [s for _, s in data["syncs"]]
    requests = [x for per in data["requests"].values() for x in per]
    elapsed = data["elapsed"]
    from bench.peak_measure import CpuMeter

    cpu = CpuMeter.delta(samples["start"][0], samples["end"][0])
    cpu["load generator"] = round(data["cpu_s"], 2)
    busy = cpu.pop("machine")
    n = max(1, len(syncs))
    step = {
        "devices": devices, "seconds": round(elapsed, 1), "syncs": len(syncs), "errors": len(data["errors"]),
        "error_examples": data["errors"][:3], "syncs_per_s": round(len(syncs) / elapsed, 2),
        "sync_p50_ms": round(percentile(syncs, 0.5) * 1000, 1), "sync_p95_ms": round(percentile(syncs, 0.95) * 1000, 1),
        "request_p95_ms": round(percentile(requests, 0.95) * 1000, 1),
        "by_kind_p95_ms": {k: round(percentile(v, 0.95) * 1000, 1) for k, v in data["requests"].items()},
        "requests": {k: len(v) for k, v in data["requests"].items()}, "visits": data["visits"],
        "late_p95_ms": round(percentile(data["late"], 0.95) * 1000, 1), "cpu_s": cpu,
        "cpu_ms_per_sync": {k: round(1000 * v / n, 1) for k, v in cpu.items()},
        "loadgen_cpu_s_with_startup": round(child_cpu_total, 2),
        "loadavg_start": samples["start"][1], "loadavg_end": samples["end"][1],
        "machine_busy_pct": round(100 * busy / (elapsed * os.cpu_count()), 1),
        "others_busy_pct": round(100 * (busy - sum(cpu.values())) / (elapsed * os.cpu_count()), 1),
    }  # fmt: skip
    step["passed"] = step["errors"] == 0 and step["sync_p95_ms"] <= SYNC_P95_MS and step["late_p95_ms"] <= LATE_P95_MS
    return step


def step_line(s: dict) -> str:
    cpu = ", ".join(f"{k} {v}" for k, v in s["cpu_ms_per_sync"].items())
    return (f"{s['devices']:,} phones: {s['syncs_per_s']} syncs/s, sync p50 {s['sync_p50_ms']} / p95 {s['sync_p95_ms']} ms, "
            f"request p95 {s['request_p95_ms']} ms {s['by_kind_p95_ms']}, errors {s['errors']}, generator late p95 "
            f"{s['late_p95_ms']} ms; CPU ms/sync: {cpu}; machine busy {s.get('machine_busy_pct')} % "
            f"(others {s.get('others_busy_pct')} %); load {s['loadavg_end'][0]:.2f} -> "
            f"{'pass' if s['passed'] else 'FAIL'}")  # fmt: skip


def search(o, facts: dict, port: int, meter) -> list[dict]:
    """Step up until a step fails, then bisect once; within --budget seconds."""
    steps, started = [], time.perf_counter()
    log("warm-up: " + step_line(run_step(o, facts, port, meter, 10, seed=0, warmup=True)))

    def fits() -> bool:
        return time.perf_counter() - started + o.seconds + 15 <= o.budget

    for n, devices in enumerate(o.steps):
        if not fits():
            log(f"budget: no time left for the {devices:,}-phone step")
            break
        steps.append(run_step(o, facts, port, meter, devices, seed=n + 1))
        log(step_line(steps[-1]))
        if not steps[-1]["passed"]:
            break
    good = [s["devices"] for s in steps if s["passed"]]
    bad = [s["devices"] for s in steps if not s["passed"]]
    if bad and fits():
        low = max(good) if good else 0
        middle = (low + bad[0]) // 2
        if middle > low:
            steps.append(run_step(o, facts, port, meter, middle, seed=99))
            log("bisect: " + step_line(steps[-1]))
    return steps


def gunicorn_master(port: int) -> int:
    from bench.peak_measure import children_of

    for pid in children_of(os.getpid()):
        if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    raise RuntimeError("no gunicorn child found")


def main() -> int:
    o = options()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    procs.WORK.mkdir(parents=True, exist_ok=True)
    load_before = loadavg()
    procs.flush_redis()
    facts = prepare(o)
    saved = procs.WORK / "in-process.json"
    if o.reuse and saved.exists():
        # The steps since have pushed visits behind the seeded head: a pull from there is
        # no longer empty, so the figures of the fresh run stand.
        inproc, plan = json.loads(saved.read_text()), (procs.WORK / "pull-plan.txt").read_text()
    else:
        inproc, plan = in_process(facts)
        saved.write_text(json.dumps(inproc))
    log(f"in process: {inproc}")
    from bench.peak_measure import CpuMeter

    with procs.celery_worker() as worker, procs.gunicorn(o.gunicorn) as port:
        meter = CpuMeter(gunicorn_pid=gunicorn_master(port), celery_pid=worker.pid, db_name=procs.DB_NAME,
                         dsn=f"{procs.PG}/postgres")  # fmt: skip
        log(f"gunicorn ({o.gunicorn}) on 127.0.0.1:{port}, Celery worker up; load {loadavg()}")
        steps = search(o, facts, port, meter)
    from bench import peak_report

    results = peak_report.results_of(o, facts, inproc, steps, load_before, loadavg())
    (procs.WORK / "steps.json").write_text(json.dumps(steps, indent=2))
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if not o.no_docs:
        peak_report.write(results, o, facts, steps, plan, RESULTS, DOC)
        log(f"merged into {RESULTS.relative_to(ROOT)} and {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
