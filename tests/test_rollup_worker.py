"""Rollups with a real Redis broker and a real Celery worker process on PostgreSQL: pushed
visits reach the rollups; with the worker stopped they wait, and they catch up when it
starts again, even if the queued task itself was lost (the beat reconciler's job)."""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings
from kombu import pools
from kombu.utils.collections import eqhash

from outreach.config.celery import app as celery_app
from outreach.models import AreaRollup, RollupDirty

from .conftest import missing_service
from .fixtures import build_world
from .sync_helpers import client_for, push, statuses, visit

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
# The Redis database may be shared (a developer's own Redis, another suite): the tests never
# flush it, they keep every broker key under a prefix unique to this run and delete only those.
BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
KEYPREFIX = f"tungnha-test-{uuid.uuid4().hex}:"
ROOT = Path(__file__).resolve().parent.parent


class Namespace:
    """This run's keys in the shared Redis database."""

    def __init__(self, client: redis.Redis):
        self.client = client
        self.prefix = KEYPREFIX

    def keys(self) -> list[bytes]:
        return list(self.client.scan_iter(match=f"{self.prefix}*", count=500))

    def clear(self):
        """Delete this run's keys only (SCAN + DEL), never FLUSHDB."""
        keys = self.keys()
        if keys:
            self.client.delete(*keys)


@contextmanager
def redis_namespace():
    """Point the in-process Celery app at BROKER with this run's key prefix, then put it back
    and delete the keys it made."""
    client = redis.Redis.from_url(BROKER, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        missing_service(f"needs Redis at {BROKER}")
    namespace = Namespace(client)
    conf = celery_app.conf
    old = (conf.task_always_eager, conf.broker_url, conf.broker_transport_options)
    conf.task_always_eager = False
    conf.broker_url = BROKER
    conf.broker_transport_options = {**old[2], "global_keyprefix": namespace.prefix}
    _use_configured_connections()
    try:
        yield namespace
    finally:
        _close_own_pools()
        conf.task_always_eager, conf.broker_url, conf.broker_transport_options = old
        _use_configured_connections()
        namespace.clear()
        client.close()


@pytest.fixture
def broker():
    with redis_namespace() as namespace:
        yield namespace


def _use_configured_connections():
    """The app caches its pools; drop the references so the next publish looks them up for
    the broker URL and options configured now."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _close_own_pools():
    """Close the pools made for this run's broker settings AND take them out of kombu's
    process-wide registry (kombu.pools, keyed by the connection's URL and options).
    Closing them but leaving them registered was the "Acquire on closed pool" failure: the
    next test with the same settings got the closed pool back from the registry."""
    key = eqhash(celery_app.connection_for_write())
    for group in (pools.producers, pools.connections):
        pool = dict.pop(group, key, None)
        if pool is not None:
            pool.force_close_all()


class Worker:
    def __init__(self):
        db = settings.DATABASES["default"]
        self.env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "False", "CELERY_BROKER_URL": BROKER,
                    "TEST_CELERY_KEYPREFIX": KEYPREFIX,
                    "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}  # fmt: skip
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tests.prefixed_worker_app", "worker", "--pool=solo", "--loglevel=WARNING",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=self.env,
        )  # fmt: skip

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def wait_for(condition, timeout=60.0):
    """Poll the database until the worker's effect is visible (it lives in another process,
    so there is no in-process event to await)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def visited(area) -> int:
    rollup = AreaRollup.objects.filter(area=area).first()
    return rollup.households_visited if rollup else 0


def test_it_updates_rollups_through_a_real_worker_and_catches_up_after_it_stops(broker, transactional_db):
    world = build_world(households_per_turf=4)
    client = client_for(world.alice)
    worker = Worker()
    worker.start()
    try:
        assert statuses(push(client, [visit(world, world.households_a[0])])) == ["accepted"]
        assert wait_for(lambda: visited(world.commune) == 1), "the worker never refreshed the rollup"
        assert not RollupDirty.objects.exists()

        worker.stop()
        push(client, [visit(world, world.households_a[1])])
        assert RollupDirty.objects.filter(area=world.group1).exists()
        assert visited(world.commune) == 1  # nobody to count it yet

        worker.start()
        assert wait_for(lambda: visited(world.commune) == 2), "the queued refresh did not run after restart"

        # Lose the queued task entirely (the broker's keys wiped while the worker is down):
        # the periodic reconciler, which beat sends every minute, still catches up.
        worker.stop()
        push(client, [visit(world, world.households_a[2])])
        assert broker.keys(), "the refresh was not queued under this run's prefix"
        broker.clear()
        worker.start()
        from outreach.rollups.tasks import rollups_reconcile_task

        rollups_reconcile_task.delay()
        assert wait_for(lambda: visited(world.province) == 3), "the reconciler did not catch up"
        assert visited(world.commune) == visited(world.group1) == 3
    finally:
        worker.stop()


def test_it_leaves_keys_it_did_not_make_in_the_shared_redis_database():
    """Someone else's key in the same database survives both ways the worker test removes
    broker keys: losing the queued task mid-test and the fixture's cleanup afterwards."""
    from outreach.rollups.tasks import rollups_reconcile_task

    client = redis.Redis.from_url(BROKER, socket_connect_timeout=2)
    sentinel = f"someone-else:{uuid.uuid4().hex}"
    try:
        with redis_namespace() as namespace:
            client.set(sentinel, "theirs")
            rollups_reconcile_task.delay()  # no worker: it stays queued, under the prefix
            assert client.llen(f"{namespace.prefix}celery") == 1
            namespace.clear()
            assert not namespace.keys()
            assert client.get(sentinel) == b"theirs"
            rollups_reconcile_task.delay()  # left for the cleanup on the way out
        assert not namespace.keys()
        assert client.get(sentinel) == b"theirs", "the test deleted a key it did not make"
    finally:
        client.delete(sentinel)
        client.close()
