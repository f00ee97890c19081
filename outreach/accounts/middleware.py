"""Keeps each signed-in browser's WebSession row current, without a query per request:
the row is touched when its session key changed, or when it was last touched more than
TOUCH_EVERY ago; otherwise the request reads nothing but the session it already has."""

import time

from django.contrib.auth import SESSION_KEY

from .policy import client_ip, device_label
from .services import SESSION_DEVICE, SESSION_DEVICE_KEY, SESSION_DEVICE_SEEN, web_session_record, web_session_touch

TOUCH_EVERY = 5 * 60  # seconds


class DeviceSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key and session.get(SESSION_KEY):
            if SESSION_DEVICE not in session:
                if not request.user.is_authenticated:  # e.g. the password changed since
                    return self.get_response(request)
                # Signed in before sessions were recorded: record it now, with its role's length.
                label = device_label(user_agent=request.META.get("HTTP_USER_AGENT", ""))
                web_session_record(user=request.user, session=session, label=label, ip=client_ip(request))
            elif (session.get(SESSION_DEVICE_KEY) != session.session_key
                  or time.time() - session.get(SESSION_DEVICE_SEEN, 0) > TOUCH_EVERY):  # fmt: skip
                web_session_touch(session=session, ip=client_ip(request))
        return self.get_response(request)
