"""Sign-in failures and the devices a user is signed in on."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SignInFailure(models.Model):
    """One wrong password (or unknown username), by username and address. Counted over a
    sliding window to lock either out; an officer's unlock clears them rather than deleting
    them, so the attempts stay on record."""

    username = models.CharField(max_length=150)
    ip = models.CharField(max_length=45, blank=True)  # "" when the server could not tell
    at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"], name="signin_failure_user_at"),
            models.Index(fields=["ip", "at"], name="signin_failure_ip_at"),
        ]


class DeviceToken(models.Model):
    """An API token of one device. Only the SHA-256 of the key is stored: a copy of the
    table does not sign anyone in. The key is random (160 bits), so a fast hash is enough."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)  # updated a few minutes at a time
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)


class WebSession(models.Model):
    """A signed-in browser: the session it holds, so that it can be listed and ended from
    another device (ending it deletes the session from the session store)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="web_sessions")
    session_key = models.CharField(max_length=40, db_index=True)
    label = models.CharField(max_length=120, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
