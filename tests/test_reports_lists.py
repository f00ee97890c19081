"""The police work lists: who is on each list equals a naive reading of the visit log;
filters by group, turf, team and special support; pages cost the same queries at any size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.models import Household, Resident
from outreach.models import Assignment, Team

from .sync_helpers import client_for
from .test_reports_naive import (  # noqa: F401 - scenario is a fixture
    eligible_living, many_households, naive_household_last, naive_resident_state, scenario,
)

pytestmark = pytest.mark.django_db


def list_url(area, kind: str, **params) -> str:
    url = reverse("reports:list", args=[area.id, kind])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def rows_of(response) -> list[dict]:
    """The page's rows as {column key: value}, from the context the template renders."""
    assert response.status_code == 200, response.status_code
    keys = [c.key for c in response.context["columns"]]
    rows = []
    for cells in response.context["rows"]:
        row = dict(zip(keys, (cell["value"] for cell in cells), strict=True))
        if "place" in row:  # one cell on screen: group, turf, team
            row["group"], row["turf"], row["team"] = row.pop("place")
        rows.append(row)
    return rows


def people(rows) -> set[tuple[str, str]]:
    """(name, address): the fixture reuses names from one household to the next."""
    return {(r["name"], r["address"]) for r in rows}


def households_named(rows) -> set[str]:
    return {r["address"] for r in rows}


def naive_lists(world) -> dict[str, set]:
    """Each list's members, from the log: addresses for household lists, names for people."""
    campaign, today = world.campaign, timezone.localdate()
    households = list(Household.objects.filter(area__path__startswith=world.commune.path))
    last = naive_household_last(campaign)
    state = naive_resident_state(campaign)
    residents = [r for r in Resident.objects.filter(household__in=households) if eligible_living(r, state, today)]
    not_activated = [r for r in residents if state.get(r.id, {}).get("l2", "none") != "activated"]
    never = {h.address_display for h in households if h.id not in last}
    revisit = {h.address_display for h in households if h.id in last and last[h.id].outcome.needs_revisit}
    def who(r):
        return r.full_name, r.household.address_display

    return {
        "chua-den": never,
        "quay-lai": revisit,
        "quan-tam": {who(r) for r in not_activated if state.get(r.id, {}).get("interest") == "interested"},
        "vuong-mac": {who(r) for r in not_activated if state.get(r.id, {}).get("reason")},
        "goi-dien": {who(r) for r in not_activated if r.phone and (
            r.household.address_display in never | revisit or state.get(r.id, {}).get("interest") == "interested"
            or state.get(r.id, {}).get("reason"))},
    }  # fmt: skip


@pytest.mark.parametrize("kind", ["chua-den", "quay-lai", "quan-tam", "vuong-mac", "goi-dien"])
def test_it_lists_the_same_people_as_a_count_from_the_visits(scenario, kind):
    world = scenario.world
    rows = rows_of(client_for(world.police).get(list_url(world.commune, kind)))
    expected = naive_lists(world)[kind]
    assert (households_named(rows) if kind in ("chua-den", "quay-lai") else people(rows)) == expected
    assert len(rows) == len(expected)
    assert expected, "the scenario puts someone on every list"
    assert all("Hàng Bạc" not in r["address"] for r in rows)  # never the other commune


def test_it_shows_the_revisit_time_and_note(scenario):
    world = scenario.world
    (row,) = rows_of(client_for(world.police).get(list_url(world.commune, "quay-lai")))
    assert row["address"] == world.households_a[1].address_display
    assert row["revisit_after"] == scenario.revisit_after
    assert row["revisit_note"] == "Chủ hộ đi làm, về sau 19h"
    assert row["team"] == world.team_a.name and row["turf"] == world.turf_a.name
    html = client_for(world.police).get(list_url(world.commune, "quay-lai")).content.decode()
    assert scenario.revisit_after.strftime("%H:%M %d/%m/%Y") in html


def test_it_shows_the_blocking_reason(scenario):
    world = scenario.world
    rows = {r["name"]: r for r in rows_of(client_for(world.police).get(list_url(world.commune, "vuong-mac")))}
    a0 = list(world.households_a[0].residents.order_by("id"))
    b1 = list(world.households_b[1].residents.order_by("id"))
    assert rows[a0[1].full_name]["reason"] == "Không có điện thoại thông minh"
    assert rows[b1[1].full_name]["reason"].startswith("Số điện thoại không chính chủ")
    assert rows[a0[1].full_name]["support"] == "Cao tuổi sống một mình"


def test_it_gives_the_call_list_phone_numbers_and_why_to_call(scenario):
    world = scenario.world
    response = client_for(world.police).get(list_url(world.commune, "goi-dien"))
    rows = {r["name"]: r for r in rows_of(response)}
    a2 = list(world.households_a[2].residents.order_by("id"))
    assert rows[a2[1].full_name]["phone"] == "0901 112 233"  # national format, as everywhere
    assert rows[a2[1].full_name]["why"] == "Hộ chưa đến"
    b1 = list(world.households_b[1].residents.order_by("id"))
    assert rows[b1[0].full_name]["why"] == "Quan tâm"
    assert "Vướng mắc" in rows[b1[1].full_name]["why"]
    html = response.content.decode()
    assert 'href="tel:+84901112233"' in html  # dials from any SIM


def test_it_filters_by_group_turf_team_and_support(scenario):
    world = scenario.world
    client = client_for(world.police)
    everyone = naive_lists(world)["goi-dien"]
    group2 = people(rows_of(client.get(list_url(world.commune, "goi-dien", group=world.group2.id))))
    assert group2 and group2 < everyone
    assert {address for _, address in group2} <= {h.address_display for h in world.households_b}
    turf_a = rows_of(client.get(list_url(world.commune, "goi-dien", turf=world.turf_a.id)))
    assert {r["turf"] for r in turf_a} == {world.turf_a.name}
    team_b = rows_of(client.get(list_url(world.commune, "goi-dien", team=world.team_b.id)))
    assert {r["team"] for r in team_b} == {world.team_b.name} and people(team_b) == group2
    supported = rows_of(client.get(list_url(world.commune, "goi-dien", support="on")))
    assert {r["support"] for r in supported} == {"Cao tuổi sống một mình", "Khuyết tật"}
    households = rows_of(client.get(list_url(world.commune, "chua-den", support="on")))
    assert households == []  # nobody needing support lives in a household never visited


def test_it_follows_the_open_assignment_when_a_turf_changes_team(scenario):
    world = scenario.world
    team_c = Team.objects.create(name="Tổ công tác số 3", area=world.group1)
    Assignment.objects.filter(turf=world.turf_a).update(ended_at=timezone.now())
    Assignment.objects.create(campaign=world.campaign, turf=world.turf_a, team=team_c)
    client = client_for(world.police)
    rows = rows_of(client.get(list_url(world.commune, "chua-den", team=team_c.id)))
    assert households_named(rows) == {world.households_a[2].address_display}
    assert {r["team"] for r in rows} == {team_c.name}
    assert rows_of(client.get(list_url(world.commune, "chua-den", team=world.team_a.id))) == []


def test_it_filters_by_reason(scenario):
    world = scenario.world
    from outreach.models import OutcomeCode

    reason = OutcomeCode.objects.get(code="no_smartphone", campaign=None)
    rows = rows_of(client_for(world.police).get(list_url(world.commune, "vuong-mac", reason=reason.id)))
    assert [r["reason"] for r in rows] == ["Không có điện thoại thông minh"]


def test_it_never_widens_a_list_with_a_filter_from_another_area(scenario):
    world = scenario.world
    response = client_for(world.police).get(list_url(world.commune, "chua-den", turf=world.turf_other.id))
    assert response.context["form"].errors
    rows = rows_of(response)
    assert all("Hàng Bạc" not in r["address"] for r in rows)


def test_it_gives_a_group_leader_the_lists_of_the_group(scenario):
    world = scenario.world
    response = client_for(world.leader).get(list_url(world.group1, "chua-den"))
    assert households_named(rows_of(response)) == {world.households_a[2].address_display}
    assert "group" not in response.context["form"].fields


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("kind", ["chua-den", "quay-lai", "quan-tam", "vuong-mac", "goi-dien"])
def test_it_costs_the_same_queries_for_a_short_and_a_full_page(scenario, kind):
    world = scenario.world
    client = client_for(world.police)
    url = list_url(world.commune, kind)
    small = _queries(client, url)
    turf = world.group2.turfs.create(name="Ngõ 5 Liễu Giai")
    Assignment.objects.create(campaign=world.campaign, turf=turf, team=world.team_b)
    homes = many_households(turf, "Phố Liễu Giai", 60)
    Resident.objects.filter(household__in=homes).update(phone="+84912000000")
    from outreach.rollups.services import rollups_refresh

    from .sync_helpers import push, statuses, visit

    pushed = []
    for i, home in enumerate(homes[:55]):
        people = list(home.residents.order_by("id"))
        if i % 2:
            pushed.append(visit(world, home, outcome="nobody_home"))
        else:
            pushed.append(visit(world, home, residents=[{"resident": people[0].id, "outcome": "interested",
                                                         "reason": "no_otp"}]))  # fmt: skip
    assert set(statuses(push(client, pushed))) == {"accepted"}
    rollups_refresh(campaign_id=world.campaign.id)
    response = client.get(url)
    assert len(response.context["rows"]) >= min(25, response.context["page"].paginator.count)
    assert _queries(client, url) == small


def test_it_pages_long_lists(scenario):
    world = scenario.world
    turf = world.group2.turfs.create(name="Ngõ 7 Liễu Giai")
    many_households(turf, "Phố Liễu Giai", 70)
    client = client_for(world.police)
    first = client.get(list_url(world.commune, "chua-den"))
    assert first.context["page"].paginator.count == 71 and len(first.context["rows"]) == 50
    second = client.get(list_url(world.commune, "chua-den", page=2))
    assert len(second.context["rows"]) == 21
    assert 'rel="next"' in first.content.decode()
