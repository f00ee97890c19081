"""Rollups with a real Redis broker and a real Celery worker process on PostgreSQL: pushed
visits reach the rollups; with the worker stopped they wait, and they catch up when it
starts again, even if the queued task itself was lost (the beat reconciler's job)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

from outreach.config.celery import app as celery_app
from outreach.models import AreaRollup, RollupDirty

from .conftest import missing_service
from .fixtures import build_world
from .sync_helpers import client_for, push, statuses, visit

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def broker():
    client = redis.Redis.from_url(BROKER, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        missing_service(f"needs Redis at {BROKER}")
    client.flushdb()
    old = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = BROKER
    _forget_connections()
    yield client
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = old
    _forget_connections()
    client.flushdb()


def _forget_connections():
    """A connection pool made earlier in this process would still publish to the broker URL
    it was made with; drop it so the next publish connects to the one configured now."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.amqp._producer_pool = None


class Worker:
    def __init__(self):
        db = settings.DATABASES["default"]
        self.env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "False", "CELERY_BROKER_URL": BROKER,
                    "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}  # fmt: skip
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "outreach", "worker", "--pool=solo", "--loglevel=WARNING",
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

        # Lose the queued task entirely (Redis flushed while the worker is down): the
        # periodic reconciler, which beat sends every minute, still catches up.
        worker.stop()
        push(client, [visit(world, world.households_a[2])])
        broker.flushdb()
        worker.start()
        from outreach.rollups.tasks import rollups_reconcile_task

        rollups_reconcile_task.delay()
        assert wait_for(lambda: visited(world.province) == 3), "the reconciler did not catch up"
        assert visited(world.commune) == visited(world.group1) == 3
    finally:
        worker.stop()
