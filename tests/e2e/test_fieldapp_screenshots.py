"""Screenshots of the field app at 360×740 in Vietnamese, with a lane of realistic
households: the walk list, a household, the outbox and the progress view.

Runs with the browser tests and checks that each screen renders; it writes the pictures
to docs/screenshots/fieldapp-*.png only when TUNGNHA_SCREENSHOTS=1 (otherwise to a
temporary folder, so a test run leaves the work tree alone):

    TUNGNHA_SCREENSHOTS=1 .venv/bin/python -m pytest tests/e2e/test_fieldapp_screenshots.py
"""

import datetime
import os
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from households.models import Turf
from households.services import household_create, household_update, resident_create
from outreach.models import Assignment
from outreach.sync.push import sync_push
from tests.fixtures import build_world

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# (house number, residents: (name, birth date or year, sex, flags)), along Ngõ 12 Đội Cấn.
LANE = [
    ("2", [("Nguyễn Văn Hùng", "1968-03-12", "M", {}), ("Lê Thị Mai", "1971-09-02", "F", {}),
           ("Nguyễn Thu Trang", "2008-05-20", "F", {}), ("Nguyễn Minh Khôi", 2016, "M", {})]),
    ("4", [("Trần Thị Hoà", 1941, "F", {"elderly_alone": True})]),
    ("6", [("Phạm Quốc Toản", "1985-11-30", "M", {}), ("Đỗ Thị Ngọc Ánh", "1989-01-15", "F", {})]),
    ("8", [("Vũ Đình Long", "1957-07-07", "M", {"disabled": True}), ("Vũ Thị Lan", "1960-02-28", "F", {})]),
    ("10", [("Hoàng Văn Thắng", "1979-04-04", "M", {}), ("Bùi Thị Hạnh", "1982-12-01", "F", {}),
            ("Hoàng Gia Bảo", "2010-10-10", "M", {})]),
    ("12", [("Đặng Thị Thu", "1995-06-18", "F", {})]),
    ("14", [("Ngô Văn Sơn", "1950-08-19", "M", {"sick": True}), ("Ngô Thị Huệ", "1953-03-03", "F", {})]),
    ("16", [("Lý Minh Tuấn", "1992-09-09", "M", {}), ("Trịnh Thị Yến", "1994-04-22", "F", {})]),
    ("18", [("Mai Xuân Trường", "1975-05-05", "M", {}), ("Mai Thị Hồng", "1977-07-17", "F", {})]),
    ("20", [("Cao Thị Nga", "1966-12-12", "F", {})]),
    ("22", [("Đinh Công Mạnh", "1988-02-14", "M", {}), ("Đinh Thị Phương", "1990-08-08", "F", {})]),
    ("24", [("Tạ Văn Hiếu", "1999-11-11", "M", {})]),
]  # fmt: skip


def build_lane(world):
    households = []
    for number, people in LANE:
        h = household_create(area=world.group1, turf=world.turf_a, house_number=number, lane="Ngõ 12",
                             street="Phố Đội Cấn")  # fmt: skip
        residents = []
        for name, born, sex, flags in people:
            when = {"birth_date": datetime.date.fromisoformat(born)} if isinstance(born, str) else {"birth_year": born}
            residents.append(resident_create(household=h, full_name=name, sex=sex, **when, **flags))
        households.append((h, residents))
    return households


def teammates_visits(world, households):
    """What Bob recorded earlier this evening: states for the list to show."""
    now = timezone.localtime()
    at = lambda minutes: (now - datetime.timedelta(minutes=minutes)).isoformat()  # noqa: E731
    tonight = now.replace(hour=19, minute=0, second=0, microsecond=0) + datetime.timedelta(days=now.hour >= 19)

    def visit(h, outcome, residents=(), minutes=60, **extra):
        return {"client_uuid": str(uuid.uuid4()), "campaign": world.campaign.id, "household": h.id,
                "device_time": at(minutes), "outcome": outcome, "residents": list(residents), **extra}  # fmt: skip

    (h2, r2), (h4, r4), (h6, r6), (h8, r8), (h10, r10) = households[:5]
    items = [
        visit(h2, "visited", [{"resident": r2[0].id, "outcome": "assisted_l2_activated"},
                              {"resident": r2[1].id, "outcome": "already_activated_l2"},
                              {"resident": r2[2].id, "outcome": "assisted_l2_activated"}], minutes=20),
        visit(h4, "nobody_home", minutes=16, revisit_after=tonight.isoformat(), revisit_note="sau 19:00"),
        visit(h6, "visited", [{"resident": r6[0].id, "outcome": "interested", "reason": "no_otp"},
                              {"resident": r6[1].id, "outcome": "assisted_l2_registered"}], minutes=12),
        visit(h10, "visited", [{"resident": r10[0].id, "outcome": "not_interested"},
                               {"resident": r10[1].id, "outcome": "assisted_l1_activated"}], minutes=8),
    ]  # fmt: skip
    results = sync_push(user=world.bob, raw_items=items)
    assert all(r["status"] == "accepted" for r in results), results


def test_it_takes_the_field_app_screenshots(transactional_db, live_server, phone, tmp_path):
    world = build_world(households_per_turf=0)
    households = build_lane(world)
    teammates_visits(world, households)
    # A lane the group leader will give to another team while Alice is offline.
    lane = Turf.objects.create(area=world.group1, name="Ngách 12/5 Đội Cấn", kind=Turf.Kind.LANE)
    Assignment.objects.create(campaign=world.campaign, turf=lane, team=world.team_a)
    moved = household_create(area=world.group1, turf=lane, house_number="3", lane="Ngách 12/5", street="Phố Đội Cấn")
    resident_create(household=moved, full_name="Kiều Thị Loan", birth_year=1958, sex="F")

    out = DOCS if os.environ.get("TUNGNHA_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    phone.sign_in("alice")
    page = phone.page

    # A visit to a household that the leader then moves to team B's lane: the server will
    # reject it (a lane handed over as a whole would take it).
    phone.offline()
    phone.record_visit(moved.id, outcome="nobody_home", revisit="weekend")
    household_update(household=moved, turf=world.turf_b)
    phone.offline(False)
    phone.wait_queue_empty()
    # Two visits sent, then three on the phone with no signal.
    (h12, r12), (h14, r14), (h16, r16), (h18, r18), (h20, r20) = households[5:10]
    phone.record_visit(h12.id, outcome="visited", resident_outcomes={r12[0].id: "assisted_l2_activated"})
    phone.wait_queue_empty()
    phone.offline()
    phone.record_visit(h14.id, outcome="visited", resident_outcomes={r14[0].id: "assisted_l2_registered",
                                                                     r14[1].id: "interested"})  # fmt: skip
    phone.record_visit(h16.id, outcome="nobody_home", revisit="evening", note="Anh Tuấn đi làm về muộn")
    phone.record_visit(h18.id, outcome="refused")

    def shoot(name, hash_, ready):
        phone.go(hash_)
        page.wait_for_selector(ready)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(out / f"fieldapp-{name}.png"))

    # The lane Alice opened last is now empty: the list as she switches back to her street.
    phone.go("#/")
    page.select_option("#turf", str(households[0][0].turf_id))
    shoot("walklist", "#/", ".walk li a")
    # A household mid-visit: met; one resident activated, the other interested but
    # without a smartphone.
    (h22, r22) = households[10]
    phone.open_household(h22.id)
    page.click('[data-ho="visited"]')
    page.click(f'[data-r="{r22[0].id}"] [data-ro="assisted_l2_activated"]')
    page.click(f'[data-r="{r22[1].id}"] [data-ro="interested"]')
    page.select_option(f'[data-r="{r22[1].id}"] [data-reason]', "no_smartphone")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(out / "fieldapp-household.png"))
    page.locator(f'[data-r="{r22[0].id}"]').evaluate("el => window.scrollTo(0, el.offsetTop - 70)")
    page.screenshot(path=str(out / "fieldapp-household-residents.png"))
    shoot("outbox", "#/outbox", "#rejected li")
    shoot("progress", "#/progress", ".stats")
    for name in ("walklist", "household", "household-residents", "outbox", "progress"):
        assert (out / f"fieldapp-{name}.png").stat().st_size > 5000
