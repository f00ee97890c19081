"""Server time of the report pages on PostgreSQL, and whether it grows with the residents.

    .venv/bin/python bench/dashboards.py [--households 600] [--requests 20] [--factor 10]

Resets the database tungnha_dash (never any other), migrates, seeds 100 wards of Hà Nội
(`seed_demo --scale 100 --households 600`: fewer households per ward than the demo's 2.000,
so the seed stays within a few minutes on 2 cores), gives every area eight past daily
snapshots (so the ranking has a "last week" and the dashboard a trend), then measures
in-process with Django's test Client, after a warm-up, the median server time of 20
requests of

    ranking_page      the city's ranking of its 100 wards (the province leader)
    commune_dashboard a ward's progress page: figures, trend chart, forecast (the police)

and the number of SQL queries each makes (the median is taken three times and the lowest
kept, against the noise of a shared machine). Then it multiplies the residents tenfold in the
same areas (copies of every resident inserted into the same households, in SQL), rebuilds
the rollups with outreach.rollups.rollups_rebuild and measures again: the pages read
rollups and snapshots, so the _10x figures should match the first ones.

Merges ranking_page_ms, commune_dashboard_ms, ranking_page_ms_10x,
commune_dashboard_ms_10x, ranking_page_queries, commune_dashboard_queries (and a few
context figures) into bench/results.json, keeping the keys already there, and prints them.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, sys.path[0] is bench/: put the project first, so nothing here can shadow
# a standard-library module and the project's packages import by name.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

PG = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DASH_DB_NAME", "tungnha_dash")  # dropped and re-created
if not DB_NAME.startswith("tungnha_dash") or not DB_NAME.replace("_", "").isalnum():
    raise SystemExit(f"BENCH_DASH_DB_NAME must be tungnha_dash or tungnha_dash_<suffix>, not {DB_NAME!r}")
RESULTS = ROOT / "bench" / "results.json"
WORK = ROOT / "bench" / ".work"
SCALE = 100
PAST_DAYS = 8
ENV = {
    "DATABASE_URL": f"{PG}/{DB_NAME}",
    "DJANGO_SETTINGS_MODULE": "outreach.config.settings",
    "DEBUG": "False",  # as in production: no query log kept in memory, no debug pages
    "CELERY_TASK_ALWAYS_EAGER": "True",
    "LOG_LEVEL": "WARNING",
    "DB_CONN_MAX_AGE": "600",
    "PYTHONPATH": str(ROOT),
}
os.environ.update(ENV)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def reset_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def manage(*args: str, log_name: str) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    with open(WORK / log_name, "w") as out:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **ENV}, stdout=out,
                       stderr=subprocess.STDOUT, check=True, timeout=3600)  # fmt: skip


def past_snapshots(campaign_id: int, today: datetime.date) -> None:
    """Snapshots for the PAST_DAYS days before today: today's counters scaled down a little
    per day and per area, so ranks move from one week to the next. Benchmark data only."""
    from django.db import connection

    from outreach.models import AreaDailySnapshot
    from outreach.rollups.models import RollupCounts

    counters = RollupCounts.COUNTERS
    scaled = ", ".join(
        f"{c}" if c in ("households_total", "residents_eligible")
        else f"floor({c} * (1 - d * (0.01 + 0.02 * (mod(area_id, 7) / 7.0))))::int"
        for c in counters
    )  # fmt: skip
    AreaDailySnapshot.objects.filter(campaign_id=campaign_id, day__lt=today).delete()
    table = AreaDailySnapshot._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (campaign_id, area_id, day, {', '.join(counters)}) "
            f"SELECT campaign_id, area_id, day - d, {scaled} FROM {table} "
            f"CROSS JOIN generate_series(1, %s) AS d WHERE campaign_id = %s AND day = %s",
            [PAST_DAYS, campaign_id, today],
        )
        cursor.execute(f"ANALYZE {table}")


def vacuum() -> None:
    """After a bulk load: fresh planner statistics, no autovacuum starting under the timing,
    and the load's dirty pages written out now (CHECKPOINT) rather than by the checkpointer
    while the pages are timed, which tripled the first figures in trial runs."""
    import psycopg

    with psycopg.connect(ENV["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")
    subprocess.run(["sync"], check=False)
    time.sleep(2)


def multiply_residents(factor: int) -> int:
    """Insert factor-1 copies of every resident into the same household (no ID number or
    client UUID, which are unique), in one INSERT ... SELECT."""
    from django.db import connection

    from households.models import Resident

    table = Resident._meta.db_table
    columns = [f.column for f in Resident._meta.concrete_fields if f.column not in ("id",)]
    values = [("NULL" if c in ("id_number", "client_uuid") else c) for c in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {table} "
            f"CROSS JOIN generate_series(1, %s) AS copy",
            [factor - 1],
        )
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


def measure(client, url: str, *, requests: int, rounds: int = 3, warmup: int = 5) -> tuple[float, int]:
    """Median milliseconds of `requests` GETs after `warmup`, and the queries of one GET.
    The median is taken `rounds` times and the lowest kept: on a shared 2-core machine a
    neighbour's burst otherwise decides the figure more than the page does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
    medians = []
    for _ in range(rounds):
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
        medians.append(statistics.median(times))
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return round(min(medians), 1), len(queries)


DOC = ROOT / "docs" / "benchmarks.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=600, help="households per ward (demo: 2.000)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--factor", type=int, default=10, help="how many times the residents are multiplied")
    options = parser.parse_args()
    started = time.perf_counter()
    results: dict = {}

    log(f"resetting the database {DB_NAME}")
    reset_database()
    manage("migrate", "--noinput", log_name="dash-migrate.log")
    log(f"seed_demo --scale {SCALE} --households {options.households}")
    t = time.perf_counter()
    manage("seed_demo", "--scale", str(SCALE), "--households", str(options.households), log_name="dash-seed.log")
    results["dashboards_seed_s"] = round(time.perf_counter() - t, 1)
    log(f"seeded in {results['dashboards_seed_s']} s")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from households.models import Area, AreaKind, Resident
    from outreach.models import Campaign
    from outreach.rollups.services import rollups_rebuild

    campaign = Campaign.objects.get()
    today = timezone.localdate()
    past_snapshots(campaign.id, today)
    vacuum()
    city = Area.objects.get(kind=AreaKind.PROVINCE)
    ward = Area.objects.filter(kind=AreaKind.COMMUNE).order_by("path").first()
    users = get_user_model().objects
    pages = {
        "ranking_page": (users.get(username="lanhdao"), reverse("reports:ranking", args=[city.id])),
        "commune_dashboard": (users.get(username="congan"), reverse("reports:progress", args=[ward.id])),
    }
    clients = {}
    for name, (user, _url) in pages.items():
        clients[name] = Client()
        clients[name].force_login(user)
    results["dashboards_wards"] = Area.objects.filter(kind=AreaKind.COMMUNE).count()
    results["dashboards_residents"] = Resident.objects.count()

    for suffix in ("", f"_{options.factor}x"):
        if suffix:
            log(f"multiplying the residents by {options.factor}")
            t = time.perf_counter()
            results[f"dashboards_residents{suffix}"] = multiply_residents(options.factor)
            rollups_rebuild(campaign=campaign)
            past_snapshots(campaign.id, today)
            vacuum()
            results[f"dashboards_rebuild{suffix}_s"] = round(time.perf_counter() - t, 1)
            log(f"{results[f'dashboards_residents{suffix}']} residents; rollups rebuilt in "
                f"{results[f'dashboards_rebuild{suffix}_s']} s")  # fmt: skip
        for name, (_user, url) in pages.items():
            ms, queries = measure(clients[name], url, requests=options.requests)
            results[f"{name}_ms{suffix}"] = ms
            if not suffix:
                results[f"{name}_queries"] = queries
            elif queries != results[f"{name}_queries"]:
                results[f"{name}_queries{suffix}"] = queries
            log(f"{name}{suffix}: {ms} ms (lowest of 3 medians of {options.requests}), {queries} queries ({url})")

    # The nightly recount (rollups_daily: rollups_rebuild of each active campaign) at the
    # multiplied size, alone this time, and extrapolated linearly to a city of 8 million.
    times = []
    for _ in range(3):
        t = time.perf_counter()
        rollups_rebuild(campaign=campaign)
        times.append(time.perf_counter() - t)
    residents = results[f"dashboards_residents_{options.factor}x"]
    results["nightly_recount_s"] = round(statistics.median(times), 1)
    results["nightly_recount_8m_s"] = round(statistics.median(times) * 8_000_000 / residents, 1)
    log(f"nightly recount: {results['nightly_recount_s']} s for {residents:,} residents "
        f"(≈ {results['nightly_recount_8m_s']} s for 8,000,000)")  # fmt: skip

    results["dashboards_run_s"] = round(time.perf_counter() - started, 1)
    merged = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    merged.update(results)
    RESULTS.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    write_page(results, options)
    for key, value in results.items():
        print(f"{key:32} {value}")
    return 0


TARGETS = {
    "ranking_page_ms": ("<=", 100, "ms", "server time of the province ranking"),
    "commune_dashboard_ms": ("<=", 100, "ms", "server time of a ward's progress page"),
    "ranking_page_ms_10x": ("<=", 100, "ms", "the same with ten times the residents"),
    "commune_dashboard_ms_10x": ("<=", 100, "ms", "the same with ten times the residents"),
    "nightly_recount_8m_s": ("<=", 60, "s", "the nightly recount of a campaign for 8 million residents"),
}
LABELS = {
    "dashboards_wards": ("Wards (communes) seeded", ""),
    "dashboards_residents": ("Residents", ""),
    "ranking_page_ms": ("Province ranking of its wards", "ms"),
    "ranking_page_queries": ("Province ranking, SQL queries", ""),
    "commune_dashboard_ms": ("Ward progress page (figures, trend chart, forecast)", "ms"),
    "commune_dashboard_queries": ("Ward progress page, SQL queries", ""),
    "dashboards_residents_10x": ("Residents after multiplying them", ""),
    "ranking_page_ms_10x": ("Province ranking, 10× residents", "ms"),
    "ranking_page_queries_10x": ("Province ranking, SQL queries, 10× residents", ""),
    "commune_dashboard_ms_10x": ("Ward progress page, 10× residents", "ms"),
    "commune_dashboard_queries_10x": ("Ward progress page, SQL queries, 10× residents", ""),
    "nightly_recount_s": ("Nightly recount of the campaign (rollups_rebuild), 10× residents", "s"),
    "nightly_recount_8m_s": ("The same, extrapolated linearly to 8,000,000 residents", "s"),
}


def write_page(results: dict, options) -> None:
    from bench import report

    text = f"""## Report pages on PostgreSQL (`bench/dashboards.py`)

Part of `make bench`; last run **{report.now_text()}**, {results['dashboards_run_s']:.0f} s in all,
load average after it {" / ".join(f"{x:.2f}" for x in os.getloadavg())} on {os.cpu_count()} shared cores.

{chr(10).join(report.figure_rows(results, LABELS, TARGETS))}

- **Data:** `seed_demo --scale {SCALE} --households {options.households}` (the wards of a city, Vietnamese
  names and addresses, a campaign under way) plus eight past daily snapshots per area; then every
  resident copied {options.factor - 1} more times into the same households and the rollups rebuilt, for the
  `_10x` figures. Same areas, ten times the people: the pages read rollups and snapshots, never
  residents, so the two columns should agree, and so should the query counts.
- **Measure:** in-process with Django's test Client signed in as the city leader and the ward police
  (the full middleware and template rendering, no network), after a warm-up: the median server time of
  {options.requests} requests, taken three times, the lowest median kept (the machine is shared). The query
  count is the same page's, and `tests/test_reports_*` assert it does not grow with the rows shown.
- **Nightly recount:** `rollups_rebuild` (what `rollups_daily` runs per active campaign each night)
  timed alone at the multiplied size, median of three, then scaled by 8,000,000 ÷ the residents
  counted: linear, as its two grouped queries per 200 groups read each household and resident once.
"""
    report.write_section(text, DOC, owner="bench/dashboards.py")


if __name__ == "__main__":
    sys.exit(main())
