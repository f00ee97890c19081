"""Token authentication for scripts and the benchmarks: DRF's, with the lookup of a good
token as one plain SQL row through the push's prepared-statement cursor. Every push pays for
this lookup; DRF builds a select_related queryset for it each time, which cost more than
half a millisecond of Python per request."""

from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection
from rest_framework import authentication
from rest_framework.authtoken.models import Token

from ..rowsql import select_rows, table


@lru_cache(maxsize=1)
def _user_by_token() -> tuple[str, list[str]]:
    """The statement reading the user of a token, and the user's field names in its order."""
    user_model = get_user_model()
    fields = user_model._meta.concrete_fields
    columns = ", ".join(f"u.{connection.ops.quote_name(f.column)}" for f in fields)
    sql = (f"SELECT {columns} FROM {table(user_model)} u JOIN {table(Token)} t ON t.user_id = u.id "
           "WHERE t.key = %s")  # fmt: skip
    return sql, [f.attname for f in fields]


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        sql, names = _user_by_token()
        rows = select_rows(sql, [key])
        user = get_user_model().from_db(DEFAULT_DB_ALIAS, names, rows[0]) if rows else None
        if user is None or not user.is_active:
            # Unknown token or inactive user: DRF's own check, which refuses it in its words.
            return super().authenticate_credentials(key)
        return user, Token(key=key, user=user)
