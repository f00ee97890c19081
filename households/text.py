"""Vietnamese text: NFC storage and a diacritics-free search key.

Unicode decomposition strips tone and vowel marks but leaves đ/Đ alone (it is a separate
letter, not d plus a mark), so it is mapped by hand. Old-style (Hoà) and new-style (Hòa)
tone placement reduce to the same key because every mark is dropped.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Store text composed and with single spaces, whatever keyboard or spreadsheet typed it."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


# Đ/đ are letters of their own, not D plus a mark. Ð/ð (eth) look the same and turn up in
# text converted from old Vietnamese encodings, so they fold to d as well.
_D = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def search_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", nfc(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_D).lower()


_NUMBER = re.compile(r"\d+")


def natural_key(text: str) -> str:
    """Sort key in which "Ngõ 9" comes before "Ngõ 12" and "15A" after "15"."""
    return _NUMBER.sub(lambda m: m.group().zfill(6), search_key(text))
