"""The area a page's URL names, checked against the user's scope: one answer for every
page that takes an area id (reports, the quality board, calls, appointments)."""

from django.http import Http404

from households.models import Area


def area_in_scope(scope, area_id: int | None) -> Area | None:
    """None without an id; Http404 for an area that does not exist or lies outside the
    scope — the same answer for both, so it tells nothing of other communes."""
    if area_id is None:
        return None
    area = Area.objects.filter(pk=area_id).first()
    if area is None or not scope.covers(area):
        raise Http404
    return area
