"""Thiết bị đã đăng nhập: every signed-in user sees and signs out their own devices (web
sessions and API tokens); an officer who manages accounts (outreach.access:
MANAGE_ACCOUNTS) does the same for the users of their area, and unlocks a locked-out one.

A user outside the officer's area gets the same 404 page as a user id that does not exist,
so the answer tells nothing about who exists elsewhere. Every change is a POST with CSRF,
answered with a redirect."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from outreach.access import Capability, area_scope
from outreach.audit.models import AuditAction
from outreach.audit.services import audit_change
from outreach.models import RoleGrant
from outreach.accounts.selectors import (
    devices_of, locked_users_managed_by, signin_locked_until, user_managed, users_search,
)  # fmt: skip
from outreach.accounts.services import device_token_revoke, signin_unlock, web_session_revoke

from .forms import UserSearchForm

KINDS = ("web", "token")


def _is_officer(user) -> bool:
    return area_scope(user=user, capability=Capability.MANAGE_ACCOUNTS).allowed


def officer_required(view):
    """Signed in and managing accounts somewhere; the managed user, if the URL names one
    the officer manages, rides on the request (else the one 404 page)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, user_id: int, **kwargs):
        if not _is_officer(request.user):
            raise PermissionDenied(_("Trang này dành cho công an xã / phường và quản trị."))
        target = user_managed(officer=request.user, user_id=user_id)
        if target is None:
            return render(request, "accounts/not_found.html", status=404)
        request.managed_user = target
        return view(request, *args, **kwargs)

    return wrapper


@login_required
def devices(request):
    officer = _is_officer(request.user)
    search = UserSearchForm(request.GET or None)
    found = users_search(officer=request.user, query=search.cleaned_data["q"]) if officer and search.is_valid() else []
    return render(request, "accounts/devices.html", {
        "devices": devices_of(user=request.user, current_session_key=request.session.session_key or ""),
        "officer": officer, "search": search, "searched": officer and search.is_bound, "found": found,
        "locked_users": locked_users_managed_by(officer=request.user) if officer else [],
    })  # fmt: skip


def _audit(request, *, action: AuditAction, target, **detail) -> None:
    """A device signed out or an account unlocked, in the audit log under the target's own
    area (the first of their grants), whoever did it."""
    grant = RoleGrant.objects.filter(user=target).select_related("area").order_by("area__path").first()
    audit_change(user=request.user, action=action, area=grant.area if grant else None, object_type="auth.user",
                 object_id=target.pk, request=request, detail=detail)  # fmt: skip


def _revoke(request, *, user, kind: str, device_id: int) -> bool:
    if kind == "web":
        done = web_session_revoke(user=user, device_id=device_id)
    else:
        done = kind == "token" and device_token_revoke(user=user, token_id=device_id)
    if done:
        _audit(request, action=AuditAction.DEVICE_REVOKE, target=user, kind=kind, device=device_id)
    return done


def _current(request, kind: str, device_id: int) -> bool:
    return kind == "web" and any(d.current and d.id == device_id for d in devices_of(
        user=request.user, current_session_key=request.session.session_key or ""))  # fmt: skip


@login_required
@require_POST
def revoke(request, kind: str, device_id: int):
    if _current(request, kind, device_id):
        logout(request)  # this browser: sign out here, which also ends its row
        return redirect("login")
    if _revoke(request, user=request.user, kind=kind, device_id=device_id):
        messages.success(request, _("Đã đăng xuất thiết bị."))
    else:
        messages.error(request, _("Không tìm thấy thiết bị này, hoặc thiết bị đã đăng xuất."))
    return redirect("accounts:devices")


@officer_required
def user_devices(request):
    target = request.managed_user
    return render(request, "accounts/user.html", {
        "target": target, "devices": devices_of(user=target),
        "locked_until": signin_locked_until(username=target.get_username(), ip=""),
    })  # fmt: skip


@officer_required
@require_POST
def user_revoke(request, kind: str, device_id: int):
    target = request.managed_user
    if target.pk == request.user.pk and _current(request, kind, device_id):
        logout(request)
        return redirect("login")
    if _revoke(request, user=target, kind=kind, device_id=device_id):
        messages.success(request, _("Đã đăng xuất thiết bị."))
    else:
        messages.error(request, _("Không tìm thấy thiết bị này, hoặc thiết bị đã đăng xuất."))
    return redirect(reverse("accounts:user", args=[target.pk]))


@officer_required
@require_POST
def user_unlock(request):
    target = request.managed_user
    if signin_unlock(officer=request.user, user=target):
        _audit(request, action=AuditAction.SIGNIN_UNLOCK, target=target)
        messages.success(request, _("Đã mở khoá: người dùng này đăng nhập lại được ngay."))
    else:
        messages.info(request, _("Tài khoản này không bị khoá."))
    return redirect(reverse("accounts:user", args=[target.pk]))
