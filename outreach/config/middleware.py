"""Responses that carry personal data are never kept in a cache.

A shared phone's browser cache, the back button after signing out, a proxy between the ward
office and the server: each may keep what it is allowed to keep, and residents' names, ID
numbers and phones must not be among it (Decree 13/2023). So every response under these
paths is marked no-store, whatever its view set. One list of prefixes here rather than a
decorator per view, so that a page added under /bao-cao/ tomorrow is covered too.

The field app's shell (/app/) and the static files stay cacheable: the service worker keeps
the shell for offline use, and neither holds a resident (the data lives in IndexedDB, filled
by the sync pull, which is covered here).
"""

from django.utils.cache import add_never_cache_headers

PERSONAL_DATA_PREFIXES = (
    "/api/v1/",  # the sync pull and push, and the token endpoint (a credential)
    "/bao-cao/",  # report lists and their Excel/CSV exports
    "/to/",  # the group leaders' turfs and households
    "/app/session",  # who is signed in on this phone
    "/tai-khoan/",  # signed-in devices and their addresses, the police's unlock
    "/admin/",
    "/chat-luong-du-lieu/",  # the data quality board's lists and exports
    "/nhap-danh-sach/",  # a roster upload's preview, error copy and the people no longer listed
    "/goi-dien/",  # the caller's batch: names and phone numbers
    "/hen-tai-nha/",  # home appointments: households needing support at home
    "/ca-lam-viec/",  # shifts: the members present and their hand-over notes
)


def carries_personal_data(path: str) -> bool:
    return path.startswith(PERSONAL_DATA_PREFIXES)


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if carries_personal_data(request.path_info):
            # Django's never_cache headers (no-store, no-cache, must-revalidate, private,
            # max-age=0 and Expires now), merged with what the view set; Pragma for the
            # HTTP/1.0 proxies some provincial networks still run.
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response
