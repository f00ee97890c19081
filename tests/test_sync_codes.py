"""Outcome and reason codes changed mid-campaign reach phones that already synced, and a
visit recorded offline with a code retired since is still accepted."""

import datetime

import pytest

from outreach.models import Campaign, OutcomeCode

from .sync_helpers import VISIT_DAY, client_for, hanoi_time, nothing_new, push, statuses, visit
from .test_sync_pull import pull, pull_all

pytestmark = pytest.mark.django_db


def synced(world):
    """alice's phone after its first download: (client, cursor)."""
    client = client_for(world.alice)
    _, cursor = pull_all(client)
    return client, cursor


def listed(body) -> list[str]:
    assert "codes" in body, "the pull sent no codes"
    return [c[0] for c in body["codes"]]


def test_it_sends_a_code_added_mid_campaign_in_the_next_incremental_pull(world):
    client, cursor = synced(world)
    OutcomeCode.objects.create(code="sim_not_registered", scope="reason", campaign=world.campaign,
                               label_vi="Sim chưa chuẩn hoá thông tin", label_en="SIM not registered")  # fmt: skip
    body = pull(client, cursor)
    assert "sim_not_registered" in listed(body)
    assert "visited" in listed(body)  # the whole list, which replaces the phone's
    assert pull(client, body["cursor"]).get("codes") is None  # told once


def test_it_sends_the_list_without_a_code_retired_mid_campaign(world):
    client, cursor = synced(world)
    code = world.code("visited")
    code.is_active = False
    code.save()
    code.refresh_from_db()
    assert code.retired_at is not None
    body = pull(client, cursor)
    assert "visited" not in listed(body)
    assert "nobody_home" in listed(body)


def test_it_sends_no_codes_in_an_empty_incremental_pull(world):
    client, cursor = synced(world)
    assert nothing_new(pull(client, cursor), cursor)


def test_it_sends_no_codes_for_a_code_of_another_campaign(world):
    client, cursor = synced(world)
    month = datetime.timedelta(days=31)
    other = Campaign.objects.create(name="Chiến dịch thí điểm", start_date=world.campaign.start_date + month,
                                    deadline=world.campaign.deadline + month)  # fmt: skip
    OutcomeCode.objects.create(code="pilot_only", scope="reason", campaign=other, label_vi="Thí điểm", label_en="Pilot")
    assert "codes" not in pull(client, cursor, campaign=world.campaign.id)


def test_it_accepts_a_visit_recorded_before_its_code_was_retired_and_rejects_one_after(world):
    client, _ = synced(world)
    code = world.code("visited")
    code.is_active = False
    code.save()
    # Retired the morning after the visit day: the evening's visit was made with it on the
    # phone's list; one two days later was not.
    OutcomeCode.objects.filter(pk=code.pk).update(retired_at=hanoi_time(VISIT_DAY + datetime.timedelta(days=1), 9))
    before = visit(world, world.households_a[0], outcome="visited")
    after = visit(world, world.households_a[1], outcome="visited",
                  when=hanoi_time(VISIT_DAY + datetime.timedelta(days=2), 18).isoformat())  # fmt: skip
    response = push(client, [before, after])
    assert statuses(response) == ["accepted", "rejected"]
    assert response.json()["results"][1]["code"] == "unknown_outcome"


def test_it_rejects_a_code_made_inactive_at_creation_and_accepts_one_brought_back(world):
    client, _ = synced(world)
    OutcomeCode.objects.create(code="never_used", scope="household", label_vi="Chưa dùng", label_en="Never used",
                               is_active=False)  # fmt: skip
    code = world.code("visited")
    code.is_active = False
    code.save()
    code.is_active = True
    code.save()
    code.refresh_from_db()
    assert code.retired_at is None
    response = push(client, [visit(world, world.households_a[0], outcome="never_used"),
                             visit(world, world.households_a[1], outcome="visited")])  # fmt: skip
    assert statuses(response) == ["rejected", "accepted"]
    assert response.json()["results"][0]["code"] == "unknown_outcome"
