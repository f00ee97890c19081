"""Reads of the registry."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from .collation import vi_order
from .models import Area, Household, Resident
from .search import query_words, ranked_search, word_start_q


def area_subtree(*, area: Area) -> QuerySet[Area]:
    return Area.objects.filter(area.subtree())


def households_in_area(*, area: Area) -> QuerySet[Household]:
    return Household.objects.filter(area.subtree("area"))


def residents_in_area(*, area: Area) -> QuerySet[Resident]:
    return Resident.objects.filter(area.subtree("household__area"))


def resident_search(*, query: str, within: QuerySet[Resident] | None = None) -> QuerySet[Resident]:
    """Names ignoring diacritics, case and tone placement: Nguyen finds Nguyễn, Dang finds
    Đặng, Hoà finds Hòa. Every word must start a word of the name, in any order; the whole
    name comes first ("Ngô Quý" before "Ngô Quý Anh"), then whole words, then prefixes, each
    tier by given name in Vietnamese order (households.search)."""
    qs = within if within is not None else Resident.objects.all()
    return ranked_search(qs, query=query, fields=["name_key"], rank_field="name_key",
                         order=[vi_order("name_order"), "id"])  # fmt: skip


def residents_by_name(*, within: QuerySet[Resident]) -> QuerySet[Resident]:
    """A list of people as Vietnamese readers look for a name: given name, middle name, then
    family name, in Vietnamese alphabetical order (vi-x-icu on PostgreSQL, its Python twin
    on SQLite)."""
    return within.order_by(vi_order("name_order"), "id")


def household_search(*, query: str, within: QuerySet[Household] | None = None) -> QuerySet[Household]:
    """Every word starts a word of the address or of a resident's name."""
    qs = within if within is not None else Household.objects.all()
    words = query_words(query)
    if not words:
        return qs
    condition = Q()
    for word in words:
        named = Resident.objects.filter(word_start_q("name_key", word), household=OuterRef("pk"))
        condition &= word_start_q("address_key", word) | Exists(named)
    return qs.filter(condition)
