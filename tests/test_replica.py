"""Report pages read a real PostgreSQL streaming replica, and the writer reads its own writes.

The test makes its own primary/standby pair with the machine's PostgreSQL binaries (initdb,
pg_basebackup -R) in a temporary directory, on free ports of its own (from 55432 up), with
their sockets in that directory: the machine's running server and its files are never
touched. The Django side runs in a subprocess (tests/replica_app.py) with DATABASE_URL on
the primary and REPLICA_DATABASE_URL on the standby: Django's test runner would try to
CREATE DATABASE on the read-only standby. The script pauses WAL replay on the standby to
make the lag visible, and reports what each page showed; the assertions are here.

Not marked `postgres`: that marker skips unless the suite's own database is PostgreSQL,
and this test needs none; like the Redis tests it skips (or under
TUNGNHA_REQUIRE_SERVICES=1 fails) by itself when it cannot run the servers.
"""

import contextlib
import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .conftest import missing_service

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "tungnha_replica_test"
TOOLS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")


def _bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding every tool the test runs."""
    found = [Path(d) for d in glob.glob("/usr/lib/postgresql/*/bin") if all((Path(d) / t).exists() for t in TOOLS)]
    return max(found, key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0, default=None)


def _runner() -> list[str] | None:
    """initdb refuses to run as root: as root the servers run as the postgres user."""
    try:
        postgres = pwd.getpwnam("postgres")
    except KeyError:
        return None
    if os.geteuid() == 0 and shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--"]
    return [] if os.geteuid() == postgres.pw_uid else None


def _free_ports(count: int, start: int = 55432) -> list[int]:
    ports = []
    for port in range(start, start + 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
        if len(ports) == count:
            return ports
    raise RuntimeError("no free ports for the test servers")


def _wait_for(what: str, check, timeout: float = 60.0):
    """Poll `check` (a query) until it returns something true; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Pair:
    """A primary and its streaming standby, made and owned by this test."""

    def __init__(self, bindir: Path, runner: list[str], base: Path):
        self.bindir, self.runner, self.base = bindir, runner, base
        self.primary, self.replica = base / "primary", base / "replica"
        self.primary_port, self.replica_port = _free_ports(2)
        self.started: list[Path] = []

    def run(self, tool: str, *args: str):
        command = [*self.runner, str(self.bindir / tool), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr or done.stdout}")

    def start(self, datadir: Path):
        self.started.append(datadir)
        self.run("pg_ctl", "-D", str(datadir), "-l", str(self.base / f"{datadir.name}.log"), "-w", "-t", "60", "start")

    def configure(self, datadir: Path, port: int):
        # Appended last, so these win over what the base backup copied from the primary.
        # fsync off for speed; synchronous_commit stays on, so that a commit is in the WAL
        # up to pg_current_wal_lsn() when it returns (the wait for replay compares with it).
        with open(datadir / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.base}'\n"
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nfsync = off\n"
                "full_page_writes = off\nshared_buffers = 32MB\n"
            )  # fmt: skip

    def build(self):
        self.run("initdb", "-D", str(self.primary), "--auth=trust", "-U", "postgres", "--encoding=UTF8",
                 "--locale=C.UTF-8")  # fmt: skip
        self.configure(self.primary, self.primary_port)
        self.start(self.primary)
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                 "-D", str(self.replica), "-R", "-X", "stream", "--checkpoint=fast")  # fmt: skip
        self.configure(self.replica, self.replica_port)
        self.start(self.replica)
        _wait_for("the standby to stream from the primary", lambda: self.query(
            self.primary_port, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == 1)  # fmt: skip

    def query(self, port: int, sql: str, dbname: str = "postgres"):
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=dbname, autocommit=True) as conn:
            cursor = conn.execute(sql)
            row = cursor.fetchone() if cursor.description else None
        return row[0] if row else None

    def stop(self):
        for datadir in reversed(self.started):
            with contextlib.suppress(Exception):
                self.run("pg_ctl", "-D", str(datadir), "-m", "immediate", "-w", "-t", "30", "stop")
            pidfile = datadir / "postmaster.pid"
            if pidfile.exists():  # pg_ctl could not stop it: end the postmaster this test started
                with contextlib.suppress(Exception):
                    os.kill(int(pidfile.read_text().split()[0]), 9)

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{DB_NAME}"


@pytest.fixture
def pair():
    bindir, runner = _bindir(), _runner()
    if bindir is None:
        missing_service("needs PostgreSQL's server binaries (initdb, pg_ctl, pg_basebackup, postgres)"
                        " in /usr/lib/postgresql/*/bin")
    if runner is None:
        missing_service("needs to run PostgreSQL's binaries: run as root (with runuser) or as the postgres user")
    base = Path(tempfile.mkdtemp(prefix="tungnha-replica-"))
    pair = Pair(bindir, runner, base)
    try:
        if runner:
            postgres = pwd.getpwnam("postgres")
            os.chown(base, postgres.pw_uid, postgres.pw_gid)
        os.chmod(base, 0o700)
        pair.build()
        yield pair
    finally:
        pair.stop()
        shutil.rmtree(base, ignore_errors=True)


def test_reports_read_the_replica_and_the_writer_reads_the_primary(pair):
    pair.query(pair.primary_port, f"CREATE DATABASE {DB_NAME}")
    env = {
        **os.environ, "TUNGNHA_EMBEDDED": "1", "DJANGO_SETTINGS_MODULE": "outreach.config.settings",
        "DATABASE_URL": pair.url(pair.primary_port), "REPLICA_DATABASE_URL": pair.url(pair.replica_port),
        "CELERY_TASK_ALWAYS_EAGER": "True", "REPLICA_PIN_SECONDS": "60",
    }  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "tests.replica_app"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    # (a) Replay paused on the standby: the rollup changed on the primary (111 → 222) is not
    # on the report page, which read the replica.
    assert seen["before"] == 111
    assert seen["reader_paused"] == 111
    # (b) The user who just signed in (a POST) reads the primary: the new figure, at the same
    # moment another reader still sees the old one.
    assert seen["writer_post_status"] == 302 and seen["writer_pinned"]
    assert seen["writer_paused"] == 222
    assert seen["reader_paused_again"] == 111
    # (c) Once the standby has replayed up to the primary's position, everyone sees it.
    assert seen["reader_after_replay"] == 222
    # (d) The list page read the replica and its audit row went to the primary (the paused
    # standby does not have it yet), and the page did not break on it.
    assert seen["list_status"] == 200
    assert (seen["list_audit_on_primary"], seen["list_audit_on_replica"]) == (1, 0)
    # Every report page and export answers through the replica (a write there would fail).
    pages = seen["pages_paused"]
    # (the index and the lists' home redirect: the police's one commune, its first list)
    assert (pages.pop("reports:index"), pages.pop("reports:lists")) == (302, 302) and len(pages) > 10, pages
    assert set(pages.values()) == {200}, pages
    # Inside the replica context, what Django marks as part of a write reads the primary.
    assert seen["context_plain_read"] == 111
    assert seen["context_in_atomic"] == 222
    assert seen["context_select_for_update"] == 222
    assert seen["context_get_or_create_created"] is False
    assert seen["context_read_after_write"] == 222
    assert seen["context_own_row_found"] is True
    # With the standby unreachable the pages answer from the primary instead of failing.
    assert seen["reader_replica_down"] == 333
    # The servers this test started are the only ones it talked to.
    assert seen["replica_in_recovery"] is True and seen["primary_in_recovery"] is False


SETTINGS_PROBE = (
    "import json, outreach.config.settings as s; print(json.dumps([sorted(s.DATABASES),"
    " getattr(s, 'DATABASE_ROUTERS', []), s.MIDDLEWARE]))"
)


def _settings_with(**env) -> tuple[list, list, list]:
    base = {k: v for k, v in os.environ.items() if k != "REPLICA_DATABASE_URL"}
    done = subprocess.run([sys.executable, "-c", SETTINGS_PROBE], cwd=ROOT, capture_output=True, text=True,
                          env={**base, "TUNGNHA_EMBEDDED": "1", **env}, check=True)  # fmt: skip
    return tuple(json.loads(done.stdout))


def test_without_a_replica_url_the_settings_are_as_before():
    databases, routers, middleware = _settings_with()
    assert databases == ["default"] and routers == []
    assert "outreach.config.replica_pin.ReplicaPinMiddleware" not in middleware


def test_a_replica_url_adds_the_replica_the_router_and_the_pin_after_the_user_is_known():
    databases, routers, middleware = _settings_with(REPLICA_DATABASE_URL="postgres://u@replica.example:5432/tungnha")
    assert databases == ["default", "replica"] and routers == ["outreach.config.db_router.ReplicaRouter"]
    pin = middleware.index("outreach.config.replica_pin.ReplicaPinMiddleware")
    assert middleware[pin - 1] == "django.contrib.auth.middleware.AuthenticationMiddleware"


class _User:
    def __init__(self, signed_in: bool):
        self.is_authenticated = signed_in


def _answer(method: str, *, signed_in: bool = True, status: int = 302):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from outreach.config.replica_pin import ReplicaPinMiddleware

    request = getattr(RequestFactory(), method.lower())("/bao-cao/")
    request.user = _User(signed_in)
    return ReplicaPinMiddleware(lambda r: HttpResponse(status=status))(request)


def test_a_successful_change_by_a_signed_in_user_pins_them_to_the_primary_for_a_while(settings):
    from django.test import RequestFactory

    from outreach.config.replica_pin import PIN_COOKIE, pinned_to_primary

    settings.REPLICA_PIN_SECONDS = 10
    cookie = _answer("POST").cookies[PIN_COOKIE]
    assert cookie["max-age"] == 10 and cookie["httponly"] and cookie["samesite"] == "Lax"
    for method in ("PUT", "PATCH", "DELETE"):
        assert PIN_COOKIE in _answer(method).cookies
    # Reading, failing or being nobody pins nothing.
    assert PIN_COOKIE not in _answer("GET").cookies
    assert PIN_COOKIE not in _answer("POST", status=400).cookies
    assert PIN_COOKIE not in _answer("POST", signed_in=False).cookies

    def pinned(value: str) -> bool:
        request = RequestFactory().get("/bao-cao/")
        request.COOKIES[PIN_COOKIE] = value
        return pinned_to_primary(request)

    # The cookie says until when; a client that keeps it longer is not pinned for ever.
    assert pinned(cookie.value) and not pinned(str(int(time.time()) - 1)) and not pinned("garbage")
