"""The pull's own inputs (issue 14, item 5): a cursor or campaign the server never wrote is a
400 with a code and both messages, never a 500 (which the phone would retry for ever) and
never read as another value; then the same phone's next pull, done right, still works."""

import pytest

from .sync_helpers import client_for, nothing_new
from .test_sync_pull import pull

pytestmark = pytest.mark.django_db

GARBAGE = {
    "words": "yesterday",
    "negative": "-5",
    "past bigint": str(2**63),
    "far past bigint": str(2**64 + 1),
    "NUL": "\x00",
    "NUL after digits": "5\x00",
    "very long": "9" * 10_000,
    "spaces": " 5 ",
    "plus sign": "+5",
    "underscore": "5_0",
    "Arabic-Indic digits": "٥",
    "superscript two": "²",  # str.isdigit() says yes, int() says no
    "float": "5.0",
}
CURSORS = {
    **{name: f"c.{value}" for name, value in GARBAGE.items()},
    "full download, negative household": "f.1.-1",
    "full download, household past bigint": f"f.1.{2**63}",
    "too many parts": "c.1.2",
    "unknown kind": "y.1",
    "caught-up cursor without its change": "x.1",
    "no number": "c.",
    "bare number": "5",
    "NUL": "\x00",
    "very long": "c." + "1" * 10_000,
}


def _assert_refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:200]
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message_vi"] and error["message_en"] and error["message_vi"] != error["message_en"]


@pytest.mark.parametrize("cursor", CURSORS.values(), ids=CURSORS.keys())
def test_it_refuses_a_cursor_it_never_wrote_with_400_bad_cursor(world, cursor):
    client = client_for(world.alice)
    _assert_refused(client.get("/api/v1/sync/pull", {"cursor": cursor}), 400, "bad_cursor")
    body = pull(client)
    assert body["households"]["rows"] and pull(client, body["cursor"])["has_more"] is False


@pytest.mark.parametrize("campaign", [*GARBAGE.values(), "0"], ids=[*GARBAGE.keys(), "zero"])
def test_it_refuses_a_campaign_id_that_is_not_one_with_400_bad_campaign(world, campaign):
    client = client_for(world.alice)
    _assert_refused(client.get("/api/v1/sync/pull", {"campaign": campaign}), 400, "bad_campaign")
    assert pull(client, campaign=world.campaign.id)["households"]["rows"]


def test_it_answers_an_unknown_or_ended_campaign_with_404_unknown_campaign(world):
    client = client_for(world.alice)
    _assert_refused(client.get("/api/v1/sync/pull", {"campaign": 2**63 - 1}), 404, "unknown_campaign")
    world.campaign.is_active = False
    world.campaign.save()
    _assert_refused(client.get("/api/v1/sync/pull", {"campaign": world.campaign.id}), 404, "unknown_campaign")
    _assert_refused(client.get("/api/v1/sync/pull"), 404, "unknown_campaign")  # no active campaign at all


def test_it_still_takes_the_cursors_it_writes(world, monkeypatch):
    monkeypatch.setattr("outreach.sync.pull.PAGE_SIZE", 2)
    client = client_for(world.alice)
    first = pull(client)
    assert first["cursor"].startswith("g.") and first["has_more"]
    second = pull(client, first["cursor"])
    assert second["cursor"].startswith("x.") and not second["has_more"]
    assert nothing_new(pull(client, second["cursor"]), second["cursor"])
    assert pull(client, "x.0.0")["cursor"].startswith("x.")  # a phone that has seen no change yet


@pytest.mark.parametrize("cursor", ["c.0", "c.123456", "f.12.3400"])
def test_it_tells_a_phone_with_an_old_protocols_cursor_to_download_again(world, cursor):
    """c.N and f.N.H counted change ids under the old lock; the log now counts transactions,
    so such a cursor cannot be answered safely: 410 cursor_expired, and the phone's full
    download that follows works."""
    client = client_for(world.alice)
    _assert_refused(client.get("/api/v1/sync/pull", {"cursor": cursor}), 410, "cursor_expired")
    body = pull(client)
    assert body["households"]["rows"] and body["cursor"].startswith("x.")
