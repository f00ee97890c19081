"""Token authentication for scripts, the benchmarks and other devices: one device token
(outreach.accounts) per device, read as one plain SQL row through the push's
prepared-statement cursor. Every push pays for this lookup; a queryset built for it each
time cost more than half a millisecond of Python per request. The row is refused when the
token is unknown, revoked or expired, or its user inactive; its last use is written at
most every TOUCH_EVERY, not on every request."""

from datetime import timedelta
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection
from django.utils import timezone
from rest_framework import authentication
from rest_framework.exceptions import AuthenticationFailed

from ..accounts.models import DeviceToken
from ..accounts.services import device_token_touch, token_hash
from ..rowsql import select_rows, table

TOUCH_EVERY = timedelta(minutes=5)


@lru_cache(maxsize=1)
def _user_by_token() -> tuple[str, list[str]]:
    """The statement reading the user of a live token, its id and whether its last use is
    older than TOUCH_EVERY; and the user's field names in its order."""
    user_model = get_user_model()
    fields = user_model._meta.concrete_fields
    columns = ", ".join(f"u.{connection.ops.quote_name(f.column)}" for f in fields)
    sql = (f"SELECT {columns}, t.id, (t.last_used_at IS NULL OR t.last_used_at < %s) "
           f"FROM {table(user_model)} u JOIN {table(DeviceToken)} t ON t.user_id = u.id "
           "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s")  # fmt: skip
    return sql, [f.attname for f in fields]


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        sql, names = _user_by_token()
        now = timezone.now()
        adapt = connection.ops.adapt_datetimefield_value
        rows = select_rows(sql, [adapt(now - TOUCH_EVERY), token_hash(key), adapt(now)])
        if not rows:
            raise AuthenticationFailed  # unknown, revoked or expired: the bad_token body
        *values, token_id, stale = rows[0]
        user = get_user_model().from_db(DEFAULT_DB_ALIAS, names, values)
        if not user.is_active:
            raise AuthenticationFailed
        if stale:
            device_token_touch(token_id=token_id)
        return user, DeviceToken(id=token_id, user=user)
