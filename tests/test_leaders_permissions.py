"""Who may use the group leaders' pages, and on what: every URL, every role, and every id
that belongs to another area, in the URL or in the form."""

import pytest
from django.test import Client

from households.models import Household, Turf
from outreach.models import Assignment, Campaign, SyncChange

from .sync_helpers import client_for

pytestmark = pytest.mark.django_db


def get_urls(world, *, group, turf) -> list[str]:
    return [
        "/to/", "/to/cham/", f"/to/{group.id}/", f"/to/{group.id}/ho/", f"/to/khu-vuc/{turf.id}/",
    ]  # fmt: skip


def post_urls(world, *, group, turf) -> list[tuple[str, dict]]:
    return [
        (f"/to/khu-vuc/{turf.id}/giao/", {"campaign": world.campaign.id, "team": world.team_a.id}),
        (f"/to/khu-vuc/{turf.id}/doi-ten/", {"name": "Tên mới", "kind": "lane"}),
        (f"/to/khu-vuc/{turf.id}/tach/", {"households": [world.households_a[0].id], "name": "Tách"}),
        (f"/to/khu-vuc/{turf.id}/gop/", {"sources": [world.turf_a.id]}),
        (f"/to/{group.id}/ho/", {"households": [world.households_a[0].id], "target": "new", "name": "Mới"}),
    ]  # fmt: skip


def snapshot():
    return (
        Assignment.objects.filter(ended_at__isnull=True).count(), Assignment.objects.count(),
        sorted(Household.objects.values_list("id", "turf_id")), sorted(Turf.objects.values_list("id", "name")),
        SyncChange.objects.count(),
    )  # fmt: skip


@pytest.mark.parametrize("who", ["alice", "carol", "dave", "province_user"])
def test_it_refuses_field_members_and_outsiders_on_every_url(world, who):
    client = client_for(getattr(world, who))
    before = snapshot()
    for group, turf in ((world.group1, world.turf_a), (world.group2, world.turf_b),
                        (world.other_group, world.turf_other)):  # fmt: skip
        for url in get_urls(world, group=group, turf=turf):
            assert client.get(url).status_code == 403, url
        for url, data in post_urls(world, group=group, turf=turf):
            assert client.post(url, data).status_code == 403, url
    assert snapshot() == before


def test_it_sends_anonymous_visitors_to_the_login_page(world):
    client = Client()
    for url in get_urls(world, group=world.group1, turf=world.turf_a):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    for url, data in post_urls(world, group=world.group1, turf=world.turf_a):
        assert client.post(url, data).status_code == 302, url


@pytest.mark.parametrize("who,group,turf", [
    ("leader", "group2", "turf_b"), ("leader", "other_group", "turf_other"),
    ("police", "other_group", "turf_other"),
])  # fmt: skip
def test_it_answers_not_found_for_another_areas_group_or_turf(world, who, group, turf):
    client = client_for(getattr(world, who))
    group, turf = getattr(world, group), getattr(world, turf)
    before = snapshot()
    for url in get_urls(world, group=group, turf=turf)[2:]:
        assert client.get(url).status_code == 404, url
    for url, data in post_urls(world, group=group, turf=turf):
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before


def test_it_answers_not_found_for_another_areas_ids_in_the_query_string(world):
    leader = client_for(world.leader)
    assert leader.get(f"/to/{world.group1.id}/ho/", {"khu-vuc": world.turf_b.id}).status_code == 404
    assert leader.get(f"/to/{world.group1.id}/ho/", {"khu-vuc": "abc"}).status_code == 404
    assert leader.get("/to/cham/", {"to": world.group2.id}).status_code == 404
    assert client_for(world.police).get("/to/cham/", {"to": world.other_group.id}).status_code == 404
    assert leader.get(f"/to/{world.group1.id}/", {"campaign": 999999}).status_code == 404
    Campaign.objects.filter(id=world.campaign.id).update(is_active=False)
    assert leader.get(f"/to/{world.group1.id}/", {"campaign": world.campaign.id}).status_code == 404


def test_it_lets_the_leader_use_every_page_of_the_own_group(world):
    leader = client_for(world.leader)
    for url in get_urls(world, group=world.group1, turf=world.turf_a):
        assert leader.get(url).status_code in (200, 302), url


def assert_refused(response, text: str, before):
    assert response.status_code == 400
    assert text in response.content.decode()
    assert snapshot() == before


def test_it_refuses_to_assign_to_a_team_of_another_group_or_commune(world):
    leader, police = client_for(world.leader), client_for(world.police)
    url = f"/to/khu-vuc/{world.turf_a.id}/giao/"
    before = snapshot()
    refused = "không thuộc phạm vi bạn quản lý hoặc không còn nữa"  # the same for each: no oracle
    assert_refused(leader.post(url, {"campaign": world.campaign.id, "team": world.team_b.id}), refused, before)
    assert_refused(leader.post(url, {"campaign": world.campaign.id, "team": world.team_other.id}), refused, before)
    assert_refused(police.post(url, {"campaign": world.campaign.id, "team": world.team_other.id}), refused, before)
    assert_refused(leader.post(url, {"campaign": world.campaign.id, "team": 999999}), refused, before)
    assert_refused(leader.post(url, {"campaign": world.campaign.id}), "Hãy chọn tổ công tác", before)
    Campaign.objects.filter(id=world.campaign.id).update(is_active=False)
    assert_refused(leader.post(url, {"campaign": world.campaign.id, "team": world.team_a.id}),
                   "không còn chạy", before)  # fmt: skip


def test_it_refuses_to_move_households_of_another_area_or_into_its_turfs(world):
    leader = client_for(world.leader)
    url = f"/to/{world.group1.id}/ho/"
    before = snapshot()
    assert_refused(leader.post(url, {"households": [world.households_b[0].id], "target": world.turf_a.id}),
                   "không thuộc phạm vi này", before)  # fmt: skip
    assert_refused(leader.post(url, {"households": [world.households_other[0].id], "target": "new", "name": "X"}),
                   "không thuộc phạm vi này", before)  # fmt: skip
    assert_refused(leader.post(url, {"households": [world.households_a[0].id], "target": world.turf_b.id}),
                   "không thuộc phạm vi bạn quản lý", before)  # fmt: skip
    # A whole-street key naming group 2's street picks nothing from group 1.
    key = '["Phố Liễu Giai", "", ""]'
    assert_refused(leader.post(url, {"sections": [key], "target": world.turf_a.id}), "Hãy chọn ít nhất một hộ", before)
    assert_refused(leader.post(url, {"sections": ["not json"], "target": world.turf_a.id}), "không hợp lệ", before)


def test_it_refuses_to_split_or_merge_across_areas(world):
    leader, police = client_for(world.leader), client_for(world.police)
    before = snapshot()
    split = f"/to/khu-vuc/{world.turf_a.id}/tach/"
    assert_refused(leader.post(split, {"households": [world.households_b[0].id], "name": "Tách"}),
                   "không thuộc phạm vi này", before)  # fmt: skip
    assert_refused(police.post(split, {"households": [world.households_b[0].id], "name": "Tách"}),
                   "không thuộc phạm vi này", before)  # fmt: skip
    merge = f"/to/khu-vuc/{world.turf_a.id}/gop/"
    assert_refused(leader.post(merge, {"sources": [world.turf_b.id]}), "không thuộc phạm vi bạn quản lý", before)
    assert_refused(police.post(merge, {"sources": [world.turf_b.id]}), "tổ dân phố khác nhau", before)
    assert_refused(police.post(merge, {"sources": [world.turf_other.id]}), "không thuộc phạm vi bạn quản lý", before)


def test_it_answers_method_not_allowed_to_a_get_on_a_write_url(world):
    leader = client_for(world.leader)
    for url, _ in post_urls(world, group=world.group1, turf=world.turf_a)[:4]:
        assert leader.get(url).status_code == 405, url
