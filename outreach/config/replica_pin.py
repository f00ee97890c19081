"""The writer reads its own writes: for REPLICA_PIN_SECONDS after a change, a user's report
pages read the primary instead of the replica.

`ReplicaPinMiddleware` (installed only when a replica is configured) sets a short-lived
cookie on the answer to every successful POST/PUT/PATCH/DELETE by a signed-in user;
`pinned_to_primary` says whether the request carries an unexpired one. A cookie rather than
a session key: it costs no database write, and it travels with the very next request.

Why the cookie is safe to trust unsigned: it only chooses which copy of the same database a
report reads, never what may be read. Who may see what is decided by `report_page` from the
user's grants on the primary whatever the cookie says. A forged or replayed cookie can only
send that user's reports to the primary, which is what every report did before there was a
replica; stripping it only shows figures a few seconds old.
"""

import time

from django.conf import settings

PIN_COOKIE = "tn_primary"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def pin_seconds() -> int:
    return int(getattr(settings, "REPLICA_PIN_SECONDS", 10))


def pinned_to_primary(request) -> bool:
    """The cookie's value is the second it runs out (the browser drops it at max-age too,
    but a client that keeps cookies longer must not be pinned for ever)."""
    try:
        until = int(request.COOKIES.get(PIN_COOKIE, "0"))
    except ValueError:
        return False
    return until > time.time()


class ReplicaPinMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (request.method in UNSAFE_METHODS and response.status_code < 400 and user is not None
                and user.is_authenticated):  # fmt: skip
            seconds = pin_seconds()
            response.set_cookie(
                PIN_COOKIE, str(int(time.time()) + seconds), max_age=seconds, httponly=True, samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )  # fmt: skip
        return response
