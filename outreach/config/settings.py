"""Settings for Từng Nhà.

One plain module; everything that differs between a laptop and production comes from the
environment through the tiny typed helpers below. The defaults are the embedded setup that
`make run` uses: SQLite and Celery tasks run eagerly in-process, so nothing but Python is
needed. DEBUG and the development secret key are defaults only in the embedded mode, which
must be asked for (TUNGNHA_EMBEDDED=1); anywhere else the defaults are production's.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def envbool(name: str, default: str = "False") -> bool:
    # A typo such as HTTPS=Ture must stop the start, not quietly switch the setting off.
    value = envstr(name).strip() or default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a yes/no value: use 1/0, true/false, yes/no or on/off")


def envint(name: str, default: str) -> int:
    return int(envstr(name, default))


# The embedded mode: `make run`, `make test`, `make bench` and pytest itself (tests/settings.py)
# set TUNGNHA_EMBEDDED=1. Only there are DEBUG on and a published development key the
# defaults; a server with a forgotten variable stops at start instead of serving debug pages
# and sessions signed with a key anyone can read here.
EMBEDDED = envbool("TUNGNHA_EMBEDDED", "False")
DEBUG = envbool("DEBUG", "True" if EMBEDDED else "False")
SECRET_KEY = envstr("SECRET_KEY").strip() or ("dev-only-insecure-key-change-me" if EMBEDDED else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. On a server set SECRET_KEY to 50 or more random characters (docker compose"
        " reads it from .env), e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'. To run on"
        " this machine with the development defaults (DEBUG on, a development key) set TUNGNHA_EMBEDDED=1,"
        " as `make run` and `make test` do."
    )
ALLOWED_HOSTS = [h for h in envstr("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in envstr("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "csp",
    "pwa",
    "households",
    "outreach",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files need neither (a CSP on a stylesheet does nothing).
    "csp.middleware.CSPMiddleware",
    "outreach.config.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "outreach.accounts.middleware.DeviceSessionMiddleware",  # keeps "Thiết bị đã đăng nhập" current
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
if envstr("REPLICA_DATABASE_URL"):
    # After the user is known; sets the read-your-writes cookie (outreach/config/replica_pin.py).
    MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                      "outreach.config.replica_pin.ReplicaPinMiddleware")  # fmt: skip

ROOT_URLCONF = "outreach.config.urls"
WSGI_APPLICATION = "outreach.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Searched before the apps' own folders, so that frontend/templates/admin/ can
        # override the admin's templates (the admin app is listed first).
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE_URL picks PostgreSQL in production and in the CI PostgreSQL run; the default is
# a SQLite file next to the code.
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "0"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation of the large bulk statements (seed, rebuild) took minutes and ignored
    # cancellation on these machines; the OLTP queries here never gain from it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# PgBouncer in transaction mode (DB_PGBOUNCER=1): each transaction may run on another
# server connection, so nothing may outlive one — no server-side cursors, no startup
# options (turn JIT off on the role instead: ALTER ROLE … SET jit = off), and no prepared
# statements (outreach/rowsql.py) unless PgBouncer ≥ 1.21 keeps them
# (max_prepared_statements > 0 there, DB_PGBOUNCER_PREPARED=1 here). Debian 12 has 1.18.
DB_PGBOUNCER = envbool("DB_PGBOUNCER")
DB_PREPARE_STATEMENTS = not DB_PGBOUNCER or envbool("DB_PGBOUNCER_PREPARED")
if DB_PGBOUNCER and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"]["OPTIONS"].pop("options", None)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several tabs and a runserver thread write at once; wait for the lock instead of
    # failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# A PostgreSQL streaming replica for the report pages (outreach/config/db_router.py): only
# reads inside replica_reads() go there, and a user who changed something in the last
# REPLICA_PIN_SECONDS reads the primary (outreach/config/replica_pin.py). Unset: one database.
REPLICA_PIN_SECONDS = envint("REPLICA_PIN_SECONDS", "10")
if envstr("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        envstr("REPLICA_DATABASE_URL"), conn_max_age=envint("DB_CONN_MAX_AGE", "0"), conn_health_checks=True
    )
    # A standby that does not answer within 3 s is skipped (db_router.replica_reads).
    DATABASES["replica"].setdefault("OPTIONS", {}).update(options="-c jit=off", connect_timeout=3)
    # A test run with a replica configured reads the test database through "default".
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["outreach.config.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every password set through a form (admin, password change) is checked: not like the
# username or name, at least 8 characters, not among the 20,000 commonest, not all digits.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
# Field teams sign in once per campaign on a shared phone they keep.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(60 * 60 * 24 * 90))

# HTTPS: on unless in the embedded mode (`make run` serves plain http) or HTTPS=False (only
# to try the compose stack on http://localhost). Plain http is redirected, HSTS keeps the
# browser from trying it again, and the session and CSRF cookies never travel in clear: a
# 90-day session on a phone on public Wi-Fi is worth stealing.
HTTPS = envbool("HTTPS", "False" if EMBEDDED else "True")
SECURE_SSL_REDIRECT = HTTPS
# compose's healthcheck asks http://127.0.0.1:8000/healthz/ from inside the container, past
# the TLS proxy; a redirect to https there would mark a healthy web unhealthy.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
# CSRF_COOKIE_HTTPONLY stays False: the field app and its service worker read csrftoken to
# send X-CSRFToken with a push.
# A year, what browsers' preload lists ask for; HSTS_SECONDS=300 while a new domain's TLS
# is still being tried, since a browser that saw the header refuses http until it expires.
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", "31536000") if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading binds the whole registrable domain (every sibling service of a ministry's
# domain) and takes months to undo, so it is the domain owner's decision, made with
# HSTS_PRELOAD=True; until then `check --deploy` need not warn about it.
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", "False")
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# request.is_secure() believes X-Forwarded-Proto only when the operator says a proxy in
# front of every request sets it (docker-compose.yml does, and publishes web on 127.0.0.1
# only); otherwise any client could claim https by sending the header itself.
TRUST_X_FORWARDED_PROTO = envbool("TRUST_X_FORWARDED_PROTO", "False")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUST_X_FORWARDED_PROTO else None
# Django's defaults, stated because the tests and `check --deploy` rely on them: no MIME
# sniffing, no framing, no Referer (report URLs carry searched names) to other sites.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4): scripts only from this site's files, so an
# injected <script> or onclick= never runs. JSON data blocks (<script type="application/json">)
# are data, not script, and need nothing. Style attributes are allowed on purpose: progress
# bars set their width with style="width:37%" in the pages and the field app's markup, and a
# style attribute can neither run script nor read the page; stylesheets and <style> elements
# still come only from files (style-src-elem), and browsers without style-src-elem fall back
# to style-src, so no bar breaks on an old phone.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "style-src-elem": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Sign-in (outreach/accounts). Wrong passwords are counted per username and per client
# address over a sliding SIGNIN_LOCKOUT_MINUTES; at the limit every sign-in of that username
# (or from that address) is refused, the right password too, until the window has passed or
# the commune police unlock it. The limit per address is higher: phones on one mobile carrier
# share addresses through NAT. The first backend refuses a locked-out sign-in before the
# password is checked. How long a sign-in lasts per role is outreach/accounts/policy.py
# (SESSION_COOKIE_AGE above is only the longest of them); an API token lasts TOKEN_TTL_DAYS,
# never longer than its user's web session would.
AUTHENTICATION_BACKENDS = [
    "outreach.accounts.backends.SignInGuardBackend",
    "django.contrib.auth.backends.ModelBackend",
]
SIGNIN_FAILURES_PER_USER = envint("SIGNIN_FAILURES_PER_USER", "5")
SIGNIN_FAILURES_PER_IP = envint("SIGNIN_FAILURES_PER_IP", "30")
SIGNIN_LOCKOUT_MINUTES = envint("SIGNIN_LOCKOUT_MINUTES", "15")
# How many reverse proxies in front append to X-Forwarded-For: the client's address is that
# many entries from its right. Behind one (TRUST_X_FORWARDED_PROTO, docker-compose.yml) every
# request would otherwise come from the proxy's address, and 30 typos anywhere would lock
# everyone out.
SIGNIN_TRUSTED_PROXIES = envint("TRUSTED_PROXIES", "1" if TRUST_X_FORWARDED_PROTO else "0")
TOKEN_TTL_DAYS = envint("TOKEN_TTL_DAYS", "30")

# Vietnamese first, English second. FORMAT_MODULE_PATH overrides Django's shipped `vi`
# formats, which get the input date order and the number grouping wrong.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["outreach.config.formats"]
USE_I18N = True
# Django reads this one from settings only, not from the format modules.
USE_THOUSAND_SEPARATOR = True
USE_TZ = True
TIME_ZONE = envstr("TIME_ZONE", "Asia/Ho_Chi_Minh")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# collectstatic writes .gz copies that WhiteNoise serves to phones that accept them.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "outreach.api.auth.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "outreach.api.views.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Từng Nhà API",
    "DESCRIPTION": "Sync protocol between the field app and the server.",
    "VERSION": "1",
}

# Celery. Eager by default so `make run` needs no broker; production and the worker
# integration tests set CELERY_TASK_ALWAYS_EAGER=False and a real Redis.
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = envstr("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", "True")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A push must not hang on a dead broker: fail the enqueue fast, the reconciler catches up.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BEAT_SCHEDULE = {
    "rollups-reconcile": {"task": "outreach.rollups_reconcile", "schedule": envint("ROLLUP_RECONCILE_SECONDS", "60")},
    "rollups-daily": {"task": "outreach.rollups_daily", "schedule": crontab(hour=0, minute=5)},
    # Each area's morning and evening editions, at the hours it set (outreach/editions).
    "editions": {"task": "outreach.editions_make_due", "schedule": crontab(minute="*/5")},
    # The change log keeps SYNC_LOG_KEEP_DAYS of changes; a phone away longer downloads again.
    "change-log-prune": {"task": "outreach.change_log_prune", "schedule": crontab(hour=3, minute=15)},
}
SYNC_LOG_KEEP_DAYS = envint("SYNC_LOG_KEEP_DAYS", "30")

# The debounce of rollup refreshes is shared between web processes through Redis in
# production; one process's memory is enough for the embedded setup.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": envstr("CACHE_URL")}
        if envstr("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

PWA_APP_NAME = "Từng Nhà"
PWA_APP_DESCRIPTION = "Đến từng nhà, rà từng người"
PWA_APP_THEME_COLOR = "#0b5d3b"
PWA_APP_BACKGROUND_COLOR = "#ffffff"
PWA_APP_LANG = "vi"
PWA_APP_START_URL = "/app/"
PWA_APP_SCOPE = "/"
PWA_APP_ICONS = [
    {"src": "/static/fieldapp/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any maskable"},
    {"src": "/static/fieldapp/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
    {"src": "/static/frontend/icon.svg", "sizes": "any", "type": "image/svg+xml"},
]
PWA_APP_ICONS_APPLE = PWA_APP_ICONS
PWA_APP_SPLASH_SCREEN = []
PWA_APP_DEBUG_MODE = False
PWA_SERVICE_WORKER_PATH = BASE_DIR / "frontend" / "static" / "frontend" / "serviceworker.js"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
}
