"""An attacker's review of the access module: what a volunteer (alice, team A) and a group
leader (leader, TDP 1) can learn or change outside their scope by crafting requests.

The xfail tests are findings: they describe the expected behaviour and fail today (strict,
so a fix turns them into errors until the mark is removed). The others pin behaviour found
fine that no other test covered.
"""

import re
import uuid

import pytest
from django.contrib.auth.models import Permission, User

from households.models import Household, Resident
from outreach.models import Assignment, Role, RoleGrant

from .fixtures import id_number_for
from .sync_helpers import client_for, push, visit
from .test_sync_pull import pull

pytestmark = pytest.mark.django_db


def _answer(response) -> tuple:
    """What the phone learns from one pushed item, its own echoed id left out."""
    result = response.json()["results"][0]
    return result["status"], result.get("code"), result.get("message_en")


def _refusal_text(response) -> str:
    """The error paragraph of a refused /to/ form, without the turf's own name."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    found = re.search(r"Chưa lưu được:(.*?)(?:\n\s*\n|$)", text, re.S)
    return re.sub(r"\s+", " ", found.group(1)).strip() if found else ""


# ---------------------------------------------------------------- findings


@pytest.mark.xfail(strict=True, reason="push answers household_out_of_scope for a household that exists outside "
                                       "the user's turfs and unknown_household for an id that does not exist")  # fmt: skip
def test_it_answers_the_same_for_a_foreign_household_and_one_that_does_not_exist(world):
    alice = client_for(world.alice)
    foreign = push(alice, [visit(world, world.households_other[0])])
    missing = push(alice, [dict(visit(world, world.households_other[0]), household=999999)])
    assert _answer(foreign) == _answer(missing)


@pytest.mark.xfail(strict=True, reason="a new resident pushed with an ID number registered anywhere (another commune "
                                       "included) is rejected with 'resident_id_number_unique is violated', one not "
                                       "registered is accepted: a volunteer can test whether any ID number exists")  # fmt: skip
def test_it_does_not_tell_a_volunteer_whether_an_id_number_is_registered_elsewhere(world):
    stranger = Resident.objects.filter(household=world.households_other[0], birth_date__isnull=False).first()
    Resident.objects.filter(pk=stranger.pk).update(id_number=id_number_for(stranger))
    year = stranger.birth_date.year

    def new_resident(id_number: str) -> dict:
        part = {"new_resident": {"client_uuid": str(uuid.uuid4()), "full_name": "Người Mới", "birth_year": year,
                                 "sex": stranger.sex, "id_number": id_number}, "outcome": "not_interested"}  # fmt: skip
        return visit(world, world.households_a[0], residents=[part])

    alice = client_for(world.alice)
    registered = push(alice, [new_resident(id_number_for(stranger))])
    unregistered = push(alice, [new_resident(id_number_for(stranger, serial="054321"))])
    assert _answer(registered) == _answer(unregistered)
    assert "constraint" not in str(registered.json()).lower()


@pytest.mark.xfail(strict=True, reason="the assign form answers 'thuộc địa bàn bạn quản lý' for a team of another "
                                       "group, 'thuộc xã / phường khác' for another commune's team and 'không còn "
                                       "nữa' for an id that does not exist")  # fmt: skip
def test_it_answers_the_same_for_a_foreign_team_and_one_that_does_not_exist(world):
    leader = client_for(world.leader)
    url = f"/to/khu-vuc/{world.turf_a.id}/giao/"
    answers = {
        name: _refusal_text(leader.post(url, {"campaign": world.campaign.id, "team": team_id}))
        for name, team_id in (("other group", world.team_b.id), ("other commune", world.team_other.id),
                              ("missing", 999999))
    }  # fmt: skip
    assert all(answers.values()), answers
    assert len(set(answers.values())) == 1, answers
    assert Assignment.objects.filter(turf=world.turf_a, ended_at__isnull=True).get().team == world.team_a


@pytest.mark.xfail(strict=True, reason="ROLES_WITH gives MANAGE_TURFS to group leaders, commune police and admins "
                                       "only, but the admin's Assignment add form is scoped by ADMINISTER, which a "
                                       "province leader holds: a staff province leader can reassign turfs")  # fmt: skip
def test_it_refuses_a_turf_assignment_in_the_admin_to_a_role_without_manage_turfs(world):
    user = User.objects.create_user(username="staff_province", password="matkhau-123", is_staff=True)
    RoleGrant.objects.create(user=user, area=world.province, role=Role.PROVINCE_LEADER)
    user.user_permissions.add(*Permission.objects.filter(
        codename__in=["add_assignment", "view_assignment", "view_turf", "view_team", "view_campaign"]))
    client_for(user).post("/admin/outreach/assignment/add/", {
        "campaign": world.campaign.id, "turf": world.turf_a.id, "team": world.team_b.id, "_save": "1",
    })  # fmt: skip
    assert Assignment.objects.filter(turf=world.turf_a, ended_at__isnull=True).get().team == world.team_a


# ---------------------------------------------------------------- verified fine


@pytest.mark.parametrize("cursor", ["c.0", "c.-5", "f.0.0", "f.999999.0", "f.0.-1"])
def test_it_never_pulls_another_teams_households_with_a_crafted_cursor(world, cursor):
    # Another team's work, so the change log has rows outside alice's turfs to leak.
    assert push(client_for(world.carol), [visit(world, world.households_b[0])]).status_code == 200
    assert push(client_for(world.dave), [visit(world, world.households_other[0])]).status_code == 200
    body = pull(client_for(world.alice), cursor)
    rows = body.get("households", {}).get("rows", [])
    mine = set(Household.objects.filter(turf=world.turf_a).values_list("id", flat=True))
    assert {row[0] for row in rows} <= mine
    assert {t[0] for t in body.get("turfs", [])} <= {world.turf_a.id}
    assert all(h in mine for h in body.get("removed", {}).get("households", []))


def test_it_pulls_nothing_for_a_campaign_named_that_is_not_running(world):
    alice = client_for(world.alice)
    missing = alice.get("/api/v1/sync/pull", {"campaign": 999999})
    world.campaign.is_active = False
    world.campaign.save(update_fields=["is_active"])
    ended = alice.get("/api/v1/sync/pull", {"campaign": world.campaign.id})
    assert missing.status_code == ended.status_code == 404
    assert missing.json() == ended.json()


@pytest.mark.parametrize("param", ["turf", "team", "group"])
def test_it_ignores_a_list_filter_naming_another_groups_turf_team_or_group(world, param):
    foreign = {"turf": world.turf_b.id, "team": world.team_b.id, "group": world.group2.id}[param]
    leader = client_for(world.leader)
    url = f"/bao-cao/{world.group1.id}/danh-sach/chua-den.csv"
    response = leader.get(url, {param: foreign})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Phố Liễu Giai" not in body and "Phố Hàng Bạc" not in body
