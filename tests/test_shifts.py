"""Shifts: opened by the team's lead with the members present, closed with a hand-over
note the next shift reads first; the output of each shift is the visits its members
recorded for the team between its start and end, whenever they were synced."""

import datetime

import pytest
from django.utils import timezone

from outreach.audit.models import AuditEvent
from outreach.models import TeamMembership
from outreach.shifts.models import Shift
from outreach.shifts.selectors import shift_outputs

from .sync_helpers import activated, client_for, push, statuses, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(world):
    TeamMembership.objects.filter(team=world.team_a, user=world.alice).update(is_lead=True)
    return client_for(world.alice)


def _open(client, world, *members):
    return client.post(f"/ca-lam-viec/to/{world.team_a.pk}/mo-ca/", {"member": [str(m.pk) for m in members]})


def test_it_opens_and_closes_a_shift_idempotently_audited(world, lead):
    assert _open(lead, world, world.alice, world.bob).status_code == 302
    assert _open(lead, world, world.alice, world.bob).status_code == 302  # posted again: the same shift
    shift = Shift.objects.get()
    assert set(shift.members.all()) == {world.alice, world.bob} and shift.ended_at is None
    url = f"/ca-lam-viec/ca/{shift.pk}/dong-ca/"
    lead.post(url, {"note": "Hộ số 3 hẹn 19:00 thứ Bảy; chị Hoà cần mang CCCD"})
    lead.post(url, {"note": "lần hai"})
    shift.refresh_from_db()
    assert shift.ended_at and shift.handover_note.startswith("Hộ số 3")
    assert AuditEvent.objects.filter(action="shift").count() == 2


def test_the_next_shift_reads_the_hand_over_note_first(world, lead):
    _open(lead, world, world.alice)
    lead.post(f"/ca-lam-viec/ca/{Shift.objects.get().pk}/dong-ca/", {"note": "Nhà số 2 có chó dữ"})
    page = client_for(world.bob).get(f"/ca-lam-viec/to/{world.team_a.pk}/").content.decode()
    assert page.index("Bàn giao từ ca trước") < page.index("Nhà số 2 có chó dữ") < page.index("Kết quả theo ca")
    assert "Mở ca mới" not in page  # bob is not the lead: he reads, does not open


def test_it_refuses_outsiders_and_strangers_to_the_team(world, lead):
    assert _open(client_for(world.bob), world, world.bob).status_code == 404  # not the lead
    assert _open(client_for(world.carol), world, world.carol).status_code == 404
    assert client_for(world.dave).get(f"/ca-lam-viec/to/{world.team_a.pk}/").status_code == 404
    _open(lead, world, world.carol)  # not on the team
    _open(lead, world)  # nobody present
    assert not Shift.objects.exists()
    assert _open(client_for(world.leader), world, world.bob).status_code == 302  # the group leader may
    assert Shift.objects.count() == 1


def test_it_counts_the_output_of_each_shift_by_its_members_between_start_and_end(world):
    now = timezone.now()
    first = Shift.objects.create(team=world.team_a, started_at=now - datetime.timedelta(hours=5),
                                 ended_at=now - datetime.timedelta(hours=3))  # fmt: skip
    first.members.set([world.alice])
    second = Shift.objects.create(team=world.team_a, started_at=now - datetime.timedelta(hours=2))
    second.members.set([world.alice, world.bob])
    at = lambda hours: (now - datetime.timedelta(hours=hours)).isoformat()  # noqa: E731
    h = world.households_a
    resident = h[0].residents.get(full_name__startswith="Nguyễn Văn An")
    assert statuses(push(client_for(world.alice), [
        visit(world, h[0], when=at(4), residents=[activated(resident)]),  # first shift
        visit(world, h[1], when=at(4), outcome="nobody_home"),  # first shift
        visit(world, h[2], when=at(2.5)),  # between the shifts: neither
        visit(world, h[1], when=at(1)),  # second shift
    ])) == ["accepted"] * 4
    assert statuses(push(client_for(world.bob), [visit(world, h[2], when=at(4)),  # bob was not in the first
                                                 visit(world, h[2], when=at(0.5))])) == ["accepted"] * 2
    out = shift_outputs(shifts=[second, first])
    assert (out[first.id].visits, out[first.id].household_count, out[first.id].reached, out[first.id].activated) == (
        2, 2, 1, 1)
    assert (out[second.id].visits, out[second.id].household_count, out[second.id].activated) == (2, 2, 0)
    page = client_for(world.police).get(f"/ca-lam-viec/to/{world.team_a.pk}/")
    assert page.status_code == 200
    assert [o.visits for _, o in page.context["rows"]] == [2, 2]
