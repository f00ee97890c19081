"""An evening under faults, end to end (issue 17, item 6): six phones push and pull against
gunicorn (3 workers), PostgreSQL, Redis, a Celery worker and beat, all started by this test
in a temporary directory on ports of its own (tests/faults_services.py), while the test
  1. kills -9 a gunicorn worker caught inside a push's transaction (twice),
  2. restarts PostgreSQL (`pg_ctl restart -m fast`),
  3. stops Redis (broker and cache) for 15 s and starts it again, empty, on the same port,
  4. stops the Celery worker (warm shutdown) and starts it again,
  5. drops the answer to 3 pushes the server stored (tests/faults_proxy.py, the phones'
     network), so that their retries must be told `duplicate`.
The Celery worker is restarted when it exits by itself, as docker-compose.yml's
`restart: unless-stopped` does: with celery/kombu 5.7.0 and redis-py 8.1.0 it exits
("Unrecoverable error: AttributeError 'NoneType' object has no attribute 'hostname'") when
the broker goes away while it holds an unacknowledged message — the refresh task's
countdown keeps one reserved most of an evening. The figures count those exits.
Each fault is awaited by what can be seen (a worker's transaction open in pg_stat_activity,
a new worker pid, a new postmaster, Redis refusing and answering PING, the Celery worker
answering a ping, pushes answered meanwhile); the only timed wait is Redis's outage.

Afterwards: every visit a phone believes sent (a 200 whose items are all `accepted` or
`duplicate`) is stored exactly once and nothing else is; every batch that met a 5xx or no
answer was sent again until settled; no request was refused with a 4xx; no transaction is
left open; once the worker has caught up (no dirty rollup marks left) the rollups equal a
count from scratch and the projection equals its rebuild; and every phone's pulls brought
every visit of its turf (the change log's horizon was not stuck by a killed transaction).

Like tests/test_replica.py it skips when the servers' binaries are missing or cannot run,
and fails instead under TUNGNHA_REQUIRE_SERVICES=1. Run with -s to see the figures.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from .conftest import missing_service
from .faults_load import Phone, Timeline
from .faults_proxy import LossyRelay
from .faults_services import DB_NAME, ROOT, VENV_BIN, App, Postgres, Redis, pings, process_owning_port
from .test_replica import _bindir, _free_ports, _runner, _wait_for

REDIS_DOWN_S = 15.0
KILLS = 2
LOST_ANSWERS = 3
PUSHES_TO_RECOVER = 6  # pushes settled after a fault, before the next one begins
PUSH_TABLES = r"outreach_(visit|householdstate|residentstate|rollupdirty|syncchange|home)"


class Stack:
    def __init__(self, base: Path, pg: Postgres, redis: Redis, app: App, world: dict, control, relay: LossyRelay):
        self.base, self.pg, self.redis, self.app, self.world, self.control = base, pg, redis, app, world, control
        self.relay = relay

    def dirty_marks(self) -> int:
        return self.pg.query("SELECT count(*) FROM outreach_rollupdirty")


def _env(pg: Postgres, redis: Redis) -> dict:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "REPLICA_", "DB_", "CACHE_"))}
    return {**keep, "TUNGNHA_EMBEDDED": "1", "DEBUG": "False", "DJANGO_SETTINGS_MODULE": "outreach.config.settings",
            "DATABASE_URL": pg.url(), "DB_CONN_MAX_AGE": "60",  # docker-compose.yml's
            "CELERY_BROKER_URL": redis.url(0), "CACHE_URL": redis.url(1), "CELERY_TASK_ALWAYS_EAGER": "False",
            "ROLLUP_RECONCILE_SECONDS": "3", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1"}  # fmt: skip


def _django(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


@pytest.fixture
def stack():
    bindir, runner, redis_server = _bindir(), _runner(), shutil.which("redis-server")
    if bindir is None:
        missing_service("needs PostgreSQL's server binaries (initdb, pg_ctl, postgres) in /usr/lib/postgresql/*/bin")
    if runner is None:
        missing_service("needs to run PostgreSQL's binaries: run as root (with runuser) or as the postgres user")
    if redis_server is None:
        missing_service("needs redis-server on PATH")
    if not all((VENV_BIN / tool).exists() for tool in ("gunicorn", "celery")):
        missing_service(f"needs gunicorn and celery in {VENV_BIN}")
    from celery import Celery

    base = Path(tempfile.mkdtemp(prefix="tungnha-faults-"))
    pg_port, redis_port, web_port, relay_port = _free_ports(4, start=56432)
    pg, redis = Postgres(bindir, runner, base, pg_port), Redis(redis_server, base, redis_port)
    app, control, relay = None, Celery("faults-control", broker=redis.url(0)), LossyRelay(relay_port, web_port)
    try:
        os.chmod(base, 0o755)  # the postgres user goes through it to its own pg/ folder
        pg.build()
        redis.start()
        env = _env(pg, redis)
        _django(env, "manage.py", "migrate", "--noinput")
        world = json.loads(_django(env, "-m", "tests.faults_app", "setup").strip().splitlines()[-1])
        app = App(base, env, web_port)
        app.start_web()
        app.start_worker(control.control)
        app.start_beat()
        relay.start()
        yield Stack(base, pg, redis, app, world, control, relay)
    finally:
        relay.close()
        if app is not None:
            app.stop()
            for name in ("gunicorn", "celery-worker", "celery-beat"):  # shown by pytest on a failure
                print(f"--- {name}.log (end) ---\n{app.log_tail(name)}")
        redis.stop()
        pg.stop()
        control.close()
        if os.environ.get("TUNGNHA_FAULTS_LOGS"):  # keep every server's log to read after the run
            shutil.copytree(base, os.environ["TUNGNHA_FAULTS_LOGS"], dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("data", "*.sock*", "celerybeat-schedule*"))  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)


class Run:
    """The phones, the timeline, and the awaits that also watch for a crashed phone."""

    def __init__(self, stack: Stack):
        self.stack, self.timeline, self.durations = stack, Timeline(), {}
        world, url = stack.world, f"http://127.0.0.1:{stack.relay.port}"  # the phones' network
        self.phones = [Phone(spec, world["homes"][str(spec["turf"])], world["campaign"], url, self.timeline, seed=n)
                       for n, spec in enumerate(world["phones"])]  # fmt: skip

    def wait(self, what: str, check, timeout: float = 60.0):
        def watched():
            for phone in self.phones:
                assert phone.error is None, f"{phone.name} crashed: {phone.error!r}"
            return check()

        return _wait_for(what, watched, timeout=timeout)

    def phase(self, name: str):
        self.timeline.enter(name)
        return time.monotonic()

    def recovered(self, phase: str):
        """The load goes on: pushes settled again after the fault, by phones of both communes."""
        self.wait(f"{PUSHES_TO_RECOVER} pushes settled in {phase}",
                  lambda: self.timeline.count("push ok", phase) >= PUSHES_TO_RECOVER)  # fmt: skip

    def stop(self):
        for phone in self.phones:
            phone.stop_recording.set()
            phone.stop.set()
        for phone in self.phones:
            phone.join(timeout=60)
        assert not [p.name for p in self.phones if p.is_alive()], "a phone could not empty its outbox in 60 s"


def _kill_a_worker_mid_push(stack: Stack, conn) -> tuple[int, int] | None:
    """A gunicorn worker whose database session is inside a push's write transaction:
    stopped (SIGSTOP), seen to hold the open transaction, then killed with SIGKILL."""
    workers = stack.app.web_workers()
    busy = conn.execute("SELECT pid, client_port FROM pg_stat_activity WHERE datname = current_database() AND "
                        "backend_xid IS NOT NULL AND state IN ('active', 'idle in transaction') AND query ~* %s",
                        (PUSH_TABLES,)).fetchall()  # fmt: skip
    for backend, port in busy:
        worker = process_owning_port(port, workers)
        if worker is None:  # the Celery worker's or beat's session
            continue
        os.kill(worker, signal.SIGSTOP)

        def settled_state():  # once its statement has run, a stopped client leaves it idle
            row = conn.execute("SELECT state || ':' || (backend_xid IS NOT NULL)::text FROM pg_stat_activity "
                               "WHERE pid = %s", (backend,)).fetchone()  # fmt: skip
            return "gone" if row is None else None if row[0].startswith("active") else row[0]

        if _wait_for("the stopped worker's statement to end", settled_state, timeout=10) == "idle in transaction:true":
            os.kill(worker, signal.SIGKILL)
            return worker, backend
        os.kill(worker, signal.SIGCONT)  # between two statements of no write: let it go, try again
    return None


def _catch_a_push(run: Run, timeout: float = 45.0) -> tuple[int, int]:
    """Poll pg_stat_activity on one connection every few milliseconds (a push's transaction
    lasts a few): the awaited event is a worker seen inside one."""
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(host="127.0.0.1", port=run.stack.pg.port, user="postgres", dbname=DB_NAME,
                         autocommit=True) as conn:  # fmt: skip
        while time.monotonic() < deadline:
            caught = _kill_a_worker_mid_push(run.stack, conn)
            if caught:
                return caught
            assert [p.error for p in run.phones if p.error] == []
            time.sleep(0.002)
    raise AssertionError(f"no gunicorn worker seen inside a push's transaction in {timeout:.0f} s")


def _fault_kill_workers(run: Run):
    stack = run.stack
    for n in range(KILLS):
        phase = f"1. kill -9 worker ({n + 1})"
        start = run.phase(phase)
        victim, backend = _catch_a_push(run)
        run.wait("gunicorn to start a new worker", lambda: victim not in stack.app.web_workers()
                 and len(stack.app.web_workers()) == 3, timeout=30)  # fmt: skip
        run.wait("its transaction to be rolled back", lambda: not stack.pg.query(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (backend,)), timeout=30)  # fmt: skip
        run.wait("the phone it served to see no answer", lambda: run.timeline.count("push no answer", phase) >= 1)
        run.recovered(phase)
        run.durations[phase] = time.monotonic() - start


def _fault_restart_postgres(run: Run):
    stack = run.stack
    start = run.phase("2. PostgreSQL restarting")
    before = stack.pg.postmaster_pid()
    stack.pg.restart()
    assert stack.pg.postmaster_pid() != before
    run.durations["2. PostgreSQL restarting"] = time.monotonic() - start
    start = run.phase("2. PostgreSQL back")
    run.recovered("2. PostgreSQL back")
    run.durations["2. PostgreSQL back"] = time.monotonic() - start


def _fault_stop_redis(run: Run):
    stack = run.stack
    start = run.phase("3. Redis down")
    stack.redis.stop()
    run.wait("Redis to refuse connections", lambda: not stack.redis.answers())
    run.recovered("3. Redis down")  # a push needs neither the broker nor the cache
    threading.Event().wait(max(0.0, start + REDIS_DOWN_S - time.monotonic()))  # the outage itself
    run.durations["3. Redis down"] = time.monotonic() - start
    start = run.phase("3. Redis back")
    stack.redis.start()
    run.wait("the Celery worker to answer a ping again", lambda: pings(stack.control.control), timeout=90)
    run.durations["3. Redis back: worker reconnected"] = time.monotonic() - start
    run.recovered("3. Redis back")
    run.durations["3. Redis back"] = time.monotonic() - start


def _fault_stop_worker(run: Run):
    stack = run.stack
    start = run.phase("4. Celery worker stopped")
    stack.app.stop_worker()
    run.recovered("4. Celery worker stopped")
    run.wait("dirty rollup marks waiting for the worker", lambda: stack.dirty_marks() > 0)
    run.durations["4. Celery worker stopped"] = time.monotonic() - start
    start = run.phase("4. Celery worker back")
    stack.app.start_worker(stack.control.control)
    run.recovered("4. Celery worker back")
    run.durations["4. Celery worker back"] = time.monotonic() - start


def _fault_lose_answers(run: Run):
    stack, phase = run.stack, "5. answers lost on the way back"
    start = run.phase(phase)
    stack.relay.drop_next(LOST_ANSWERS)
    run.wait("pushes stored whose answer the phone never got", lambda: len(stack.relay.dropped) == LOST_ANSWERS)
    lost = {u for uuids in stack.relay.dropped for u in uuids}
    run.wait("their phones to send them again and hear duplicate", lambda: run.timeline.count(
        "duplicate answers", phase) >= len(lost))  # fmt: skip
    run.recovered(phase)
    run.durations[phase] = time.monotonic() - start


def test_an_evening_under_faults_loses_and_doubles_nothing(stack):
    began = time.monotonic()
    run = Run(stack)
    for phone in run.phones:
        phone.start()
    try:
        start = run.phase("warm-up")
        run.wait("every phone to settle a batch", lambda: all(p.sent() for p in run.phones))
        run.durations["warm-up"] = time.monotonic() - start
        _fault_kill_workers(run)
        _fault_restart_postgres(run)
        _fault_stop_redis(run)
        _fault_stop_worker(run)
        _fault_lose_answers(run)
        start = run.phase("cool-down")
        run.recovered("cool-down")
        run.durations["cool-down"] = time.monotonic() - start
    finally:
        run.timeline.enter("drain")
        run.stop()
    _check_the_evening(run, stack)
    run.durations["total"] = time.monotonic() - began
    _print_figures(run, stack)


def _check_the_evening(run: Run, stack: Stack):
    batches = [b for p in run.phones for b in p.batches]
    assert [p.error for p in run.phones if p.error] == []
    # No request refused: a 4xx (or a rejected item) would have moved visits aside for good.
    assert {b.settled for b in batches} == {"sent"}, [(b.attempts, b.results) for b in batches if b.settled != "sent"]
    retried = [b for b in batches if len(b.attempts) > 1]
    assert retried, "no fault cost a push its answer"
    assert all(set(b.results) <= {"accepted", "duplicate"} for b in retried)
    # A batch stored but whose answer was lost comes back duplicate, item by item.
    lost = [b for b in batches if b.uuids in stack.relay.dropped]
    assert len(lost) == LOST_ANSWERS and all(b.attempts[0].startswith("no answer") for b in lost)
    assert all(b.results == ["duplicate"] * len(b.visits) for b in lost), [(b.attempts, b.results) for b in lost]
    # Every visit believed sent is stored exactly once, and nothing else is.
    believed = [u for b in batches for u in b.uuids]
    assert len(believed) == len(set(believed))
    stored = dict(stack.pg.query("SELECT client_uuid::text, count(*) FROM outreach_visit GROUP BY 1", rows=True))
    assert {u: stored.get(u, 0) for u in believed} == dict.fromkeys(believed, 1)
    assert set(stored) == set(believed)
    # Nothing stuck: no transaction left open, every server still up, the rollups caught up.
    assert stack.pg.query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                          "AND state LIKE 'idle in transaction%%'") == 0  # fmt: skip
    assert stack.app.all_alive() == {"gunicorn": True, "worker": True, "beat": True}, stack.app.all_alive()
    start = time.monotonic()
    run.wait("the Celery worker to drain every dirty rollup mark", lambda: stack.dirty_marks() == 0, timeout=60)
    run.durations["rollups caught up after the load"] = time.monotonic() - start
    # Every phone's pulls bring every visit of its turf, whoever recorded it.
    of_turf: dict[int, set] = {}
    for client_uuid, turf in stack.pg.query("SELECT v.client_uuid::text, h.turf_id FROM outreach_visit v "
                                            "JOIN households_household h ON h.id = v.household_id", rows=True):  # fmt: skip
        of_turf.setdefault(turf, set()).add(client_uuid)
    for phone in run.phones:
        expected = of_turf[phone.spec["turf"]]
        run.wait(f"{phone.name}'s pulls to bring its turf's {len(expected)} visits",
                 lambda phone=phone, expected=expected: phone.pull() or expected <= phone.seen, timeout=30)  # fmt: skip
    verdict = json.loads(_django(stack.app.env, "-m", "tests.faults_app", "verify").strip().splitlines()[-1])
    assert verdict["rollup_diff"] == {} and verdict["naive_diff"] == {}, verdict
    assert verdict["projection_diff"] == [], verdict
    assert verdict["commune"]["households_visited"] > 0
    run.verdict, run.retried, run.batches = verdict, retried, batches


def _print_figures(run: Run, stack: Stack):
    retried_by_fault: dict[str, int] = {}
    for batch in run.retried:
        retried_by_fault[batch.phases[0]] = retried_by_fault.get(batch.phases[0], 0) + 1
    figures = {
        "visits": sum(len(b.visits) for b in run.batches), "batches": len(run.batches),
        "batches retried": len(run.retried), "retried batches by the phase of their first try": retried_by_fault,
        "attempts of retried batches": sorted({" ".join(b.attempts) for b in run.retried}),
        "per phase": run.timeline.table(), "seconds": {k: round(v, 1) for k, v in run.durations.items()},
        "rollup tasks run": stack.app.log_tail("celery-worker", 10**7).count("succeeded in"),
        "enqueue failures logged by gunicorn": stack.app.log_tail("gunicorn", 10**7).count("could not enqueue"),
        "Celery workers that exited by themselves (restarted, as compose would)": stack.app.worker_crashes,
        "worker 'Unrecoverable error' lines": stack.app.log_tail("celery-worker", 10**7).count("Unrecoverable error"),
        "commune rollup": run.verdict["commune"],
    }  # fmt: skip
    print("\nfaults figures:", json.dumps(figures, ensure_ascii=False, indent=1))
