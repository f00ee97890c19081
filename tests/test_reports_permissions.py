"""Every report URL is scoped: field members get 403 everywhere, an area outside the
user's grants answers 404 on every URL that carries an area id, and each role opens the
pages of its own area."""

import pytest
from django.urls import URLPattern, reverse

from frontend.reports import urls as report_urls

from .sync_helpers import client_for
from .test_reports_naive import scenario  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

LIST_KIND = "chua-den"


def every_url(area_id: int) -> list[str]:
    """Each named pattern of frontend.reports.urls, with the given area (and a list kind)."""
    urls = []
    for pattern in report_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        params = pattern.pattern.converters
        kwargs = {}
        if "area_id" in params:
            kwargs["area_id"] = area_id
        if "kind" in params:
            kwargs["kind"] = LIST_KIND
        if "resident_id" in params:
            kwargs["resident_id"] = 987654321  # no such resident; never an area id either
        urls.append(reverse(f"reports:{pattern.name}", kwargs=kwargs))
    return urls


def area_urls(area_id: int) -> list[str]:
    return [u for u in every_url(area_id) if f"/{area_id}/" in u or u.endswith(f"/{area_id}")]


def test_it_knows_every_pattern():
    # A new pattern must come with its permission check: this list grows with urls.py.
    names = {p.name for p in report_urls.urlpatterns}
    assert names == {"index", "progress", "ranking", "chat", "chat_text", "lists", "list", "list_xlsx", "list_csv",
                     "reveal", "audit", "audit_xlsx", "audit_csv", "editions"}  # fmt: skip
    assert len(area_urls(424242)) == len(names) - 5


def test_it_forbids_field_members_every_page(scenario):
    world = scenario.world
    for user, area in ((world.alice, world.group1), (world.dave, world.other_group)):
        client = client_for(user)
        for url in every_url(area.id):
            assert client.get(url).status_code == 403, url


def test_it_sends_anonymous_visitors_to_the_login(scenario):
    world = scenario.world
    client = client_for(world.alice)
    client.logout()
    for url in every_url(world.commune.id):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize(
    ("who", "outside"),
    [
        ("police", "other_commune"), ("police", "province"), ("police", "other_group"),
        ("leader", "group2"), ("leader", "commune"), ("leader", "other_group"),
    ],
)  # fmt: skip
def test_it_hides_other_areas_on_every_url(scenario, who, outside):
    world = scenario.world
    client = client_for(getattr(world, who))
    area = getattr(world, outside)
    for url in area_urls(area.id):
        assert client.get(url).status_code == 404, url


def test_it_hides_areas_of_another_province(scenario):
    from households.models import Area, AreaKind

    world = scenario.world
    hue = Area.objects.create(code="46", name="Thành phố Huế", kind=AreaKind.PROVINCE)
    ward = Area.objects.create(code="19900", name="Phường Thuận Hoá", kind=AreaKind.COMMUNE, parent=hue)
    client = client_for(world.province_user)
    for area in (hue, ward):
        for url in area_urls(area.id):
            assert client.get(url).status_code == 404, url
    for url in area_urls(999999):  # no such area: the same answer
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    ("who", "area"),
    [("police", "commune"), ("police", "group2"), ("leader", "group1"), ("province_user", "province"),
     ("province_user", "commune"), ("province_user", "other_group")],
)  # fmt: skip
def test_it_opens_every_page_of_the_users_own_area(scenario, who, area):
    world = scenario.world
    client = client_for(getattr(world, who))
    target = getattr(world, area)
    for url in area_urls(target.id):
        response = client.get(url)
        expected = 404 if (target.kind == "province" and "/danh-sach/" in url) else (302 if url.endswith(
            "/danh-sach/") else 200)  # fmt: skip
        assert response.status_code == expected, url


def test_it_sends_each_user_from_the_index_to_their_area(scenario):
    world = scenario.world
    for who, area in (("police", world.commune), ("leader", world.group1), ("province_user", world.province)):
        response = client_for(getattr(world, who)).get(reverse("reports:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("reports:progress", args=[area.id])), who


def test_it_lets_an_administrator_see_everything(scenario):
    from django.contrib.auth.models import User

    world = scenario.world
    root = User.objects.create_superuser("root", "root@example.vn", "matkhau-123")
    client = client_for(root)
    assert client.get(reverse("reports:index")).status_code in (200, 302)
    for area in (world.province, world.other_commune):
        assert client.get(reverse("reports:progress", args=[area.id])).status_code == 200
