"""An attacker's review of the access module: what a volunteer (alice, team A) and a group
leader (leader, TDP 1) can learn or change outside their scope by crafting requests.

The findings of that review, each fixed (issue 14), come first; the others pin behaviour
found fine that no other test covered.
"""

import re
import uuid

import pytest
from django.contrib.auth.models import Permission, User

from households.models import Household, PossibleDuplicate, Resident
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


def test_it_answers_the_same_for_a_foreign_household_and_one_that_does_not_exist(world):
    alice = client_for(world.alice)
    foreign = push(alice, [visit(world, world.households_other[0])])
    missing = push(alice, [dict(visit(world, world.households_other[0]), household=999999)])
    assert _answer(foreign) == _answer(missing) == ("rejected", "household_out_of_scope",
                                                    _answer(foreign)[2])  # fmt: skip


def _candidates(stranger, real: str, n: int = 12) -> list[str]:
    """What the attacker tries: the real number among others of the same province, century,
    sex and year digits (the last 4 digits and the birth year are what the pull gives)."""
    fakes = [id_number_for(stranger, serial=f"{k:02d}{real[-4:]}") for k in range(1, 100)]
    return [real, *[f for f in fakes if f != real][: n - 1]]


def _door_visit(world, household, numbers: list[str], *, year: int, sex: str, poison: bool) -> dict:
    """One visit with a "new resident at the door" per candidate; with poison, a reason code
    that does not exist on the last one, so that the item is refused whatever the numbers."""
    parts = [{"new_resident": {"client_uuid": str(uuid.uuid4()), "full_name": "Người Mới", "birth_year": year,
                               "sex": sex, "id_number": number}, "outcome": "not_interested"}
             for number in numbers]  # fmt: skip
    if poison:
        parts[-1]["reason"] = "khong_co_ma_nay"
    return visit(world, household, residents=parts)


@pytest.mark.parametrize("poison", [True, False], ids=["poisoned", "stored"])
@pytest.mark.parametrize("where", ["own commune", "another commune"])
def test_it_does_not_tell_a_volunteer_whether_an_id_number_is_registered(world, poison, where):
    """The attack of issue 14, replayed: candidate numbers pushed as new residents, one per
    item, with and without a poison that keeps anything from being written. Every answer
    is the same for the registered number and for the others, and so is what the next pull
    shows; a stored clash is queued for an officer, not refused."""
    household = world.households_b[0] if where == "own commune" else world.households_other[0]
    stranger = Resident.objects.filter(household=household, birth_date__isnull=False).first()
    real = id_number_for(stranger)
    Resident.objects.filter(pk=stranger.pk).update(id_number=real)
    candidates = _candidates(stranger, real)
    alice = client_for(world.alice)
    items = [_door_visit(world, world.households_a[n % 3], [number], year=stranger.birth_date.year,
                         sex=stranger.sex, poison=poison) for n, number in enumerate(candidates)]  # fmt: skip
    results = push(alice, items).json()["results"]
    answers = {(r["status"], r.get("code"), r.get("message_en"), r.get("detail")) for r in results}
    assert len(answers) == 1, answers
    assert "constraint" not in str(results).lower()
    queued = PossibleDuplicate.objects.filter(other=stranger)
    if poison:
        assert results[0]["code"] == "unknown_reason" and not queued.exists()
        assert not Resident.objects.filter(full_name="Người Mới").exists()
        return
    assert all(r["status"] == "accepted" for r in results)
    assert list(queued.values_list("resident__id_number", flat=True)) == [real]
    # What the phone reads back says no more: every new resident shows its last 4 digits.
    rows = pull(client_for(world.alice))["residents"]
    shown = [dict(zip(rows["fields"], row))["id_number"] for row in rows["rows"]
             if dict(zip(rows["fields"], row))["full_name"] == "Người Mới"]  # fmt: skip
    assert sorted(shown) == sorted("••••••••" + c[-4:] for c in candidates)


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
    response = client_for(world.alice).get("/api/v1/sync/pull", {"cursor": cursor})
    if response.status_code == 400:  # a cursor no pull ever gave: download everything again
        assert response.json()["error"]["code"] == "bad_cursor"
        return
    body = response.json()
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
