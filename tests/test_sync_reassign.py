"""Issue 15, defect 1: a visit made offline is never lost because its turf was reassigned
before the phone synced. Made while the team held the turf, it counts for that team; made
after, it is kept too, flagged for the officers and the new team."""

import datetime
import uuid

import pytest
from django.utils import timezone

from outreach.models import Visit
from outreach.turfs.services import turf_assign

from .sync_helpers import DEVICE_TIME, client_for, push, visit

pytestmark = pytest.mark.django_db


def reassign_turf_a(world, *, at: datetime.datetime):
    """The group leader gives team A's turf to team B at `at`."""
    turf_assign(campaign=world.campaign, turf=world.turf_a, team=world.team_b, assigned_by=world.leader)
    world.turf_a.assignments.filter(team=world.team_a).update(ended_at=at)


def test_a_visit_made_before_the_reassignment_is_accepted_for_the_team_that_held_the_turf(world):
    made = datetime.datetime.fromisoformat(DEVICE_TIME)
    reassign_turf_a(world, at=made + datetime.timedelta(hours=1))
    item = visit(world, world.households_a[0])
    result = push(client_for(world.alice), [item]).json()["results"][0]
    assert result["status"] == "accepted", result
    stored = Visit.objects.get(client_uuid=item["client_uuid"])
    assert (stored.team_id, stored.after_handover) == (world.team_a.id, False)


def test_a_visit_made_after_the_reassignment_is_kept_and_flagged(world):
    made = datetime.datetime.fromisoformat(DEVICE_TIME)
    reassign_turf_a(world, at=made - datetime.timedelta(hours=1))
    item = visit(world, world.households_a[0])
    result = push(client_for(world.alice), [item]).json()["results"][0]
    assert result["status"] == "accepted", result
    stored = Visit.objects.get(client_uuid=item["client_uuid"])
    assert (stored.team_id, stored.after_handover) == (world.team_a.id, True)
    # The new team's phones see it: the household's status counts the visit.
    body = client_for(world.carol).get("/api/v1/sync/pull").json()
    fields = body["visits"]["fields"]
    assert item["client_uuid"] in {row[fields.index("client_uuid")] for row in body["visits"]["rows"]}


def test_a_household_added_at_the_door_of_a_reassigned_turf_is_kept(world):
    made = datetime.datetime.fromisoformat(DEVICE_TIME)
    reassign_turf_a(world, at=made + datetime.timedelta(hours=1))
    item = {**visit(world, world.households_a[0]), "household": None,
            "new_household": {"client_uuid": str(uuid.uuid4()), "turf": world.turf_a.id, "house_number": "27"}}  # fmt: skip
    result = push(client_for(world.alice), [item]).json()["results"][0]
    assert result["status"] == "accepted", result


def test_a_team_that_never_held_the_turf_is_still_refused(world):
    reassign_turf_a(world, at=timezone.now())
    # Dave's team never held turf A: ended assignments of other teams give him nothing.
    result = push(client_for(world.dave), [visit(world, world.households_a[0])]).json()["results"][0]
    assert result["code"] == "household_out_of_scope"


def test_a_turf_of_another_campaign_gives_nothing(world):
    from outreach.models import Campaign

    other = Campaign.objects.create(name="Chiến dịch cũ", start_date=world.campaign.start_date,
                                    deadline=world.campaign.deadline)  # fmt: skip
    world.turf_a.assignments.filter(team=world.team_a).update(campaign=other, ended_at=timezone.now())
    result = push(client_for(world.alice), [visit(world, world.households_a[0])]).json()["results"][0]
    assert result["code"] == "household_out_of_scope"
