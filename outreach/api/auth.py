"""Token authentication for scripts and the benchmarks: DRF's, with the lookup of a good
token as one raw query. Every push pays for this lookup; DRF builds a select_related
queryset for it each time, which cost more than half a millisecond of Python per request."""

from django.contrib.auth import get_user_model
from rest_framework import authentication
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        user_model = get_user_model()
        sql = (f"SELECT u.* FROM {user_model._meta.db_table} u JOIN {Token._meta.db_table} t ON t.user_id = u.id "
               "WHERE t.key = %s")  # fmt: skip
        users = list(user_model.objects.raw(sql, [key]))
        if not users or not users[0].is_active:
            # Unknown token or inactive user: DRF's own check, which refuses it in its words.
            return super().authenticate_credentials(key)
        return users[0], Token(key=key, user=users[0])
