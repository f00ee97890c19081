"""The app shell and the session probe. Nothing here reads turf data: that is the sync
API's job, and the shell must render the same for every user so the service worker can
serve one cached copy to whoever opens the app offline."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import patch_cache_control
from django.views.decorators.csrf import ensure_csrf_cookie


@login_required
@ensure_csrf_cookie  # the app's pushes send X-CSRFToken read from this cookie
def shell(request):
    response = render(request, "fieldapp/shell.html")
    # The service worker keeps its own copy; the HTTP cache must not hand it a stale one
    # (the page differs by language and by the static files of the release).
    patch_cache_control(response, private=True, no_cache=True)
    return response


@ensure_csrf_cookie
def session(request):
    """Who the session belongs to. The app asks before every push, because the server
    records visits under the session's user: a phone must never send one person's queued
    visits under another person's session. 401 (not a redirect) when signed out."""
    user = request.user
    if not user.is_authenticated:
        response = JsonResponse({"signed_in": False}, status=401)
    else:
        response = JsonResponse(
            {"signed_in": True, "username": user.get_username(), "name": user.get_full_name() or user.get_username()}
        )
    patch_cache_control(response, private=True, no_store=True)
    return response
