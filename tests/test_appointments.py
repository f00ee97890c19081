"""Home appointments: booking is validated and scoped, audited and idempotent; the pull
brings it to the team's phones (and a move or a cancel after it); the visit recorded there
closes it in the push; a window passed without a visit is reported as missed."""

import datetime

import pytest
from django.utils import timezone

from households.models import Resident
from outreach.appointments.models import Appointment
from outreach.audit.models import AuditEvent

from .sync_helpers import client_for, hanoi_time, push, statuses, visit
from .test_sync_pull import pull, pull_all, rows

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def _support(household):
    Resident.objects.filter(household=household, full_name__startswith="Trần").update(elderly_alone=True)


def _book(client, world, household, *, day=TOMORROW, start="18:00", end="19:00", team=None, area=None,
          action="book"):
    area = area or world.group1
    return client.post(f"/hen-tai-nha/{area.pk}/ho/{household.pk}/", {
        "action": action, "day": day.strftime("%d/%m/%Y") if isinstance(day, datetime.date) else day,
        "start": start, "end": end, "team": str((team or world.team_a).pk), "note": "Bà nằm một chỗ"})


def _appointments(body):
    block = body.get("appointments") or {"fields": ["id"], "rows": []}
    return [dict(zip(block["fields"], row)) for row in block["rows"]]


@pytest.fixture
def booked(world):
    household = world.households_a[0]
    _support(household)
    response = _book(client_for(world.leader), world, household)
    assert response.status_code == 302, response.content.decode()
    return Appointment.objects.get(household=household)


def test_it_lists_the_households_needing_home_support_of_the_area(world):
    _support(world.households_a[1])
    page = client_for(world.leader).get(f"/hen-tai-nha/{world.group1.pk}/").content.decode()
    assert world.households_a[1].address_display in page and world.households_a[0].address_display not in page
    assert "Cao tuổi sống một mình" in page
    assert AuditEvent.objects.filter(action="list_view", detail__list="hen-tai-nha:support").count() == 1


def test_it_books_a_window_and_a_team_audited(world, booked):
    assert booked.team == world.team_a and booked.status == "booked" and booked.booked_by == world.leader
    start = timezone.localtime(booked.starts_at)
    assert (start.date(), start.hour, timezone.localtime(booked.ends_at).hour) == (TOMORROW, 18, 19)
    event = AuditEvent.objects.get(action="appointment_book")
    assert event.username == "leader" and event.object_id == str(booked.pk) and event.path == world.group1.path


def test_it_refuses_a_window_in_the_past_or_backwards_in_vietnamese(world):
    household = world.households_a[0]
    client = client_for(world.leader)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = _book(client, world, household, day=yesterday)
    assert response.status_code == 400 and "Khung giờ này đã qua" in response.content.decode()
    response = _book(client, world, household, start="19:00", end="18:00")
    assert response.status_code == 400 and "Giờ kết thúc phải sau giờ bắt đầu" in response.content.decode()
    response = _book(client, world, household, day="31/02/2026")
    assert response.status_code == 400 and "ngày/tháng/năm" in response.content.decode()
    response = _book(client_for(world.police), world, household, team=world.team_b, area=world.commune)
    assert response.status_code == 400 and "Tổ này không được giao khu vực của hộ" in response.content.decode()
    assert not Appointment.objects.exists()


def test_it_answers_another_areas_household_or_team_as_missing(world):
    leader, police = client_for(world.leader), client_for(world.police)
    assert _book(leader, world, world.households_b[0]).status_code == 404  # group 2: not the leader's
    assert _book(police, world, world.households_other[0], area=world.commune).status_code == 404
    assert _book(police, world, world.households_a[0], area=world.commune, team=world.team_other).status_code == 404
    assert client_for(world.alice).get(f"/hen-tai-nha/{world.group1.pk}/").status_code == 403
    assert client_for(world.dave).get(f"/hen-tai-nha/{world.group1.pk}/ho/{world.households_a[0].pk}/").status_code == 403
    assert not Appointment.objects.exists()


def test_it_is_idempotent_booking_moving_and_cancelling(world, booked):
    client = client_for(world.leader)
    assert _book(client, world, booked.household).status_code == 302  # the same booking again
    assert Appointment.objects.count() == 1
    response = _book(client, world, booked.household, start="17:00")  # booking another window: refused
    assert response.status_code == 400 and "Hộ này đã có một lịch hẹn" in response.content.decode()
    assert _book(client, world, booked.household, start="17:00", action="move").status_code == 302
    booked.refresh_from_db()
    assert timezone.localtime(booked.starts_at).hour == 17
    _book(client, world, booked.household, start="17:00", action="move")  # the same move again: nothing written
    url = f"/hen-tai-nha/{world.group1.pk}/lich/{booked.pk}/huy/"
    assert client.post(url).status_code == 302 and client.post(url).status_code == 302
    booked.refresh_from_db()
    assert booked.status == "cancelled"
    actions = list(AuditEvent.objects.filter(action__startswith="appointment").values_list("action", flat=True))
    assert sorted(actions) == ["appointment_book", "appointment_cancel", "appointment_move"]
    assert client.get(url).status_code == 405
    assert client_for(world.police).post(f"/hen-tai-nha/{world.other_commune.pk}/lich/{booked.pk}/huy/").status_code == 404


def test_the_pull_brings_it_and_its_moves_and_cancel_to_the_teams_phones(world):
    phone, household = client_for(world.alice), world.households_a[0]
    _, cursor = pull_all(phone)
    leader = client_for(world.leader)
    _book(leader, world, household)
    body = pull(phone, cursor)
    assert household.id in rows(body, "households")
    [sent] = _appointments(body)
    assert sent["household"] == household.id and sent["team"] == world.team_a.id and sent["status"] == "booked"
    assert sent["starts_at"].startswith(f"{TOMORROW.isoformat()}T18:00:00")
    assert _appointments(pull(client_for(world.carol))) == []  # another team's phone: nothing
    _book(leader, world, household, start="20:00", end="21:00", action="move")
    body = pull(phone, body["cursor"])
    assert _appointments(body)[0]["starts_at"].startswith(f"{TOMORROW.isoformat()}T20:00:00")
    appointment = Appointment.objects.get()
    leader.post(f"/hen-tai-nha/{world.group1.pk}/lich/{appointment.pk}/huy/")
    body = pull(phone, body["cursor"])
    assert household.id in rows(body, "households") and _appointments(body) == []


def _book_today(world, household, hour_from=None):
    """An appointment for this evening, written past the form's 'not in the past' rule."""
    now = timezone.localtime()
    start = now.replace(minute=0, second=0, microsecond=0)
    return Appointment.objects.create(campaign=world.campaign, household=household, team=world.team_a,
                                      starts_at=start, ends_at=start + datetime.timedelta(hours=2))


def test_the_visit_recorded_there_closes_it_once(world):
    household = world.households_a[0]
    appointment = _book_today(world, household)
    now = timezone.localtime().isoformat()
    item = visit(world, household, when=now)
    assert statuses(push(client_for(world.alice), [item])) == ["accepted"]
    appointment.refresh_from_db()
    assert appointment.status == "done" and appointment.visit.client_uuid.hex == item["client_uuid"].replace("-", "")
    assert statuses(push(client_for(world.alice), [item])) == ["duplicate"]  # a replay changes nothing
    appointment.refresh_from_db()
    assert appointment.status == "done"
    done = _appointments(pull(client_for(world.alice)))
    assert [a["status"] for a in done] == ["done"]  # today's done one still shows, as done


def test_a_visit_by_another_team_or_on_another_day_does_not_close_it(world):
    household = world.households_a[0]
    appointment = _book_today(world, household)
    assert statuses(push(client_for(world.alice), [visit(world, household)])) == ["accepted"]  # 13 days ago
    world.police.is_superuser = False
    assert statuses(push(client_for(world.police), [visit(world, household, when=timezone.now().isoformat())])) == [
        "accepted"]  # recorded by an officer, no team
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_missed_ones_show_on_the_progress_page_and_in_the_list(world):
    household = world.households_a[0]
    _support(household)
    start = hanoi_time(timezone.localdate() - datetime.timedelta(days=2), 18)
    Appointment.objects.create(campaign=world.campaign, household=household, team=world.team_a, starts_at=start,
                               ends_at=start + datetime.timedelta(hours=1))  # fmt: skip
    _book_today(world, world.households_a[1])  # still to come: not missed
    police = client_for(world.police)
    progress = police.get(f"/bao-cao/{world.commune.pk}/")
    assert progress.context["appointments_missed"] == 1
    assert "Lỡ hẹn tại nhà" in progress.content.decode() and 'href="/ca-lam-viec/"' in progress.content.decode()
    page = client_for(world.province_user).get(f"/hen-tai-nha/{world.commune.pk}/?xem=missed").content.decode()
    assert household.address_display in page and world.households_a[1].address_display not in page
    assert "đã qua, chưa có lượt đến" in page
    province = client_for(world.province_user).get(f"/hen-tai-nha/{world.province.pk}/")
    assert province.context["show"] == "open" and "support" not in [key for key, _, _ in province.context["tabs"]]
