"""Where a field-app sync spends the server's CPU, in process (no network, no gunicorn):
the three requests of one sync through Django's test client with a phone's session
cookie, on the database bench/peak.py left (tungnha_bench_peak, --reuse state).

    .venv/bin/python bench/peak_profile.py [SYNCS]

Prints the median of each request and the project's and Django's functions by cumulative
time under cProfile over SYNCS syncs (default 60); the whole profile goes to
bench/.work/peak/sync.prof. Writes nothing else but the visits it pushes.
"""

import cProfile
import json
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("BENCH_DB_NAME", "tungnha_bench_peak")
os.environ.setdefault("TUNGNHA_EMBEDDED", "1")
if not os.environ["BENCH_DB_NAME"].startswith("tungnha_bench_peak"):
    raise SystemExit("BENCH_DB_NAME must be tungnha_bench_peak[_<suffix>]")

from bench import procs  # noqa: E402

os.environ.update(procs.ENV)
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "False"  # the rollup task is only queued, as in production
WORK = procs.WORK / "peak"


def one_sync(client, phone: dict, homes: list, campaign: int, rng, times: dict, now) -> None:
    from bench.payloads import visit

    cookies = {"HTTP_COOKIE": f"sessionid={phone['session']}; csrftoken={phone['csrf']}", "HTTP_HOST": "127.0.0.1"}
    t = time.perf_counter()
    assert client.get("/app/session", **cookies).status_code == 200
    times["session"].append(time.perf_counter() - t)
    body = json.dumps({"visits": [visit(rng, campaign_id=campaign, home=rng.choice(homes), now=now)]})
    t = time.perf_counter()
    answer = client.post("/api/v1/sync/push", body, content_type="application/json", HTTP_X_CSRFTOKEN=phone["csrf"],
                         **cookies)  # fmt: skip
    times["push"].append(time.perf_counter() - t)
    assert answer.status_code == 200 and answer.json()["results"][0]["status"] == "accepted", answer.content[:200]
    t = time.perf_counter()
    answer = client.get("/api/v1/sync/pull", {"campaign": campaign, "cursor": phone["cursor"]}, HTTP_ACCEPT_ENCODING="gzip",
                        **cookies)  # fmt: skip
    times["pull"].append(time.perf_counter() - t)
    assert answer.status_code == 200, answer.content[:200]


def main() -> int:
    syncs = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from bench.fixtures import Home

    fleet = json.loads((WORK / "phones.json").read_text())
    cursors = json.loads((WORK / "cursors.json").read_text())
    facts = json.loads((WORK / "facts.json").read_text())
    rng = random.Random(time.time())
    phones = [{**p, "cursor": cursors[n]} for n, p in enumerate(fleet["phones"][:20])]
    homes = {int(k): [Home(h[0], h[1], h[2], [tuple(r) for r in h[3]]) for h in v] for k, v in fleet["homes"].items()}
    client, now = Client(), timezone.now()
    times = {"session": [], "push": [], "pull": []}
    for n in range(syncs + 10):  # the first 10 warm up; the rest timed without the profiler
        one_sync(client, phones[n % 20], homes[phones[n % 20]["team"]], facts["campaign"], rng, times, now)
    print("without the profiler:", {k: f"median {statistics.median(v[10:]) * 1000:.1f} ms" for k, v in times.items()})
    times = {"session": [], "push": [], "pull": []}
    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(syncs):
        one_sync(client, phones[n % 20], homes[phones[n % 20]["team"]], facts["campaign"], rng, times, now)
    profiler.disable()
    profiler.dump_stats(WORK / "sync.prof")
    print("under cProfile:", {k: f"median {statistics.median(v) * 1000:.1f} ms" for k, v in times.items()})
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(r"(outreach|households|frontend|django/(contrib|middleware|core/handlers|db/backends)|rest_framework)", 40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
