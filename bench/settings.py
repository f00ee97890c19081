"""Settings of the server the benchmark runs: the app's own settings plus what a benchmark
needs and production has anyway.

- ROOT_URLCONF adds the naive comparison endpoint (bench/urls.py) beside the real API.
- DEBUG off: with DEBUG on Django keeps every SQL query in memory and renders debug pages.
- Persistent database connections (CONN_MAX_AGE): without them every request pays a
  PostgreSQL connection set-up (a fork on the server), which would dominate a 50-visit push.
- PostgreSQL's JIT off (`-c jit=off`). Django's bulk_update sends one CASE WHEN branch
  per row and field; above jit_above_cost PostgreSQL 15 hands that expression to LLVM,
  whose optimiser is super-linear in it: the seed's projection_rebuild (2,000-visit
  chunks) then spends many minutes per UPDATE in LLVM's GVN pass, ignoring cancel and
  terminate requests. The app's own settings do not turn it off yet (see the report).
- Logging at WARNING, so the request log does not cost CPU on a 2-core machine.
"""

from outreach.config.settings import *  # noqa: F403
from outreach.config.settings import DATABASES, envint

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

DATABASES["default"]["CONN_MAX_AGE"] = envint("DB_CONN_MAX_AGE", "600")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
