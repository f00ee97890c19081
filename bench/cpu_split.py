"""Where a push's CPU goes, by process: gunicorn, PostgreSQL, the Celery worker, Redis and
the load generator, in milliseconds per 50-visit batch, read from /proc around a push-only
run. For trying server settings and changes to the push on the database an earlier
`bench/run.py` left (it needs its fixtures); writes nothing but what it prints.

    .venv/bin/python bench/cpu_split.py ["GUNICORN ARGS"] [BATCHES_PER_CLIENT]

e.g. `bench/cpu_split.py "-w 4" 30`. Runs are short: compare several, on an idle machine.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench import procs  # noqa: E402

os.environ.update(procs.ENV)
KINDS = (("gunicorn", "gunicorn"), ("celery", "celery"), ("redis", "redis"), ("cpu_split.py", "bench"))


def cpu_by_kind() -> dict[str, float]:
    """CPU seconds (user + system) of every process on the machine, summed by kind."""
    ticks = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kind = "postgres" if command.startswith("postgres") else next(
            (name for needle, name in KINDS if needle in command), "other")  # fmt: skip
        out[kind] = out.get(kind, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return out


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from bench import client as bc
    from bench.fixtures import PASSWORD, load_fixtures
    from bench.payloads import batches_for
    from bench.run import BATCH_SIZE, CLIENTS

    args = sys.argv[1] if len(sys.argv) > 1 else procs.DEFAULT_GUNICORN_ARGS
    per_client = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    fx = load_fixtures(clients=CLIENTS)
    salt, now = int(time.time()) * 100, timezone.now()
    bodies = [batches_for(c, campaign_id=fx.campaign_id, count=per_client + 1, size=BATCH_SIZE, seed=salt + i, now=now)
              for i, c in enumerate(fx.pushers)]  # fmt: skip
    connection.close()
    with procs.celery_worker(), procs.gunicorn(args) as port:
        tokens = [bc.obtain_token(port, c.username, PASSWORD) for c in fx.pushers]
        bc.run_phase(port, tokens, [[b.body for b in bs[:1]] for bs in bodies], "/api/v1/sync/push")  # warm-up
        before = cpu_by_kind()
        run = bc.run_phase(port, tokens, [[b.body for b in bs[1:]] for bs in bodies], "/api/v1/sync/push")
        after = cpu_by_kind()
    bc.check(run, "accepted", [BATCH_SIZE] * CLIENTS)
    batches = CLIENTS * per_client
    split = {k: 1000 * (after[k] - before.get(k, 0.0)) / batches for k in sorted(after)}
    print(f"gunicorn {args}: {batches * BATCH_SIZE / run.elapsed:,.0f} visits/s; CPU ms per batch: "
          + ", ".join(f"{k} {v:.1f}" for k, v in split.items()) + f"; total {sum(split.values()):.1f}; "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
