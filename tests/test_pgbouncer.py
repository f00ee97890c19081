"""The sync through PgBouncer in transaction mode, as a city's boxes would reach PostgreSQL.

The test starts its own PgBouncer (Debian's, /usr/sbin/pgbouncer) on a free port of its
own, in transaction pooling, in front of the machine's PostgreSQL on 127.0.0.1:5432, with a
pool smaller than the number of clients, and runs the push, pull, concurrency and pruning
tests through it in a subprocess with DB_PGBOUNCER=1 (outreach/config/settings.py: no
server-side cursors, no startup options, no prepared statements — PgBouncer 1.18 cannot
keep them). Their test database is its own (test_tungnha_pgbouncer), dropped at the end
directly on PostgreSQL: PgBouncer holds pooled connections to it.

Like the replica test it skips when it cannot run the server, and fails instead under
TUNGNHA_REQUIRE_SERVICES=1 (CI, where `make chromium` installs pgbouncer).
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from .conftest import missing_service
from .test_replica import _free_ports, _runner, _wait_for

ROOT = Path(__file__).resolve().parent.parent
PGBOUNCER = "/usr/sbin/pgbouncer"
POSTGRES = os.environ.get("PGBOUNCER_TEST_SERVER", "127.0.0.1:5432")
DB_NAME = "tungnha_pgbouncer"
THROUGH = ["tests/test_sync_push.py", "tests/test_sync_pull.py", "tests/test_sync_concurrency.py",
           "tests/test_sync_prune.py", "tests/test_sync_codes.py"]  # fmt: skip


def _answers(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _drop_test_database() -> None:
    host, port = POSTGRES.split(":")
    with psycopg.connect(host=host, port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS test_{DB_NAME} WITH (FORCE)")


def test_push_pull_and_their_concurrency_through_pgbouncer_in_transaction_mode():
    runner = _runner()
    if not os.path.exists(PGBOUNCER) or runner is None:
        missing_service("PgBouncer (apt-get install pgbouncer) run as the postgres user")
    host, pg_port = POSTGRES.split(":")
    try:
        psycopg.connect(host=host, port=pg_port, user="postgres", dbname="postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        missing_service(f"PostgreSQL on {POSTGRES}")
    (port,) = _free_ports(1, start=56432)
    base = Path(tempfile.mkdtemp(prefix="tungnha-pgbouncer-"))
    if runner:
        shutil.chown(base, "postgres", "postgres")
    (base / "users.txt").write_text('"postgres" ""\n')
    (base / "pgbouncer.ini").write_text(
        f"[databases]\n* = host={host} port={pg_port}\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\n"
        f"listen_port = {port}\nunix_socket_dir =\nauth_type = trust\nauth_file = {base}/users.txt\n"
        "pool_mode = transaction\ndefault_pool_size = 4\nmax_client_conn = 200\n"
        f"ignore_startup_parameters = extra_float_digits,options\nlogfile = {base}/pgbouncer.log\n"
    )  # fmt: skip
    for path in base.iterdir():
        if runner:
            shutil.chown(path, "postgres", "postgres")
    bouncer = subprocess.Popen([*runner, PGBOUNCER, str(base / "pgbouncer.ini")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        _wait_for("PgBouncer to listen", lambda: bouncer.poll() is None and _answers(port), timeout=30)
        env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/{DB_NAME}", "DB_PGBOUNCER": "1",
               "TUNGNHA_REQUIRE_SERVICES": "1", "TUNGNHA_EMBEDDED": "1"}  # fmt: skip
        env.pop("PYTEST_ADDOPTS", None)
        # --reuse-db: the inner run would DROP its database through PgBouncer, which still
        # holds pooled connections to it; it is dropped below, directly.
        done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--reuse-db",
                               "--create-db", *THROUGH], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=900)  # fmt: skip
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
        assert re.search(r"\b\d{2,} passed", done.stdout), done.stdout[-1000:]
        # And it went through PgBouncer: its log has the test database's logins.
        assert f"db=test_{DB_NAME}" in (base / "pgbouncer.log").read_text()
    finally:
        bouncer.terminate()
        bouncer.wait(10)
        _drop_test_database()
        shutil.rmtree(base, ignore_errors=True)
