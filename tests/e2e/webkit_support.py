"""WebKit, Safari's engine, for the field app's browser tests: Debian's WebKitGTK
(WebKitWebDriver driving its MiniBrowser) through Selenium, on an Xvfb display.

WebDriver has no offline switch for WebKit, so these tests take the *server* away
instead: the browser talks to a small reverse proxy (`Network`) in front of the live
server, which the test turns into a dead network (every connection closed unanswered),
a network that loses the push answer on the way back, or one that drops only pushes.
"""

import http.client
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import missing_service

WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
MINIBROWSER_DIRS = ["/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1", "/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1",
                    "/usr/libexec/webkit2gtk-4.1"]  # fmt: skip
XVFB = "/usr/bin/Xvfb"
PASSWORD = "matkhau-123"  # tests.fixtures.make_user
TIMEOUT_S = 20


def minibrowser() -> str | None:
    for folder in MINIBROWSER_DIRS:
        path = Path(folder) / "MiniBrowser"
        if path.exists():
            return str(path)
    return None


def require_webkit():
    """Skip (or, with TUNGNHA_REQUIRE_SERVICES=1, fail) unless everything is installed."""
    if not os.path.exists(WEBKIT_DRIVER) or minibrowser() is None:
        missing_service(f"no WebKitWebDriver/MiniBrowser at {WEBKIT_DRIVER} (apt-get install webkit2gtk-driver)")
    if not os.path.exists(XVFB) and not shutil.which("Xvfb"):
        missing_service(f"no Xvfb at {XVFB} (apt-get install xvfb)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing_service("the selenium package is not installed (pip install -r requirements.txt)")


# --- a browser with a profile that survives a restart -------------------------------------

# MiniBrowser in automation mode (the only mode WebKitWebDriver can drive) keeps everything
# in an ephemeral, in-memory data store: IndexedDB, the service worker, its caches and the
# cookies are gone when it quits, as in a private window. A phone's browser keeps them.
# This is the same WebKitGTK engine (Debian's libwebkit2gtk-4.1) in a small GTK shell,
# through ctypes (no extra package), with its data on disk in the profile folder given.
PERSISTENT_SHELL = """\
import ctypes, sys
from ctypes import CFUNCTYPE, c_char_p as text, c_int, c_ulong, c_void_p as ptr
gobject, gtk, webkit = (ctypes.CDLL(f"lib{n}.so.0") for n in ("gobject-2.0", "gtk-3", "webkit2gtk-4.1"))

def declare(lib, name, restype, *argtypes):
    function = getattr(lib, name)
    function.restype, function.argtypes = restype, (list(argtypes) if argtypes != (...,) else None)
    return function

g_object_new = declare(gobject, "g_object_new", ptr, ...)  # variadic: property names and values, then NULL
connect = declare(gobject, "g_signal_connect_data", c_ulong, ptr, text, ptr, ptr, ptr, c_int)
window_new = declare(gtk, "gtk_window_new", ptr, c_int)
container_add = declare(gtk, "gtk_container_add", None, ptr, ptr)
show_all = declare(gtk, "gtk_widget_show_all", None, ptr)
manager_type = declare(webkit, "webkit_website_data_manager_get_type", c_ulong)
view_type = declare(webkit, "webkit_web_view_get_type", c_ulong)
context_new = declare(webkit, "webkit_web_context_new_with_website_data_manager", ptr, ptr)
allow_automation = declare(webkit, "webkit_web_context_set_automation_allowed", None, ptr, c_int)
cookie_manager = declare(webkit, "webkit_website_data_manager_get_cookie_manager", ptr, ptr)
keep_cookies = declare(webkit, "webkit_cookie_manager_set_persistent_storage", None, ptr, text, c_int)

profile = next(a for a in sys.argv if a.startswith("--profile=")).split("=", 1)[1].encode()
gtk.gtk_init(None, None)
manager = g_object_new(c_ulong(manager_type()), text(b"base-data-directory"), text(profile + b"/data"),
                       text(b"base-cache-directory"), text(profile + b"/cache"), ptr())
keep_cookies(cookie_manager(manager), profile + b"/cookies.sqlite", 1)  # WEBKIT_COOKIE_PERSISTENT_STORAGE_SQLITE
context = context_new(manager)
allow_automation(context, 1)

@CFUNCTYPE(ptr, ptr, ptr)
def create_web_view(session, data):
    view = g_object_new(c_ulong(view_type()), text(b"web-context"), ptr(context),
                        text(b"is-controlled-by-automation"), c_int(1), ptr())
    window = window_new(0)  # GTK_WINDOW_TOPLEVEL
    container_add(window, view)
    show_all(window)
    return view

@CFUNCTYPE(None, ptr, ptr, ptr)
def automation_started(web_context, session, data):
    connect(session, b"create-web-view", ctypes.cast(create_web_view, ptr), None, None, 0)

connect(context, b"automation-started", ctypes.cast(automation_started, ptr), None, None, 0)
gtk.gtk_main()
"""


def persistent_browser(folder: Path) -> str:
    """The shell above as an executable in `folder`, run by this interpreter."""
    path = folder / "webkit-shell.py"
    path.write_text(f"#!{sys.executable}\n{PERSISTENT_SHELL}", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


class Display:
    """A private Xvfb display: MiniBrowser is a GTK window and needs an X server."""

    def __init__(self):
        read, write = os.pipe()
        self.process = subprocess.Popen(
            [shutil.which("Xvfb") or XVFB, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(write)
        # Xvfb writes the display number once it accepts clients: no polling, no sleep.
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            self.process.kill()
            raise RuntimeError("Xvfb did not start")
        self.name = f":{number}"

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


# --- the network between the phone and the server -----------------------------------------

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


class Network:
    """A reverse proxy on its own port in front of the live server. `mode` says what the
    network does: "up" forwards everything; "down" closes every connection unanswered
    (to fetch() a network error, like no signal); "no_push" does that only to pushes;
    "lose_push_answer" forwards the next push to the server, then drops the connection
    before the phone reads the answer, and goes on as `after` (set() says; "up" unless)."""

    def __init__(self, upstream: str):
        self.upstream = urlsplit(upstream)
        self.mode = self.after = "up"
        self.lost_answers: list[bytes] = []  # the answers the server gave and the phone never got
        self.pushes = 0  # pushes that reached the server
        self.changed = threading.Condition()
        self.log: list[str] = []
        network = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                network.handle(self)

            do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # the browser closing a connection mid-answer is part of the game here

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def set(self, mode: str, *, after: str = "up"):
        self.mode, self.after = mode, after

    def wait_for(self, predicate, timeout=TIMEOUT_S):
        with self.changed:
            if not self.changed.wait_for(predicate, timeout):
                raise TimeoutError("the network did not see what the test waited for")

    def handle(self, request: BaseHTTPRequestHandler):
        is_push = request.path.startswith("/api/v1/sync/push")
        mode = self.mode
        self.log.append(f"{mode} {request.command} {request.path}")
        if mode == "down" or (mode == "no_push" and is_push):
            request.close_connection = True
            return  # the connection closes with no answer at all
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=60)
        try:
            upstream.request(request.command, request.path, body=body, headers=headers)
            response = upstream.getresponse()
            data = response.read()
        finally:
            upstream.close()
        if is_push:
            with self.changed:
                self.pushes += 1
                if mode == "lose_push_answer":
                    self.lost_answers.append(data)
                    self.mode = self.after
                self.changed.notify_all()
            if mode == "lose_push_answer":
                request.close_connection = True
                return  # stored on the server; the answer never reaches the phone
        request.send_response_only(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                request.send_header(key, value)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(data)
        self.log.append(f"done {response.status} {request.path}")

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# --- one phone ------------------------------------------------------------------------------


class WebKitPhone:
    """The field app in MiniBrowser, driven by Selenium's WebKitGTK driver; with a
    `profile` folder, in the persistent shell instead, whose data outlives close()."""

    def __init__(self, display: Display, base_url: str, profile: Path | None = None):
        self.display = display
        self.base_url = base_url
        self.profile = profile
        self.driver = None

    def open(self):
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        class WebKitOptions(Options):
            # Selenium asks for browserName "MiniBrowser", which WebKitWebDriver 2.50 fails
            # to match ("Failed to match capabilities"); the binary alone says which browser.
            def to_capabilities(self):
                capabilities = super().to_capabilities()
                capabilities.pop("browserName", None)
                return capabilities

        options = WebKitOptions()
        # Without args WebKitWebDriver 2.50 starts MiniBrowser and the new session never
        # answers; MiniBrowser must be told it is driven.
        options.add_argument("--automation")
        if self.profile is None:
            options.binary_location = minibrowser()
        else:
            self.profile.mkdir(parents=True, exist_ok=True)
            options.binary_location = persistent_browser(self.profile.parent)
            options.add_argument(f"--profile={self.profile}")
        env = dict(os.environ, DISPLAY=self.display.name, TZ="Asia/Ho_Chi_Minh")
        # An explicit driver path: Selenium Manager (which downloads drivers) never runs.
        service = Service(executable_path=WEBKIT_DRIVER, env=env)
        self.driver = webdriver.WebKitGTK(options=options, service=service)
        self.driver.set_script_timeout(TIMEOUT_S)
        self.driver.set_window_size(360, 740)
        return self

    def close(self):
        if self.driver is not None:
            self.driver.quit()
            self.driver = None

    # --- waiting -------------------------------------------------------------------------

    def wait(self, script: str, timeout=TIMEOUT_S):
        """Wait until `script` (a JS expression) is truthy in the page."""
        from selenium.webdriver.support.ui import WebDriverWait

        from selenium.common.exceptions import TimeoutException

        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.05, ignored_exceptions=(Exception,)).until(
                lambda d: d.execute_script(f"return !!({script})")
            )
        except TimeoutException:
            # What the phone showed: the one clue a failed run leaves.
            screen = self.js("return location.href + '\\n' + JSON.stringify(document.documentElement.dataset)"
                             " + '\\n' + document.body.innerText")  # fmt: skip
            raise TimeoutException(f"waited for: {script}\nthe phone showed: {screen[:3000]}") from None

    def wait_for(self, css: str, timeout=TIMEOUT_S):
        return self.wait(f"document.querySelector({css!r})", timeout)

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def js_async(self, body: str):
        """Run an async function body; its return value comes back."""
        return self.driver.execute_async_script(
            f"const done = arguments[arguments.length - 1]; (async () => {{ {body} }})().then(done, (e) => done('error: ' + e));"
        )

    # --- the app -------------------------------------------------------------------------

    def sign_in(self, username: str):
        from selenium.webdriver.common.by import By

        # WebKitGTK takes its Accept-Language from the C locale, which is "C" (en-US) on a
        # machine without vi_VN generated; the language cookie says Vietnamese as a
        # Vietnamese iPhone's Accept-Language would. Set from /healthz/, a page that does not
        # register the service worker (see below why no page may be left mid-install).
        self.driver.get(f"{self.base_url}/healthz/")
        self.driver.add_cookie({"name": "django_language", "value": "vi", "path": "/"})
        self.driver.get(f"{self.base_url}/app/")
        self.wait("location.pathname.startsWith('/accounts/login/')")
        self.wait_for("input[name=username]")
        # The login page installs the service worker. WebKitGTK 2.50 stalls an install whose
        # page navigates away before it ends (the worker stays "installing" for good, the
        # app is never ready offline). A person typing takes longer than the install.
        self.js_async("await navigator.serviceWorker.ready; return true;")
        self.driver.find_element(By.CSS_SELECTOR, "input[name=username]").send_keys(username)
        self.driver.find_element(By.CSS_SELECTOR, "input[name=password]").send_keys(PASSWORD)
        self.driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.wait_ready()

    def wait_ready(self):
        """Signed in, the turf downloaded and the shell cached for offline use."""
        self.wait("document.documentElement.dataset.offline === 'ready'")
        self.wait("document.documentElement.dataset.sync === 'idle'")
        self.wait_for(".walk li a")

    def go(self, hash_: str):
        self.js("location.hash = arguments[0]", hash_)

    def click(self, css: str):
        from selenium.webdriver.common.by import By

        self.wait_for(css)
        element = self.driver.find_element(By.CSS_SELECTOR, css)
        # WebDriver scrolls an element just into view, where the fixed tab bar covers it;
        # a thumb scrolls it to the middle of the screen.
        self.js("arguments[0].scrollIntoView({ block: 'center' })", element)
        element.click()

    def text(self, css: str) -> str:
        return self.js("const e = document.querySelector(arguments[0]); return e ? e.innerText : ''", css)

    def count(self, css: str) -> int:
        return self.js("return document.querySelectorAll(arguments[0]).length", css)

    def open_household(self, household_id):
        self.go(f"#/h/{household_id}")
        self.wait(f"location.hash === '#/h/{household_id}' && document.querySelector('#visit [data-ho], p.missing')")

    def record_visit(self, household_id, *, outcome="nobody_home", revisit=None, note=""):
        """Taps, then Save, then wait for 'Đã lưu trên máy' and the sync it starts."""
        from selenium.webdriver.common.by import By

        self.open_household(household_id)
        self.click(f'[data-ho="{outcome}"]')
        if revisit:
            self.click(f'[data-rv="{revisit}"]')
        if note:
            self.driver.find_element(By.CSS_SELECTOR, "#note").send_keys(note)
        saves = self.js("return performance.getEntriesByName('outbox-save').length")
        self.click("button.save")
        self.wait("[...document.querySelectorAll('.saved')].some((e) => e.textContent.includes('Đã lưu trên máy'))")
        # The save ends (the "outbox-save" measure, bench/fieldapp_budget.py) by starting a
        # sync: wait for that sync to end too, so that what the test does next to the
        # network cannot meet a sync already under way.
        self.wait(f"performance.getEntriesByName('outbox-save').length > {saves}"
                  " && document.documentElement.dataset.sync !== 'syncing'")  # fmt: skip

    def queued_count(self) -> int:
        return self.js_async("""
            const db = await self.TN.db.open();
            return await new Promise((ok) => { const r = db.transaction('outbox').objectStore('outbox').count();
                                               r.onsuccess = () => ok(r.result); });""")

    def wait_queue_empty(self, timeout=TIMEOUT_S):
        self.wait("document.documentElement.dataset.queued === '0' && document.documentElement.dataset.sync === 'idle'",
                  timeout)  # fmt: skip
