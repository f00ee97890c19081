"""How long a sign-in lasts, where a request comes from, and what to call a device.

SIGN_IN_LENGTH is the one place for the per-role rule: a web session is set to it at
sign-in (receivers.py) and an API token never outlives it (services.py), so a token is no
back door around a short session."""

import ipaddress
from datetime import timedelta

from django.conf import settings

from ..access import access_for
from ..access.models import Role

SIGN_IN_LENGTH: dict[str, timedelta] = {
    # Field members sign in once per campaign, on a phone they keep.
    Role.FIELD_MEMBER: timedelta(days=90),
    Role.GROUP_LEADER: timedelta(days=30),
    # These hold the whole area's data: a lost phone must not stay signed in for long.
    Role.COMMUNE_POLICE: timedelta(hours=12),
    Role.PROVINCE_LEADER: timedelta(hours=12),
    Role.ADMIN: timedelta(hours=12),
}
# Superusers, and users with no grant at all, get the shortest.
SHORTEST = min(SIGN_IN_LENGTH.values())


def sign_in_length(*, user) -> timedelta:
    """The shortest length among the user's roles: a field member who is also commune
    police signs in as commune police."""
    access = access_for(user=user)
    if access.superuser or not access.roles:
        return SHORTEST
    return min(SIGN_IN_LENGTH.get(role, SHORTEST) for role in access.roles)


def token_length(*, user) -> timedelta:
    return min(timedelta(days=settings.TOKEN_TTL_DAYS), sign_in_length(user=user))


def client_ip(request) -> str:
    return client_ip_of(request.META)


def client_ip_of(meta) -> str:
    """The client's address ("" if none), the one rule for sign-in limits and the audit log.
    Behind SIGNIN_TRUSTED_PROXIES reverse proxies (each appending the address it saw to
    X-Forwarded-For) it is that many entries from the right; the entries further left are
    whatever the client sent, and are never trusted."""
    remote = meta.get("REMOTE_ADDR", "") or ""
    proxies = settings.SIGNIN_TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            remote = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(remote))
    except ValueError:
        return ""


_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("CrOS", "ChromeOS"), ("Mac OS X", "macOS"), ("Linux", "Linux"))  # fmt: skip
# Order matters: most browsers also name Chrome or Safari in their User-Agent.
_BROWSERS = (("Zalo", "Zalo"), ("coc_coc", "Cốc Cốc"), ("Edg", "Edge"), ("OPR/", "Opera"),
             ("SamsungBrowser", "Samsung Internet"), ("Firefox/", "Firefox"), ("FxiOS", "Firefox"),
             ("CriOS", "Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))  # fmt: skip
LABEL_MAX = 120


def _printable(text) -> str:
    """One line of printable text: no control characters (NUL cannot even be stored)."""
    return " ".join("".join(c if c.isprintable() else " " for c in str(text or "")).split())


def device_label(*, given: str = "", user_agent: str = "") -> str:
    """The name the client gave, else "browser · system" read from the User-Agent, else the
    User-Agent itself, shortened ("" when there is none)."""
    given = _printable(given)
    if given:
        return given[:LABEL_MAX]
    user_agent = _printable(user_agent)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    if system or browser:
        return " · ".join(part for part in (browser, system) if part)
    return user_agent[:LABEL_MAX]
