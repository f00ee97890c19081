"""Vietnamese alphabetical order, as a reader of a Vietnamese dictionary expects it.

PostgreSQL sorts with ICU's "vi" collation (`vi-x-icu`, in every PostgreSQL built with ICU).
SQLite has no ICU, so the same name is registered on each SQLite connection as a Python
collation that follows the ICU "vi" rules, and `vi_order("full_name")` is one spelling for
both engines. The Python key is also what sorts lists built in Python (the ranking).

The rules (CLDR vi, checked against vi-x-icu):
- letters: a ă â b c d đ e ê … o ô ơ … u ư …, so Đặng comes after every D… and Dung
  before Dương; these differences outrank everything below;
- then tones, compared from the left: unmarked, huyền, hỏi, ngã, sắc, nặng (a à ả ã á ạ);
  old and new tone placement differ only here (Hoà sorts just before Hòa);
- then case, lower before upper;
- spaces and punctuation are not ignored and come before digits and letters, so "An" and
  "An Bình" come before "Anh".
"""

import functools
import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import F
from django.db.models.functions import Collate

from .text import nfc

COLLATION = "vi-x-icu"

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER = {letter: rank for rank, letter in enumerate(_ALPHABET)}
# Vowel marks that make a letter of its own (ă â ê ô ơ ư); tone marks are the other five.
_MODIFIER = {"\u0306", "\u0302", "\u031b"}
_TONE = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

_SPACE, _PUNCTUATION, _DIGIT, _LETTERS, _OTHER = 1, 2, 3, 4, 5


def _characters(text: str):
    """(base letter with its vowel marks, tone, is upper case) per character."""
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tone = sum(_TONE.get(mark, 0) for mark in parts[1:])
        base = unicodedata.normalize("NFC", parts[0] + "".join(m for m in parts[1:] if m in _MODIFIER))
        yield base.lower(), tone, base != base.lower()


def _primary(base: str, numeric_value: int | None = None) -> tuple:
    if base in _LETTER:
        return (_LETTERS, _LETTER[base])
    if base.isdigit():
        return (_DIGIT, int(base) if numeric_value is None else numeric_value)
    if base.isspace():
        return (_SPACE, 0)
    if unicodedata.category(base)[0] in "PS":
        return (_PUNCTUATION, ord(base))
    return (_OTHER, ord(base))


@functools.lru_cache(maxsize=65536)
def vi_sort_key(text: str, numeric: bool = False) -> tuple:
    """Sort key in Vietnamese order. `numeric` reads runs of digits as numbers ("Tổ 9"
    before "Tổ 10"), as ICU's kn option does; vi-x-icu itself compares digit by digit."""
    primary, secondary, tertiary = [], [], []
    chars = list(_characters(nfc(text)))
    i = 0
    while i < len(chars):
        base, tone, upper = chars[i]
        if numeric and base.isdigit():
            j = i
            while j < len(chars) and chars[j][0].isdigit():
                j += 1
            run = "".join(c[0] for c in chars[i:j])
            primary.append((_DIGIT, int(run)))
            secondary.extend(0 for _ in run)
            tertiary.extend(0 for _ in run)
            i = j
            continue
        primary.append(_primary(base))
        secondary.append(tone)
        tertiary.append(int(upper))
        i += 1
    return tuple(primary), tuple(secondary), tuple(tertiary)


def given_name_first(full_name: str) -> str:
    """ "Nguyễn Văn An" → "An Văn Nguyễn": a list of people is read by given name, then
    middle name, then family name, the way Vietnamese class and voter lists are ordered."""
    words = nfc(full_name).split(" ")
    if len(words) < 2:
        return words[0] if words else ""
    return " ".join([words[-1], *words[1:-1], words[0]])


def person_sort_key(full_name: str) -> tuple:
    return vi_sort_key(given_name_first(full_name))


def vi_order(field: str, *, descending: bool = False):
    """An order_by() term: `field` in Vietnamese order on PostgreSQL and on SQLite."""
    term = Collate(F(field), COLLATION)
    return term.desc() if descending else term.asc()


def _compare(a: str, b: str) -> int:
    ka, kb = vi_sort_key(a or ""), vi_sort_key(b or "")
    return (ka > kb) - (ka < kb)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """connection_created handler: gives each SQLite connection the vi-x-icu collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, _compare)


connection_created.connect(register_sqlite_collation, dispatch_uid="households.collation.sqlite")
