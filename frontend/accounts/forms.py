from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.accounts.backends import LOCKED_UNTIL


class SignInForm(AuthenticationForm):
    """Django's login form, saying when a locked-out sign-in may try again (the lockout
    itself is outreach.accounts.backends, which guards every sign-in, not only this form)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "locked": _("Đăng nhập sai quá nhiều lần nên tài khoản tạm bị khoá. Hãy thử lại sau %(time)s ngày "
                    "%(date)s, hoặc nhờ công an xã / phường mở khoá."),
    }  # fmt: skip

    def get_invalid_login_error(self):
        until = getattr(self.request, LOCKED_UNTIL, None)
        if until is None:
            return super().get_invalid_login_error()
        local = timezone.localtime(until)
        return ValidationError(self.error_messages["locked"], code="locked",
                               params={"time": local.strftime("%H:%M"), "date": local.strftime("%d/%m/%Y")})  # fmt: skip


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Tên đăng nhập"), max_length=150, required=False)
