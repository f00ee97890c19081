"""The first authentication backend: refuses a locked-out sign-in before any password is
checked, on every surface that signs in through django.contrib.auth.authenticate (the
login page, the admin's login, the API token endpoint)."""

from django.core.exceptions import PermissionDenied

from .policy import client_ip
from .selectors import signin_locked_until

# Set on the request a locked-out sign-in came with: when it may try again. The login form
# and the token endpoint read it to say so; receivers.py does not count such a try.
LOCKED_UNTIL = "signin_locked_until"


class SignInGuardBackend:
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None:
            return None  # management commands and the test client's login(): nothing to guard
        until = signin_locked_until(username=str(username), ip=client_ip(request))
        if until is not None:
            setattr(request, LOCKED_UNTIL, until)
            # authenticate() stops at PermissionDenied: the next backends never see the password.
            raise PermissionDenied
        return None

    # No get_user(): this backend never signs anyone in, so no session names it (and the
    # test client's force_login() skips a backend without one).
