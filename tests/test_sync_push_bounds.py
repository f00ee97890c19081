"""Inputs that used to answer 500 (issue 14, item 5). Under the sync contract a 5xx means
"retry", so each of them jammed the phone's outbox for ever: now each item is rejected on
its own with a code, the rest of the batch is stored, and the team's next pull works.
The NUL byte and the bigint overflow only failed on PostgreSQL: run under make test-services."""

import json
import uuid

import pytest

from outreach.models import Visit

from .sync_helpers import client_for, nothing_new, push, visit
from .test_sync_pull import pull

pytestmark = pytest.mark.django_db(transaction=True)


def _new_resident(**fields) -> dict:
    resident = {"client_uuid": str(uuid.uuid4()), "full_name": "Lê Thị Thu", "sex": "F", **fields}
    return {"new_resident": resident, "outcome": "interested"}


BAD_ITEMS = {
    "device time past year 9999 in UTC": {"device_time": "9999-12-31T23:59:59-14:00"},
    "device time in year 3000": {"device_time": "3000-01-01T00:00:00+07:00"},
    "minute 75": {"device_time": "2026-11-20T18:75:00+07:00"},
    "hour 25": {"device_time": "2026-11-20T25:00:00+07:00"},
    "30 February": {"device_time": "2026-02-30T18:30:00+07:00"},
    "offset +25:00": {"device_time": "2026-11-20T18:30:00+25:00"},
    "revisit in year 9999": {"revisit_after": "9999-12-31T23:59:59-14:00"},
    "NUL in the note": {"note": "có người\x00 ở nhà"},
    "NUL in the revisit note": {"revisit_note": "\x00"},
    "campaign id past bigint": {"campaign": 2**63},
    "household id past bigint": {"household": 2**64 + 1},
    "latitude NaN": {"latitude": float("nan")},
    "longitude Infinity": {"longitude": float("inf")},
    "resident id past bigint": {"residents": [{"resident": 2**63, "outcome": "interested"}]},
    "NUL in a new resident's name": {"residents": [_new_resident(full_name="Lê\x00 Thu")]},
    "new resident born 30 February": {"residents": [_new_resident(birth_date="2000-02-30")]},
}


def _raw_push(client, body: str):
    return client.post("/api/v1/sync/push", data=body, content_type="application/json")


@pytest.mark.parametrize("change", BAD_ITEMS.values(), ids=BAD_ITEMS.keys())
def test_it_rejects_the_item_alone_and_the_team_still_syncs(world, change):
    client = client_for(world.alice)
    good, bad = visit(world, world.households_a[0]), {**visit(world, world.households_a[1]), **change}
    # json.dumps writes NaN and Infinity as JavaScript does; Python's parser reads them back.
    response = _raw_push(client, json.dumps({"visits": [good, bad]}))
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert results[0]["status"] == "accepted"
    assert results[1]["status"] == "rejected" and results[1]["code"] == "malformed", results[1]
    assert "\x00" not in results[1].get("detail", "")
    assert list(Visit.objects.values_list("client_uuid", flat=True)) == [uuid.UUID(good["client_uuid"])]
    assert pull(client)["households"]["rows"]


def _visit_uuids(body) -> list[str]:
    block = body.get("visits") or {"fields": ["client_uuid"], "rows": []}
    index = block["fields"].index("client_uuid")
    return [row[index] for row in block["rows"]]


@pytest.mark.parametrize("change", BAD_ITEMS.values(), ids=BAD_ITEMS.keys())
def test_it_stores_nothing_of_the_rejected_item_and_the_next_pulls_read_back_fine(world, change):
    """The pull after the push, whole and from the cursor the phone held before it, answers
    200 with the good visit alone: nothing of the bad one was stored to trip a later read."""
    client, teammate = client_for(world.alice), client_for(world.bob)
    before = pull(teammate)["cursor"]
    good, bad = visit(world, world.households_a[0]), {**visit(world, world.households_a[1]), **change}
    response = _raw_push(client, json.dumps({"visits": [bad, good]}))
    assert [r["status"] for r in response.json()["results"]] == ["rejected", "accepted"]
    incremental = pull(teammate, before)
    assert _visit_uuids(incremental) == [good["client_uuid"]]
    assert incremental["households"]["rows"] and incremental["has_more"] is False
    assert _visit_uuids(pull(teammate)) == [good["client_uuid"]]
    assert nothing_new(pull(teammate, incremental["cursor"]), incremental["cursor"])


def test_it_refuses_a_body_nested_too_deeply_as_malformed_json(world):
    client = client_for(world.alice)
    before = pull(client)["cursor"]
    deep = '{"visits": [{"note": ' + "[" * 100_000 + "]" * 100_000 + "}]}"
    response = _raw_push(client, deep)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    assert pull(client)["households"]["rows"]
    assert nothing_new(pull(client, before), before)


def test_it_refuses_a_pull_for_a_campaign_id_past_bigint_with_400(world):
    # Once a 500 on PostgreSQL; then a 404 with DRF's English body. Not an id at all: a 400.
    response = client_for(world.alice).get("/api/v1/sync/pull", {"campaign": str(2**64)})
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_campaign"
