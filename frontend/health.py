"""Liveness for docker-compose and load balancers: the process answers and the database does.

Anonymous and cheap on purpose: the healthcheck polls it every few seconds without a
session, so it runs one `SELECT 1` and touches no table.
"""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # Any database failure means "unhealthy", whatever the driver calls it; the reason
        # goes to the log, not to an anonymous caller.
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})
