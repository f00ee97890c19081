"""The admin: every page opens, search ignores diacritics, staff see only their areas, and
the visit log cannot be edited by hand."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.models import Area, Household, Resident
from outreach.models import AreaDailySnapshot, Assignment, SyncChange, Visit
from tests.fixtures import make_households
from tests.sync_helpers import client_for, push, statuses
from tests.sync_helpers import visit as sync_visit


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("root", "root@example.vn", "matkhau-123")


@pytest.fixture
def visit(world) -> Visit:
    """A visit pushed the way the phone does, so states and rollups exist as in real use."""
    household = world.households_a[0]
    resident = household.residents.first()
    body = sync_visit(world, household, residents=[{"resident": resident.id, "outcome": "interested"}])
    assert statuses(push(client_for(world.alice), [body])) == ["accepted"]
    AreaDailySnapshot.objects.create(campaign=world.campaign, area=world.group1, day=timezone.localdate())
    return Visit.objects.get(client_uuid=body["client_uuid"])


def staff(user: User, *codenames: str) -> User:
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)  # drop the cached permissions


def test_it_opens_every_changelist_add_and_change_page(client, superuser, visit):
    client.force_login(superuser)
    request = RequestFactory().get("/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        response = client.get(url(model, "changelist"))
        assert response.status_code == 200, model
        assert client.get(url(model, "add")).status_code == (200 if model_admin.has_add_permission(request) else 403)
        obj = model._default_manager.first()
        if obj is not None:
            assert client.get(url(model, "change", obj.pk)).status_code == 200, model


def test_it_titles_the_site_in_vietnamese(admin_client):
    assert "Từng Nhà — Quản trị" in admin_client.get(reverse("admin:index")).content.decode()


def test_it_finds_residents_without_diacritics(client, superuser, world):
    client.force_login(superuser)
    page = client.get(url(Resident, "changelist"), {"q": "nguyen van an"}).content.decode()
    assert "Nguyễn Văn An 1" in page and "Trần Thị Hoà" not in page
    page = client.get(url(Resident, "changelist"), {"q": "tran thi hoa doi can"}).content.decode()
    assert "Trần Thị Hoà 1" in page and "Trần Thị Hoà 2" in page and "Nguyễn Văn An" not in page


def test_it_finds_residents_by_id_number_and_phone(client, superuser, world):
    Resident.objects.filter(household=world.households_b[1], full_name="Trần Thị Hoà 2").update(
        id_number="001185012345", phone="+84912345678"
    )
    client.force_login(superuser)
    for query in ("001185012345", "0912 345 678"):
        response = client.get(url(Resident, "changelist"), {"q": query})
        assert [r.full_name for r in response.context["cl"].result_list] == ["Trần Thị Hoà 2"], query


def test_it_finds_households_by_address_or_resident_name_without_diacritics(client, superuser, world):
    client.force_login(superuser)
    response = client.get(url(Household, "changelist"), {"q": "doi can"})
    assert {h.pk for h in response.context["cl"].result_list} == {h.pk for h in world.households_a}
    response = client.get(url(Household, "changelist"), {"q": "hoa 2"})
    assert response.context["cl"].result_count == 3  # "Trần Thị Hoà 2" lives in one house per turf


def test_it_filters_households_by_area_subtree(client, superuser, world):
    client.force_login(superuser)
    response = client.get(url(Household, "changelist"), {"area": world.commune.pk})
    assert response.context["cl"].result_count == 6
    response = client.get(url(Household, "changelist"), {"area": world.group2.pk, "turf__id__exact": world.turf_b.pk})
    assert {h.pk for h in response.context["cl"].result_list} == {h.pk for h in world.households_b}


def test_it_shows_commune_police_only_their_commune(client, world):
    police = staff(world.police, "view_household", "view_resident", "view_visit")
    client.force_login(police)
    response = client.get(url(Household, "changelist"))
    page = response.content.decode()
    assert response.status_code == 200 and response.context["cl"].result_count == 6
    assert "Đội Cấn" in page and "Liễu Giai" in page
    assert "Hàng Bạc" not in page and "Hoàn Kiếm" not in page  # neither rows nor filter choices
    assert client.get(url(Resident, "changelist")).context["cl"].result_count == 18
    other = world.households_other[0]
    assert client.get(url(Household, "change", other.pk)).status_code == 302  # "does not exist"


def test_it_offers_staff_only_areas_inside_their_own(client, world):
    police = staff(world.police, "view_area", "view_household", "add_household")
    client.force_login(police)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "households", "model_name": "household", "field_name": "area", "term": ""},
    )
    assert {r["text"] for r in response.json()["results"]} == {"Phường Ba Đình", "Tổ dân phố 1", "Tổ dân phố 2"}
    before = Household.objects.count()
    response = client.post(url(Household, "add"), {
        "area": world.other_group.pk, "house_number": "99", "street": "Phố Hàng Bạc",
        "residents-TOTAL_FORMS": "0", "residents-INITIAL_FORMS": "0",
    })  # fmt: skip
    assert response.status_code == 200 and Household.objects.count() == before
    assert "area" in response.context["adminform"].form.errors


def test_it_composes_the_address_of_a_household_added_in_the_admin(client, superuser, world):
    client.force_login(superuser)
    response = client.post(url(Household, "add"), {
        "area": world.group1.pk, "house_number": "15A", "lane": "Ngõ 12", "street": "Phố Đội Cấn",
        "residents-TOTAL_FORMS": "0", "residents-INITIAL_FORMS": "0",
    })  # fmt: skip
    assert response.status_code == 302
    assert Household.objects.get(house_number="15A").address_text == "số 15A, Ngõ 12, Phố Đội Cấn"


def test_it_never_lets_anyone_add_change_or_delete_a_visit(client, superuser, visit):
    client.force_login(superuser)
    assert client.get(url(Visit, "add")).status_code == 403
    assert client.post(url(Visit, "change", visit.pk), {"note": "sửa tay"}).status_code == 403
    assert client.post(url(Visit, "delete", visit.pk), {"post": "yes"}).status_code == 403
    page = client.get(url(Visit, "change", visit.pk)).content.decode()
    assert 'name="_save"' not in page and "Quan tâm" in page  # read-only, with the residents' outcomes
    visit.refresh_from_db()
    assert visit.note == "Nhà có người già, hẹn cuối tuần"


@pytest.mark.parametrize("model", [Household, Resident, Visit, Area])
def test_it_lists_without_a_query_per_row(client, superuser, world, visit, model):
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as few:
        client.get(url(model, "changelist"))
    households = make_households(world.turf_a, "Phố Đội Cấn", 4)
    push(client_for(world.bob), [sync_visit(world, household, outcome="nobody_home") for household in households])
    Area.objects.create(code="00004-TDP03", name="Tổ dân phố 3", kind="group", parent=world.commune)
    with CaptureQueriesContext(connection) as many:
        client.get(url(model, "changelist"))
    assert len(many) == len(few)


def test_it_reassigns_a_turf_as_a_new_assignment_the_phones_hear_of(client, superuser, world):
    client.force_login(superuser)
    old = Assignment.objects.get(turf=world.turf_a, ended_at__isnull=True)
    response = client.post(url(Assignment, "add"), {
        "campaign": world.campaign.pk, "turf": world.turf_a.pk, "team": world.team_b.pk,
    })  # fmt: skip
    assert response.status_code == 302
    old.refresh_from_db()
    new = Assignment.objects.get(turf=world.turf_a, ended_at__isnull=True)
    assert old.ended_at is not None and new.team == world.team_b and new.assigned_by == superuser
    assert SyncChange.objects.filter(entity=SyncChange.Entity.ASSIGNMENT, entity_id=old.pk).exists()
    assert client.post(url(Assignment, "change", new.pk), {"team": world.team_a.pk}).status_code == 403


@pytest.mark.django_db
def test_it_greets_an_officer_by_the_full_vietnamese_name(client):
    # first_name holds family and middle name ("Phạm Đức"): the short name greeted only those.
    User.objects.create_superuser(username="pham", password="matkhau-123", first_name="Phạm Đức", last_name="Hùng")
    client.login(username="pham", password="matkhau-123")
    page = client.get("/admin/").content.decode()
    assert "<strong>Phạm Đức Hùng</strong>" in page
