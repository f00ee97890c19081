"""Browser tests of the field app: Debian's Chromium (never a downloaded browser) driven
by Playwright, at a 360×740 phone viewport, against pytest-django's live server.

Without /usr/bin/chromium or the playwright package the browser tests skip, and fail when
TUNGNHA_REQUIRE_SERVICES=1 (as in CI).
"""

import os
from pathlib import Path

import pytest

from tests.conftest import missing_service

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]  # fmt: skip
PHONE = {"width": 360, "height": 740}
PASSWORD = "matkhau-123"  # tests.fixtures.make_user
TIMEOUT_MS = 20_000


@pytest.fixture
def playwright(monkeypatch):
    if not os.path.exists(CHROMIUM):
        missing_service(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_service("the playwright package is not installed (pip install -r requirements.txt)")
    # Playwright's sync API keeps an asyncio loop in this thread; the test's own ORM calls
    # are still plain synchronous code, so Django's guard against async contexts is lifted
    # for the browser tests only.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as driver:
        yield driver


class Phone:
    """One phone: a persistent Chromium profile (its IndexedDB, service worker and cookies
    survive close() and open() like a real phone's) and the page of the field app."""

    def __init__(self, playwright, profile: Path, base_url: str):
        self.playwright = playwright
        self.profile = profile
        self.base_url = base_url
        self.context = None
        self.page = None
        self.log = []
        _phones.append(self)

    def open(self, *, offline: bool = False):
        self.context = self.playwright.chromium.launch_persistent_context(
            str(self.profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, viewport=PHONE,
            locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", service_workers="allow",
            # Offline from the first moment: Background Sync would otherwise send the
            # outbox from the service worker as soon as the browser starts.
            offline=offline,
        )  # fmt: skip
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self.log = []  # shown when a test fails: what the app said
        self.context.on("console", lambda msg: self.log.append(f"console.{msg.type}: {msg.text}"))
        self.context.on("requestfailed", lambda r: self.log.append(f"failed: {r.url} {r.failure}"))
        self.context.on("weberror", lambda error: self.log.append(f"error: {error.error}"))
        return self

    def close(self):
        if self.context is not None:
            self.context.close()
            self.context = self.page = None

    def offline(self, value: bool = True):
        self.context.set_offline(value)

    # --- the app -----------------------------------------------------------------------

    def sign_in(self, username: str):
        page = self.page
        page.goto(f"{self.base_url}/app/")
        page.wait_for_url("**/accounts/login/**")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        self.wait_ready()

    def start(self):
        """Open the app (from the service worker's cache when offline)."""
        self.page.goto(f"{self.base_url}/app/")
        self.page.wait_for_selector("#view h1")

    def wait_ready(self):
        """Signed in, the turf downloaded and the shell cached for offline use."""
        # Predicates as "() => ...": Playwright evaluates a function string once, but an
        # expression string with eval() on every poll, which the Content-Security-Policy
        # (no 'unsafe-eval') refuses after the first.
        page = self.page
        page.wait_for_function("() => document.documentElement.dataset.offline === 'ready'")
        page.wait_for_function("() => document.documentElement.dataset.sync === 'idle'")
        page.wait_for_selector(".walk li a")

    def go(self, hash_: str):
        self.page.evaluate("h => { location.hash = h }", hash_)

    def open_household(self, household_id):
        self.go(f"#/h/{household_id}")
        self.page.wait_for_selector("#visit [data-ho], p.missing")

    def record_visit(self, household_id=None, *, outcome: str = "nobody_home", resident_outcomes=None,
                     revisit: str | None = None, note: str = ""):  # fmt: skip
        """Record one visit on the open household (or open `household_id` first) the way a
        team member does: taps, then Save, then wait for 'Đã lưu trên máy'."""
        page = self.page
        if household_id is not None:
            self.open_household(household_id)
        page.click(f'[data-ho="{outcome}"]')
        for resident_id, code in (resident_outcomes or {}).items():
            article = page.locator(f'[data-r="{resident_id}"]')
            quick = article.locator(f'[data-ro="{code}"]')
            if quick.count():
                quick.click()
            else:
                article.locator("[data-other]").select_option(code)
        if revisit:
            page.click(f'[data-rv="{revisit}"]')
        if note:
            page.fill("#note", note)
        saves = page.evaluate("() => performance.getEntriesByName('outbox-save').length")
        page.click("button.save")
        page.wait_for_selector(".saved >> text=Đã lưu trên máy")
        # The save's last step (after the panel is painted) counts the outbox and starts the
        # sync: until then wait_queue_empty() could see the counts from before this visit.
        page.wait_for_function("n => performance.getEntriesByName('outbox-save').length > n", arg=saves)

    def queued_count(self) -> int:
        return self.page.evaluate("""async () => {
            const db = await self.TN.db.open();
            return new Promise((ok) => { const r = db.transaction('outbox').objectStore('outbox').count();
                                         r.onsuccess = () => ok(r.result); });
        }""")

    def wait_queue_empty(self):
        """This person's outbox sent (the server answered for every item) and the pull done."""
        self.page.wait_for_function(
            "() => document.documentElement.dataset.queued === '0' && document.documentElement.dataset.sync === 'idle'"
        )


_phones: list[Phone] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for device in _phones:
            if device.log:
                report.sections.append((f"field app log ({device.profile.name})", "\n".join(device.log[-60:])))


@pytest.fixture(autouse=True)
def _forget_phones():
    yield
    _phones.clear()


@pytest.fixture
def phone(playwright, live_server, tmp_path):
    device = Phone(playwright, tmp_path / "profile", live_server.url)
    device.open()
    yield device
    device.close()


@pytest.fixture
def shots_dir(tmp_path) -> Path:
    """Where a test's screenshots go: TUNGNHA_SHOTS_DIR when set (to be looked at), else the
    test's own temporary folder, so that a run never writes where it was not asked to."""
    folder = Path(os.environ["TUNGNHA_SHOTS_DIR"]) if os.environ.get("TUNGNHA_SHOTS_DIR") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder
