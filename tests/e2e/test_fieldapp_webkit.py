"""The field app's offline loop in WebKit, Safari's engine (many volunteers carry iPhones,
whose Safari has no Background Sync): Debian's WebKitGTK MiniBrowser driven by Selenium on
an Xvfb display. "Offline" here is the server taken away by the test's proxy (see
webkit_support.Network), which is what a phone with no signal sees too: every request
fails. The cases of test_fieldapp_offline.py: 30 visits through a reload, a browser
restart (in webkit_support's persistent shell: MiniBrowser under WebDriver keeps nothing
on disk), a lost push answer, a new release. The server must end with each visit exactly
once, and the phone never drops one."""

import contextlib
import json
import re
import sqlite3

import pytest

from outreach.models import Visit
from tests.fixtures import build_world

from .webkit_support import TIMEOUT_S, Display, Network, WebKitPhone, require_webkit

pytestmark = [
    pytest.mark.browser,
    # Selenium's own WebKitGTK driver still builds its connection the old way.
    pytest.mark.filterwarnings("ignore:setting remote_server_addr:DeprecationWarning"),
]


@pytest.fixture(scope="module")
def display():
    require_webkit()
    screen = Display()
    yield screen
    screen.stop()


@pytest.fixture
def network(live_server):
    proxy = Network(live_server.url)
    yield proxy
    proxy.stop()


@pytest.fixture
def phone(display, network):
    device = WebKitPhone(display, network.url).open()
    yield device
    device.close()


def server_visits() -> list[str]:
    return [str(u) for u in Visit.objects.values_list("client_uuid", flat=True)]


def sync_now(phone):
    """The pill is the "sync now" button: WebKit has no Background Sync and, with the
    server gone rather than the radio, no online event either."""
    phone.click("#sync")


def test_webkit_keeps_30_visits_offline_through_a_reload_and_sends_each_once(transactional_db, network, phone):
    world = build_world(households_per_turf=15)
    phone.sign_in("alice")
    network.set("down")

    households = world.households_a
    for n in range(30):
        household = households[n % len(households)]
        if n % 2:
            phone.record_visit(household.id, outcome="nobody_home", revisit="evening", note="Hẹn sau 19:00")
        else:
            phone.record_visit(household.id, outcome="refused")
    assert phone.queued_count() == 30
    assert Visit.objects.count() == 0

    # Reload with no server: the shell from the service worker, the queue from IndexedDB.
    phone.driver.refresh()
    phone.wait_for("#view h1")
    phone.go("#/outbox")
    phone.wait("document.querySelectorAll('#queued li').length === 30")
    assert phone.queued_count() == 30 and Visit.objects.count() == 0

    network.set("up")
    sync_now(phone)
    phone.wait_queue_empty(timeout=60)
    uuids = server_visits()
    assert len(uuids) == 30 and len(set(uuids)) == 30
    assert all(v.recorded_by_id == world.alice.id for v in Visit.objects.all())


def wait_on_disk(phone):
    """The persistent shell's profile holds the service worker's registration, which WebKit
    writes after the install on its own schedule (IndexedDB needs no wait: the app writes
    the outbox with durability "strict"). A restart with the server gone needs both."""
    from selenium.webdriver.support.ui import WebDriverWait

    def registered(_):
        for path in phone.profile.rglob("ServiceWorkerRegistrations-*.sqlite3"):
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
                query = "SELECT count(*) FROM Records WHERE origin = ? AND scopeURL = '/'"
                if db.execute(query, (phone.base_url,)).fetchone()[0]:
                    return True
        return False

    WebDriverWait(phone.driver, TIMEOUT_S, poll_frequency=0.05, ignored_exceptions=(sqlite3.Error,)).until(registered)


def test_webkit_keeps_the_queue_through_a_browser_restart_and_sends_each_once(
    transactional_db, display, network, tmp_path
):
    """MiniBrowser under WebDriver forgets everything when it quits (webkit_support's
    PERSISTENT_SHELL says why): this phone is the same engine with its profile on disk."""
    world = build_world(households_per_turf=8)
    phone = WebKitPhone(display, network.url, tmp_path / "profile").open()
    try:
        phone.sign_in("alice")
        network.set("down")
        for household in world.households_a:
            phone.record_visit(household.id, outcome="nobody_home", revisit="evening", note="Hẹn sau 19:00")
        assert phone.queued_count() == 8

        # The phone is switched off and on again, still with no signal: the app starts from
        # the service worker's cache, the queue from IndexedDB on disk.
        wait_on_disk(phone)
        phone.close()
        phone.open()
        phone.driver.get(f"{network.url}/app/")
        phone.wait_for("#view h1")
        phone.go("#/outbox")
        phone.wait("document.querySelectorAll('#queued li').length === 8")
        assert phone.queued_count() == 8 and Visit.objects.count() == 0

        network.set("up")
        sync_now(phone)
        phone.wait_queue_empty()
        uuids = server_visits()
        assert len(uuids) == 8 and len(set(uuids)) == 8
        assert all(v.recorded_by_id == world.alice.id for v in Visit.objects.all())
    finally:
        phone.close()


def test_webkit_sends_each_visit_once_when_the_push_answer_is_lost(transactional_db, network, phone):
    world = build_world(households_per_turf=5)
    phone.sign_in("alice")
    network.set("down")
    for household in world.households_a:
        phone.record_visit(household.id, outcome="nobody_home", revisit="tomorrow")
    assert phone.queued_count() == 5

    # The server stores the batch, then the connection drops before the phone reads the
    # answer: to the phone it is a network error, so the items must stay queued. Pushes
    # fail from then on, so that no retry timer can send them before the test looks.
    network.set("lose_push_answer", after="no_push")
    sync_now(phone)
    network.wait_for(lambda: network.pushes == 1)
    phone.wait("document.documentElement.dataset.sync !== 'syncing'")
    assert phone.queued_count() == 5  # to the phone nothing was received
    assert len(server_visits()) == 5

    network.set("up")
    sync_now(phone)
    phone.wait_queue_empty()
    # Stored by the first push, its answer lost; the phone kept the items, retried with the
    # same UUIDs, and the server answered "duplicate": each visit is stored once.
    assert [r["status"] for r in json.loads(network.lost_answers[0])["results"]] == ["accepted"] * 5
    uuids = server_visits()
    assert len(uuids) == 5 and len(set(uuids)) == 5
    sent = phone.js_async("return (await self.TN.outbox.sent()).map((s) => [s.status, s.attempts]);")
    assert sent == [["duplicate", 1]] * 5


def deploy_new_release(settings, monkeypatch, folder) -> str:
    """A new release: a new service worker version and a new IndexedDB schema step (as in
    test_fieldapp_offline.py). Returns the old release's version."""
    import pwa.app_settings

    static = settings.BASE_DIR / "frontend" / "static"
    (folder / "fieldapp").mkdir(parents=True)
    db_js = (static / "fieldapp" / "db.js").read_text(encoding="utf-8")
    marker = "    // @next-migration"
    assert marker in db_js
    step = '    (db, tx) => tx.objectStore("outbox").createIndex("createdAt", "createdAt"),\n'
    (folder / "fieldapp" / "db.js").write_text(db_js.replace(marker, step + marker), encoding="utf-8")
    worker = (static / "frontend" / "serviceworker.js").read_text(encoding="utf-8")
    assert 'const VERSION = "' in worker
    new_worker = folder / "serviceworker.js"
    new_worker.write_text(worker.replace('const VERSION = "', 'const VERSION = "next-'), encoding="utf-8")
    settings.STATICFILES_DIRS = [str(folder)]
    monkeypatch.setattr(pwa.app_settings, "PWA_SERVICE_WORKER_PATH", new_worker)
    return re.search(r'const VERSION = "([^"]+)"', worker)[1]


def test_webkit_sends_visits_queued_before_a_new_release_after_the_update(
    transactional_db, network, phone, settings, monkeypatch, tmp_path
):
    world = build_world(households_per_turf=10)
    phone.sign_in("alice")
    assert phone.js("return document.documentElement.dataset.dbVersion") == "1"
    network.set("down")
    for household in world.households_a:
        phone.record_visit(household.id, outcome="refused", note="Không mở cửa")
    assert phone.queued_count() == 10

    version = deploy_new_release(settings, monkeypatch, tmp_path / "release")
    # Back, but pushes still fail: what sends the visits is the new release.
    network.set("no_push")
    # No online event in WebKit here (the radio never went): the app also looks for an
    # update when it comes back to the foreground; the test asks as that would.
    phone.js("navigator.serviceWorker.getRegistration().then((r) => r.update()).catch(() => null)")
    phone.wait("document.documentElement.dataset.dbVersion === '2'", timeout=60)
    phone.wait("document.documentElement.dataset.offline === 'ready'")
    indexes = phone.js_async("const db = await self.TN.db.open();"
                             " return [...db.transaction('outbox').objectStore('outbox').indexNames];")
    assert "createdAt" in indexes
    assert phone.queued_count() == 10  # the upgrade kept every queued visit
    # The old release's cache is gone.
    assert phone.js_async("return await caches.keys();") == [f"tungnha-fieldapp-next-{version}"]

    network.set("up")
    sync_now(phone)
    phone.wait_queue_empty()
    uuids = server_visits()
    assert len(uuids) == 10 and len(set(uuids)) == 10
