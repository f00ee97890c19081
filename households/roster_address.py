"""A one-cell address ("Số 12 ngõ 5 phố Đội Cấn") -> the Household's address fields.

The walk list is ordered by street, lane, building and house number (Household.walk_key),
so each part must land in its own field, without its keyword in the number ("số Số 12"):
house_number "12", lane "Ngõ 5", street "Phố Đội Cấn". Rules, as wards write addresses:

- a keyword (số, ngõ/ngách/hẻm/kiệt, phố/đường, tòa, phòng/căn, tầng) names the part that
  follows it; a lane keyword needs a number or, with its diacritics, a name, so that
  "phố Ngô Quyền" is not a lane; text without a keyword is the street ("12 Đội Cấn");
- "12/5 Đội Cấn" is house 5 in ngõ 12 (the larger unit first, as in "ngách 12/45"), and
  "12/5/3" is house 3 in ngách 12/5;
- a ngõ and a ngách together become one lane, the ngõ first, so that the walk list keeps
  a ngõ's houses and its ngách's houses together;
- an area name (KĐT, khu tập thể, tổ, thôn, xóm…) is the street when no street is named;
- administrative parts after a comma (phường, xã, quận, huyện, tỉnh, a city) are dropped:
  the area the import goes into already says where the household is.
"""

import re

from .text import search_key

_KINDS = {
    "house": (r"số\s+nhà|nhà\s+số|so\s+nha|nha\s+so|số|so|sn", r"(?=\s*\d)"),
    "lane": (r"ngõ|ngách|hẻm|kiệt|ngo|ngach|hem|kiet", r"(?=\s*\d)"),
    "named_lane": (r"ngõ|ngách|hẻm|kiệt", r"(?=\s+\w)"),
    "floor": (r"tầng|tang", r"(?=\s*\d)"),
    "unit": (r"căn\s+hộ|căn|can\s+ho|can|phòng|phong|p\.", r"(?=\s*\d)"),
    "building": (r"tòa\s+nhà|toà\s+nhà|toa\s+nha|nhà\s+chung\s+cư|chung\s+cư|tòa|toà|toa|block", r"(?=\s+\S)"),
    "street": (r"phố|đường|pho|duong|đ\.", r"(?=\s*\w)"),
    "locality": (r"khu\s+đô\s+thị|kđt|kdt|khu\s+tập\s+thể|ktt|khu\s+dân\s+cư|kdc|tổ\s+dân\s+phố|tdp|khu\s+phố|tổ|"
                 r"thôn|xóm|ấp|bản|khối|khu", r"(?=\s+\S)"),
}  # fmt: skip
_MARKER = re.compile(
    "|".join(
        rf"(?<!\w)(?P<{kind}>(?:{words})(?:(?<=\.)|(?!\w))){after}" for kind, (words, after) in _KINDS.items()
    ),
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[\w/.\-]+")
_NUMBER = re.compile(r"^(\d+[a-zA-Z]?(?:/\d+[a-zA-Z]?)*)(?!\w)[\s,.-]*(.*)$")
_ADMIN = re.compile(
    r"^(phuong|xa|thi tran|thi xa|quan|huyen|thanh pho|tp|tinh|q\s*\.|p\s*\.|viet nam|ha noi|ho chi minh|hcm|"
    r"da nang|hai phong|can tho)(?!\w)"
)
_LANES = {"ngo": "Ngõ", "ngach": "Ngách", "hem": "Hẻm", "kiet": "Kiệt"}
_STREETS = {"pho": "Phố", "duong": "Đường", "d.": "Đường"}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _kept_segments(text: str) -> list[str]:
    """The comma-separated parts before the first administrative one."""
    segments = [s.strip(" .;-") for s in text.split(",")]
    kept = []
    for index, segment in enumerate(segments):
        key = search_key(segment)
        if index and _ADMIN.match(key) or re.match(r"^(phuong|xa|quan|huyen|tinh|thanh pho)\s", key):
            break
        if segment:
            kept.append(segment)
    return kept


def _pieces(segment: str):
    """(kind, keyword, value) per keyword in the segment; kind None for text without one."""
    matches = list(_MARKER.finditer(segment))
    if not matches or matches[0].start() > 0:
        yield None, "", segment[: matches[0].start() if matches else len(segment)].strip(" ,")
    for number, match in enumerate(matches):
        end = matches[number + 1].start() if number + 1 < len(matches) else len(segment)
        kind = match.lastgroup
        value = segment[match.end() : end].strip(" ,")
        if kind in ("house", "lane", "floor", "unit"):
            token = _TOKEN.match(value)
            rest = value[token.end() :].strip(" ,") if token else value
            value = token.group().rstrip(".-") if token else ""
            yield kind, match.group(kind), value
            if rest:
                yield None, "", rest
        else:
            yield kind, match.group(kind), value


def split_address(text: str) -> dict[str, str]:
    """house_number, lane, street, building, floor, unit of the address ("" when absent)."""
    found = {"house_number": "", "lane": "", "street": "", "building": "", "floor": "", "unit": ""}
    lanes, loose, localities = {}, [], []
    for segment in _kept_segments(text or ""):
        for kind, word, value in _pieces(segment):
            if not value:
                continue
            if kind is None:
                number = _NUMBER.match(value) if not found["house_number"] and not loose else None
                if number:
                    *outer, found["house_number"] = number.group(1).split("/")
                    if outer and "ngo" not in lanes:
                        lanes["ngo" if len(outer) == 1 else "ngach"] = "/".join(outer)
                    value = number.group(2)
                if value:
                    loose.append(value)
            elif kind in ("lane", "named_lane"):
                lanes.setdefault(search_key(word), value)
            elif kind == "street":
                found["street"] = found["street"] or f"{_STREETS[search_key(word)]} {value}"
            elif kind == "building":
                found["building"] = found["building"] or _capital(f"{word} {value}")
            elif kind == "locality":
                localities.append(_capital(f"{word} {value}"))
            else:
                found[{"house": "house_number"}.get(kind, kind)] = value
    found["lane"] = ", ".join(
        f"{_LANES[key]} {lanes[key]}" if not parts else f"{_LANES[key].lower()} {lanes[key]}"
        for parts, key in enumerate(k for k in _LANES if k in lanes)
    )
    found["street"] = ", ".join([p for p in (found["street"], *loose) if p] + localities)
    found["street"] = _capital(found["street"])
    return found
