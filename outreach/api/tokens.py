"""POST /api/v1/auth/token (a token for one device) and POST /api/v1/auth/logout (revoke
the calling token). Sign-in goes through django.contrib.auth.authenticate, so the lockout
of outreach.accounts (backends.py, receivers.py) guards it as it guards the login page."""

from django.contrib.auth import authenticate
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.response import Response
from rest_framework.views import APIView

from ..accounts.backends import LOCKED_UNTIL
from ..accounts.policy import device_label
from ..accounts.services import device_token_issue, device_token_revoke, signin_failures_clear
from ..sync.errors import error_body
from .auth import TokenAuthentication

# The token endpoint's own refusals, in the shape of outreach.sync.errors.error_body.
MESSAGES = {
    "missing_credentials": ("Hãy gửi tên đăng nhập (username) và mật khẩu (password)",
                            "Send a username and a password"),
    "unsupported_media_type": ("Hãy gửi dạng JSON hoặc biểu mẫu (application/x-www-form-urlencoded)",
                               "Send JSON or a form (application/x-www-form-urlencoded)"),
    "bad_credentials": ("Tên đăng nhập hoặc mật khẩu không đúng", "Wrong username or password"),
    "signin_locked": (
        "Đăng nhập sai quá nhiều lần nên tạm bị khoá. Hãy thử lại sau %(until)s, hoặc nhờ công an xã / phường mở khoá",
        "Too many failed sign-ins: locked for now. Try again after %(until)s, or ask the commune police to unlock it",
    ),
}  # fmt: skip


def _refuse(code: str, http_status: int, headers=None, **extra) -> Response:
    vi, en = MESSAGES[code]
    params = {"until": extra.pop("until_text")} if "until_text" in extra else {}
    body = {"code": code, "message_vi": vi % params if params else vi, "message_en": en % params if params else en}
    return Response({"error": {**body, **extra}}, status=http_status, headers=headers)


def _locked(until) -> Response:
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
    local = timezone.localtime(until)
    return _refuse("signin_locked", status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(seconds)},
                   until_text=local.strftime("%H:%M %d/%m/%Y"), locked_until=local.isoformat(),
                   retry_after=seconds)  # fmt: skip


class TokenRequest(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField()
    device = serializers.CharField(required=False, help_text="a name for this device; default: from User-Agent")


class TokenResponse(serializers.Serializer):
    token = serializers.CharField(help_text="send as `Authorization: Token <token>`; shown only once")
    expires_at = serializers.DateTimeField()
    device = serializers.CharField()


class TokenRefusal(serializers.Serializer):
    code = serializers.ChoiceField(["malformed_json", *MESSAGES])
    message_vi = serializers.CharField()
    message_en = serializers.CharField()
    retry_after = serializers.IntegerField(required=False, help_text="signin_locked: seconds until a new try")
    locked_until = serializers.DateTimeField(required=False, help_text="signin_locked: when a new try is allowed")


class TokenRefused(serializers.Serializer):
    error = TokenRefusal()


class SignedOutRefusal(serializers.Serializer):
    code = serializers.ChoiceField(["not_signed_in", "bad_token"])
    message_vi = serializers.CharField()
    message_en = serializers.CharField()


class SignedOutRefused(serializers.Serializer):
    error = SignedOutRefusal()


class TokenView(APIView):
    """POST username and password (and a device name), get a token for this device."""

    authentication_classes: list = []  # the credentials are in the body; no session, no CSRF
    permission_classes: list = []

    @extend_schema(request=TokenRequest, responses={200: TokenResponse, 400: TokenRefused, 415: TokenRefused,
                                                      429: TokenRefused})
    def post(self, request):
        try:
            data = request.data
        except ParseError:
            return Response({"error": error_body("malformed_json")}, status=status.HTTP_400_BAD_REQUEST)
        except UnsupportedMediaType:
            return _refuse("unsupported_media_type", status.HTTP_415_UNSUPPORTED_MEDIA_TYPE)
        username = data.get("username") if hasattr(data, "get") else None
        password = data.get("password") if hasattr(data, "get") else None
        given = isinstance(username, str) and isinstance(password, str) and username and password
        # NUL cannot be stored (PostgreSQL refuses it) and is in no username or password.
        if not given or "\x00" in username + password:
            return _refuse("missing_credentials", status.HTTP_400_BAD_REQUEST)
        user = authenticate(request, username=username, password=password)
        until = getattr(request, LOCKED_UNTIL, None)
        if until is not None:
            return _locked(until)
        if user is None:
            return _refuse("bad_credentials", status.HTTP_400_BAD_REQUEST)
        signin_failures_clear(username=user.get_username())
        given = data.get("device", "")
        label = device_label(given=given if isinstance(given, str) else "",
                             user_agent=request.META.get("HTTP_USER_AGENT", ""))  # fmt: skip
        issued = device_token_issue(user=user, device=label)
        return Response({"token": issued.key, "expires_at": timezone.localtime(issued.expires_at).isoformat(),
                         "device": issued.device})  # fmt: skip


class LogoutView(APIView):
    """POST with a token: that token stops working at once. Other devices keep theirs."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None, 401: SignedOutRefused})
    def post(self, request):
        device_token_revoke(user=request.user, token_id=request.auth.id)
        return Response(status=status.HTTP_204_NO_CONTENT)

