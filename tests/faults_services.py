"""The servers of tests/test_faults.py, each started by the test in its own temporary
directory on its own ports, and each stoppable and startable again as a fault: one
PostgreSQL primary (the machine's binaries, as tests/test_replica.py runs them), a Redis,
gunicorn as docker-compose.yml serves the app (3 sync workers), a Celery worker and Celery
beat. The machine's own PostgreSQL (5432) and Redis (6379) are never named anywhere here:
every child gets DATABASE_URL, CELERY_BROKER_URL and CACHE_URL on this test's servers.

Every process is started in its own session, so that stopping it (and at the end, anything
left of it) reaches its children too: gunicorn's and Celery's workers."""

import contextlib
import http.client
import os
import pwd
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psycopg

from .test_replica import _wait_for

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DB_NAME = "tungnha_faults_test"


def _end(process: subprocess.Popen | None, *, grace: float = 15.0) -> None:
    """SIGTERM the process's session (it and its children), SIGKILL what is left."""
    if process is None or process.poll() is not None and not _group_alive(process.pid):
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def children_of(pid: int) -> set[int]:
    """The live child processes of `pid` (from /proc: no psutil here)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def process_owning_port(local_port: int, candidates: set[int]) -> int | None:
    """Which of `candidates` holds the TCP socket bound to 127.0.0.1:`local_port` (the
    client side of a PostgreSQL connection, as pg_stat_activity.client_port names it)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            for line in list(lines)[1:]:
                parts = line.split()
                if int(parts[1].rsplit(":", 1)[1], 16) == local_port:
                    inodes.add(parts[9])
    for pid in candidates:
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") in {f"socket:[{i}]" for i in inodes}:
                        return pid
    return None


class Postgres:
    """One primary, made with initdb in `base`, listening on 127.0.0.1:`port` only."""

    def __init__(self, bindir: Path, runner: list[str], base: Path, port: int):
        self.bindir, self.runner, self.port = bindir, runner, port
        self.home = base / "pg"  # owned by the postgres user: data, socket and log
        self.data, self.log = self.home / "data", self.home / "server.log"
        self.started = False

    def run(self, tool: str, *args: str, timeout: float = 120):
        command = [*self.runner, str(self.bindir / tool), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr or done.stdout}")

    def build(self):
        self.home.mkdir(mode=0o700)
        if self.runner:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.home, postgres.pw_uid, postgres.pw_gid)
        self.run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "--encoding=UTF8",
                 "--locale=C.UTF-8")  # fmt: skip
        with open(self.data / "postgresql.conf", "a") as conf:
            # fsync off for speed; a fast restart still loses nothing committed (the WAL is
            # written, only not flushed to the disk, and the machine does not crash).
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.home}'\n"
                       "fsync = off\nfull_page_writes = off\nshared_buffers = 32MB\nmax_connections = 50\n")  # fmt: skip
        self.started = True
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")
        self.query(f"CREATE DATABASE {DB_NAME}", dbname="postgres")

    def restart(self):
        """`pg_ctl restart -m fast`: every session ends, running transactions roll back."""
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "-t", "60", "restart")

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def query(self, sql: str, params=(), *, dbname: str = DB_NAME, rows: bool = False):
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=True,
                             connect_timeout=5) as conn:  # fmt: skip
            cursor = conn.execute(sql, params)
            if rows:
                return cursor.fetchall()
            row = cursor.fetchone() if cursor.description else None
        return row[0] if row else None

    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DB_NAME}"

    def stop(self):
        if not self.started:
            return
        with contextlib.suppress(Exception):
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-t", "30", "stop", timeout=40)
        pidfile = self.data / "postmaster.pid"
        if pidfile.exists():  # pg_ctl could not stop it: end the postmaster this test started
            with contextlib.suppress(Exception):
                os.kill(int(pidfile.read_text().split()[0]), signal.SIGKILL)


class Redis:
    """A Redis with nothing on disk: a restart loses every queued task and cache key."""

    def __init__(self, binary: str, base: Path, port: int):
        self.binary, self.port, self.dir = binary, port, base / "redis"
        self.dir.mkdir()
        self.process: subprocess.Popen | None = None

    def start(self):
        log = open(self.dir / "redis.log", "a")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        log.close()
        _wait_for("Redis to answer PING", self.answers, timeout=20)

    def answers(self) -> bool:
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        except redis.exceptions.ConnectionError:
            return False
        finally:
            client.close()

    def stop(self):
        _end(self.process)

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


def pings(control) -> bool:
    try:
        return bool(control.ping(timeout=0.5))
    except Exception:  # noqa: BLE001 - the broker is not there (yet)
        return False


class App:
    """gunicorn, the Celery worker and beat, with one environment on this test's servers."""

    def __init__(self, base: Path, env: dict, web_port: int):
        self.base, self.env, self.web_port = base, env, web_port
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.beat: subprocess.Popen | None = None
        self.lock, self.ending = threading.Lock(), threading.Event()
        self.supervisor: threading.Thread | None = None
        self.workers: list[subprocess.Popen] = []  # every worker started, to end them all
        self.worker_wanted, self.worker_crashes = False, []  # exit codes of workers that ended by themselves

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.base / f"{name}.log", "a")
        try:
            return subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)  # fmt: skip
        finally:
            log.close()

    def start_web(self):
        # As docker-compose.yml serves it: 3 sync workers; a worker is killed after 30 s
        # without answering (gunicorn's default).
        self.web = self._spawn("gunicorn", [str(VENV_BIN / "gunicorn"), "outreach.config.wsgi:application",
                                            "--bind", f"127.0.0.1:{self.web_port}", "--workers", "3",
                                            "--no-control-socket"])  # fmt: skip
        _wait_for("gunicorn to answer /healthz/", self._healthy, timeout=60)
        _wait_for("gunicorn's 3 workers", lambda: len(self.web_workers()) == 3, timeout=30)

    def _healthy(self) -> bool:
        if self.web.poll() is not None:
            raise AssertionError(f"gunicorn exited ({self.web.returncode}): {self.log_tail('gunicorn')}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.web_port, timeout=5)
            conn.request("GET", "/healthz/")
            ok = conn.getresponse().status == 200
            conn.close()
            return ok
        except OSError:
            return False

    def web_workers(self) -> set[int]:
        return children_of(self.web.pid)

    def start_worker(self, control):
        # As docker-compose.yml runs it (prefork, one process per core), named for this run.
        with self.lock:
            self.worker_wanted = True
            self.worker = self._spawn_worker()
        if self.supervisor is None:
            self.supervisor = threading.Thread(target=self._supervise, name="worker-supervisor", daemon=True)
            self.supervisor.start()
        _wait_for("the Celery worker to answer a ping", lambda: pings(control), timeout=60)

    def _spawn_worker(self) -> subprocess.Popen:
        command = [str(VENV_BIN / "celery"), "-A", "outreach", "worker", "-l", "info", "-n", f"faults-{os.getpid()}@%h"]
        self.workers.append(self._spawn("celery-worker", command))
        return self.workers[-1]

    def _supervise(self):
        """What docker-compose.yml's `restart: unless-stopped` does for the worker: a worker
        that exits by itself is started again (and counted); one the test stopped is not."""
        while not self.ending.wait(0.2):
            with self.lock:
                if self.worker_wanted and self.worker.poll() is not None:
                    self.worker_crashes.append(self.worker.returncode)
                    self.worker = self._spawn_worker()

    def stop_worker(self):
        """A warm shutdown (SIGTERM), as `docker compose stop worker` does."""
        with self.lock:
            self.worker_wanted = False
            worker = self.worker
        worker.terminate()
        worker.wait(timeout=30)

    def start_beat(self):
        self.beat = self._spawn("celery-beat", [str(VENV_BIN / "celery"), "-A", "outreach", "beat", "-l", "info",
                                                "--schedule", str(self.base / "celerybeat-schedule")])  # fmt: skip

    def all_alive(self) -> dict:
        return {name: p is not None and p.poll() is None
                for name, p in (("gunicorn", self.web), ("worker", self.worker), ("beat", self.beat))}  # fmt: skip

    def log_tail(self, name: str, chars: int = 3000) -> str:
        path = self.base / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def stop(self):
        self.ending.set()
        if self.supervisor is not None:
            self.supervisor.join(timeout=5)
        for process in (self.beat, *self.workers, self.web):
            _end(process)
