"""The processes and services around a benchmark run: the bench database, Redis, the
gunicorn server and the Celery worker.

Kept apart from run.py so that every process the benchmark starts is started and stopped
in one place: each is a context manager whose exit terminates it (then kills it if it does
not stop within a few seconds), so an exception or Ctrl-C anywhere in a run leaves nothing
behind. Everything listens on 127.0.0.1 only.
"""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
VENV_BIN = ROOT / ".venv" / "bin"
PG = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
# Always tungnha_bench for the published figures; BENCH_DB_NAME lets a second copy run
# beside it while trying settings. Only ever a tungnha_bench* name: it is dropped.
DB_NAME = os.environ.get("BENCH_DB_NAME", "tungnha_bench")
if not DB_NAME.startswith("tungnha_bench") or not DB_NAME.replace("_", "").isalnum():
    raise SystemExit(f"BENCH_DB_NAME must be tungnha_bench or tungnha_bench_<suffix>, not {DB_NAME!r}")
# Both Redis databases are flushed by reset(): point them at databases nothing else uses.
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/13")

# What production runs (docker-compose.yml, web: three sync workers behind the TLS proxy).
# Tried against gthread -w 3 --threads 2 with bench/cpu_split.py (docs/benchmarks.md,
# "Server"): the ranges overlapped, gthread's reaching lower; with sync workers every
# request goes to whichever process is free.
DEFAULT_GUNICORN_ARGS = "-w 3"

ENV = {
    "DATABASE_URL": f"{PG}/{DB_NAME}",
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "CELERY_TASK_ALWAYS_EAGER": "False",
    "CELERY_BROKER_URL": BROKER_URL,
    "CACHE_URL": CACHE_URL,
    "PYTHONPATH": str(ROOT),
    "LOG_LEVEL": "WARNING",
}


def child_env() -> dict:
    return {**os.environ, **ENV}


def reset_database() -> None:
    """Drop and create the bench database (never any other one)."""
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def flush_redis() -> None:
    for url in (BROKER_URL, CACHE_URL):
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.flushdb()
        client.close()


def manage(*args: str, log: str) -> None:
    """Run manage.py with the bench environment; output to bench/.work/<log>."""
    with open(WORK / log, "w") as out:
        subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=child_env(), stdout=out,
                       stderr=subprocess.STDOUT, check=True, timeout=1800)  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(process: subprocess.Popen, name: str) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop on SIGTERM; killing it", file=sys.stderr)
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def gunicorn(args: str):
    port = free_port()
    log = open(WORK / "sync-gunicorn.log", "w")
    command = [str(VENV_BIN / "gunicorn"), "outreach.config.wsgi:application", "-b", f"127.0.0.1:{port}", "--timeout", "120",
               "--no-control-socket",
               *args.split()]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=child_env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}; see bench/.work/sync-gunicorn.log")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/sync/pull")
                conn.getresponse().read()
                conn.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer within 60 s") from None
                time.sleep(0.2)
        yield port
    finally:
        _stop(process, "gunicorn")
        log.close()


@contextlib.contextmanager
def celery_worker():
    log = open(WORK / "sync-celery.log", "w")
    command = [str(VENV_BIN / "celery"), "-A", "outreach", "worker", "--pool=solo", "-l", "WARNING",
               "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=child_env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        from outreach.config.celery import app

        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited ({process.returncode}); see bench/.work/sync-celery.log")
            if time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not answer a ping within 60 s")
        yield process
    finally:
        _stop(process, "celery worker")
        log.close()
