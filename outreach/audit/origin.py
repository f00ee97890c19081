"""Where a request came from: the client's IP address and a short device label.

The IP follows the one rule of outreach.accounts.policy.client_ip_of: REMOTE_ADDR, or behind
the configured number of trusted proxies (TRUSTED_PROXIES) the X-Forwarded-For entry the
nearest of them appended; entries a client wrote itself are never believed.

Services called outside a view (an assignment made on /to/, a roster import) have no request
in hand; `current_origin` gives them the one being served, captured from the request_started
signal into a context variable (no middleware, so the settings stay untouched). A management
command has none and is logged as such.
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.core.signals import request_finished, request_started
from django.dispatch import receiver

from ..accounts.policy import client_ip_of

DEVICE_MAX = 200


@dataclass(frozen=True)
class Origin:
    ip: str | None = None
    device: str = ""


COMMAND_LINE = Origin(ip=None, device="manage.py")


def origin_of_meta(meta) -> Origin:
    return Origin(ip=client_ip_of(meta) or None, device=(meta.get("HTTP_USER_AGENT") or "")[:DEVICE_MAX])


def origin_of(request) -> Origin:
    """A phone signed in with a device token is named by the token's label ("Redmi của
    Lan"), then its user agent."""
    origin = origin_of_meta(request.META)
    label = getattr(getattr(request, "auth", None), "label", "")  # DRF's request.auth; None on a page
    if isinstance(label, str) and label:
        return Origin(ip=origin.ip, device=f"{label} · {origin.device}"[:DEVICE_MAX] if origin.device else label)
    return origin


_current: ContextVar[Origin | None] = ContextVar("audit_current_origin", default=None)


def current_origin() -> Origin:
    return _current.get() or COMMAND_LINE


@receiver(request_started, dispatch_uid="audit_request_started")
def _remember_origin(sender, environ=None, **kwargs) -> None:
    # WSGI (gunicorn, runserver, the test client) sends the environ in the request's own
    # thread and context. Under ASGI the signal's sync receivers run in a copied context,
    # so there services fall back to COMMAND_LINE; views always pass their request.
    if environ is not None:
        _current.set(origin_of_meta(environ))


@receiver(request_finished, dispatch_uid="audit_request_finished")
def _forget_origin(sender, **kwargs) -> None:
    _current.set(None)
