import pytest

from households.models import Household
from households.services import household_update, resident_update
from outreach.models import TeamMembership, Visit
from outreach.turfs.services import turf_assign

from .fixtures import id_number_for
from .sync_helpers import activated, client_for, nothing_new, push, statuses, visit

pytestmark = pytest.mark.django_db


def pull(client, cursor=None, **params):
    if cursor:
        params["cursor"] = cursor
    response = client.get("/api/v1/sync/pull", params)
    assert response.status_code == 200, response.content
    body = response.json()
    # Every answer says whose session it is (the field app's one-request sync); the rest
    # of the body is what these tests look at.
    assert body.pop("user")["username"]
    return body


def rows(body, entity, field="id"):
    block = body.get(entity) or {"fields": [field], "rows": []}
    index = block["fields"].index(field)
    return [row[index] for row in block["rows"]]


def pull_all(client, cursor=None, **params):
    """Follow has_more to the end, as the phone does; returns (pages, last cursor)."""
    pages = [pull(client, cursor, **params)]
    while pages[-1]["has_more"]:
        pages.append(pull(client, pages[-1]["cursor"], **params))
    return pages, pages[-1]["cursor"]


def test_it_downloads_only_the_teams_turfs(world):
    body = pull(client_for(world.alice))
    assert sorted(rows(body, "households")) == sorted(h.id for h in world.households_a)
    assert len(rows(body, "residents")) == 3 * len(world.households_a)
    assert [t[0] for t in body["turfs"]] == [world.turf_a.id]
    assert {c[0] for c in body["codes"]} >= {"visited", "interested", "little_interested", "not_interested",
                                             "assisted_l1_activated", "no_smartphone"}  # fmt: skip
    assert body["has_more"] is False and body["cursor"].startswith("x.")


def test_it_masks_id_numbers_for_volunteers_but_not_for_police(world):
    resident = world.households_a[0].residents.get(full_name__startswith="Nguyễn Văn An")
    id_number = id_number_for(resident)  # 001080012345 when the suite was written in 2026
    resident_update(resident=resident, id_number=id_number)
    volunteer = pull(client_for(world.alice))
    index = volunteer["residents"]["fields"].index("id_number")
    shown = [r[index] for r in volunteer["residents"]["rows"] if r[0] == resident.id][0]
    assert shown.endswith("2345") and id_number[:6] not in shown


def test_it_pages_a_full_download_without_losing_or_repeating_households(world, monkeypatch):
    monkeypatch.setattr("outreach.sync.pull.PAGE_SIZE", 2)
    pages, cursor = pull_all(client_for(world.alice))
    assert len(pages) == 2
    seen = [h for page in pages for h in rows(page, "households")]
    assert sorted(seen) == sorted(h.id for h in world.households_a)
    assert cursor.startswith("x.")


def test_it_returns_nothing_but_a_cursor_when_nothing_changed(world):
    client = client_for(world.alice)
    cursor = pull(client)["cursor"]
    response = client.get("/api/v1/sync/pull", {"cursor": cursor}, HTTP_ACCEPT_ENCODING="gzip")
    assert len(response.content) < 300
    assert nothing_new(pull(client, cursor), cursor)
    assert client.get("/api/v1/sync/pull", {"cursor": cursor}).json()["user"] == {
        "username": "alice", "name": world.alice.get_full_name() or "alice"}


def test_it_brings_a_teammates_visit_and_the_new_status_incrementally(world):
    alice, bob = client_for(world.alice), client_for(world.bob)
    cursor = pull(alice)["cursor"]
    household = world.households_a[1]
    resident = household.residents.first()
    assert statuses(push(bob, [visit(world, household, residents=[activated(resident)])])) == ["accepted"]
    body = pull(alice, cursor)
    assert rows(body, "households") == [household.id]
    assert rows(body, "households", "status") == ["visited"]
    assert len(rows(body, "visits")) == 1
    vneid2 = dict(zip(rows(body, "residents"), rows(body, "residents", "vneid2"), strict=True))
    assert vneid2[resident.id] == 2
    assert nothing_new(pull(alice, body["cursor"]), body["cursor"])


def test_it_brings_visits_by_another_team_in_the_same_turf(world):
    # The police officer records a visit in team A's turf; team A's phones must see it.
    cursor = pull(client_for(world.alice))["cursor"]
    assert statuses(push(client_for(world.police), [visit(world, world.households_a[2])])) == ["accepted"]
    assert rows(pull(client_for(world.alice), cursor), "households") == [world.households_a[2].id]


def test_it_never_sends_changes_from_other_turfs(world):
    alice, carol = client_for(world.alice), client_for(world.carol)
    cursor = pull(alice)["cursor"]
    assert statuses(push(carol, [visit(world, world.households_b[0])])) == ["accepted"]
    assert statuses(push(client_for(world.dave), [visit(world, world.households_other[0])])) == ["accepted"]
    assert nothing_new(pull(alice, cursor), cursor)


def test_it_tells_the_old_team_and_the_new_team_of_a_reassignment(world):
    alice, carol = client_for(world.alice), client_for(world.carol)
    alice_cursor = pull(alice)["cursor"]
    carol_cursor = pull(carol)["cursor"]
    turf_assign(campaign=world.campaign, turf=world.turf_a, team=world.team_b, assigned_by=world.leader)
    lost = pull(alice, alice_cursor)
    assert lost["removed"]["turfs"] == [world.turf_a.id]
    assert rows(lost, "households") == []
    gained = pull(carol, carol_cursor)
    assert sorted(rows(gained, "households")) == sorted(h.id for h in world.households_a)
    assert {t[0] for t in gained["turfs"]} == {world.turf_a.id, world.turf_b.id}
    # A visit alice's phone made there before the handover still counts for her team
    # (tests/test_sync_reassign.py has the rest of that rule).
    assert statuses(push(alice, [visit(world, world.households_a[0])])) == ["accepted"]
    stored = Visit.objects.get(household=world.households_a[0])
    assert (stored.team_id, stored.after_handover) == (world.team_a.id, False)


def test_it_takes_the_turfs_off_the_phone_of_a_member_taken_off_the_team(world):
    bob = client_for(world.bob)
    cursor = pull(bob)["cursor"]
    TeamMembership.objects.get(team=world.team_a, user=world.bob).delete()
    body = pull(bob, cursor)
    assert body["removed"]["turfs"] == [world.turf_a.id]
    assert rows(body, "households") == [] and body["turfs"] == []
    assert push(bob, [visit(world, world.households_a[0])]).json()["results"][0]["code"] == "household_out_of_scope"
    # Alice, still on the team, is told nothing.
    alice = client_for(world.alice)
    assert pull(alice, pull(alice)["cursor"])["has_more"] is False


def test_it_sends_nothing_when_a_membership_is_saved_on_the_same_team(world):
    bob = client_for(world.bob)
    cursor = pull(bob)["cursor"]
    membership = TeamMembership.objects.get(team=world.team_a, user=world.bob)
    membership.is_lead = True
    membership.save()
    assert nothing_new(pull(bob, cursor), cursor)


def test_it_gives_a_member_moved_to_another_team_that_team_s_turfs(world):
    bob = client_for(world.bob)
    cursor = pull(bob)["cursor"]
    membership = TeamMembership.objects.get(team=world.team_a, user=world.bob)
    membership.team = world.team_b  # moved in place, as in the admin
    membership.save()
    body = pull(bob, cursor)
    assert body["removed"]["turfs"] == [world.turf_a.id]
    assert sorted(rows(body, "households")) == sorted(h.id for h in world.households_b)
    assert [t[0] for t in body["turfs"]] == [world.turf_b.id]


def test_it_sends_a_household_moved_to_another_turf_as_a_removal(world):
    alice = client_for(world.alice)
    cursor = pull(alice)["cursor"]
    household = world.households_a[0]
    household_update(household=Household.objects.get(id=household.id), turf=world.turf_b)
    body = pull(alice, cursor)
    assert body["removed"]["households"] == [household.id]


def test_it_sends_a_moved_resident_with_its_new_status(world):
    alice = client_for(world.alice)
    cursor = pull(alice)["cursor"]
    resident = world.households_a[0].residents.first()
    push(alice, [visit(world, world.households_a[0], residents=[{"resident": resident.id, "outcome": "moved_away"}])])
    body = pull(alice, cursor)
    status = dict(zip(rows(body, "residents"), rows(body, "residents", "residence_status"), strict=True))
    assert status[resident.id] == "moved"


def test_it_refuses_a_bad_cursor_and_an_unknown_campaign(world):
    client = client_for(world.alice)
    response = client.get("/api/v1/sync/pull", {"cursor": "yesterday"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_cursor"
    assert client.get("/api/v1/sync/pull", {"campaign": "999"}).status_code == 404


def test_it_compresses_pull_responses(world):
    response = client_for(world.alice).get("/api/v1/sync/pull", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"


def test_it_publishes_the_protocol_in_the_openapi_schema(world):
    response = client_for(world.alice).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/sync/push" in text and "/api/v1/sync/pull" in text and "client_uuid" in text


def test_it_pages_incremental_changes_without_losing_any(world, monkeypatch):
    alice, bob = client_for(world.alice), client_for(world.bob)
    cursor = pull(alice)["cursor"]
    for household in world.households_a:
        push(bob, [visit(world, household)])
    monkeypatch.setattr("outreach.sync.pull.PAGE_SIZE", 1)
    pages, _ = pull_all(alice, cursor)
    assert len(pages) == len(world.households_a) + 1  # the last page is empty
    assert sorted(v for page in pages for v in rows(page, "visits", "household")) == sorted(
        h.id for h in world.households_a
    )


def test_it_refuses_to_assign_a_turf_to_a_team_of_another_commune(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        turf_assign(campaign=world.campaign, turf=world.turf_a, team=world.team_other)
    assert world.turf_a.assignments.get(ended_at__isnull=True).team == world.team_a
