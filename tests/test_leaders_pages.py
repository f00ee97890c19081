"""The group leaders' pages (/to/): what each role sees and does, the figures against a count
from the visits themselves, and the number of queries as the group grows."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from households.models import Household, ResidenceStatus, Resident, Turf
from households.services import household_create, resident_create
from outreach.models import Assignment, Campaign, SyncChange, Team, Visit, VisitResidentOutcome
from outreach.turfs.services import turf_assign

from .sync_helpers import activated, client_for, days_ago, hanoi_time, push, statuses, visit
from .test_sync_pull import pull, rows

pytestmark = pytest.mark.django_db


def turfs_url(world):
    return f"/to/{world.group1.id}/"


def households_url(world):
    return f"/to/{world.group1.id}/ho/"


def turf_url(turf):
    return f"/to/khu-vuc/{turf.id}/"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def figures(response) -> dict[int, object]:
    return {row.turf.id: row for row in response.context["rows"]}


def ago(**delta) -> str:
    return (timezone.now() - datetime.timedelta(**delta)).isoformat()


def grow(world, *, turfs: int, households: int) -> None:
    """More turfs in group 1, each with households, residents, a team and visits."""
    team = Team.objects.create(name="Tổ công tác số 3", area=world.group1)
    for t in range(turfs):
        turf = Turf.objects.create(area=world.group1, name=f"Ngõ {100 + t} Kim Mã", kind=Turf.Kind.LANE)
        turf_assign(campaign=world.campaign, turf=turf, team=team if t % 2 else world.team_a)
        for n in range(1, households + 1):
            household = household_create(area=world.group1, turf=turf, house_number=str(n), lane=f"Ngõ {100 + t}",
                                         street="Phố Kim Mã", head_name=f"Hộ {n}")  # fmt: skip
            resident_create(household=household, full_name=f"Lê Văn Bình {n}", birth_year=1970, sex="M")
    visits = [visit(world, h) for h in Household.objects.filter(area=world.group1, lane__startswith="Ngõ 1")[::2]]
    assert set(statuses(push(client_for(world.police), visits))) == {"accepted"}


def query_count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


# ---------------------------------------------------------------- the turf table


def test_it_sends_a_leader_of_one_group_straight_to_the_groups_turfs(world):
    response = client_for(world.leader).get("/to/")
    assert response.status_code == 302 and response["Location"] == turfs_url(world)


def test_it_lists_the_groups_of_the_commune_for_the_police(world):
    response = client_for(world.police).get("/to/")
    assert response.status_code == 200
    assert [g.id for g, _, _ in response.context["cards"]] == [world.group1.id, world.group2.id]
    assert "Phường Hoàn Kiếm" not in response.content.decode()


def test_it_shows_the_groups_turfs_with_their_teams_in_vietnamese(world):
    response = client_for(world.leader).get(turfs_url(world))
    assert response.status_code == 200
    page = text_of(response)
    assert 'lang="vi"' in page and "Tổ dân phố 1" in page and "Ngõ 12 Đội Cấn" in page
    assert "Toà nhà CT1" not in page  # group 2's turf
    assert [r.turf.id for r in response.context["rows"]] == [world.turf_a.id]
    assert figures(response)[world.turf_a.id].team == world.team_a
    # The team choices are the leader's own group's teams only.
    assert [t.id for t in response.context["teams"]] == [world.team_a.id]


def test_it_shows_figures_equal_to_a_count_from_the_visits(world):
    a, b = world.households_a, world.households_b
    police, alice = client_for(world.police), client_for(world.alice)
    resident_moved = a[2].residents.get(full_name__startswith="Trần")
    pushed = [
        visit(world, a[0], residents=[activated(r) for r in a[0].residents.filter(birth_year__lt=2000)], when=ago(days=2)),
        visit(world, a[1], outcome="nobody_home", when=ago(days=1)),
        visit(world, a[2], residents=[{"resident": resident_moved.id, "outcome": "moved_away"}], when=ago(hours=5)),
        visit(world, a[2], outcome="nobody_home", when=ago(hours=9)),  # older: the later visit wins
        visit(world, a[1], outcome="refused", when=ago(days=3)),  # older than the revisit
    ]
    assert statuses(push(alice, pushed)) == ["accepted"] * 5
    assert statuses(push(police, [visit(world, b[0], residents=[activated(b[0].residents.first(), level=1)])])) == [
        "accepted"
    ]
    response = police.get(f"/to/{world.group1.id}/")
    shown = figures(response)
    for turf in (world.turf_a,):
        expected = count_from_scratch(world, turf)
        row = shown[turf.id]
        got = {"households": row.households, "not_visited": row.not_visited, "revisit": row.revisit,
               "visited": row.visited, "eligible": row.eligible, "activated": row.activated,
               "last_visit": row.last_visit}  # fmt: skip
        assert got == expected
    assert shown[world.turf_a.id].activated == 2 and shown[world.turf_a.id].revisit == 1
    page = text_of(response)
    assert "2 / 5" in page  # activated / eligible: the resident who moved away no longer counts
    assert timezone.localtime(expected["last_visit"]).strftime("%H:%M %d/%m/%Y") in page
    # Group 2's level-1 activation does not count for a level-2 campaign.
    group2 = figures(police.get(f"/to/{world.group2.id}/"))[world.turf_b.id]
    assert (group2.visited, group2.activated, group2.eligible) == (1, 0, 6)


def count_from_scratch(world, turf) -> dict:
    """The figures of a turf worked out from the visit log alone, not the projection."""
    households = list(Household.objects.filter(turf=turf))
    visits = list(Visit.objects.filter(campaign=world.campaign, household__in=households).select_related("outcome"))
    latest = {}
    for v in visits:
        if v.household_id not in latest or (v.effective_time, v.id) > (latest[v.household_id].effective_time,
                                                                         latest[v.household_id].id):  # fmt: skip
            latest[v.household_id] = v
    revisit = sum(1 for v in latest.values() if v.outcome.needs_revisit)
    outcomes = list(
        VisitResidentOutcome.objects.filter(visit__in=visits).select_related("outcome", "visit").order_by("visit__id")
    )
    level = "2" if world.campaign.target_level == Campaign.Level.LEVEL2 else "1"
    activated_ids = {o.resident_id for o in outcomes if o.outcome.vneid_status == "activated"
                     and str(o.outcome.vneid_level) == level}  # fmt: skip
    residence = {}
    for o in sorted(outcomes, key=lambda o: (o.visit.effective_time, o.visit.id)):
        if o.outcome.residence_status:
            residence[o.resident_id] = o.outcome.residence_status
    today = timezone.localdate()
    eligible = [
        r for r in Resident.objects.filter(household__in=households)
        if residence.get(r.id, ResidenceStatus.PERMANENT) in (ResidenceStatus.PERMANENT, ResidenceStatus.TEMPORARY)
        and r.is_eligible_on(today)
    ]  # fmt: skip
    return {
        "households": len(households), "not_visited": len(households) - len(latest), "revisit": revisit,
        "visited": len(latest) - revisit, "eligible": len(eligible),
        "activated": sum(1 for r in eligible if r.id in activated_ids),
        "last_visit": max((v.effective_time for v in visits), default=None),
    }  # fmt: skip


def test_it_counts_the_turf_table_with_the_same_queries_for_more_turfs(world):
    client = client_for(world.leader)
    few = query_count(client, turfs_url(world))
    grow(world, turfs=6, households=5)
    assert len(client.get(turfs_url(world)).context["rows"]) == 7
    assert query_count(client, turfs_url(world)) == few


def test_it_formats_dates_day_first_and_numbers_with_dot_thousands(world):
    many = [household_create(area=world.group1, turf=world.turf_a, house_number=str(n), street="Phố Đội Cấn")
            for n in range(10, 1210)]  # fmt: skip
    assert len(many) == 1200
    # As 05/11 was: a day under 10 that is not the month, so month-first or unpadded differs.
    day = days_ago(28)
    while day.day >= 10 or day.day == day.month:  # at most 23 days more, inside the campaign
        day -= datetime.timedelta(days=1)
    when = hanoi_time(day, 19, 5)
    push(client_for(world.alice), [visit(world, world.households_a[0], when=when.isoformat())])
    page = text_of(client_for(world.leader).get(turfs_url(world)))
    assert "1.203 hộ" in page and "1.202" in page  # households, of which not visited
    assert when.strftime("%H:%M %d/%m/%Y") in page


def test_it_assigns_a_turf_to_a_team_of_the_group(world):
    turf = Turf.objects.create(area=world.group1, name="Ngõ 20 Đội Cấn")
    household_create(area=world.group1, turf=turf, house_number="1", lane="Ngõ 20", street="Phố Đội Cấn")
    client = client_for(world.leader)
    response = client.post(f"/to/khu-vuc/{turf.id}/giao/", {"campaign": world.campaign.id, "team": world.team_a.id,
                                                            "next": turfs_url(world)})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == turfs_url(world)
    assignment = Assignment.objects.get(turf=turf, ended_at__isnull=True)
    assert assignment.team == world.team_a and assignment.assigned_by == world.leader
    assert "Đã giao khu vực" in text_of(client.get(turfs_url(world)))


def test_it_reassigns_a_turf_and_the_old_teams_phones_get_a_tombstone(world):
    team_a2 = Team.objects.create(name="Tổ công tác số 1B", area=world.group1)
    alice = client_for(world.alice)
    cursor = pull(alice)["cursor"]
    response = client_for(world.leader).post(f"/to/khu-vuc/{world.turf_a.id}/giao/",
                                             {"campaign": world.campaign.id, "team": team_a2.id})  # fmt: skip
    assert response.status_code == 302
    body = pull(alice, cursor)
    assert body["removed"]["turfs"] == [world.turf_a.id]
    assert rows(body, "households") == []
    assert Assignment.objects.get(turf=world.turf_a, ended_at__isnull=True).team == team_a2


def test_it_does_nothing_when_a_turf_is_assigned_to_the_team_it_has(world):
    client = client_for(world.leader)
    before = (Assignment.objects.count(), SyncChange.objects.count())
    for _ in range(2):  # a double tap
        response = client.post(f"/to/khu-vuc/{world.turf_a.id}/giao/", {"campaign": world.campaign.id,
                                                                         "team": world.team_a.id})  # fmt: skip
        assert response.status_code == 302
    assert (Assignment.objects.count(), SyncChange.objects.count()) == before
    assert "không có gì thay đổi" in text_of(client.get(turf_url(world.turf_a)))


def test_it_picks_the_campaign_from_a_selector_when_several_run(world):
    month = datetime.timedelta(days=31)
    later = Campaign.objects.create(name="Chiến dịch bổ sung", start_date=world.campaign.start_date + month,
                                    deadline=world.campaign.deadline)  # fmt: skip
    client = client_for(world.leader)
    response = client.get(turfs_url(world))
    assert response.context["campaign"] == later  # the newest running campaign
    assert figures(response)[world.turf_a.id].team is None
    assert 'name="campaign"' in response.content.decode() and "Chiến dịch 90 ngày" in response.content.decode()
    response = client.get(turfs_url(world), {"campaign": world.campaign.id})
    assert figures(response)[world.turf_a.id].team == world.team_a
    assert f"?campaign={world.campaign.id}" in response.content.decode()
    client.post(f"/to/khu-vuc/{world.turf_a.id}/giao/", {"campaign": later.id, "team": world.team_a.id})
    assert Assignment.objects.filter(campaign=later, turf=world.turf_a, ended_at__isnull=True).exists()


def test_it_says_so_when_no_campaign_runs(world):
    Campaign.objects.update(is_active=False)
    response = client_for(world.leader).get(turfs_url(world))
    assert response.status_code == 200
    assert "Chưa có chiến dịch nào đang chạy" in text_of(response)
    assert "/giao/" not in response.content.decode()


# ---------------------------------------------------------------- households and cutting turfs


def test_it_lists_the_households_by_street_lane_and_building_in_walk_order(world):
    for number in ("12", "2", "9"):
        household_create(area=world.group1, turf=world.turf_a, house_number=number, lane="Ngõ 12", street="Phố Đội Cấn")
    for unit, floor in (("1204", "12"), ("305", "3")):
        household_create(area=world.group1, building="Toà nhà HH1", floor=floor, unit=unit, street="Phố Đội Cấn")
    response = client_for(world.leader).get(households_url(world))
    assert response.status_code == 200
    streets = response.context["streets"]
    assert [s.name for s in streets] == ["Phố Đội Cấn"]
    sections = streets[0].sections
    # Household.walk_key order: a street's frontage, then its buildings, then its lanes.
    assert [(s.kind, s.lane or s.building) for s in sections] == [
        ("street", ""), ("building", "Toà nhà HH1"), ("lane", "Ngõ 12"),
    ]  # fmt: skip
    assert [line.household.house_number for line in sections[0].lines] == ["1", "2", "3"]
    assert [line.household.unit for line in sections[1].lines] == ["305", "1204"]
    assert [line.household.house_number for line in sections[2].lines] == ["2", "9", "12"]
    page = text_of(response)
    assert "Chưa có khu vực" in page and "chọn cả" in page


def test_it_cuts_a_new_turf_from_ticked_households(world):
    client = client_for(world.leader)
    picked = world.households_a[1:]
    response = client.post(households_url(world), {"households": [h.id for h in picked], "target": "new",
                                                   "name": "Ngõ 12 phía trong", "kind": "lane"})  # fmt: skip
    assert response.status_code == 302
    turf = Turf.objects.get(name="Ngõ 12 phía trong")
    assert set(turf.households.values_list("id", flat=True)) == {h.id for h in picked}
    assert "Đã chuyển 2 hộ" in text_of(client.get(response["Location"]))
    # The same form sent again changes nothing and says it is done.
    again = client.post(households_url(world), {"households": [h.id for h in picked], "target": "new",
                                                "name": "Ngõ 12 phía trong", "kind": "lane"})  # fmt: skip
    assert again.status_code == 302 and Turf.objects.filter(name="Ngõ 12 phía trong").count() == 1


def test_it_moves_a_whole_lane_in_one_action(world):
    lane = [household_create(area=world.group1, house_number=str(n), lane="Ngách 12/45", street="Phố Đội Cấn")
            for n in range(1, 6)]  # fmt: skip
    client = client_for(world.leader)
    page = client.get(households_url(world), {"khu-vuc": "none"})
    sections = [s for street in page.context["streets"] for s in street.sections]
    assert [s.lane for s in sections] == ["Ngách 12/45"]
    response = client.post(households_url(world), {"sections": [sections[0].key], "target": world.turf_a.id})
    assert response.status_code == 302
    assert world.turf_a.households.filter(id__in=[h.id for h in lane]).count() == 5


def test_it_refuses_a_move_without_households_or_target_in_vietnamese(world):
    client = client_for(world.leader)
    response = client.post(households_url(world), {"target": world.turf_a.id})
    assert response.status_code == 400 and "Hãy chọn ít nhất một hộ" in text_of(response)
    response = client.post(households_url(world), {"households": [world.households_a[0].id]})
    assert response.status_code == 400 and "Hãy chọn khu vực" in text_of(response)
    response = client.post(households_url(world), {"households": [world.households_a[0].id], "target": "new"})
    assert response.status_code == 400 and "Hãy nhập tên cho khu vực mới" in text_of(response)
    # What was ticked stays ticked.
    assert f'value="{world.households_a[0].id}" data-household checked' in response.content.decode()
    loose = household_create(area=world.group1, house_number="40", street="Phố Đội Cấn")
    response = client.post(households_url(world), {"households": [loose.id], "target": "new",
                                                   "name": "ngõ 12 đội cấn"})  # fmt: skip
    assert response.status_code == 400 and "đã có khu vực tên" in text_of(response)
    assert Household.objects.get(id=loose.id).turf is None


def test_it_filters_the_households_by_turf(world):
    turf_c = Turf.objects.create(area=world.group1, name="Ngõ 14")
    household_create(area=world.group1, turf=turf_c, house_number="1", lane="Ngõ 14", street="Phố Đội Cấn")
    response = client_for(world.leader).get(households_url(world), {"khu-vuc": turf_c.id})
    assert response.context["count"] == 1


def test_it_counts_the_households_page_with_the_same_queries_for_more_households(world):
    client = client_for(world.leader)
    few = query_count(client, households_url(world))
    grow(world, turfs=5, households=8)
    assert client.get(households_url(world)).context["count"] == 43
    assert query_count(client, households_url(world)) == few


# ---------------------------------------------------------------- one turf: rename, split, merge


def test_it_shows_one_turf_with_its_households_and_forms(world):
    response = client_for(world.leader).get(turf_url(world.turf_a))
    assert response.status_code == 200
    page = text_of(response)
    assert "Ngõ 12 Đội Cấn" in page and "Tổ công tác số 1" in page
    assert "Đổi tên" in page and "Tách" in page
    lines = [line for s in response.context["streets"] for sec in s.sections for line in sec.lines]
    assert [line.household.id for line in lines] == [h.id for h in world.households_a]


def test_it_renames_a_turf(world):
    client = client_for(world.leader)
    response = client.post(f"/to/khu-vuc/{world.turf_a.id}/doi-ten/", {"name": "Ngõ 12 (cả ngõ)", "kind": "lane"})
    assert response.status_code == 302
    world.turf_a.refresh_from_db()
    assert world.turf_a.name == "Ngõ 12 (cả ngõ)"
    response = client.post(f"/to/khu-vuc/{world.turf_a.id}/doi-ten/", {"name": " "})
    assert response.status_code == 400 and "Hãy nhập tên khu vực" in text_of(response)


def test_it_splits_a_turf_and_opens_the_new_one(world):
    client = client_for(world.leader)
    response = client.post(f"/to/khu-vuc/{world.turf_a.id}/tach/",
                           {"households": [world.households_a[2].id], "name": "Ngách 12/45", "kind": "lane"})
    new = Turf.objects.get(name="Ngách 12/45")
    assert response.status_code == 302 and response["Location"] == turf_url(new)
    assert "Hãy giao khu vực này cho một tổ" in text_of(client.get(response["Location"]))
    response = client.post(f"/to/khu-vuc/{world.turf_a.id}/tach/",
                           {"households": [h.id for h in world.households_a[:2]], "name": "Ngõ 12 A"})
    assert response.status_code == 400 and "ít nhất một hộ" in text_of(response)


def test_it_merges_turfs_of_the_group(world):
    side = Turf.objects.create(area=world.group1, name="Ngách 12/45")
    moved = household_create(area=world.group1, turf=side, house_number="1", lane="Ngách 12/45", street="Phố Đội Cấn")
    client = client_for(world.leader)
    page = client.get(turf_url(world.turf_a))
    assert [r.turf.id for r in page.context["siblings"]] == [side.id]
    response = client.post(f"/to/khu-vuc/{world.turf_a.id}/gop/", {"sources": [side.id]})
    assert response.status_code == 302
    assert Household.objects.get(id=moved.id).turf == world.turf_a
    # The merged-away turf, empty and unassigned, leaves the table.
    assert [r.turf.id for r in client.get(turfs_url(world)).context["rows"]] == [world.turf_a.id]
    response = client.post(f"/to/khu-vuc/{world.turf_a.id}/gop/", {})
    assert response.status_code == 400 and "Hãy chọn ít nhất một khu vực" in text_of(response)


def test_it_counts_the_turf_page_with_the_same_queries_for_more_households(world):
    client = client_for(world.leader)
    few = query_count(client, turf_url(world.turf_a))
    for n in range(10, 40):
        household_create(area=world.group1, turf=world.turf_a, house_number=str(n), street="Phố Đội Cấn")
    grow(world, turfs=4, households=3)
    assert query_count(client, turf_url(world.turf_a)) == few


# ---------------------------------------------------------------- turfs gone quiet


def test_it_lists_the_turfs_without_a_visit_for_three_days_by_default(world):
    quiet = Turf.objects.create(area=world.group1, name="Ngõ 14")
    household_create(area=world.group1, turf=quiet, house_number="1", lane="Ngõ 14", street="Phố Đội Cấn")
    recent = Turf.objects.create(area=world.group1, name="Ngõ 16")
    household_create(area=world.group1, turf=recent, house_number="1", lane="Ngõ 16", street="Phố Đội Cấn")
    police = client_for(world.police)
    push(police, [visit(world, world.households_a[0], when=ago(days=5)),
                  visit(world, recent.households.get(), when=ago(days=1))])  # fmt: skip
    client = client_for(world.leader)
    response = client.get("/to/cham/")
    assert response.context["days"] == 3
    listed = [row.turf.id for row, _ in response.context["rows"]]
    assert listed == [quiet.id, world.turf_a.id]  # never visited first; group 2's turf is not the leader's
    assert "5 ngày trước" in text_of(response) and "Chưa có lượt đến nhà nào" in text_of(response)
    assert [row.turf.id for row, _ in client.get("/to/cham/", {"days": 7}).context["rows"]] == [quiet.id]
    # The police see every group of the commune.
    assert world.turf_b.id in [row.turf.id for row, _ in police.get("/to/cham/").context["rows"]]
    only = police.get("/to/cham/", {"to": world.group2.id, "days": 3})
    assert [row.turf.id for row, _ in only.context["rows"]] == [world.turf_b.id]


def test_it_refuses_a_bad_number_of_days_in_vietnamese(world):
    response = client_for(world.leader).get("/to/cham/", {"days": "ba"})
    assert response.status_code == 400 and "Số ngày phải là số nguyên" in text_of(response)
    response = client_for(world.leader).get("/to/cham/", {"days": "0"})
    assert response.status_code == 400 and "từ 1 đến 365" in text_of(response)
    assert response.context["days"] == 3


def test_it_counts_the_quiet_turfs_and_the_group_list_with_the_same_queries(world):
    police = client_for(world.police)
    few = (query_count(police, "/to/cham/"), query_count(police, "/to/"))
    grow(world, turfs=6, households=3)
    assert len(police.get("/to/cham/?days=1").context["rows"]) >= 3
    assert (query_count(police, "/to/cham/"), query_count(police, "/to/")) == few


# ---------------------------------------------------------------- commune police and admins


def test_it_lets_the_commune_police_manage_every_group_of_the_commune(world):
    police = client_for(world.police)
    assert police.get(f"/to/{world.group2.id}/").status_code == 200
    response = police.post(f"/to/khu-vuc/{world.turf_b.id}/giao/", {"campaign": world.campaign.id,
                                                                    "team": world.team_a.id})  # fmt: skip
    assert response.status_code == 302
    assert Assignment.objects.get(turf=world.turf_b, ended_at__isnull=True).team == world.team_a
    # The team choices are the commune's, the page's own group's first.
    teams = police.get(f"/to/{world.group2.id}/").context["teams"]
    assert [t.id for t in teams] == [world.team_b.id, world.team_a.id]


def test_it_lets_a_superuser_in_everywhere(world):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("quantri", password="matkhau-123")
    client = client_for(admin)
    assert client.get("/to/").status_code == 200
    assert client.get(f"/to/{world.other_group.id}/").status_code == 200


def test_it_protects_every_post_against_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.leader)
    response = client.post(f"/to/khu-vuc/{world.turf_a.id}/giao/", {"campaign": world.campaign.id,
                                                                    "team": world.team_a.id})  # fmt: skip
    assert response.status_code == 403
    assert client.post(households_url(world), {"target": world.turf_a.id}).status_code == 403
    page = client.get(turfs_url(world)).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= 2  # logout and the assignment form
