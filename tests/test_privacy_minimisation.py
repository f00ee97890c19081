"""Data minimisation by role (issue 14, DESIGN.md §6): what each role gets of a resident on
every surface: the pull, the field app, the admin. A volunteer gets what the door needs
(name, birth year and eligibility, sex, VNeID status, the last 4 ID digits), a group leader
also phones, commune police and province leaders the whole record but the full ID number,
which only an administrator (or a reveal, see test_audit_reveal.py) shows."""

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from households.models import PossibleDuplicate, Resident
from households.services import resident_create, resident_update
from outreach.models import Role, RoleGrant, TeamMembership

from .fixtures import id_number_for, years_ago
from .sync_helpers import client_for
from .test_sync_pull import pull

pytestmark = pytest.mark.django_db

PHONE = "+84912345678"


def _adult(world) -> Resident:
    resident = Resident.objects.filter(household=world.households_a[0], birth_date__isnull=False).first()
    return resident_update(resident=resident, id_number=id_number_for(resident), phone=PHONE)


def _pulled(user, resident: Resident) -> dict:
    body = pull(client_for(user))
    fields = body["residents"]["fields"]
    return next(dict(zip(fields, row)) for row in body["residents"]["rows"] if row[0] == resident.id)


@pytest.mark.parametrize("role, phone, birth_date", [
    ("field_member", False, False), ("group_leader", True, False), ("commune_police", True, True),
])  # fmt: skip
def test_it_pulls_only_the_fields_each_role_needs(world, role, phone, birth_date):
    resident = _adult(world)
    user = {"field_member": world.alice, "group_leader": world.leader, "commune_police": world.police}[role]
    if user is not world.alice:
        TeamMembership.objects.create(team=world.team_a, user=user)
    row = _pulled(user, resident)
    assert row["id_number"] == "••••••••" + resident.id_number[-4:]  # no role pulls the full number
    assert row["phone"] == (PHONE if phone else "")
    assert row["birth_date"] == (resident.birth_date.isoformat() if birth_date else None)
    assert row["birth_year"] == (None if birth_date else resident.birth_date.year)
    assert row["full_name"] == resident.full_name and row["sex"] == resident.sex


def test_it_tells_a_volunteer_the_14th_birthday_only_when_the_year_would_mislead(world):
    """Born 14 years ago next week: by the year alone eligible since 1 January, in fact not
    yet. The phone gets the day they turn 14; an adult's and a young child's stay unsent."""
    household = world.households_a[1]
    soon = resident_create(household=household, full_name="Lê Thu Trang", birth_date=years_ago(14, days=-7), sex="F")
    child = resident_create(household=household, full_name="Lê Minh Khôi", birth_date=years_ago(6), sex="M")
    adult = Resident.objects.filter(household=household, birth_date__isnull=False).first()
    rows = {r.id: _pulled(world.alice, r) for r in (soon, child, adult)}
    assert rows[soon.id]["eligible_from"] == (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    assert rows[soon.id]["birth_date"] is None
    assert rows[child.id]["eligible_from"] is None and rows[child.id]["birth_year"] == child.birth_date.year
    assert rows[adult.id]["eligible_from"] is None


def _staff(world, username: str, role: str) -> User:
    user = User.objects.create_user(username=username, password="matkhau-123", is_staff=True)
    RoleGrant.objects.create(user=user, area=world.commune, role=role)
    user.user_permissions.add(*Permission.objects.filter(codename__in=[
        "view_resident", "change_resident", "view_household", "change_household", "view_possibleduplicate",
        "change_possibleduplicate"]))  # fmt: skip
    return user


def test_it_masks_the_full_id_number_in_the_admin_for_commune_police(world):
    resident = _adult(world)
    police = client_for(_staff(world, "canbo", Role.COMMUNE_POLICE))
    listing = police.get("/admin/households/resident/").content.decode()
    assert "••••••••" + resident.id_number[-4:] in listing and resident.id_number not in listing
    page = police.get(f"/admin/households/resident/{resident.id}/change/").content.decode()
    assert resident.id_number not in page and 'name="id_number"' not in page
    assert 'name="phone"' in page  # commune police may see and correct the phone
    household_page = police.get(f"/admin/households/household/{resident.household_id}/change/").content.decode()
    assert resident.id_number not in household_page


def test_it_ignores_an_id_number_posted_by_someone_who_may_not_see_it(world):
    resident = _adult(world)
    police = client_for(_staff(world, "canbo", Role.COMMUNE_POLICE))
    before = resident.id_number
    response = police.post(f"/admin/households/resident/{resident.id}/change/", {
        "household": resident.household_id, "full_name": resident.full_name, "birth_date": resident.birth_date.strftime("%d/%m/%Y"),
        "sex": resident.sex, "id_number": id_number_for(resident, serial="999999"), "phone": PHONE,
        "residence_status": resident.residence_status, "vneid_level1": "none", "vneid_level2": "none", "_save": "1",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    resident.refresh_from_db()
    assert resident.id_number == before


def test_it_finds_by_the_last_4_digits_but_not_by_a_full_number_it_would_not_show(world):
    resident = _adult(world)
    police = client_for(_staff(world, "canbo", Role.COMMUNE_POLICE))
    by_last4 = police.get("/admin/households/resident/", {"q": resident.id_number[-4:]}).content.decode()
    by_full = police.get("/admin/households/resident/", {"q": resident.id_number}).content.decode()
    assert resident.full_name in by_last4
    assert resident.full_name not in by_full
    admin = client_for(_staff(world, "quantri", Role.ADMIN))
    assert resident.id_number in admin.get("/admin/households/resident/", {"q": resident.id_number}).content.decode()


def test_it_queues_a_clashing_id_number_and_shows_the_other_record_only_in_scope(world):
    stranger = Resident.objects.filter(household=world.households_other[0], birth_date__isnull=False).first()
    resident_update(resident=stranger, id_number=id_number_for(stranger))
    newcomer = resident_create(household=world.households_a[0], full_name="Người Mới", birth_date=stranger.birth_date,
                               sex=stranger.sex, id_number=stranger.id_number)  # fmt: skip
    duplicate = PossibleDuplicate.objects.get(resident=newcomer)
    assert duplicate.other == stranger
    police = client_for(_staff(world, "canbo", Role.COMMUNE_POLICE))
    page = police.get("/admin/households/possibleduplicate/").content.decode()
    assert "Người Mới" in page and "Một nhân khẩu ở địa bàn khác" in page
    assert stranger.full_name not in page and stranger.id_number not in page


def test_it_searches_full_numbers_only_where_the_user_sees_them(world):
    """Administrator of one group, commune police of the commune: a full number finds
    residents of the administered group only."""
    resident = _adult(world)  # in group 1
    other = Resident.objects.filter(household=world.households_b[0], birth_date__isnull=False).first()
    resident_update(resident=other, id_number=id_number_for(other, serial="054321"))
    user = _staff(world, "haivaitro", Role.COMMUNE_POLICE)
    RoleGrant.objects.create(user=user, area=world.group2, role=Role.ADMIN)
    search = client_for(user).get
    assert resident.full_name not in search("/admin/households/resident/", {"q": resident.id_number}).content.decode()
    assert other.full_name in search("/admin/households/resident/", {"q": other.id_number}).content.decode()
