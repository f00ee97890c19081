"""The project's Celery app with the broker keys under the test run's prefix.

tests/test_rollup_worker.py starts `celery -A tests.prefixed_worker_app worker` so the worker
reads and writes only keys under TEST_CELERY_KEYPREFIX, like the test process does: the Redis
database it shares may hold other people's keys, and the test deletes only its own."""

import os

from outreach.config.celery import app

app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "global_keyprefix": os.environ["TEST_CELERY_KEYPREFIX"],
}
