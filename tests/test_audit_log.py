"""The audit log: one row per bulk read (pull, list page, export, admin change page) and per
change (admin edits, roster imports, assignments), with who, where, how many rows and which
fields, never the personal data itself; and the log cannot be edited or deleted."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import Household, Resident
from households.services import resident_update
from outreach.audit.models import AppendOnly, AuditEvent
from outreach.models import TeamMembership
from outreach.turfs.services import turf_assign

from .fixtures import id_number_for
from .sync_helpers import client_for, push, statuses, visit

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("root", "root@example.vn", "matkhau-123")


@pytest.fixture
def interested(world):
    """Two residents of TDP 1 on the "interested" list, with an ID number and a phone."""
    residents = []
    for household in world.households_a[:2]:
        resident = household.residents.get(full_name__startswith="Nguyễn Văn An")
        resident_update(resident=resident, id_number=id_number_for(resident, f"0123{household.id % 100:02d}"),
                        phone="0912345678")  # fmt: skip
        body = visit(world, household, residents=[{"resident": resident.id, "outcome": "interested"}])
        assert statuses(push(client_for(world.alice), [body])) == ["accepted"]
        residents.append(Resident.objects.get(pk=resident.pk))
    return residents


# --- pulls ---------------------------------------------------------------------------------


def test_it_logs_one_row_for_a_pull_that_carried_residents(world):
    resident = world.households_a[0].residents.get(full_name__startswith="Nguyễn Văn An")
    resident_update(resident=resident, id_number=id_number_for(resident), phone="0912345678")
    client = client_for(world.alice)
    client.get("/api/v1/sync/pull", HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 11; Redmi 9A)", REMOTE_ADDR="10.1.2.3")
    (event,) = events("pull")
    assert (event.user_id, event.username) == (world.alice.id, "alice")
    assert (event.path, event.area_id, event.area_name) == (world.group1.path, world.group1.id, "Tổ dân phố 1")
    assert event.rows == 3 * len(world.households_a)
    assert event.ip == "10.1.2.3" and "Redmi 9A" in event.device
    assert "id_number_last4" in event.fields and "full_name" in event.fields
    assert "id_number" not in event.fields and "phone" not in event.fields  # a volunteer sees neither


def test_it_names_the_commune_for_a_pull_of_turfs_in_two_groups(world):
    TeamMembership.objects.create(team=world.team_b, user=world.alice)
    client_for(world.alice).get("/api/v1/sync/pull")
    (event,) = events("pull")
    assert event.path == world.commune.path and event.area_name == "Phường Ba Đình"
    assert event.rows == 3 * (len(world.households_a) + len(world.households_b))


def test_it_costs_a_pull_one_statement_and_an_empty_one_none(world):
    client = client_for(world.alice)
    with CaptureQueriesContext(connection) as full:
        cursor = client.get("/api/v1/sync/pull").json()["cursor"]
    inserts = [q["sql"] for q in full.captured_queries if "auditevent" in q["sql"].lower()]
    assert len(inserts) == 1 and inserts[0].lstrip().upper().startswith("INSERT")
    with CaptureQueriesContext(connection) as empty:
        body = client.get("/api/v1/sync/pull", {"cursor": cursor}).json()
        assert (body["cursor"], body["has_more"], body.get("households")) == (cursor, False, None)
    assert not [q for q in empty.captured_queries if "auditevent" in q["sql"].lower()]
    assert len(events("pull")) == 1


def test_it_logs_no_row_per_pushed_visit(world):
    household = world.households_a[0]
    before = AuditEvent.objects.count()
    assert statuses(push(client_for(world.alice), [visit(world, household)])) == ["accepted"]
    assert AuditEvent.objects.count() == before  # the Visit row is the record of it


def test_it_believes_x_forwarded_for_only_behind_a_trusted_proxy(world, settings):
    client = client_for(world.alice)
    client.get("/api/v1/sync/pull", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    settings.SIGNIN_TRUSTED_PROXIES = 1
    client.get("/api/v1/sync/pull", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert [e.ip for e in events("pull")] == ["10.0.0.1", "203.0.113.9"]  # the proxy's own entry, not the client's


# --- report lists and exports --------------------------------------------------------------


def test_it_logs_one_row_for_a_list_page_with_the_fields_it_showed(world, interested):
    response = client_for(world.police).get(reverse("reports:list", args=[world.commune.id, "quan-tam"]))
    assert response.status_code == 200
    (event,) = events("list_view")
    assert (event.username, event.path, event.rows) == ("police", world.commune.path, 2)
    # Police see phones and birth dates; the full ID number only through a reveal.
    assert set(event.fields) == {"full_name", "birth_date", "id_number_last4", "phone", "address"}
    assert event.detail["list"] == "quan-tam" and event.detail["total"] == 2


def test_it_logs_what_a_group_leader_was_shown_of_the_call_list(world, interested):
    client_for(world.leader).get(reverse("reports:list", args=[world.group1.id, "goi-dien"]))
    (event,) = events("list_view")
    assert event.username == "leader" and event.path == world.group1.path
    assert "phone" in event.fields and "birth_date" not in event.fields and "birth_year" in event.fields


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_logs_one_row_per_export_with_rows_and_format(world, interested, fmt):
    response = client_for(world.police).get(reverse(f"reports:list_{fmt}", args=[world.commune.id, "quan-tam"]))
    assert response.status_code == 200 and b"".join(response.streaming_content)
    (event,) = events("export")
    assert (event.username, event.path, event.rows, event.detail["format"]) == ("police", world.commune.path, 2, fmt)
    assert "id_number_last4" in event.fields and "id_number" not in event.fields


def test_it_never_writes_personal_data_into_the_log(world, interested):
    client = client_for(world.police)
    client.get(reverse("reports:list", args=[world.commune.id, "quan-tam"]))
    client.get(reverse("reports:list_csv", args=[world.commune.id, "quan-tam"]))
    client_for(world.alice).get("/api/v1/sync/pull")
    logged = json.dumps([list(AuditEvent.objects.values())], default=str, ensure_ascii=False)
    for resident in interested:
        assert resident.id_number not in logged and resident.id_number[-4:] not in logged
        assert "912345678" not in logged and resident.full_name not in logged


# --- the admin -----------------------------------------------------------------------------


def test_it_logs_one_row_for_an_admin_change_page_view(client, superuser, world):
    resident = world.households_a[0].residents.first()
    client.force_login(superuser)
    assert client.get(admin_url(Resident, "change", resident.pk)).status_code == 200
    (event,) = events("admin_view")
    assert (event.object_type, event.object_id, event.path) == ("households.resident", str(resident.pk),
                                                                 world.group1.path)  # fmt: skip
    assert {"full_name", "id_number", "phone", "birth_date"} <= set(event.fields)


def test_it_counts_the_residents_shown_on_a_household_page(client, superuser, world):
    household = world.households_a[0]
    client.force_login(superuser)
    assert client.get(admin_url(Household, "change", household.pk)).status_code == 200
    (event,) = events("admin_view")
    assert event.rows == 1 + household.residents.count() and "full_name" in event.fields


def test_it_logs_no_view_of_a_list_or_of_a_page_without_personal_data(client, superuser, world):
    client.force_login(superuser)
    client.get(admin_url(Resident, "changelist"))
    client.get(admin_url(type(world.turf_a), "change", world.turf_a.pk))
    assert not events("admin_view")


def test_it_logs_an_admin_change_by_field_name_without_values(client, superuser, world):
    resident = world.households_a[0].residents.get(full_name__startswith="Nguyễn Văn An")
    client.force_login(superuser)
    page = client.get(admin_url(Resident, "change", resident.pk))
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(phone="0987654321", birth_date=resident.birth_date.strftime("%d/%m/%Y"))
    response = client.post(admin_url(Resident, "change", resident.pk), {k: v for k, v in data.items() if v != ""})
    assert response.status_code == 302, response.context["adminform"].form.errors
    (event,) = events("admin_change")
    assert event.fields == ["phone"] and event.object_id == str(resident.pk) and event.username == "root"
    assert "987654321" not in json.dumps([event.detail, event.fields, event.device])


def test_it_logs_an_admin_delete(client, superuser, world):
    turf = type(world.turf_a).objects.create(area=world.group1, name="Ngõ trống")
    client.force_login(superuser)
    assert client.post(admin_url(type(turf), "delete", turf.pk), {"post": "yes"}).status_code == 302
    (event,) = events("admin_delete")
    assert (event.object_type, event.object_id, event.path) == ("households.turf", str(turf.pk), world.group1.path)


# --- imports and assignments ---------------------------------------------------------------


def test_it_logs_a_roster_import_once(world):
    call_command("import_roster", str(DATA / "roster_group_bom.csv"), "--area", "00004-TDP01", stdout=StringIO())
    (event,) = events("import")
    assert event.path == world.group1.path and event.rows == 6 and event.detail["households"] == 3
    assert event.device == "manage.py" and event.username == ""


def test_it_logs_an_assignment(world):
    assignment = turf_assign(campaign=world.campaign, turf=world.turf_a, team=world.team_b, assigned_by=world.leader)
    (event,) = events("assign")
    assert (event.username, event.object_id, event.path) == ("leader", str(assignment.id), world.group1.path)
    assert event.detail["team"]["name"] == "Tổ công tác số 2" and "ended" in event.detail


# --- append-only ---------------------------------------------------------------------------


def test_it_refuses_to_change_or_delete_an_event(world):
    client_for(world.alice).get("/api/v1/sync/pull")
    (event,) = events("pull")
    event.rows = 0
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(rows=0)
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).rows == 3 * len(world.households_a)


@pytest.mark.postgres
def test_it_refuses_a_raw_update_or_delete_on_postgresql(world):
    client_for(world.alice).get("/api/v1/sync/pull")
    (event,) = events("pull")
    for sql in ("UPDATE outreach_auditevent SET rows = 0 WHERE id = %s",
                "DELETE FROM outreach_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).rows == 3 * len(world.households_a)
