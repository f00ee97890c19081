"""An id as it comes in a URL or a form field: ASCII digits only, and a bigint.

`str.isdigit()` also takes "²" and "٥", which int() then refuses or reads, and a 5,000-digit
number becomes a query PostgreSQL refuses: each was a 500 answer to a crafted request."""

import re

MAX_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}")


def parse_id(text) -> int | None:
    """The id `text` names, or None for anything that is not one."""
    if not isinstance(text, str) or not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
