"""The sentence a team reads on the household: when someone is usually home, and on what
evidence ("Thường có người ở nhà sau 19:00 ngày thường — 4 trên 5 lần"). The field app
says the same from the pulled figures (frontend/static/fieldapp/hometime.js, `sentence`);
both follow `sentence_parts`.
"""

from typing import NamedTuple

from django.utils.translation import gettext, ngettext

from . import windows
from .estimate import LIKELY, Estimate, never_home


class Parts(NamedTuple):
    kind: str  # "never" | "own" | "around"
    window: int
    home: int  # the household's own visits that found someone home, in `window`
    visits: int  # its own visits in `window` ("never": all its visits)
    usually: bool  # the rate there is at least LIKELY (and, on its own evidence, 2+ visits): "thường"


def sentence_parts(est: Estimate) -> Parts | None:
    if not est.informed:
        return None
    own = est.own
    if never_home(est):
        return Parts("never", windows.DEFAULT, 0, own.total, False)
    best = est.best_known()
    home, visits = own.home[best], own.visits[best]
    # "Thường" (usually) only on two visits or more of its own there: one is not a habit.
    usually = round(100 * est.rates[best]) >= round(100 * LIKELY) and (visits >= 2 or not home)
    return Parts("own" if home else "around", best, home, visits, usually)


def explain(est: Estimate) -> str:
    """The sentence in the active language, or "" with nothing learned yet."""
    parts = sentence_parts(est)
    if parts is None:
        return ""
    if parts.kind == "never":
        return ngettext("Chưa gặp được ai ở nhà trong {n} lần đến — có thể không ở đây (KT2)",
                        "Chưa gặp được ai ở nhà trong {n} lần đến — có thể không ở đây (KT2)",
                        parts.visits).format(n=parts.visits)  # fmt: skip
    when = gettext(windows.name(parts.window))
    if parts.kind == "own":
        text = (ngettext("Thường có người ở nhà {when} — {h} trên {n} lần",
                         "Thường có người ở nhà {when} — {h} trên {n} lần", parts.visits) if parts.usually
                else ngettext("Dễ gặp người ở nhà nhất {when} — {h} trên {n} lần",
                              "Dễ gặp người ở nhà nhất {when} — {h} trên {n} lần", parts.visits))  # fmt: skip
        return text.format(when=when, h=parts.home, n=parts.visits)
    text = gettext("Hộ quanh đây thường có người ở nhà {when}") if parts.usually else gettext(
        "Hộ quanh đây dễ gặp người ở nhà nhất {when}")
    return text.format(when=when)
