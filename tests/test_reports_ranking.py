"""The ranking: order by activated % of quota, change and rank change since the snapshots of
a week ago, sorting, laggards at the bottom, drill-down to turfs, constant query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.models import Area, AreaKind
from outreach.models import AreaDailySnapshot, AreaRollup, Assignment, Quota
from outreach.rollups.services import rollups_rebuild, rollups_refresh

from .sync_helpers import client_for, push, statuses, visit
from .test_reports_naive import many_households, naive_counts, scenario  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def ranking_url(area, **params) -> str:
    url = reverse("reports:ranking", args=[area.id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def by_name(response) -> dict:
    return {row.figures.name: row for row in response.context["rows"]}


def test_it_ranks_the_groups_of_a_commune_as_the_visits_say(scenario):
    world = scenario.world
    response = client_for(world.police).get(ranking_url(world.commune))
    assert response.status_code == 200
    rows = response.context["rows"]
    for row in rows:
        group = Area.objects.get(id=row.figures.area_id)
        naive = naive_counts(group, world.campaign)
        target = Quota.objects.get(area=group).activated_target
        assert row.figures.activated == naive["level2_activated"]
        assert row.pct == (Decimal(naive["level2_activated"] * 100) / target).quantize(Decimal("0.01"))
    # TDP 1: 1 of 3 (33,33 %) ahead of TDP 2: 1 of 4 (25,00 %).
    assert [(r.rank, r.figures.name) for r in rows] == [(1, "Tổ dân phố 1"), (2, "Tổ dân phố 2")]
    html = response.content.decode()
    assert "33,33&nbsp;%" in html and "25,00&nbsp;%" in html


@pytest.fixture
def city(world):
    """Six communes of Hà Nội with rollups now and snapshots a week ago (and a stale
    snapshot ten days ago that must not be used)."""
    rollups_rebuild(campaign=world.campaign)
    today = timezone.localdate()
    week_ago = today - datetime.timedelta(days=7)
    # name: (quota, activated now, activated a week ago)
    plan = {"Phường Ba Đình": (100, 60, 50), "Phường Hoàn Kiếm": (200, 150, 80), "Phường Tây Hồ": (100, 45, 44),
            "Phường Cầu Giấy": (50, 40, 10), "Phường Long Biên": (300, 90, 90), "Phường Đống Đa": (100, 30, 20)}  # fmt: skip
    communes = {"Phường Ba Đình": world.commune, "Phường Hoàn Kiếm": world.other_commune}
    for i, name in enumerate(plan):
        if name not in communes:
            communes[name] = Area.objects.create(code=f"9{i:04d}", name=name, kind=AreaKind.COMMUNE,
                                                 parent=world.province)  # fmt: skip
    for name, (quota, now, before) in plan.items():
        area = communes[name]
        Quota.objects.update_or_create(campaign=world.campaign, area=area, defaults={"activated_target": quota,
                                                                                     "registered_target": quota})
        AreaRollup.objects.update_or_create(campaign=world.campaign, area=area, defaults={"level2_activated": now})
        AreaDailySnapshot.objects.update_or_create(campaign=world.campaign, area=area, day=week_ago,
                                                   defaults={"level2_activated": before})  # fmt: skip
        AreaDailySnapshot.objects.update_or_create(campaign=world.campaign, area=area,
                                                   day=week_ago - datetime.timedelta(days=3),
                                                   defaults={"level2_activated": 0})  # fmt: skip
    return communes


def test_it_ranks_communes_with_the_change_since_last_week(world, city):
    response = client_for(world.province_user).get(ranking_url(world.province))
    assert response.status_code == 200
    assert response.context["table"].previous_day == timezone.localdate() - datetime.timedelta(days=7)
    rows = response.context["rows"]
    # Now: Cầu Giấy 80 %, Hoàn Kiếm 75 %, Ba Đình 60 %, Tây Hồ 45 %, Long Biên 30 %, Đống Đa 30 %.
    assert [(r.rank, r.figures.name) for r in rows] == [
        (1, "Phường Cầu Giấy"), (2, "Phường Hoàn Kiếm"), (3, "Phường Ba Đình"), (4, "Phường Tây Hồ"),
        (5, "Phường Đống Đa"), (5, "Phường Long Biên"),  # a tie in Vietnamese order: Đ before L
    ]  # fmt: skip
    # A week ago: Ba Đình 50 %, Tây Hồ 44 %, Hoàn Kiếm 40 %, Long Biên 30 %, Cầu Giấy 20 %, Đống Đa 20 %.
    rows = by_name(response)
    assert rows["Phường Cầu Giấy"].previous_rank == 5 and rows["Phường Cầu Giấy"].rank_change == 4
    assert rows["Phường Ba Đình"].previous_rank == 1 and rows["Phường Ba Đình"].rank_change == -2
    assert rows["Phường Hoàn Kiếm"].rank_change == 1
    assert rows["Phường Long Biên"].rank_change == -1 and rows["Phường Long Biên"].change == 0
    assert rows["Phường Cầu Giấy"].change == Decimal("60.00")
    html = response.content.decode()
    assert "▲ 4" in html and "▼ 2" in html and "+60,00" in html


def test_it_shows_the_laggards_at_the_bottom(world, city):
    response = client_for(world.province_user).get(ranking_url(world.province))
    rows = response.context["rows"]
    # One named per four units ranked; Long Biên and Đống Đa tie for last, so both are.
    laggards = [r.figures.name for r in response.context["table"].laggards]
    assert laggards == ["Phường Đống Đa", "Phường Long Biên"]  # Vietnamese order: Đ before L
    assert [r.figures.name for r in rows if r.is_laggard] == laggards and rows[-1].is_laggard
    assert not rows[0].is_laggard
    html = response.content.decode()
    assert html.count('class="laggard"') == 2 and "cuối bảng" in html


def test_it_sorts_by_the_get_parameter(world, city):
    client = client_for(world.province_user)
    names = lambda response: [r.figures.name for r in response.context["rows"]]  # noqa: E731
    assert names(client.get(ranking_url(world.province, sort="name")))[:2] == ["Phường Ba Đình", "Phường Cầu Giấy"]
    assert names(client.get(ranking_url(world.province, sort="change")))[0] == "Phường Cầu Giấy"
    assert names(client.get(ranking_url(world.province, sort="change", dir="asc")))[0] == "Phường Long Biên"
    ascending = names(client.get(ranking_url(world.province, sort="pct", dir="asc")))
    assert ascending[-1] == "Phường Cầu Giấy"
    assert names(client.get(ranking_url(world.province, sort="rank", dir="desc")))[0] in ("Phường Đống Đa",
                                                                                            "Phường Long Biên")
    assert names(client.get(ranking_url(world.province, sort="nonsense")))[0] == "Phường Cầu Giấy"


def test_it_drills_down_from_province_to_commune_to_group_to_turf(scenario):
    world = scenario.world
    client = client_for(world.province_user)
    province = client.get(ranking_url(world.province)).content.decode()
    assert f'href="{ranking_url(world.commune)}' in province
    commune = client.get(ranking_url(world.commune)).content.decode()
    assert f'href="{ranking_url(world.group1)}' in commune
    turfs = client.get(ranking_url(world.group1))
    assert turfs.context["turfs"] and [r.figures.name for r in turfs.context["rows"]] == [world.turf_a.name]


def test_it_counts_turfs_of_one_group_as_the_visits_say(scenario):
    world = scenario.world
    extra = world.group1.turfs.create(name="Ngõ 30 Đội Cấn")
    Assignment.objects.create(campaign=world.campaign, turf=extra, team=world.team_a)
    homes = many_households(extra, "Phố Đội Cấn", 4)
    person = homes[0].residents.order_by("id").first()
    assert statuses(push(client_for(world.alice), [visit(world, homes[0], residents=[
        {"resident": person.id, "outcome": "assisted_l2_activated"}])])) == ["accepted"]  # fmt: skip
    rollups_refresh(campaign_id=world.campaign.id)
    rows = by_name(client_for(world.leader).get(ranking_url(world.group1)))
    assert set(rows) == {world.turf_a.name, "Ngõ 30 Đội Cấn"}
    # turf A: 6 eligible, 1 activated; the new turf: 8 eligible, 1 activated.
    a, new = rows[world.turf_a.name].figures, rows["Ngõ 30 Đội Cấn"].figures
    assert (a.residents_eligible, a.activated, a.households_visited, a.households_total) == (6, 1, 2, 3)
    assert (new.residents_eligible, new.activated, new.households_visited, new.households_total) == (8, 1, 1, 4)
    assert rows[world.turf_a.name].rank == 1 and rows[world.turf_a.name].team_name == world.team_a.name
    group = naive_counts(world.group1, world.campaign)
    assert a.activated + new.activated == group["level2_activated"]
    assert a.residents_eligible + new.residents_eligible == group["residents_eligible"]


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_costs_the_same_queries_for_more_turfs(scenario):
    world = scenario.world
    client = client_for(world.leader)
    small = _queries(client, ranking_url(world.group1))
    for n in range(6):
        turf = world.group1.turfs.create(name=f"Ngách {n}")
        Assignment.objects.create(campaign=world.campaign, turf=turf, team=world.team_a)
        many_households(turf, "Phố Đội Cấn", 5)
    assert len(client.get(ranking_url(world.group1)).context["rows"]) == 7
    assert _queries(client, ranking_url(world.group1)) == small


def test_it_costs_the_same_queries_for_more_communes(world, city):
    client = client_for(world.province_user)
    small = _queries(client, ranking_url(world.province))
    today = timezone.localdate()
    for n in range(20):
        area = Area.objects.create(code=f"8{n:04d}", name=f"Xã {n}", kind=AreaKind.COMMUNE, parent=world.province)
        Quota.objects.create(campaign=world.campaign, area=area, activated_target=100)
        AreaRollup.objects.create(campaign=world.campaign, area=area, level2_activated=n)
        AreaDailySnapshot.objects.create(campaign=world.campaign, area=area, day=today - datetime.timedelta(days=7))
    assert len(client.get(ranking_url(world.province)).context["rows"]) == 26
    assert _queries(client, ranking_url(world.province)) == small
