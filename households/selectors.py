"""Reads of the registry."""

from django.db.models import Q, QuerySet

from .models import Area, Household, Resident
from .text import search_key


def area_subtree(*, area: Area) -> QuerySet[Area]:
    return Area.objects.filter(area.subtree())


def households_in_area(*, area: Area) -> QuerySet[Household]:
    return Household.objects.filter(area.subtree("area"))


def residents_in_area(*, area: Area) -> QuerySet[Resident]:
    return Resident.objects.filter(area.subtree("household__area"))


def resident_search(*, query: str, within: QuerySet[Resident] | None = None) -> QuerySet[Resident]:
    """Names ignoring diacritics, case and tone placement: Nguyen finds Nguyễn, Dang finds
    Đặng, Hoà finds Hòa. Every word must appear, in any order."""
    qs = within if within is not None else Resident.objects.all()
    for word in search_key(query).split():
        qs = qs.filter(name_key__contains=word)
    return qs


def household_search(*, query: str, within: QuerySet[Household] | None = None) -> QuerySet[Household]:
    qs = within if within is not None else Household.objects.all()
    condition = Q()
    for word in search_key(query).split():
        condition &= Q(address_key__contains=word) | Q(residents__name_key__contains=word)
    return qs.filter(condition).distinct()
