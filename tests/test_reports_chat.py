"""The report for the Zalo group: today's figures per group (today's snapshot minus
yesterday's), cumulative % of quota and rank, in Vietnamese number format, as a page with
a copy button and as text/plain."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.models import AreaDailySnapshot, AreaRollup, Quota
from outreach.rollups.services import rollups_rebuild

from .sync_helpers import client_for
from .test_reports_naive import naive_counts, scenario  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def test_it_reports_todays_gain_per_group_with_rank(scenario):
    world = scenario.world
    # Yesterday's snapshots: nothing activated in TDP 1 yet, TDP 2 had one visit and one activation.
    for area, visited, activated in ((world.commune, 1, 1), (world.group1, 0, 0), (world.group2, 1, 1)):
        AreaDailySnapshot.objects.create(campaign=world.campaign, area=area, day=yesterday(),
                                         households_visited=visited, level2_activated=activated)  # fmt: skip
    response = client_for(world.police).get(reverse("reports:chat_text", args=[world.commune.id]))
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    group1, group2 = naive_counts(world.group1, world.campaign), naive_counts(world.group2, world.campaign)
    assert group1["level2_activated"] == 1 and group2["level2_activated"] == 1
    lines = text.splitlines()
    assert lines[0] == "BÁO CÁO NHANH KÍCH HOẠT VNeID — PHƯỜNG BA ĐÌNH"
    line1 = next(ln for ln in lines if "Tổ dân phố 1:" in ln)
    line2 = next(ln for ln in lines if "Tổ dân phố 2:" in ln)
    # TDP 1: 2 households visited today, 1 activated today, 1/3 = 33,33%, first.
    assert line1 == "1. Tổ dân phố 1: đến 2 hộ (hôm nay +2); kích hoạt hôm nay +1; lũy kế 1/3 = 33,33%"
    # TDP 2: 3 visited (+2), nothing activated today ("0", as officers write it), 1/4 = 25,00%, second.
    assert line2 == "2. Tổ dân phố 2: đến 3 hộ (hôm nay +2); kích hoạt hôm nay 0; lũy kế 1/4 = 25,00%"
    assert lines.index(line1) < lines.index(line2)
    assert "Toàn phường Ba Đình: đã đến 5/6 hộ (hôm nay +4); kích hoạt mức 2 hôm nay +1, lũy kế 2/15 = 13,33% chỉ tiêu." in text
    assert "Hoàn Kiếm" not in text


def test_it_formats_large_numbers_the_vietnamese_way(world):
    rollups_rebuild(campaign=world.campaign)
    AreaRollup.objects.filter(area=world.commune).update(level2_activated=1633225, households_visited=412345,
                                                         households_total=500000)  # fmt: skip
    Quota.objects.filter(area=world.commune).update(activated_target=1620967)
    AreaDailySnapshot.objects.create(campaign=world.campaign, area=world.commune, day=yesterday(),
                                     level2_activated=1631000, households_visited=410000)  # fmt: skip
    text = client_for(world.police).get(reverse("reports:chat_text", args=[world.commune.id])).content.decode()
    assert "đã đến 412.345/500.000 hộ (hôm nay +2.345)" in text
    assert "hôm nay +2.225, lũy kế 1.633.225/1.620.967 = 100,76% chỉ tiêu" in text


def test_it_says_so_when_there_is_no_earlier_day(scenario):
    world = scenario.world
    text = client_for(world.police).get(reverse("reports:chat_text", args=[world.commune.id])).content.decode()
    figures = [line for line in text.splitlines() if line and not line.startswith("(")]
    assert not any("hôm nay" in line for line in figures)  # no made-up "today" without yesterday
    assert "Chưa có số liệu của ngày trước" in text


def test_it_offers_the_text_with_a_copy_button(scenario):
    world = scenario.world
    response = client_for(world.police).get(reverse("reports:chat", args=[world.commune.id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<textarea id="chat-text"' in html and 'id="copy-chat"' in html and "reports/copy.js" in html
    assert "Tổ dân phố 1" in response.context["chat"].text
    assert reverse("reports:chat_text", args=[world.commune.id]) in html


def test_it_costs_the_same_queries_for_more_groups(scenario):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from households.models import Area, AreaKind
    from outreach.rollups.services import rollups_rebuild

    world = scenario.world
    client = client_for(world.police)
    url = reverse("reports:chat", args=[world.commune.id])

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    for n in range(3, 15):
        group = Area.objects.create(code=f"00004-TDP{n:02d}", name=f"Tổ dân phố {n}", kind=AreaKind.GROUP,
                                    parent=world.commune)  # fmt: skip
        Quota.objects.create(campaign=world.campaign, area=group, activated_target=10)
        AreaDailySnapshot.objects.create(campaign=world.campaign, area=group, day=yesterday())
    rollups_rebuild(campaign=world.campaign)
    assert len(client.get(url).context["chat"].lines) == 14
    assert count() == small
