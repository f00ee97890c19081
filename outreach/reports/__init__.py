"""Reads behind the police and leadership report pages (frontend.reports).

Every selector here takes keyword-only typed arguments and costs a constant number of
queries, whatever the number of rows it returns: figures come from AreaRollup and
AreaDailySnapshot (kept current by outreach.rollups.services), never from counting residents on the
request path. The one exception is per-turf figures of ONE residential group
(ranking.turf_ranking), which has no rollup and is counted with three aggregate queries.

    access.py       who may see which area; the campaign a page shows
    figures.py      one area's counters against its quota, at the campaign's target level
    formatting.py   Vietnamese numbers, percentages and dates for plain text
    progress.py     an area and its sub-areas against quota; the daily series
    forecast.py     the day the quota is reached at the current 7-day rate
    ranking.py      sub-areas ranked by % of quota with the change since last week
    lists.py        unvisited, revisit, interested, blocked and call lists, with filters
    chat_report.py  the plain-text summary for the Zalo group
"""
