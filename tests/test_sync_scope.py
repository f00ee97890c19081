"""Who may push and pull what: every role against every kind of household."""

import pytest

from .sync_helpers import client_for, push, visit

pytestmark = pytest.mark.django_db

# user → which households they may record a visit at
ALLOWED = {
    "alice": {"a"},  # field member: only her team's turf
    "bob": {"a"},
    "carol": {"b"},
    "dave": {"other"},
    "leader": {"a"},  # group leader of TDP 1: the group, not TDP 2
    "police": {"a", "b"},  # commune police of Ba Đình: the commune, not Hoàn Kiếm
    "province_user": set(),  # leadership reads dashboards, does not record visits
}


@pytest.mark.parametrize("username", sorted(ALLOWED))
@pytest.mark.parametrize("where", ["a", "b", "other"])
def test_it_lets_each_role_push_only_inside_its_scope(world, username, where):
    household = getattr(world, f"households_{where}")[0]
    result = push(client_for(getattr(world, username)), [visit(world, household)]).json()["results"][0]
    if where in ALLOWED[username]:
        assert result["status"] == "accepted"
    else:
        assert result["status"] == "rejected" and result["code"] == "household_out_of_scope"


@pytest.mark.parametrize("username", sorted(ALLOWED))
def test_it_lets_each_user_pull_only_their_teams_turfs(world, username):
    user = getattr(world, username)
    body = client_for(user).get("/api/v1/sync/pull").json()
    fields = body["households"]["fields"]
    turfs = {row[fields.index("turf")] for row in body["households"]["rows"]}
    expected = {a.turf_id for team in user.teams.all() for a in team.assignments.filter(ended_at__isnull=True)}
    assert turfs == expected


def test_it_ignores_a_team_or_recorder_claimed_in_the_request(world):
    item = visit(world, world.households_b[0], team=world.team_b.id, recorded_by=world.carol.id)
    result = push(client_for(world.alice), [item]).json()["results"][0]
    assert result["code"] == "household_out_of_scope"


def test_it_refuses_a_new_household_in_another_teams_turf(world):
    import uuid

    item = {**visit(world, world.households_a[0]), "household": None,
            "new_household": {"client_uuid": str(uuid.uuid4()), "turf": world.turf_b.id, "house_number": "9"}}  # fmt: skip
    assert push(client_for(world.alice), [item]).json()["results"][0]["code"] == "unknown_turf"
