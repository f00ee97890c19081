"""The field app in a real Chromium at a phone's size: offline for days, the push answer
lost on the way, a new release while visits wait, a visit the server rejects, and the
session ending with visits still on the phone. In every case the server ends up with each
visit exactly once, and the phone never drops one."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError

import outreach.api.views
from households.models import Turf
from households.services import household_create, household_update, resident_create
from outreach.models import Assignment, Visit
from tests.fixtures import build_world

from .conftest import Phone

pytestmark = pytest.mark.browser


def server_visits() -> list[str]:
    return [str(u) for u in Visit.objects.values_list("client_uuid", flat=True)]


def database_down(**kwargs):
    raise OperationalError("the database is down")


def test_it_keeps_30_visits_offline_through_a_reload_and_a_restart_and_sends_each_once(
    transactional_db, live_server, playwright, tmp_path, monkeypatch
):
    world = build_world(households_per_turf=15)
    phone = Phone(playwright, tmp_path / "profile", live_server.url).open()
    phone.sign_in("alice")
    phone.offline()

    # 30 visits along the lane, the way a team walks it: save, then "next house".
    first = world.households_a[0]
    residents = {h.id: list(h.residents.order_by("id")) for h in world.households_a}
    phone.open_household(first.id)
    for n in range(30):
        page = phone.page
        household_id = int(page.url.rsplit("/", 1)[-1])
        if n % 3 == 0:
            adult = residents[household_id][0]
            phone.record_visit(outcome="visited", resident_outcomes={adult.id: "assisted_l2_activated"})
        elif n % 3 == 1:
            phone.record_visit(outcome="nobody_home", revisit="evening", note="Hẹn sau 19:00, nhà có cụ già")
        else:
            phone.record_visit(outcome="refused")
        if page.locator("#next").count():
            page.click("#next")
        else:
            phone.open_household(first.id)
        page.wait_for_selector("#visit [data-ho]")
    assert phone.queued_count() == 30
    assert Visit.objects.count() == 0

    # Reload with no network: the shell comes from the service worker, the queue from IndexedDB.
    phone.page.reload()
    phone.page.wait_for_selector("#view h1")
    phone.go("#/outbox")
    phone.page.wait_for_selector("#queued li")
    assert phone.page.locator("#queued li").count() == 30
    assert "Ngoại tuyến" in phone.page.inner_text("#sync")

    # The phone is switched off and on again (same profile), still with no signal.
    # Chromium's Background Sync wakes the service worker as the browser starts, before
    # the offline emulation reaches the worker, and it would send the outbox right away;
    # a phone with no signal would not. The server answers 503 meanwhile: the one answer
    # the phone must retry, so the items must stay queued.
    working = outreach.api.views.sync_push
    monkeypatch.setattr(outreach.api.views, "sync_push", database_down)
    phone.close()
    phone.open(offline=True)
    phone.start()
    phone.go("#/outbox")
    phone.page.wait_for_selector("#queued li")
    assert phone.page.locator("#queued li").count() == 30
    assert Visit.objects.count() == 0

    monkeypatch.setattr(outreach.api.views, "sync_push", working)
    phone.offline(False)  # the signal comes back: the online event sends the outbox
    phone.wait_queue_empty()
    uuids = server_visits()
    assert len(uuids) == 30 and len(set(uuids)) == 30
    assert all(v.recorded_by_id == world.alice.id for v in Visit.objects.all())
    phone.close()


def test_it_sends_each_visit_once_when_the_push_answer_is_lost(transactional_db, live_server, phone):
    world = build_world(households_per_turf=5)
    phone.sign_in("alice")
    phone.offline()
    for household in world.households_a:
        phone.record_visit(household.id, outcome="nobody_home", revisit="tomorrow")
    assert phone.queued_count() == 5

    # The server stores the batch, then the connection drops before the phone reads the
    # answer: to the phone it is a network error, so the items must stay queued.
    lost = []

    def lose_the_answer(route):
        if not lost:
            response = route.fetch()
            lost.append(response.json())
            route.abort("connectionreset")
        else:
            route.continue_()

    # On the context, so it covers the service worker's requests as well as the page's.
    phone.context.route("**/api/v1/sync/push", lose_the_answer)
    with phone.context.expect_event("requestfailed", lambda request: "sync/push" in request.url):
        phone.offline(False)
    assert phone.queued_count() == 5  # to the phone nothing was received
    phone.page.click("#sync")  # "sync now" rather than wait for the backoff timer
    phone.wait_queue_empty()
    # The first push was stored and its answer lost; the phone kept the items, retried
    # with the same UUIDs, and the server answered "duplicate": each visit is stored once.
    assert [r["status"] for r in lost[0]["results"]] == ["accepted"] * 5
    uuids = server_visits()
    assert len(uuids) == 5 and len(set(uuids)) == 5
    sent = phone.page.evaluate("async () => (await self.TN.outbox.sent()).map((s) => s.status)")
    assert sent == ["duplicate"] * 5
    attempts = phone.page.evaluate("async () => (await self.TN.outbox.sent()).map((s) => s.attempts)")
    assert attempts == [1] * 5


def test_it_sends_visits_queued_before_a_new_release_after_the_update(
    transactional_db, live_server, phone, settings, monkeypatch, tmp_path
):
    import pwa.app_settings

    world = build_world(households_per_turf=10)
    phone.sign_in("alice")
    assert phone.page.evaluate("document.documentElement.dataset.dbVersion") == "1"
    phone.offline()
    for household in world.households_a:
        phone.record_visit(household.id, outcome="refused", note="Không mở cửa")
    assert phone.queued_count() == 10
    # Hold every push back until the new release runs, so what sends them is the update.
    phone.context.route("**/api/v1/sync/push", lambda route: route.abort("internetdisconnected"))

    # Deploy a new release: a new service worker version and a new IndexedDB schema step.
    static = settings.BASE_DIR / "frontend" / "static"
    release = tmp_path / "release"
    (release / "fieldapp").mkdir(parents=True)
    db_js = (static / "fieldapp" / "db.js").read_text(encoding="utf-8")
    marker = "    // @next-migration"
    assert marker in db_js
    step = '    (db, tx) => tx.objectStore("outbox").createIndex("createdAt", "createdAt"),\n'
    (release / "fieldapp" / "db.js").write_text(db_js.replace(marker, step + marker), encoding="utf-8")
    worker = (static / "frontend" / "serviceworker.js").read_text(encoding="utf-8")
    assert 'const VERSION = "' in worker
    new_worker = release / "serviceworker.js"
    new_worker.write_text(worker.replace('const VERSION = "', 'const VERSION = "next-'), encoding="utf-8")
    settings.STATICFILES_DIRS = [str(release)]
    monkeypatch.setattr(pwa.app_settings, "PWA_SERVICE_WORKER_PATH", new_worker)

    phone.offline(False)  # back online: the app looks for an update and reloads into it
    # The app checks on the online event; the test checks too, so that a slow machine
    # cannot make the event's check race the network coming back.
    phone.page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update()).catch(() => null)")
    phone.page.wait_for_function("() => document.documentElement.dataset.dbVersion === '2'", timeout=60_000)
    phone.page.wait_for_function("() => document.documentElement.dataset.offline === 'ready'")
    indexes = phone.page.evaluate(
        "async () => [...(await self.TN.db.open()).transaction('outbox').objectStore('outbox').indexNames]"
    )
    assert "createdAt" in indexes
    assert phone.queued_count() == 10  # the upgrade kept every queued visit
    version = re.search(r'const VERSION = "([^"]+)"', worker)[1]
    assert phone.page.evaluate("caches.keys()") == [f"tungnha-fieldapp-next-{version}"]  # the old cache is gone

    phone.context.unroute("**/api/v1/sync/push")
    phone.page.click("#sync")
    phone.wait_queue_empty()
    uuids = server_visits()
    assert len(uuids) == 10 and len(set(uuids)) == 10


def test_it_shows_a_rejected_visit_with_its_reason_and_sends_the_others(transactional_db, live_server, phone):
    world = build_world(households_per_turf=3)
    # A second lane for team A, which the group leader will give to team B meanwhile.
    lane = Turf.objects.create(area=world.group1, name="Ngách 12/5 Đội Cấn", kind=Turf.Kind.LANE)
    Assignment.objects.create(campaign=world.campaign, turf=lane, team=world.team_a)
    moved = household_create(area=world.group1, turf=lane, house_number="7", lane="Ngách 12/5", street="Phố Đội Cấn")
    resident_create(household=moved, full_name="Phạm Thị Hằng", birth_year=1962, sex="F", elderly_alone=True)
    phone.sign_in("alice")
    phone.offline()
    phone.record_visit(moved.id, outcome="nobody_home", revisit="weekend", note="Cụ Hằng đi vắng")
    kept = world.households_a[0]
    phone.record_visit(kept.id, outcome="visited",
                       resident_outcomes={kept.residents.order_by("id")[0].id: "assisted_l2_activated"})  # fmt: skip

    # While the phone is offline the group leader moves the household to team B's lane (a
    # lane handed over as a whole would take the visit: tests/test_sync_reassign.py).
    household_update(household=moved, turf=world.turf_b)
    phone.offline(False)
    phone.wait_queue_empty()
    assert [v.household_id for v in Visit.objects.all()] == [kept.id]

    phone.go("#/outbox")
    phone.page.wait_for_selector("#rejected li")
    rejected = phone.page.inner_text("#rejected")
    assert "Số 7, Ngách 12/5" in rejected
    assert "không thuộc khu vực tổ của bạn được giao" in rejected
    assert phone.page.locator("#sent li").count() == 1
    assert phone.page.inner_text("#badge") == "1"
    # The pull's tombstone took the household off the lane's walk list.
    phone.go("#/")
    phone.page.select_option("#turf", str(lane.id))
    phone.page.wait_for_function("() => !document.querySelector('.walk li a')")
    assert "Số 7, Ngách 12/5" not in phone.page.inner_text("#view")

    # Correcting it is not possible (the household is no longer the team's): it can be dropped.
    phone.go("#/outbox")
    phone.page.click("#rejected a.button")
    phone.page.wait_for_selector("text=không còn trong danh sách của tổ")
    phone.go("#/outbox")
    phone.page.once("dialog", lambda dialog: dialog.accept())
    phone.page.click("[data-discard]")
    phone.page.wait_for_selector("#rejected", state="detached")


def test_it_keeps_visits_when_the_session_ends_and_sends_them_only_as_their_recorder(
    transactional_db, live_server, phone
):
    world = build_world(households_per_turf=3)
    phone.sign_in("alice")
    phone.offline()
    for household in world.households_a[:2]:
        phone.record_visit(household.id, outcome="nobody_home", revisit="evening")
    Session.objects.all().delete()  # the session ends while the phone is offline

    phone.offline(False)
    phone.page.wait_for_function("() => document.documentElement.dataset.sync === 'signed_out'")
    assert "Đăng nhập lại" in phone.page.inner_text("#banner")
    assert phone.queued_count() == 2 and Visit.objects.count() == 0

    # Her teammate Bob signs in on the same phone: Alice's visits wait for Alice.
    phone.page.click("#banner a.button")
    phone.page.fill("input[name=username]", "bob")
    phone.page.fill("input[name=password]", "matkhau-123")
    phone.page.click("button[type=submit]")
    phone.wait_ready()
    phone.page.wait_for_function("() => document.documentElement.dataset.others === '2'")
    assert Visit.objects.count() == 0

    # Bob signs out (nothing of his waits); Alice signs in again and her visits go out.
    phone.go("#/menu")
    phone.page.click("#logout")
    phone.page.wait_for_url("**/accounts/login/**")
    phone.page.fill("input[name=username]", "alice")
    phone.page.fill("input[name=password]", "matkhau-123")
    phone.page.click("button[type=submit]")
    phone.wait_ready()
    phone.wait_queue_empty()
    assert [v.recorded_by_id for v in Visit.objects.all()] == [world.alice.id] * 2


def test_it_adds_a_household_and_a_resident_found_at_the_door(transactional_db, live_server, phone):
    world = build_world(households_per_turf=3)
    phone.sign_in("alice")
    phone.offline()
    page = phone.page
    phone.go("#/new")
    page.fill("input[name=house_number]", "5A")
    page.fill("input[name=head_name]", "Lê Văn Tám")
    assert page.input_value("input[name=street]") == "Phố Đội Cấn"  # the lane's usual street
    page.click("form button[type=submit]")
    page.wait_for_selector("#visit [data-ho]")
    page.click('[data-ho="visited"]')
    page.click("#addres")
    page.fill("input[name=full_name]", "Lê Thị Thu")
    page.fill("input[name=birth]", "04/05/1990")
    page.click('[data-sex="F"]')
    page.fill("input[name=id_number]", "001185012345")  # says born in 1985: told at once
    assert "năm sinh 1985 nhưng năm sinh là 1990" in page.inner_text('[data-for="id_number"]')
    page.fill("input[name=phone]", "0912 345 678")
    page.click("[data-add]")
    assert page.locator("article.res", has_text="Lê Thị Thu").count() == 0
    page.fill("input[name=id_number]", "001190012345")
    assert page.inner_text('[data-for="id_number"]') == ""
    page.click("[data-add]")
    article = page.locator("article.res", has_text="Lê Thị Thu")
    article.locator('[data-other]').select_option("assisted_l2_registered")
    page.click("button.save")
    page.wait_for_selector(".saved >> text=Đã lưu trên máy")

    phone.offline(False)
    phone.wait_queue_empty()
    visit = Visit.objects.get()
    assert visit.household.house_number == "5A" and visit.household.turf_id == world.turf_a.id
    assert visit.household.client_uuid is not None
    resident = visit.household.residents.get()
    assert (resident.full_name, resident.id_number, resident.phone) == ("Lê Thị Thu", "001190012345", "+84912345678")
    # Back from the pull, the household and the resident are the server's, each shown once.
    phone.go("#/outbox")
    phone.go("#/")
    page.wait_for_selector(".walk li a")
    assert page.locator(".walk li", has_text="Số 5A").count() == 1
    page.locator(".walk li a", has_text="Số 5A").click()
    page.wait_for_selector("#visit [data-ho]")
    assert page.url.endswith(f"#/h/{visit.household_id}")
    assert page.locator("article.res", has_text="Lê Thị Thu").count() == 1


def test_the_outbox_screen_follows_a_send_it_did_not_start(transactional_db, live_server, phone):
    """Open on the outbox while the signal comes back: the online event sends the visit,
    and the screen, drawn while offline, must not go on saying it waits to be sent."""
    world = build_world(households_per_turf=3)
    phone.sign_in("alice")
    phone.offline()
    phone.record_visit(world.households_a[0].id, outcome="nobody_home", revisit="evening")
    phone.go("#/outbox")
    phone.page.wait_for_selector("#queued li")
    assert "Chưa có mạng" in phone.page.inner_text("#state")

    phone.offline(False)  # nobody touches the screen
    phone.wait_queue_empty()
    # Redrawn once the send has ended: no "Chưa có mạng", no "Đang gửi…", the visit received.
    phone.page.wait_for_function("() => !document.querySelector('#state') && document.querySelectorAll('#sent li').length === 1",
                                 timeout=10_000)  # fmt: skip
    assert Visit.objects.count() == 1
    assert phone.page.locator("#queued li").count() == 0
    assert "Máy chủ đã nhận lúc" in phone.page.inner_text("#sent")
