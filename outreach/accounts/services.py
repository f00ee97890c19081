"""Writes: sign-in failures and unlocks, device tokens, web sessions."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from .models import DeviceToken, SignInFailure, WebSession
from .policy import sign_in_length, token_length

log = logging.getLogger(__name__)

FAILURES_KEPT = timedelta(days=30)


def signin_failure_record(*, username: str, ip: str) -> None:
    now = timezone.now()
    SignInFailure.objects.create(username=username[:150], ip=ip, at=now)
    # Pruned here, where rows are added, so the table stays as small as the attempts are few.
    SignInFailure.objects.filter(at__lt=now - FAILURES_KEPT).delete()


def signin_failures_clear(*, username: str) -> int:
    """After a good sign-in, earlier typos of this username no longer count."""
    return SignInFailure.objects.filter(username=username, cleared_at=None).update(cleared_at=timezone.now())


def signin_unlock(*, officer, user) -> int:
    """Let `user` sign in again at once. The caller has checked that `officer` manages
    `user` (selectors.user_managed)."""
    cleared = signin_failures_clear(username=user.get_username())
    log.info("sign-in unlocked: user=%s by=%s failures=%d", user.pk, officer.pk, cleared)
    return cleared


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    key: str  # shown once, to the caller; only its hash is stored
    id: int
    device: str
    expires_at: datetime


def device_token_issue(*, user, device: str) -> IssuedToken:
    """A new token for one device. Tokens of the user's other devices are untouched."""
    key = secrets.token_hex(20)
    token = DeviceToken.objects.create(
        user=user, key_hash=token_hash(key), label=device, expires_at=timezone.now() + token_length(user=user)
    )
    return IssuedToken(key=key, id=token.id, device=token.label, expires_at=token.expires_at)


def device_token_touch(*, token_id: int) -> None:
    DeviceToken.objects.filter(id=token_id).update(last_used_at=timezone.now())


def device_token_revoke(*, user, token_id: int) -> bool:
    """Revoke the user's token `token_id`; False if the user has no such live token."""
    return bool(DeviceToken.objects.filter(id=token_id, user=user, revoked_at=None).update(revoked_at=timezone.now()))


# Keys this module keeps in a web session: its WebSession row, the session key that row
# holds, and when the row was last touched (epoch seconds).
SESSION_DEVICE = "_device_id"
SESSION_DEVICE_KEY = "_device_key"
SESSION_DEVICE_SEEN = "_device_seen"


def web_session_record(*, user, session, label: str, ip: str) -> WebSession:
    """Called at sign-in: the session lasts as long as the user's roles allow."""
    length = sign_in_length(user=user)
    session.set_expiry(int(length.total_seconds()))
    if session.session_key is None:
        session.create()
    now = timezone.now()
    row = WebSession.objects.create(user=user, session_key=session.session_key, label=label, ip=ip,
                                    created_at=now, last_used_at=now, expires_at=now + length)  # fmt: skip
    session[SESSION_DEVICE] = row.id
    session[SESSION_DEVICE_KEY] = session.session_key
    session[SESSION_DEVICE_SEEN] = int(now.timestamp())
    return row


def web_session_touch(*, session, ip: str) -> None:
    """A request in a recorded session: keep its row's key (rotated by a password change)
    and its last use current."""
    now = timezone.now()
    WebSession.objects.filter(id=session[SESSION_DEVICE], ended_at=None).update(
        session_key=session.session_key, last_used_at=now, ip=ip
    )
    session[SESSION_DEVICE_KEY] = session.session_key
    session[SESSION_DEVICE_SEEN] = int(now.timestamp())


def web_session_end(*, session) -> None:
    """Sign-out: the session is flushed by Django right after."""
    device_id = session.get(SESSION_DEVICE)
    if device_id:
        WebSession.objects.filter(id=device_id, ended_at=None).update(ended_at=timezone.now())


def web_session_revoke(*, user, device_id: int) -> bool:
    """End the user's web session `device_id` from elsewhere: its session is deleted from
    the session store, so that browser is signed out at its next request."""
    row = WebSession.objects.filter(id=device_id, user=user, ended_at=None).first()
    if row is None:
        return False
    import_module(settings.SESSION_ENGINE).SessionStore().delete(row.session_key)
    WebSession.objects.filter(id=row.id).update(ended_at=timezone.now())
    return True
