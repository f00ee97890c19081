import datetime
import json
import uuid
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone
from outreach.accounts.services import device_token_issue, token_hash

from households.models import Household, Resident
from outreach.models import DeviceToken, HouseholdState, Visit, VisitResidentOutcome

from .sync_helpers import activated, client_for, days_ago, hanoi_time, push, statuses, visit

pytestmark = pytest.mark.django_db


def test_it_accepts_a_visit_and_answers_a_replay_as_duplicate(world):
    household = world.households_a[0]
    resident = household.residents.first()
    item = visit(world, household, residents=[activated(resident)])
    client = client_for(world.alice)
    assert statuses(push(client, [item])) == ["accepted"]
    assert statuses(push(client, [item])) == ["duplicate"]
    assert statuses(push(client, [item, item])) == ["duplicate", "duplicate"]
    assert Visit.objects.count() == 1
    assert VisitResidentOutcome.objects.count() == 1
    stored = Visit.objects.get()
    assert stored.team == world.team_a and stored.recorded_by == world.alice
    resident.refresh_from_db()
    assert resident.vneid_level2 == "activated"


def test_it_treats_the_same_uuid_twice_in_one_batch_as_one_visit(world):
    item = visit(world, world.households_a[0])
    assert statuses(push(client_for(world.alice), [item, dict(item)])) == ["accepted", "duplicate"]
    assert Visit.objects.count() == 1


def test_it_rejects_the_same_uuid_with_other_content_as_a_conflict(world):
    client = client_for(world.alice)
    item = visit(world, world.households_a[0], outcome="visited")
    push(client, [item])
    changed = dict(item, outcome="nobody_home")
    response = push(client, [changed])
    result = response.json()["results"][0]
    assert result["status"] == "rejected" and result["code"] == "conflict"
    assert "nội dung khác" in result["message_vi"] and "different content" in result["message_en"]
    assert Visit.objects.get().outcome.code == "visited"


def test_it_rejects_bad_items_one_by_one_and_keeps_the_good_ones(world):
    client = client_for(world.alice)
    good = visit(world, world.households_a[0])
    good2 = visit(world, world.households_a[1])
    bad = [
        visit(world, world.households_a[2], outcome="no-such-outcome"),
        visit(world, world.households_b[0]),  # another team's turf
        visit(world, world.households_other[0]),  # another commune
        dict(visit(world, world.households_a[2]), household=999999),
        dict(visit(world, world.households_a[2]), device_time="yesterday"),
        dict(visit(world, world.households_a[2]), client_uuid="not-a-uuid"),
        visit(world, world.households_a[2], residents=[{"resident": world.households_b[0].residents.first().id,
                                                        "outcome": "interested"}]),
        visit(world, world.households_a[2], residents=[{"resident": world.households_a[2].residents.first().id,
                                                        "outcome": "interested", "reason": "bogus"}]),
        visit(world, world.households_a[2], outcome="interested"),  # a resident code used for a household
        "not an object",
        dict(visit(world, world.households_a[2]), campaign=12345),
    ]
    response = push(client, [good, *bad, good2])
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["accepted"] + ["rejected"] * len(bad) + ["accepted"]
    assert [r["code"] for r in results[1:-1]] == [
        "unknown_outcome", "household_out_of_scope", "household_out_of_scope", "household_out_of_scope", "malformed",
        "malformed", "unknown_resident", "unknown_reason", "unknown_outcome", "malformed", "unknown_campaign",
    ]  # fmt: skip
    assert all(r["message_vi"] and r["message_en"] for r in results[1:-1])
    assert "device_time" in results[5]["detail"]
    assert Visit.objects.count() == 2


@pytest.mark.parametrize(
    "body, status, code",
    [
        (b"{not json", 400, "malformed_json"),
        (b"\xff\xfe\x00", 400, "malformed_json"),
        (b"[]", 400, "malformed_body"),
        (b'{"visits": {}}', 400, "malformed_body"),
        (json.dumps({"visits": [{}] * 501}).encode(), 413, "too_many_items"),
        (b'{"visits": ["' + b"x" * (2 * 1024 * 1024) + b'"]}', 413, "too_large"),
    ],
)
def test_it_refuses_malformed_bodies_with_a_clear_4xx(world, body, status, code):
    response = client_for(world.alice).post("/api/v1/sync/push", data=body, content_type="application/json")
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message_vi"]
    assert Visit.objects.count() == 0


def test_it_answers_503_only_when_the_database_is_unavailable(world):
    with mock.patch("outreach.api.views.sync_push", side_effect=OperationalError("connection refused")):
        response = push(client_for(world.alice), [visit(world, world.households_a[0])])
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["error"]["code"] == "unavailable"


def test_it_refuses_anonymous_pushes(world, client):
    assert push(client, [visit(world, world.households_a[0])]).status_code == 403
    assert Visit.objects.count() == 0


def test_it_enforces_csrf_for_session_pushes(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    assert push(client, [visit(world, world.households_a[0])]).status_code == 403


def test_it_gives_a_token_for_scripts(world, client):
    response = client.post("/api/v1/auth/token", {"username": "alice", "password": "matkhau-123"})
    token = response.json()["token"]
    assert DeviceToken.objects.get(key_hash=token_hash(token)).user == world.alice
    response = client.post(
        "/api/v1/sync/push", data=json.dumps({"visits": [visit(world, world.households_a[0])]}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}",
    )  # fmt: skip
    assert statuses(response) == ["accepted"]


def test_it_creates_a_household_and_resident_found_at_the_door_once(world):
    household_uuid, resident_uuid = str(uuid.uuid4()), str(uuid.uuid4())
    item = {
        **visit(world, world.households_a[0]),
        "household": None,
        "new_household": {"client_uuid": household_uuid, "turf": world.turf_a.id, "house_number": "12B",
                          "street": "Phố Đội Cấn", "head_name": "Lê Thị Thu"},
        "residents": [{"new_resident": {"client_uuid": resident_uuid, "full_name": "Lê Thị Thu",
                                        "birth_date": "1990-05-04", "sex": "F", "id_number": "001190012345",
                                        "phone": "0912345678"},
                       "outcome": "assisted_l2_registered"}],
    }  # fmt: skip
    client = client_for(world.alice)
    assert statuses(push(client, [item])) == ["accepted"]
    assert statuses(push(client, [item])) == ["duplicate"]
    household = Household.objects.get(client_uuid=household_uuid)
    assert household.turf == world.turf_a and "12B" in household.address_text
    resident = Resident.objects.get(client_uuid=resident_uuid)
    assert resident.phone == "+84912345678" and resident.vneid_level2 == "registered"
    # A second visit to the same new household refers to it by its uuid.
    second = {**visit(world, world.households_a[0]), "household": None, "household_uuid": household_uuid}
    assert statuses(push(client, [second])) == ["accepted"]
    assert Household.objects.filter(client_uuid=household_uuid).count() == 1
    assert HouseholdState.objects.get(household=household).visit_count == 2


def test_it_rejects_a_new_resident_with_an_id_number_that_contradicts_the_birth_year(world):
    item = visit(world, world.households_a[0], residents=[{
        "new_resident": {"client_uuid": str(uuid.uuid4()), "full_name": "Phạm Văn Nam", "birth_date": "1990-05-04",
                         "sex": "M", "id_number": "001200012345"},
        "outcome": "interested"}])  # fmt: skip
    result = push(client_for(world.alice), [item]).json()["results"][0]
    assert result["code"] == "invalid_resident"
    assert "1990" in result["detail"]
    assert Visit.objects.count() == 0 and not Resident.objects.filter(full_name="Phạm Văn Nam").exists()


def test_it_keeps_both_device_and_server_time(world):
    day = days_ago(32)  # a phone clock a month behind, still inside the campaign
    item = visit(world, world.households_a[0], when=hanoi_time(day, 18).isoformat())
    push(client_for(world.alice), [item])
    stored = Visit.objects.get()
    assert stored.device_time.isoformat().startswith(f"{day.isoformat()}T11:00:00")  # stored in UTC
    assert stored.clock_skew_seconds > 86400  # a clock days behind is visible


def test_it_caps_a_future_device_clock_at_the_server_time_for_status(world):
    client = client_for(world.alice)
    household = world.households_a[0]
    ahead = (timezone.now() + datetime.timedelta(days=300)).isoformat()  # a clock months off, in the window
    push(client, [visit(world, household, outcome="nobody_home", when=ahead)])
    push(client, [visit(world, household, outcome="visited", when=timezone.now().isoformat())])
    future = Visit.objects.get(outcome__code="nobody_home")
    assert future.effective_time == future.server_time
    state = HouseholdState.objects.get(household=household)
    # The future-dated visit must not win forever: the later-received real visit wins.
    assert state.last_outcome.code == "visited"


def test_it_rejects_a_visit_to_a_new_household_whose_own_visit_was_rejected(world):
    household_uuid = str(uuid.uuid4())
    first = {**visit(world, world.households_a[0]), "household": None,
             "new_household": {"client_uuid": household_uuid, "turf": world.turf_a.id, "house_number": "7"},
             "residents": [{"new_resident": {"client_uuid": str(uuid.uuid4()), "full_name": "Vũ Văn Long",
                                             "birth_year": 1990, "sex": "M", "id_number": "001200012345"},
                            "outcome": "interested"}]}  # fmt: skip
    second = {**visit(world, world.households_a[0]), "household": None, "household_uuid": household_uuid}
    results = push(client_for(world.alice), [first, second]).json()["results"]
    assert [r["code"] for r in results] == ["invalid_resident", "unknown_household"]
    assert not Household.objects.filter(client_uuid=household_uuid).exists()


def test_it_pushes_a_batch_in_the_same_number_of_queries_whatever_its_size(world):
    """No statement per visit or per resident (N+1): a phone's 50-visit batch must cost what
    a 1-visit one does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .fixtures import make_households

    households = make_households(world.turf_a, "Ngõ 5 Đội Cấn", 12)
    client = client_for(world.alice)

    def queries_for(batch):
        items = [visit(world, h, residents=[activated(r) for r in h.residents.all()]) for h in batch]
        with CaptureQueriesContext(connection) as captured:
            assert statuses(push(client, items)) == ["accepted"] * len(items)
        return len(captured.captured_queries)

    one = queries_for(households[:1])
    assert queries_for(households[1:]) == one
    assert queries_for(households[1:]) == one  # a revisit: state rows updated, not inserted


def test_it_accepts_a_campaigns_own_reason_only_in_that_campaign(world):
    """Outcome codes are data: a campaign adds a reason, and only its visits may use it."""
    import datetime

    from outreach.models import Assignment, Campaign, OutcomeCode

    month = datetime.timedelta(days=31)
    other = Campaign.objects.create(name="Chiến dịch thí điểm", start_date=world.campaign.start_date + month,
                                    deadline=world.campaign.deadline + month)  # fmt: skip
    Assignment.objects.create(campaign=other, turf=world.turf_a, team=world.team_a)
    OutcomeCode.objects.create(code="sim_not_registered", scope="reason", campaign=world.campaign,
                               label_vi="Sim chưa chuẩn hoá thông tin", label_en="SIM not registered to owner")
    household = world.households_a[0]
    resident = household.residents.first()
    part = {"resident": resident.id, "outcome": "interested", "reason": "sim_not_registered"}
    own, foreign = visit(world, household, residents=[part]), visit(world, household, residents=[part])
    foreign["campaign"] = other.id
    response = push(client_for(world.alice), [own, foreign])
    assert statuses(response) == ["accepted", "rejected"]
    assert response.json()["results"][1]["code"] == "unknown_reason"
    assert VisitResidentOutcome.objects.get().reason.code == "sim_not_registered"


def test_it_refuses_an_unknown_token_and_the_token_of_an_inactive_user(world, client):
    token = device_token_issue(user=world.alice, device="script").key
    body = json.dumps({"visits": [visit(world, world.households_a[0])]})

    def push_with(key):
        return client.post("/api/v1/sync/push", data=body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {key}")  # fmt: skip

    unknown = push_with("0" * 40)
    assert unknown.status_code in (401, 403)
    assert unknown.json()["error"]["code"] == "bad_token"
    assert unknown.json()["error"]["message_vi"].startswith("Mã truy cập không đúng")
    world.alice.is_active = False
    world.alice.save(update_fields=["is_active"])
    assert push_with(token).json()["error"]["code"] == "bad_token"
    anonymous = client.post("/api/v1/sync/push", data=body, content_type="application/json")
    assert anonymous.status_code in (401, 403)
    assert anonymous.json()["error"]["code"] == "not_signed_in"
    assert not Visit.objects.exists()
