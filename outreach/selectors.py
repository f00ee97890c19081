"""Reads for campaign work, always scoped by the requesting user's role grants."""

from django.db.models import Q, QuerySet

from households.models import Area

from .models import RoleGrant


def user_role_grants(*, user) -> QuerySet[RoleGrant]:
    return RoleGrant.objects.filter(user=user).select_related("area").order_by("area__path", "role")


def areas_visible_to(*, user, roles=None) -> QuerySet[Area]:
    """Every area inside an area where the user holds one of `roles` (any role if None)."""
    if user.is_superuser:
        return Area.objects.all()
    grants = RoleGrant.objects.filter(user=user)
    if roles is not None:
        grants = grants.filter(role__in=list(roles))
    paths = list(grants.values_list("area__path", flat=True))
    if not paths:
        return Area.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Area.objects.filter(condition)
