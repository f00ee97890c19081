"""Vietnamese text: NFC storage and a diacritics-free search key.

Unicode decomposition strips tone and vowel marks but leaves đ/Đ alone (it is a separate
letter, not d plus a mark), so it is mapped by hand. Old-style (Hoà) and new-style (Hòa)
tone placement reduce to the same key because every mark is dropped.
"""

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_ODD_SPACE = re.compile(r"^\s|\s\s|[^\S ]|\s$")  # what nfc() would change besides the composition


def nfc(text: str) -> str:
    """Store text composed and with single spaces, whatever keyboard or spreadsheet typed it."""
    if not text:
        return ""
    # Most text already is (a roster's every cell passes here): answered without a copy.
    if unicodedata.is_normalized("NFC", text) and not _ODD_SPACE.search(text):
        return text
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


# Đ/đ are letters of their own, not D plus a mark. Ð/ð (eth) look the same and turn up in
# text converted from old Vietnamese encodings, so they fold to d as well.
_D = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def search_key(text: str) -> str:
    return _search_key(text if type(text) is str else str(text or ""))


@functools.lru_cache(maxsize=65536)  # names and streets repeat: a roster asks for the same keys again and again
def _search_key(text: str) -> str:
    if text.isascii():
        return nfc(text).lower()
    decomposed = unicodedata.normalize("NFD", nfc(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_D).lower()


_NUMBER = re.compile(r"\d+")


def natural_key(text: str) -> str:
    """Sort key in which "Ngõ 9" comes before "Ngõ 12" and "15A" after "15"."""
    return _NUMBER.sub(lambda m: m.group().zfill(6), search_key(text))
