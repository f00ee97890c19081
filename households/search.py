"""Search over the stored diacritics-free keys: words match from their start, whole words first.

The keys (Resident.name_key, Household.address_key, Area/Turf.name_key) hold the text with
every mark dropped, đ → d and lower case (households.text.search_key), so "phuong ba dinh"
finds "Phường Ba Đình" and "Hoà" finds "Hòa". A word of the query must start a word of
the key: "an" finds "An" and "Anh" but not "Lan" or "Toàn". Every word must match.

Ranking: the whole name first ("Ngô Quý" before "Ngô Quý Anh"), then the query's words
at the start of the name as whole words, then rows where every word is a whole word, then
the rest (prefix matches); within a tier, Vietnamese alphabetical order.
"""

import re

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .text import search_key

_EDGE = "[^a-z0-9]"


def query_words(query: str) -> list[str]:
    """The words of a query as the keys spell them; punctuation alone is not a word."""
    return [w for w in re.split(r"[^\w]+", search_key(query)) if w]


def word_start_q(field: str, word: str) -> Q:
    return Q(**{f"{field}__regex": f"(^|{_EDGE}){re.escape(word)}"})


def whole_word_q(field: str, word: str) -> Q:
    return Q(**{f"{field}__regex": f"(^|{_EDGE}){re.escape(word)}({_EDGE}|$)"})


def keyed_q(words: list[str], fields: list[str]) -> Q:
    """Every word starts a word of one of the key fields (not necessarily the same one)."""
    condition = Q()
    for word in words:
        either = Q()
        for field in fields:
            either |= word_start_q(field, word)
        condition &= either
    return condition


def search_rank(field: str, words: list[str]) -> Case:
    """0 the whole key, 1 the words as whole words at its start, 2 every word whole, 3 the rest."""
    phrase = " ".join(words)
    every_whole = Q()
    for word in words:
        every_whole &= whole_word_q(field, word)
    return Case(
        When(Q(**{field: phrase}), then=Value(0)),
        When(Q(**{f"{field}__startswith": f"{phrase} "}), then=Value(1)),
        When(every_whole, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


def ranked_search(qs: QuerySet, *, query: str, fields: list[str], rank_field: str, order: list) -> QuerySet:
    """`qs` narrowed to the query over `fields`, best matches of `rank_field` first, then
    `order` (e.g. [vi_order("name_order")])."""
    words = query_words(query)
    if not words:
        return qs
    return qs.filter(keyed_q(words, fields)).order_by(search_rank(rank_field, words).asc(), *order)
