"""Reads: sign-in lockouts, a user's devices, the users an officer manages."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ..access import Capability, access_for
from ..access.models import RoleGrant
from .models import DeviceToken, SignInFailure, WebSession


def lockout_window() -> timedelta:
    return timedelta(minutes=settings.SIGNIN_LOCKOUT_MINUTES)


def _until(times: list[datetime], limit: int, window: timedelta) -> datetime | None:
    """With `limit` failures inside the window, the lock lasts until the oldest of the last
    `limit` leaves it: then one more try is allowed (and one more failure locks again)."""
    if limit <= 0 or len(times) < limit:
        return None
    return sorted(times, reverse=True)[limit - 1] + window


def signin_locked_until(*, username: str, ip: str) -> datetime | None:
    """When this username or this address may try again, or None if it may now. One query.
    Per address the limit is higher: phones on one carrier share addresses through NAT."""
    window = lockout_window()
    near = Q(username=username) | Q(ip=ip) if ip else Q(username=username)
    rows = SignInFailure.objects.filter(near, at__gte=timezone.now() - window, cleared_at=None)
    rows = list(rows.values_list("username", "ip", "at"))
    by_user = _until([at for u, _, at in rows if u == username], settings.SIGNIN_FAILURES_PER_USER, window)
    by_ip = _until([at for _, i, at in rows if ip and i == ip], settings.SIGNIN_FAILURES_PER_IP, window)
    return max((t for t in (by_user, by_ip) if t), default=None)


def locked_users_managed_by(*, officer) -> list:
    """The users `officer` manages who are locked out by their own failures now."""
    since = timezone.now() - lockout_window()
    locked = (SignInFailure.objects.filter(at__gte=since, cleared_at=None).values("username")
              .annotate(n=Count("id")).filter(n__gte=settings.SIGNIN_FAILURES_PER_USER).values("username"))  # fmt: skip
    return list(users_managed_by(officer=officer).filter(username__in=locked).order_by("username")[:50])


@dataclass(frozen=True)
class Device:
    kind: str  # "web" or "token"
    id: int
    label: str
    ip: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    current: bool = False  # the session this page is shown in


def devices_of(*, user, current_session_key: str = "") -> list[Device]:
    """The user's live web sessions and API tokens, most recently used first."""
    now = timezone.now()
    sessions = WebSession.objects.filter(user=user, ended_at=None, expires_at__gt=now)
    tokens = DeviceToken.objects.filter(user=user, revoked_at=None, expires_at__gt=now)
    devices = [
        Device("web", s.id, s.label, s.ip, s.created_at, s.last_used_at, s.expires_at,
               current=bool(current_session_key) and s.session_key == current_session_key)
        for s in sessions
    ] + [Device("token", t.id, t.label, "", t.created_at, t.last_used_at, t.expires_at) for t in tokens]  # fmt: skip
    return sorted(devices, key=lambda d: (not d.current, -(d.last_used_at or d.created_at).timestamp()))


def users_managed_by(*, officer) -> QuerySet:
    """Users whose every role grant lies in the area where `officer` may manage accounts:
    a user who also holds a role elsewhere is that other area's to manage too, so neither
    alone may. Users with no grant, and superusers, only for an officer of everything."""
    users = get_user_model().objects.all()
    scope = access_for(user=officer).scope(Capability.MANAGE_ACCOUNTS)
    if scope.everything:
        return users
    if not scope.allowed:
        return users.none()
    inside = RoleGrant.objects.filter(scope.q("area")).values("user_id")
    outside = RoleGrant.objects.exclude(scope.q("area")).values("user_id")
    return users.filter(id__in=inside, is_superuser=False).exclude(id__in=outside)


def user_managed(*, officer, user_id: int):
    """The user if `officer` manages them, else None: the same answer for a user outside
    the area as for no such user, so the answer tells nothing of who exists elsewhere."""
    return users_managed_by(officer=officer).filter(id=user_id).first()


def users_search(*, officer, query: str, limit: int = 20) -> list:
    query = query.strip()
    if not query:
        return []
    return list(users_managed_by(officer=officer).filter(username__icontains=query).order_by("username")[:limit])
