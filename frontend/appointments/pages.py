"""What every appointment page starts from: 403 without the capability anywhere, 404 for
an area outside it, the current campaign, and never-cached answers (names, addresses).
Booking, moving and cancelling need BOOK_APPOINTMENTS; the area's lists (missed ones
included, which the progress page links to) also open to those who read its reports."""

import functools
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from frontend.scoped import area_in_scope
from households.models import Area
from outreach.access import Access, AreaScope, Capability, access_for, campaign_current
from outreach.models import Campaign


@dataclass
class Page:
    access: Access
    scope: AreaScope
    area: Area | None
    campaign: Campaign | None

    @property
    def may_book(self) -> bool:
        return self.area is not None and self.access.allows(Capability.BOOK_APPOINTMENTS, self.area)


def _scope(access: Access, capabilities: tuple[Capability, ...]) -> AreaScope:
    scopes = [access.scope(c) for c in capabilities]
    return AreaScope(paths=tuple(sorted({p for s in scopes for p in s.paths})), everything=any(s.everything for s in scopes))


def appointments_page(*capabilities: Capability):
    return lambda view: _wrap(view, capabilities)


def _wrap(view, capabilities):
    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, area_id: int | None = None, **kwargs):
        access = access_for(user=request.user)
        scope = _scope(access, capabilities)
        if not scope.allowed:
            raise PermissionDenied
        area = area_in_scope(scope, area_id)
        page = Page(access=access, scope=scope, area=area, campaign=campaign_current())
        return view(request, page, *args, **kwargs)  # never cached: outreach.config.middleware

    return wrapper


booking_page = appointments_page(Capability.BOOK_APPOINTMENTS)
listing_page = appointments_page(Capability.BOOK_APPOINTMENTS, Capability.READ_REPORTS)
