"""The ranking from the country down: the 34 provinces, or every commune of the country or
of a province ranked together, a page at a time, searchable diacritics-free, with the rank
each unit holds among all of them and a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import Area, AreaKind
from outreach.models import AreaRollup, Quota, Role

from .fixtures import make_user
from .sync_helpers import client_for

pytestmark = pytest.mark.django_db

NAMES = ["Phường Ba Đình", "Phường Hoàn Kiếm", "Xã Hòa Bình", "Phường Đống Đa", "Xã Đông Anh"]


@pytest.fixture
def nation(world):
    """A country of two provinces: the first with 130 communes (more than a page), the second
    with 3; commune n has activated n of a quota of 200, so rank = 131 - n in the first."""
    country = Area.objects.create(code="VN", name="Việt Nam", kind=AreaKind.COUNTRY)
    big = Area.objects.create(code="P1", name="Thành phố Hà Nội", kind=AreaKind.PROVINCE, parent=country)
    small = Area.objects.create(code="P2", name="Tỉnh Cao Bằng", kind=AreaKind.PROVINCE, parent=country)

    def communes(province, count, start):
        made = []
        for n in range(1, count + 1):
            name = NAMES[n - 1] if province is big and n <= len(NAMES) else f"Xã Số {start + n}"
            made.append(Area.objects.create(code=f"{province.code}-{n:03d}", name=name, kind=AreaKind.COMMUNE,
                                            parent=province))  # fmt: skip
            Area.objects.create(code=f"{province.code}-{n:03d}-T1", name="Tổ 1", kind=AreaKind.GROUP, parent=made[-1])
        return made

    units = communes(big, 130, 0) + communes(small, 3, 1000)
    for n, area in enumerate(units, start=1):
        Quota.objects.create(campaign=world.campaign, area=area, activated_target=200, registered_target=200)
        AreaRollup.objects.create(campaign=world.campaign, area=area, level2_activated=n if n <= 130 else 200)
    leader = make_user("nation", area=country, role=Role.PROVINCE_LEADER)
    return country, big, small, units, leader


def url(area, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("reports:ranking", args=[area.id]) + (f"?{query}" if query else "")


def names(response) -> list[str]:
    return [row.figures.name for row in response.context["rows"]]


def test_the_country_ranks_its_provinces_and_offers_every_commune(nation):
    country, big, small, _units, leader = nation
    response = client_for(leader).get(url(country))
    assert response.status_code == 200
    assert set(names(response)) == {"Thành phố Hà Nội", "Tỉnh Cao Bằng"}
    html = response.content.decode()
    assert "Tất cả xã, phường, đặc khu" in html and "don-vi=xa" in html


def test_every_commune_of_the_country_a_page_at_a_time_with_its_national_rank(nation):
    country, _big, _small, units, leader = nation
    client = client_for(leader)
    first = client.get(url(country, **{"don-vi": "xa"}))
    rows = first.context["rows"]
    assert len(rows) == 100 and first.context["page"].paginator.count == 133
    # Cao Bằng's three communes are 100 % (rank 1, tied); then Hà Nội's from 130 down.
    assert [r.rank for r in rows[:4]] == [1, 1, 1, 4] and rows[3].figures.name == "Xã Số 130"
    second = client.get(url(country, **{"don-vi": "xa", "page": 2}))
    assert len(second.context["rows"]) == 33
    assert second.context["rows"][-1].figures.name == "Phường Ba Đình" and second.context["rows"][-1].rank == 133
    assert "Trang 2/2" in second.content.decode()
    # Laggards are the whole ranking's bottom, whatever the page.
    assert [r.figures.name for r in first.context["table"].laggards][-1] == "Phường Ba Đình"


def test_a_search_finds_a_commune_diacritics_free_with_its_rank_among_all(nation):
    country, _big, _small, _units, leader = nation
    client = client_for(leader)
    found = client.get(url(country, **{"don-vi": "xa", "q": "hoa binh"}))
    assert [(r.figures.name, r.rank) for r in found.context["rows"]] == [("Xã Hòa Bình", 131)]
    assert names(client.get(url(country, **{"don-vi": "xa", "q": "Hoà Bình"}))) == ["Xã Hòa Bình"]
    assert names(client.get(url(country, **{"don-vi": "xa", "q": "dong"}))) == ["Xã Đông Anh", "Phường Đống Đa"]  # by rank: 5 before 4
    assert names(client.get(url(country, **{"don-vi": "xa", "q": "ba", "sort": "name"}))) == ["Phường Ba Đình"]
    none = client.get(url(country, **{"don-vi": "xa", "q": "Nha Trang"}))
    assert none.context["rows"] == [] and "Không có đơn vị nào tên khớp" in none.content.decode()


def test_a_province_ranks_its_own_communes_only(nation, world):
    _country, big, small, _units, _leader = nation
    leader = make_user("caobang", area=small, role=Role.PROVINCE_LEADER)
    client = client_for(leader)
    response = client.get(url(small, **{"don-vi": "xa"}))
    assert names(response) == ["Xã Số 1001", "Xã Số 1002", "Xã Số 1003"]
    assert client.get(url(big, **{"don-vi": "xa"})).status_code == 404  # another province


def test_the_commune_ranking_costs_the_same_queries_for_30_or_133_communes(nation, world):
    country, big, _small, units, leader = nation
    client = client_for(leader)
    client.get(url(country, **{"don-vi": "xa"}))  # warm the session and the campaign caches
    with CaptureQueriesContext(connection) as many:
        client.get(url(country, **{"don-vi": "xa"}))
    Area.objects.filter(pk__in=[a.pk for a in units[30:130]]).update(kind=AreaKind.DISTRICT)  # out of the ranking
    with CaptureQueriesContext(connection) as few:
        response = client.get(url(country, **{"don-vi": "xa"}))
    assert response.context["page"].paginator.count == 33
    assert len(many.captured_queries) == len(few.captured_queries)
