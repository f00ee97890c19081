"""The field app when the work changes under a phone: a household's turf given to another
team while a visit to it waits offline, codes added and retired mid-campaign, and the line
that tells the team what a sync changed. A visit made on the phone is never lost."""

import datetime

import pytest
from django.utils import timezone

from households.models import Turf
from households.services import household_create, resident_create
from outreach.models import Assignment, OutcomeCode, Visit
from outreach.turfs.services import turf_assign
from tests.fixtures import build_world, make_households
from tests.sync_helpers import client_for, push, statuses, visit

pytestmark = pytest.mark.browser


def second_lane(world):
    """A second lane of team A with one household: the one the leader gives away."""
    lane = Turf.objects.create(area=world.group1, name="Ngách 12/5 Đội Cấn", kind=Turf.Kind.LANE)
    Assignment.objects.create(campaign=world.campaign, turf=lane, team=world.team_a)
    moved = household_create(area=world.group1, turf=lane, house_number="7", lane="Ngách 12/5", street="Phố Đội Cấn")
    resident_create(household=moved, full_name="Phạm Thị Hằng", birth_year=1962, sex="F", elderly_alone=True)
    return lane, moved


def queued_uuids(phone) -> list[str]:
    return phone.page.evaluate("async () => (await self.TN.outbox.queued()).map((item) => item.uuid)")


def assert_nothing_left(phone):
    """Nothing waits and nothing was refused: the phone holds no visit the server lacks."""
    assert phone.queued_count() == 0
    assert phone.page.evaluate("async () => (await self.TN.outbox.rejected()).length") == 0
    assert phone.page.evaluate("document.documentElement.dataset.rejected") == "0"


def test_a_visit_made_offline_before_the_turf_was_reassigned_reaches_the_server(transactional_db, live_server, phone):
    world = build_world(households_per_turf=3)
    lane, moved = second_lane(world)
    phone.sign_in("alice")
    phone.offline()
    phone.record_visit(moved.id, outcome="nobody_home", revisit="weekend", note="Cụ Hằng đi vắng")
    [uuid] = queued_uuids(phone)

    # The group leader gives the lane to team B (the leaders' page's service) meanwhile.
    turf_assign(campaign=world.campaign, turf=lane, team=world.team_b, assigned_by=world.leader)
    phone.offline(False)
    phone.wait_queue_empty()

    # Recorded while team A held the lane: stored as team A's visit, not refused.
    stored = Visit.objects.filter(client_uuid=uuid)
    assert stored.count() == 1, phone.page.evaluate("async () => (await self.TN.outbox.rejected())")
    assert (stored[0].household_id, stored[0].team_id, stored[0].after_handover) == (moved.id, world.team_a.id, False)
    assert_nothing_left(phone)


def test_a_visit_made_offline_after_the_turf_was_reassigned_is_kept_and_flagged(transactional_db, live_server, phone):
    world = build_world(households_per_turf=3)
    lane, moved = second_lane(world)
    phone.sign_in("alice")
    phone.offline()
    phone.record_visit(moved.id, outcome="refused", note="Không mở cửa")
    [uuid] = queued_uuids(phone)

    # The lane had already gone to team B an hour before: the phone had not heard yet.
    turf_assign(campaign=world.campaign, turf=lane, team=world.team_b, assigned_by=world.leader)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Assignment.objects.filter(turf=lane, team=world.team_a).update(ended_at=an_hour_ago)
    Assignment.objects.filter(turf=lane, team=world.team_b).update(assigned_at=an_hour_ago)
    phone.offline(False)
    phone.wait_queue_empty()

    stored = Visit.objects.filter(client_uuid=uuid)
    assert stored.count() == 1, phone.page.evaluate("async () => (await self.TN.outbox.rejected())")
    assert stored[0].household_id == moved.id
    assert stored[0].after_handover  # for an officer to see, never dropped
    assert_nothing_left(phone)


def test_codes_added_and_retired_mid_campaign_reach_a_phone_that_already_synced(transactional_db, live_server, phone):
    world = build_world(households_per_turf=3)
    phone.sign_in("alice")
    first, second = world.households_a[:2]
    phone.offline()
    phone.record_visit(first.id, outcome="refused", note="Không mở cửa")  # before the code is retired
    [uuid] = queued_uuids(phone)

    # The ward officer, in the admin, mid-campaign: a new household outcome, "refused" retired.
    OutcomeCode.objects.create(code="house_empty", scope="household", campaign=world.campaign,
                               label_vi="Nhà bỏ trống", label_en="House empty")  # fmt: skip
    refused = world.code("refused")
    refused.is_active = False
    refused.save()
    assert refused.retired_at is not None

    phone.offline(False)
    phone.page.wait_for_selector("#notice >> text=Có mã kết quả mới")
    phone.wait_queue_empty()
    # The visit made with the code while the phone listed it is kept.
    assert Visit.objects.filter(client_uuid=uuid, outcome__code="refused").count() == 1
    assert_nothing_left(phone)

    # The visit form offers the new code and no longer the retired one.
    phone.open_household(second.id)
    assert phone.page.inner_text('[data-ho="house_empty"]') == "Nhà bỏ trống"
    assert phone.page.locator('[data-ho="refused"]').count() == 0
    phone.record_visit(outcome="house_empty")
    phone.wait_queue_empty()
    assert Visit.objects.filter(household=second, outcome__code="house_empty").count() == 1


def test_it_tells_the_team_of_a_reassignment_and_moves_the_list_to_the_new_turf(
    transactional_db, live_server, phone, shots_dir
):
    world = build_world(households_per_turf=3)
    lane, _ = second_lane(world)
    phone.sign_in("alice")
    page = phone.page
    # Two turfs: the list shows the one picked, "Ngõ 12 Đội Cấn".
    page.select_option("#turf", str(world.turf_a.id))
    page.wait_for_selector(".walk li a")
    assert page.input_value("#turf") == str(world.turf_a.id)

    # The group leader gives that lane to team B and a new one of 12 households to team A.
    new = Turf.objects.create(area=world.group1, name="Ngõ 194", kind=Turf.Kind.LANE)
    make_households(new, "Ngõ 194 Đội Cấn", 12)
    turf_assign(campaign=world.campaign, turf=world.turf_a, team=world.team_b, assigned_by=world.leader)
    turf_assign(campaign=world.campaign, turf=new, team=world.team_a, assigned_by=world.leader)
    page.click("#sync")

    notice = page.wait_for_selector("#notice")
    text = notice.inner_text()
    assert "Tổ được giao thêm khu vực Ngõ 194 (12 hộ)" in text
    assert "3 hộ đã chuyển sang tổ khác" in text
    # The lane on screen is gone: the list follows the team to its new lane, not to the
    # first one left in the picker ("Ngách 12/5" sorts before "Ngõ 194").
    page.wait_for_function(f"() => document.querySelector('#turf')?.value === '{new.id}'")
    page.wait_for_function("() => document.querySelectorAll('.walk li a').length === 12")
    assert "Ngõ 194 Đội Cấn" in page.inner_text("#walk")
    assert [o.strip() for o in page.locator("#turf option").all_inner_texts()] == ["Ngách 12/5 Đội Cấn", "Ngõ 194"]
    page.screenshot(path=str(shots_dir / "notice-after-reassignment.png"))

    page.click("#notice button")
    page.wait_for_selector("#notice", state="detached")
    assert lane.id in [a.turf_id for a in Assignment.objects.filter(team=world.team_a, ended_at__isnull=True)]


def test_it_tells_the_team_when_a_teammate_set_a_revisit_that_is_due(transactional_db, live_server, phone):
    world = build_world(households_per_turf=3)
    phone.sign_in("alice")
    page = phone.page
    # Bob, on his phone, came by an hour ago: nobody home, to come back a quarter of an hour ago.
    now = timezone.now()
    response = push(client_for(world.bob), [visit(
        world, world.households_a[1], outcome="nobody_home", when=(now - datetime.timedelta(hours=1)).isoformat(),
        revisit_after=(now - datetime.timedelta(minutes=15)).isoformat())])  # fmt: skip
    assert statuses(response) == ["accepted"]
    page.click("#sync")
    page.wait_for_selector("#notice >> text=1 hộ đến hẹn quay lại")
    page.click("#notice button")
    page.wait_for_selector("#notice", state="detached")
