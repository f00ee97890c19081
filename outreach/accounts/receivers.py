"""Django's sign-in signals: count wrong passwords, record and end web sessions."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .backends import LOCKED_UNTIL
from .policy import client_ip, device_label
from .selectors import signin_locked_until
from .services import signin_failure_record, signin_failures_clear, web_session_end, web_session_record


@receiver(user_login_failed, dispatch_uid="accounts-login-failed")
def count_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get("username")
    if request is None or username is None or getattr(request, LOCKED_UNTIL, None):
        return  # a try while locked out is not counted: the lock ends when it said it would
    ip = client_ip(request)
    signin_failure_record(username=str(username), ip=ip)
    # The failure that locks says so at once, not at the next try.
    until = signin_locked_until(username=str(username), ip=ip)
    if until:
        setattr(request, LOCKED_UNTIL, until)


@receiver(user_logged_in, dispatch_uid="accounts-logged-in")
def record_session(sender, request, user, **kwargs):
    signin_failures_clear(username=user.get_username())
    session = getattr(request, "session", None)
    if session is not None:
        label = device_label(user_agent=request.META.get("HTTP_USER_AGENT", ""))
        web_session_record(user=user, session=session, label=label, ip=client_ip(request))


@receiver(user_logged_out, dispatch_uid="accounts-logged-out")
def end_session(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        web_session_end(session=session)
