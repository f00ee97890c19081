"""One table, every surface: for each role × capability × area, the access module's answer
and what the push, the pull, /to/, /bao-cao/, the exports and the admin actually do are
the same, and both match the table in outreach/access/rules.py.

Every role is granted on group 1 (TDP 1 of Ba Đình). The areas tried against it:
    inside   group 1 itself (its turf A, its households)
    parent   the rest of the parent commune: group 2 (turf B) for group-level surfaces,
             the commune Ba Đình for area-level ones (reports, exports)
    sibling  the other commune, Hoàn Kiếm, and its group
plus a user with no grant and a superuser with no grant.
"""

import pytest
from django.contrib.auth.models import Permission, User

from households.models import Household, PossibleDuplicate, Resident
from households.services import household_create
from outreach.access import ROLES_WITH, Capability, access_for
from outreach.audit.origin import COMMAND_LINE
from outreach.audit.services import audit_record
from outreach.models import Assignment, Role, RoleGrant, TeamMembership

from .sync_helpers import client_for, push, visit
from .test_sync_pull import pull

pytestmark = pytest.mark.django_db

ROLES = [*Role.values, "no_grant", "superuser"]
AREAS = ["inside", "parent", "sibling"]
FULL_ID = "001090012345"
PHONE = "+84912345678"


def _user(world, role: str) -> User:
    user = User.objects.create_user(username=f"u_{role}", password="matkhau-123", is_staff=True,
                                    is_superuser=role == "superuser")  # fmt: skip
    if role in Role.values:
        RoleGrant.objects.create(user=user, area=world.group1, role=role)
    # The admin's own gate (staff, model permission) is open to all: only the scope decides.
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_household", "change_household"]))
    return User.objects.get(pk=user.pk)


def _targets(world, where: str):
    """(area for area-level pages, group for /to/, turf, team holding that turf)."""
    return {
        "inside": (world.group1, world.group1, world.turf_a, world.team_a),
        "parent": (world.commune, world.group2, world.turf_b, world.team_b),
        "sibling": (world.other_commune, world.other_group, world.turf_other, world.team_other),
    }[where]


def expected(role: str, capability: Capability, where: str) -> bool:
    if role == "superuser":
        return True
    return role in ROLES_WITH[capability] and where == "inside"


# ---------------------------------------------------------------- each surface's answer


def push_accepted(world, user, group) -> bool:
    """A visit at a household of the group that is on no turf, so only RECORD_VISITS
    (not a team's assignment) can let it in."""
    household = household_create(area=group, house_number="99", street="Phố Thử")
    result = push(client_for(user), [visit(world, household)]).json()["results"][0]
    assert result["status"] in ("accepted", "rejected"), result
    if result["status"] == "rejected":
        assert result["code"] == "household_out_of_scope"  # never a hint about the household itself
    return result["status"] == "accepted"


def pulled_in_full(world, user, turf, team) -> dict[str, bool]:
    """Join the team holding the turf and pull: which personal fields arrive in full."""
    resident = Resident.objects.filter(household__turf=turf, birth_date__isnull=False).order_by("id").first()
    Resident.objects.filter(pk=resident.pk).update(id_number=FULL_ID, phone=PHONE)
    TeamMembership.objects.create(team=team, user=user)
    body = pull(client_for(user))
    fields = body["residents"]["fields"]
    row = next(r for r in body["residents"]["rows"] if r[0] == resident.pk)
    got = dict(zip(fields, row))
    assert got["id_number"] in (FULL_ID, "••••••••" + FULL_ID[-4:])
    assert got["birth_year"] == resident.birth_date.year or got["birth_date"]
    return {
        Capability.SEE_FULL_ID: got["id_number"] == FULL_ID,
        Capability.SEE_PHONE: got["phone"] == PHONE,
        Capability.SEE_BIRTH_DATE: got["birth_date"] == resident.birth_date.isoformat(),
    }


def page_ok(user, url: str) -> bool:
    status = client_for(user).get(url).status_code
    assert status in (200, 302, 403, 404), (url, status)
    return status == 200


def quality_fixed(user, area, household) -> bool:
    """Resolve a possible duplicate of the household's on the data-quality board."""
    first, second = Resident.objects.filter(household=household).order_by("id")[:2]
    row = PossibleDuplicate.objects.create(resident=first, other=second)
    status = client_for(user).post(f"/chat-luong-du-lieu/{area.pk}/nghi-trung/{row.pk}/xu-ly/",
                                   {"choice": "different"}).status_code  # fmt: skip
    assert status in (302, 403, 404), status
    return status == 302


def surface_answer(world, user, capability: Capability, where: str) -> bool:
    area, group, turf, team = _targets(world, where)
    household = Household.objects.filter(turf=turf).first()
    if capability == Capability.RECORD_VISITS:
        return push_accepted(world, user, group)
    if capability == Capability.MANAGE_TURFS:
        return page_ok(user, f"/to/{group.pk}/")
    if capability == Capability.READ_REPORTS:
        return page_ok(user, f"/bao-cao/{area.pk}/")
    if capability == Capability.EXPORT_PERSONAL_DATA:
        return page_ok(user, f"/bao-cao/{area.pk}/danh-sach/chua-den.csv")
    if capability == Capability.ADMINISTER:
        return page_ok(user, f"/admin/households/household/{household.pk}/change/")
    if capability == Capability.REVEAL_FULL_ID:
        resident = Resident.objects.filter(household=household).first()
        status = client_for(user).post(f"/bao-cao/hien-so/{resident.pk}/", {"reason_code": "activate"}).status_code
        assert status in (200, 403, 404), status
        return status == 200
    if capability == Capability.READ_AUDIT:
        audit_record(user=None, origin=COMMAND_LINE, action="export", area=area, rows=7)
        response = client_for(user).get("/bao-cao/nhat-ky/")
        assert response.status_code in (200, 403), response.status_code
        return response.status_code == 200 and area.name in response.content.decode()
    if capability == Capability.MANAGE_ACCOUNTS:
        managed = {"inside": world.alice, "parent": world.police, "sibling": world.dave}[where]
        return page_ok(user, f"/tai-khoan/thiet-bi/nguoi-dung/{managed.pk}/")
    if capability == Capability.IMPORT_ROSTER:  # the area is one the upload form offers
        response = client_for(user).get("/nhap-danh-sach/")
        assert response.status_code in (200, 403), response.status_code
        return response.status_code == 200 and f'<option value="{area.pk}"' in response.content.decode()
    if capability == Capability.READ_QUALITY:
        return page_ok(user, f"/chat-luong-du-lieu/{area.pk}/")
    if capability == Capability.FIX_QUALITY:
        return quality_fixed(user, area, household)
    if capability == Capability.BOOK_APPOINTMENTS:  # the booking form of a household of the group
        return page_ok(user, f"/hen-tai-nha/{group.pk}/ho/{household.pk}/")
    if capability == Capability.CALL_RESIDENTS:  # the caller's page of the area (/goi-dien/)
        return page_ok(user, f"/goi-dien/{area.pk}/")
    return pulled_in_full(world, user, turf, team)[capability]


@pytest.mark.parametrize("where", AREAS)
@pytest.mark.parametrize("capability", list(Capability), ids=str)
@pytest.mark.parametrize("role", ROLES)
def test_it_gives_the_same_answer_on_every_surface(world, role, capability, where):
    user = _user(world, role)
    area, group, _, _ = _targets(world, where)
    target = group if capability in (Capability.RECORD_VISITS, Capability.MANAGE_TURFS,
                                     Capability.BOOK_APPOINTMENTS) else area  # fmt: skip
    if capability in (Capability.SEE_FULL_ID, Capability.SEE_PHONE, Capability.SEE_BIRTH_DATE,
                      Capability.ADMINISTER, Capability.REVEAL_FULL_ID):  # fmt: skip
        target = group  # the household's own area
    if capability == Capability.MANAGE_ACCOUNTS:
        target = {"inside": world.group1, "parent": world.commune, "sibling": world.other_group}[where]
    want = expected(role, capability, where)
    assert access_for(user=user).allows(capability, target) is want
    assert surface_answer(world, user, capability, where) is want


# ---------------------------------------------------------------- the two old disagreements


def test_it_lets_a_superuser_without_grants_record_where_they_may_manage_turfs(world):
    root = User.objects.create_superuser(username="root", password="matkhau-123")
    assert page_ok(root, f"/to/{world.group1.pk}/")
    assert push_accepted(world, root, world.group1)
    assert push_accepted(world, root, world.other_group)


def test_it_picks_one_current_campaign_on_the_phone_the_leaders_pages_and_the_reports(world):
    """Two active campaigns starting the same day: the newer one, everywhere."""
    newer = type(world.campaign).objects.create(
        name="Chiến dịch cao điểm", start_date=world.campaign.start_date, deadline=world.campaign.deadline,
    )  # fmt: skip
    Assignment.objects.create(campaign=newer, turf=world.turf_a, team=world.team_a)
    assert pull(client_for(world.alice))["campaign"]["id"] == newer.id
    leader = client_for(world.leader)
    assert leader.get(f"/to/{world.group1.pk}/").context["campaign"] == newer
    police = client_for(world.police)
    assert police.get(f"/bao-cao/{world.commune.pk}/").context["campaign"] == newer


def test_it_reads_the_user_and_their_grants_in_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        access = access_for(user=world.police)
    assert access.allows(Capability.READ_REPORTS, world.group2)
    assert not access.allows(Capability.READ_REPORTS, world.other_group)
