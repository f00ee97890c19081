"""The Celery app. `celery -A outreach worker` and `celery -A outreach beat` load this."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.config.settings")

app = Celery("outreach")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["outreach.rollups", "outreach.editions", "outreach.sync", "households"])  # the tasks live with their feature
