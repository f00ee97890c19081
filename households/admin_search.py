"""Admin search boxes over the diacritics-free keys, best matches first (households.search).

`KeyedSearchMixin.get_search_results` reads the admin's search_fields and looks each text
field that has a stored key up through that key instead ("area__name" → "area__name_key",
so "phuong ba dinh" finds "Phường Ba Đình"); a field without a key (a username, a team name,
a code) is matched as typed, case-insensitively. An admin naming a `search_rank_field` also
lists its results best first (the whole name, then whole words, then prefixes) rather than
in its usual order, unless the user clicked a column to sort by; so does its autocomplete.
"""

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.contrib.admin.views.main import ORDER_VAR
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet

from .search import keyed_q, query_words, search_rank

# (model label, field) → the key field stored beside it.
KEYS = {
    ("households.area", "name"): "name_key",
    ("households.turf", "name"): "name_key",
    ("households.resident", "full_name"): "name_key",
    ("households.household", "address_text"): "address_key",
}


def _key_path(model, path: str) -> str | None:
    """The key field for a search field path, or None if it has none ("^name" etc. as typed)."""
    parts = path.lstrip("^=@").split("__")
    for part in parts[:-1]:
        try:
            model = model._meta.get_field(part).related_model
        except FieldDoesNotExist:
            return None
        if model is None:
            return None
    if parts[-1].endswith("_key"):
        return "__".join(parts)
    key = KEYS.get((model._meta.label_lower, parts[-1]))
    return "__".join([*parts[:-1], key]) if key else None


def keyed_search(qs: QuerySet, term: str, fields: list[str]) -> tuple[QuerySet, bool]:
    """Every word of the term, stripped of diacritics, must start a word of one of the key
    fields. Returns (queryset, may have duplicates) as ModelAdmin.get_search_results does."""
    words = query_words(term)
    if not words:
        return qs, False
    # A reverse relation (residents__name_key) can repeat rows; the changelist then dedupes.
    return qs.filter(keyed_q(words, fields)), any(lookup_spawns_duplicates(qs.model._meta, f) for f in fields)


class KeyedSearchMixin:
    search_rank_field: str | None = None  # e.g. "name_key": rank results on it
    search_rank_order: tuple = ()  # then this order within a rank, e.g. (vi_order("name"),)

    def get_search_results(self, request, queryset, search_term):
        words = query_words(search_term)
        if not words or not self.get_search_fields(request):
            return queryset, False
        keyed, plain = [], []
        for path in self.get_search_fields(request):
            key = _key_path(queryset.model, path)
            (keyed if key else plain).append(key or path.lstrip("^=@"))
        # Without plain fields, every folded word must start a word of a key; with them, each
        # typed word may instead appear in a plain field as typed (a username, a code).
        condition = _either(search_term.split(), keyed, plain) if plain else keyed_q(words, keyed)
        queryset = queryset.filter(condition)
        # The changelist orders before it searches (Django 5.2), so this order stands; a
        # column the user clicked to sort by (?o=) keeps its order instead.
        if self.search_rank_field and ORDER_VAR not in request.GET:
            rank = search_rank(self.search_rank_field, words)
            queryset = queryset.order_by(rank.asc(), *self.search_rank_order, "pk")
        fields = keyed + plain
        return queryset, any(lookup_spawns_duplicates(self.opts, f) for f in fields)


def _either(typed_words: list[str], keyed: list[str], plain: list[str]) -> Q:
    combined = Q()
    for typed in typed_words:
        either = Q()
        for field in plain:
            either |= Q(**{f"{field}__icontains": typed})
        folded = query_words(typed)
        if keyed and folded:
            either |= keyed_q(folded, keyed)
        combined &= either
    return combined
