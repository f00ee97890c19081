"""Screenshots of the report pages for docs/screenshots/reports-<page>-<width>.png.

    DATABASE_URL=sqlite:////tmp/reports.sqlite3 .venv/bin/python -m frontend.reports.screenshots --prepare

--prepare builds the scratch database first: migrate, `seed_demo --scale 12 --households 900`
(twelve wards of Hà Nội, so the city ranking has rows), past daily snapshots reconstructed
from the visit log (outreach.reports.history) so the trend chart has a line, and a few
visits pushed today through the real sync API so the chat report has a "today". Then a dev
server on a free port, and headless Chromium (Playwright, Debian's /usr/bin/chromium) logs
in as the demo users (congan: ward police, lanhdao: city leadership, totruong: group
leader) and captures each page at 360×740 and 1366×768, full page.

Refuses to run without DATABASE_URL, so it can never write into the development database.
"""

import argparse
import datetime
import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
WIDTHS = {360: 740, 1366: 768}
CHROMIUM = "/usr/bin/chromium"


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def prepare() -> None:
    manage("migrate", "--noinput", "-v0")
    manage("seed_demo", "--scale", "12", "--households", "900")
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from households.models import Area, Household
    from outreach.reports.history import snapshots_backfill
    from outreach.models import Campaign, HouseholdState
    from outreach.rollups.services import rollups_refresh

    campaign = Campaign.objects.get()
    today = timezone.localdate()
    snapshots_backfill(campaign=campaign, first_day=campaign.start_date, last_day=today - datetime.timedelta(days=1))
    # This evening's visits in the first ward, pushed the way the phones push them.
    from django.contrib.auth import get_user_model

    police = get_user_model().objects.get(username="congan")
    ward = Area.objects.filter(kind="commune").order_by("path")[0]
    visited = HouseholdState.objects.filter(campaign=campaign).values("household_id")
    homes = list(Household.objects.filter(ward.subtree("area")).exclude(id__in=visited)
                 .prefetch_related("residents").order_by("id"))  # fmt: skip
    rng = random.Random(7)
    rng.shuffle(homes)
    now = timezone.localtime().replace(microsecond=0)
    # Spread over today so far (evening if it is evening), never into yesterday.
    midnight = now.replace(hour=0, minute=0, second=0)
    step = min(datetime.timedelta(minutes=5), (now - midnight) / 61)
    visits = []
    for n, home in enumerate(homes[:60]):
        residents = []
        for resident in home.residents.all():
            if resident.is_eligible_on(today):
                code = rng.choices(["assisted_l2_activated", "assisted_l2_registered", "interested", "absent"],
                                   weights=[5, 3, 2, 1])[0]  # fmt: skip
                residents.append({"resident": resident.id, "outcome": code})
        outcome = "nobody_home" if n % 7 == 0 else "visited"
        item = {"client_uuid": str(uuid.uuid4()), "campaign": campaign.id, "household": home.id,
                "device_time": (now - step * (n + 1)).isoformat(), "outcome": outcome,
                "residents": residents if outcome == "visited" else []}  # fmt: skip
        if outcome == "nobody_home":
            item.update(revisit_after=(now + datetime.timedelta(days=1)).replace(hour=19, minute=0).isoformat(),
                        revisit_note="Chủ hộ đi làm, về sau 19h")  # fmt: skip
        visits.append(item)
    client = Client()
    client.force_login(police)
    response = client.post("/api/v1/sync/push", data=json.dumps({"visits": visits}), content_type="application/json")
    assert response.status_code == 200, response.content
    rollups_refresh(campaign_id=campaign.id)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def pages() -> dict[str, list[tuple[str, str]]]:
    """username -> [(page name, path)]."""
    import django

    django.setup()
    from households.models import Area

    ward = Area.objects.filter(kind="commune").order_by("path")[0]
    group = Area.objects.filter(parent=ward).order_by("path")[0]
    city = ward.parent
    base = "/bao-cao"
    police = [("progress", f"{base}/{ward.id}/"), ("ranking-groups", f"{base}/{ward.id}/xep-hang/"),
              ("chat", f"{base}/{ward.id}/bao-cao-nhanh/")]  # fmt: skip
    for slug in ("chua-den", "quay-lai", "quan-tam", "vuong-mac", "goi-dien"):
        police.append((f"list-{slug}", f"{base}/{ward.id}/danh-sach/{slug}/"))
    police.append(("list-filtered", f"{base}/{ward.id}/danh-sach/goi-dien/?group={group.id}&support=on"))
    return {
        "congan": police,
        "lanhdao": [("ranking", f"{base}/{city.id}/xep-hang/"), ("progress-city", f"{base}/{city.id}/")],
        "totruong": [("ranking-turfs", f"{base}/{group.id}/xep-hang/"), ("progress-group", f"{base}/{group.id}/")],
    }


def shoot(port: int, only: set[str] | None, review: Path | None = None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from outreach.demo import DEMO_PASSWORD

    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    plan = pages()  # before Playwright starts its event loop: the ORM refuses to run inside one
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])  # fmt: skip
        for username, wanted in plan.items():
            for width, height in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                              device_scale_factor=1)  # fmt: skip
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{port}/accounts/login/")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", DEMO_PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
                for name, path in wanted:
                    if only and name not in only:
                        continue
                    page.goto(f"http://127.0.0.1:{port}{path}")
                    page.wait_for_load_state("networkidle")
                    target = OUT / f"reports-{name}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    written.append(target)
                    if review:  # viewport-sized slices, to look at each part at full size
                        total = page.evaluate("document.documentElement.scrollHeight")
                        for i, top in enumerate(range(0, total, height)):
                            clip = {"x": 0, "y": top, "width": width, "height": min(height, total - top)}
                            page.screenshot(path=str(review / f"{name}-{width}-{i}.png"), full_page=True, clip=clip)
                context.close()
        browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prepare", action="store_true", help="build the scratch database first")
    parser.add_argument("--only", nargs="*", help="page names to capture (default: all)")
    parser.add_argument("--review", type=Path, help="also write viewport-sized slices of each page here")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        parser.error("set DATABASE_URL to a scratch database, e.g. sqlite:////tmp/reports.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.config.settings")
    sys.path.insert(0, str(ROOT))
    if options.prepare:
        prepare()
    port = free_port()
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz/")
        if options.review:
            options.review.mkdir(parents=True, exist_ok=True)
        for path in shoot(port, set(options.only) if options.only else None, options.review):
            print(path.relative_to(ROOT))
    finally:
        server.terminate()
        server.wait(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
