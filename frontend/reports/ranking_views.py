"""The ranking page: a unit's sub-areas (or, from a province or the country, every commune
inside it) ranked by activated % of quota, sorted, searched and shown a page at a time.

The ranks are the whole ranking's: a search or a later page shows each unit with the rank
it holds among all of them. A page holds PAGE_ROWS units, so the country's 3,321 communes
are not one page of a megabyte.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from households.models import AreaKind
from households.search import query_words
from households.text import search_key
from outreach.reports.ranking import SORT_KEYS, area_ranking, sort_rows, turf_ranking

from .views import Report, _context, _no_campaign, report_page

PAGE_ROWS = 100  # a province's communes on one or two pages; the country's on 34
ALL_COMMUNES = "xa"  # ?don-vi=xa: every commune of a province or of the country
WIDE = (AreaKind.COUNTRY, AreaKind.PROVINCE)


def _matching(rows: list, query: str) -> list:
    """Rows whose unit name has every word of the query starting one of its words,
    diacritics-free ("phuong ba dinh", "Hoà Bình" = "Hòa Bình"), as every search box."""
    words = query_words(query)
    if not words:
        return rows
    kept = []
    for row in rows:
        name_words = search_key(row.figures.name).split()
        if all(any(w.startswith(word) for w in name_words) for word in words):
            kept.append(row)
    return kept


@report_page
def ranking(request, report: Report):
    if report.campaign is None:
        return _no_campaign(request, report, "ranking")
    area, campaign = report.area, report.campaign
    turfs = area.kind == AreaKind.GROUP
    all_communes = area.kind in WIDE and request.GET.get("don-vi") == ALL_COMMUNES
    if turfs:
        table = turf_ranking(group=area, campaign=campaign, today=report.today)
    else:
        table = area_ranking(area=area, campaign=campaign, today=report.today,
                             kind=AreaKind.COMMUNE if all_communes else None)  # fmt: skip
    sort = request.GET.get("sort", "rank")
    if sort not in SORT_KEYS:
        sort = "rank"
    direction = request.GET.get("dir", "asc" if sort in ("rank", "name") else "desc")
    if direction not in ("asc", "desc"):
        direction = "asc"
    query = request.GET.get("q", "").strip()[:100]
    rows = sort_rows(_matching(table.rows, query), key=sort, descending=direction == "desc")
    page = Paginator(rows, PAGE_ROWS).get_page(request.GET.get("page"))
    kept = {"campaign": campaign.id} if campaign else {}
    if all_communes:
        kept["don-vi"] = ALL_COMMUNES
    if query:
        kept["q"] = query

    def sort_link(key: str) -> str:
        default = "asc" if key in ("rank", "name") else "desc"
        flipped = {"asc": "desc", "desc": "asc"}[direction]
        return "?" + urlencode({**kept, "sort": key, "dir": flipped if key == sort else default})

    headers = [(key, label, sort_link(key), direction if key == sort else "") for key, label in (
        ("rank", _("Hạng")), ("name", _("Đơn vị") if not turfs else _("Khu vực")),
        ("pct", _("% chỉ tiêu kích hoạt") if not turfs else _("% kích hoạt / người đủ tuổi")),
        ("activated", _("Đã kích hoạt")), ("eligible", _("Người từ 14 tuổi")), ("change", _("Tăng so với tuần trước")),
    )]  # fmt: skip
    units = {"children": "?" + urlencode({k: v for k, v in kept.items() if k == "campaign"}),
             "communes": "?" + urlencode({**{k: v for k, v in kept.items() if k == "campaign"},
                                          "don-vi": ALL_COMMUNES})} if area.kind in WIDE else None  # fmt: skip
    return render(request, "reports/ranking.html", _context(
        request, report, tab="ranking", title=_("Xếp hạng"), table=table, rows=page.object_list, page=page,
        turfs=turfs, headers={k: (label, link, state) for k, label, link, state in headers}, sort=sort,
        direction=direction, search=query, all_communes=all_communes, units=units, ranked=len(table.rows),
        filter_query=urlencode({**kept, "sort": sort, "dir": direction}),
    ))  # fmt: skip
