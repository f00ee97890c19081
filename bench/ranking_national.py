"""The ranking at national scale: the official map (34 provinces, 3,321 communes) and a
campaign's rollups for every commune, the ranking pages measured in process.

    .venv/bin/python bench/ranking_national.py [--requests 15]

Loads the map with `manage.py load_areas` into a fresh database of its own
(tungnha_bench_national, dropped and made again; the load's time is reported), gives
every commune a quota, a rollup and a snapshot of a week ago, and times with Django's test
Client, as the country's leadership would open them:

    ranking_national_provinces_ms   the country's 34 provinces
    ranking_national_communes_ms    every commune of the country, first page (100 rows)
    ranking_national_search_ms      the same, searched ("phuong ba dinh")
    ranking_national_whole_ms       baseline: all 3,321 communes on one page, as the
                                    ranking rendered every unit before it was paged

with the size of each page. Lowest of 3 medians of --requests GETs, after a warm-up.
Target: the communes' page under 100 ms. Merged into bench/results.json and a section of
docs/benchmarks.md.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("BENCH_DB_NAME", "tungnha_bench_national")

from bench import procs  # noqa: E402

os.environ.update(procs.ENV)
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "True"  # nothing queued: the pages read what is stored

RESULTS = ROOT / "bench" / "results.json"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def setup() -> dict:
    procs.reset_database()
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("load_areas", stdout=StringIO())
    return {"load_areas_s": round(time.perf_counter() - started, 2)}


def campaign_figures() -> tuple:
    """A campaign, and for every commune a quota, a rollup now and a snapshot a week ago,
    in bulk: spread so that ranks, ties and week-on-week changes all occur."""
    from django.utils import timezone

    from households.models import Area, AreaKind
    from outreach.models import AreaDailySnapshot, AreaRollup, Campaign, Quota

    today = timezone.localdate()
    campaign = Campaign.objects.create(name="Kích hoạt VNeID mức 2", target_level=2, start_date=today - datetime.timedelta(days=30),
                                       deadline=today + datetime.timedelta(days=30))  # fmt: skip
    communes = list(Area.objects.filter(kind=AreaKind.COMMUNE).order_by("code"))
    Quota.objects.bulk_create([Quota(campaign=campaign, area=a, activated_target=2000 + n % 700,
                                     registered_target=2000 + n % 700) for n, a in enumerate(communes)])  # fmt: skip
    AreaRollup.objects.bulk_create([AreaRollup(campaign=campaign, area=a, level2_activated=(n * 37) % 1900)
                                    for n, a in enumerate(communes)])  # fmt: skip
    AreaDailySnapshot.objects.bulk_create([AreaDailySnapshot(campaign=campaign, area=a, day=today - datetime.timedelta(days=7),
                                                             level2_activated=(n * 29) % 1500)
                                           for n, a in enumerate(communes)])  # fmt: skip
    from django.db import connection

    with connection.cursor() as cursor:  # statistics, as autovacuum would have them by evening
        cursor.execute("ANALYZE")
    return campaign, len(communes)


def measure(client, url: str, requests: int) -> tuple[float, int]:
    for _ in range(3):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
    medians = []
    for _ in range(3):
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        medians.append(statistics.median(times))
    return round(min(medians), 1), len(response.content)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=15)
    args = parser.parse_args()
    results = setup()
    log(f"load_areas: {results['load_areas_s']} s")
    campaign, communes = campaign_figures()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from frontend.reports import ranking_views
    from households.models import Area, AreaKind
    from outreach.models import Role, RoleGrant

    country = Area.objects.get(kind=AreaKind.COUNTRY)
    leader = get_user_model().objects.create_user("lanhdao_quocgia", password="x")
    RoleGrant.objects.create(user=leader, area=country, role=Role.PROVINCE_LEADER)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(leader)
    base = reverse("reports:ranking", args=[country.id]) + f"?campaign={campaign.id}"
    pages = {"provinces": base, "communes": base + "&don-vi=xa", "search": base + "&don-vi=xa&q=phuong+ba+dinh"}
    results["ranking_national_provinces"] = Area.objects.filter(kind=AreaKind.PROVINCE).count()
    results["ranking_national_communes"] = communes
    for name, url in pages.items():
        ms, size = measure(client, url, args.requests)
        results[f"ranking_national_{name}_ms"], results[f"ranking_national_{name}_bytes"] = ms, size
        log(f"{name}: {ms} ms, {size:,} bytes")
    ranking_views.PAGE_ROWS = 10_000  # the baseline: every commune on one page
    ms, size = measure(client, pages["communes"], args.requests)
    results["ranking_national_whole_ms"], results["ranking_national_whole_bytes"] = ms, size
    log(f"whole (baseline): {ms} ms, {size:,} bytes")
    results["ranking_national_loadavg"] = round(os.getloadavg()[0], 2)
    merged = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps({**merged, **results}, indent=2, ensure_ascii=False) + "\n")
    write_page(results)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


TARGETS = {"ranking_national_communes_ms": ("<=", 100, "ms", "every commune of the country, a page, under 100 ms")}
LABELS = {
    "load_areas_s": ("`load_areas`: the official map into an empty database", "s"),
    "ranking_national_provinces_ms": ("The country's provinces", "ms"),
    "ranking_national_communes_ms": ("Every commune of the country, first page", "ms"),
    "ranking_national_search_ms": ("The same, searched", "ms"),
    "ranking_national_whole_ms": ("Baseline: every commune on one page", "ms"),
    "ranking_national_communes_bytes": ("Page size, first page of communes", "B"),
    "ranking_national_whole_bytes": ("Page size, every commune on one page", "B"),
}


def write_page(results: dict) -> None:
    from bench import report

    text = f"""## The ranking at national scale (`bench/ranking_national.py`)

Part of `make bench`; last run **{report.now_text()}**, load average {results['ranking_national_loadavg']:.2f}.

{chr(10).join(report.figure_rows(results, LABELS, TARGETS))}

- **Input:** the official map of 1 July 2025 loaded by `manage.py load_areas`
  ({results['ranking_national_provinces']} provinces, {results['ranking_national_communes']:,} communes, wards and
  special zones under the national root), a campaign with a quota, a rollup and a snapshot of
  a week ago for every commune, on PostgreSQL.
- **Method:** Django's test Client in process, as the country's leadership (a leader's role
  granted at the national root); lowest of three medians of the timed GETs, after a warm-up.
  The ranking ranks every commune (four queries) and renders a page of 100; the baseline
  renders all of them on one page, as the ranking did before it was paged.
"""
    report.write_section(text, ROOT / "docs" / "benchmarks.md", owner="bench/ranking_national.py")


if __name__ == "__main__":
    sys.exit(main())
