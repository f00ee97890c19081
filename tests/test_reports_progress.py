"""Progress against quota: figures from the rollups equal a count from the visits, the
daily trend chart, the forecast, and a query count that does not grow with the data."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.models import Area, AreaKind
from outreach.reports.forecast import ForecastStatus, forecast_quota
from outreach.models import AreaDailySnapshot, AreaRollup, Campaign, Quota
from outreach.rollups.services import rollups_rebuild
from tests.fixtures import make_households

from .sync_helpers import client_for
from .test_reports_naive import naive_counts, scenario  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def progress_url(area, **params) -> str:
    url = reverse("reports:progress", args=[area.id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_it_shows_commune_and_group_figures_equal_to_a_count_from_the_visits(scenario):
    world = scenario.world
    response = client_for(world.police).get(progress_url(world.commune))
    assert response.status_code == 200
    figures = response.context["figures"]
    expected = naive_counts(world.commune, world.campaign)
    for key, value in expected.items():
        assert getattr(figures, key) == value, key
    assert (figures.registered, figures.activated) == (expected["level2_registered"], expected["level2_activated"])
    assert (figures.registered_target, figures.activated_target) == (20, 15)
    children = {c.name: c for c in response.context["progress"].children}
    assert set(children) == {"Tổ dân phố 1", "Tổ dân phố 2"}
    for group in (world.group1, world.group2):
        expected = naive_counts(group, world.campaign)
        row = children[group.name]
        assert {k: getattr(row, k) for k in expected} == expected
    # TDP 1: one of three activated = 33,33 %; the commune: 2 of 15 = 13,33 %.
    html = response.content.decode()
    assert "33,33&nbsp;%" in html and "13,33&nbsp;%" in html
    assert "Phường Hoàn Kiếm" not in html


def test_it_counts_against_quota_at_the_campaigns_target_level(scenario):
    world = scenario.world
    Campaign.objects.filter(id=world.campaign.id).update(target_level=1)
    figures = client_for(world.police).get(progress_url(world.commune)).context["figures"]
    expected = naive_counts(world.commune, world.campaign)
    assert (figures.registered, figures.activated) == (expected["level1_registered"], expected["level1_activated"])


def test_it_shows_percentages_over_100_as_such(world):
    rollups_rebuild(campaign=world.campaign)
    AreaRollup.objects.filter(area=world.commune).update(level2_activated=1633225, level2_registered=1700000)
    Quota.objects.filter(area=world.commune).update(activated_target=1620967, registered_target=1700000)
    html = client_for(world.police).get(progress_url(world.commune)).content.decode()
    assert "100,76&nbsp;%" in html
    assert "1.633.225" in html and "1.620.967" in html
    assert "Đã đạt chỉ tiêu" in html


def test_it_reads_rollups_and_never_counts_residents(scenario):
    world = scenario.world
    with CaptureQueriesContext(connection) as queries:
        assert client_for(world.police).get(progress_url(world.commune)).status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "households_resident" not in tables and "outreach_visit" not in tables


def _query_count(user, url) -> int:
    client = client_for(user)
    client.get(url)  # sessions, caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_costs_the_same_queries_with_ten_times_the_groups_and_households(world):
    rollups_rebuild(campaign=world.campaign)
    url = progress_url(world.commune)
    small = _query_count(world.police, url)
    for n in range(3, 13):
        group = Area.objects.create(code=f"00004-TDP{n:02d}", name=f"Tổ dân phố {n}", kind=AreaKind.GROUP,
                                    parent=world.commune)  # fmt: skip
        Quota.objects.create(campaign=world.campaign, area=group, registered_target=5, activated_target=4)
        turf = group.turfs.create(name=f"Ngõ {n}")
        make_households(turf, f"Phố {n}", 5)
    today = timezone.localdate()
    for day in range(10):
        AreaDailySnapshot.objects.update_or_create(campaign=world.campaign, area=world.commune,
                                                   day=today - datetime.timedelta(days=day))  # fmt: skip
    rollups_rebuild(campaign=world.campaign)
    response = client_for(world.police).get(url)
    assert len(response.context["progress"].children) == 12
    assert _query_count(world.police, url) == small


def test_it_draws_the_daily_trend_from_snapshots(world):
    rollups_rebuild(campaign=world.campaign)
    today = timezone.localdate()
    for days_ago, registered, activated in ((3, 2, 1), (2, 5, 3), (1, 9, 6), (0, 12, 8)):
        AreaDailySnapshot.objects.update_or_create(
            campaign=world.campaign, area=world.commune, day=today - datetime.timedelta(days=days_ago),
            defaults={"level2_registered": registered, "level2_activated": activated},
        )  # fmt: skip
    response = client_for(world.police).get(progress_url(world.commune))
    svg = str(response.context["charts"]["desktop"])
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert re.search(r"<title id=\"[^\"]+\">Tiến độ theo ngày — Phường Ba Đình</title>", svg)
    desc = re.search(r"<desc[^>]*>(.*)</desc>", svg)[1]
    assert "tăng từ 1 lên 8 (chỉ tiêu 15)" in desc
    first = today - datetime.timedelta(days=3)
    assert f">{first:%d/%m}</text>" in svg and f">{today:%d/%m}</text>" in svg
    activated = re.search(r'<polyline class="activated" points="([^"]+)"', svg)[1]
    assert len(activated.split()) == 4
    assert svg.count('class="quota"') == 2
    series = response.context["series"]
    assert [(p.registered, p.activated) for p in series] == [(2, 1), (5, 3), (9, 6), (12, 8)]
    # The same numbers as a table for whoever cannot read the chart.
    html = response.content.decode()
    assert f"<th scope=\"row\">{first:%d/%m/%Y}</th>" in html


def test_it_says_there_is_not_enough_data_for_a_forecast(world):
    rollups_rebuild(campaign=world.campaign)  # one snapshot day
    html = client_for(world.police).get(progress_url(world.commune)).content.decode()
    assert "Chưa đủ dữ liệu" in html


def test_it_forecasts_the_quota_date_from_the_7_day_rate():
    deadline = datetime.date(2026, 12, 31)
    start = datetime.date(2026, 11, 1)
    # 100 a day for ten days from 1.000: the last 7 days gained 700, so 100 a day.
    points = [(start + datetime.timedelta(days=i), 1000 + 100 * i) for i in range(10)]
    forecast = forecast_quota(points=points, target=5000, deadline=deadline)
    assert forecast.status == ForecastStatus.FORECAST
    assert forecast.rate_per_day == 100
    # 1.900 on 10/11; 3.100 to go at 100 a day: 31 days later.
    assert forecast.reach_date == datetime.date(2026, 12, 11)
    assert forecast.days_early == 20 and forecast.on_time

    late = forecast_quota(points=points, target=9000, deadline=deadline)
    assert late.reach_date == datetime.date(2027, 1, 20) and late.days_late == 20 and not late.on_time
    assert late.needed_per_day == Decimal("139.2")  # (9.000 − 1.900) / 51 days


def test_it_uses_the_last_week_not_the_whole_campaign_for_the_rate():
    start = datetime.date(2026, 11, 1)
    # Fast first week, then 10 a day: the forecast follows the current pace.
    points = [(start + datetime.timedelta(days=i), 500 * i if i <= 7 else 3500 + 10 * (i - 7)) for i in range(15)]
    forecast = forecast_quota(points=points, target=3640, deadline=datetime.date(2026, 12, 31))
    assert forecast.rate_per_day == 10
    assert forecast.reach_date == points[-1][0] + datetime.timedelta(days=7)


def test_it_refuses_to_forecast_from_one_day_or_no_progress():
    day = datetime.date(2026, 11, 10)
    one = forecast_quota(points=[(day, 100)], target=500, deadline=datetime.date(2026, 12, 31))
    assert one.status == ForecastStatus.INSUFFICIENT and one.rate_per_day is None
    flat = forecast_quota(points=[(day, 100), (day + datetime.timedelta(days=7), 100)], target=500,
                          deadline=datetime.date(2026, 12, 31))  # fmt: skip
    assert flat.status == ForecastStatus.INSUFFICIENT and flat.rate_per_day == 0
    assert forecast_quota(points=[(day, 600)], target=500, deadline=day).status == ForecastStatus.REACHED
    assert forecast_quota(points=[(day, 1)], target=None, deadline=day).status == ForecastStatus.NO_TARGET


def test_it_shows_the_forecast_date_on_the_page(world):
    rollups_rebuild(campaign=world.campaign)
    today = timezone.localdate()
    Quota.objects.filter(area=world.commune).update(activated_target=100)
    for days_ago in range(8):
        AreaDailySnapshot.objects.update_or_create(
            campaign=world.campaign, area=world.commune, day=today - datetime.timedelta(days=days_ago),
            defaults={"level2_activated": 50 - 2 * days_ago},
        )  # fmt: skip
    AreaRollup.objects.filter(area=world.commune).update(level2_activated=50)  # today's snapshot = the rollup
    response = client_for(world.police).get(progress_url(world.commune))
    forecast = response.context["forecasts"][0][1]
    # 50 today, 36 a week ago: 2 a day, 50 to go: 25 days.
    assert forecast.reach_date == today + datetime.timedelta(days=25)
    assert (today + datetime.timedelta(days=25)).strftime("%d/%m/%Y") in response.content.decode()


def test_it_lets_a_group_leader_see_the_progress_of_the_group(scenario):
    world = scenario.world
    response = client_for(world.leader).get(progress_url(world.group1))
    assert response.status_code == 200
    expected = naive_counts(world.group1, world.campaign)
    figures = response.context["figures"]
    assert (figures.activated, figures.residents_eligible) == (expected["level2_activated"],
                                                               expected["residents_eligible"])  # fmt: skip
    assert (figures.activated_target, figures.activated_pct) == (3, round(figures.activated_pct, 2))


def test_it_picks_the_newest_active_campaign_unless_asked(scenario):
    world = scenario.world
    # Counted from the running campaign: one ended half a year before it, one starts after it.
    start, end, quarter = world.campaign.start_date, world.campaign.deadline, datetime.timedelta(days=90)
    older = Campaign.objects.create(name="Đợt 1", start_date=start - 3 * quarter,
                                    deadline=start - 2 * quarter, is_active=False)  # fmt: skip
    newer_inactive = Campaign.objects.create(name="Đợt thử", start_date=end + datetime.timedelta(days=1),
                                             deadline=end + quarter, is_active=False)  # fmt: skip
    client = client_for(world.police)
    assert client.get(progress_url(world.commune)).context["campaign"] == world.campaign
    response = client.get(progress_url(world.commune, campaign=older.id))
    assert response.context["campaign"] == older
    assert response.context["figures"].activated == 0  # no rollup for that campaign
    assert client.get(progress_url(world.commune, campaign=newer_inactive.id)).status_code == 200
    assert client.get(progress_url(world.commune, campaign=99999)).status_code == 404
    assert client.get(progress_url(world.commune, campaign="abc")).status_code == 404
