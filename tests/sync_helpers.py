"""Building pushed visits the way the phone does."""

import datetime
import json
import uuid
import zoneinfo

from django.test import Client
from django.utils import timezone

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def hanoi_time(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VN)


# The evening the tests' visits happen: counted from today, as the fixtures' campaign is, so
# that it always lies inside the campaign (nine weeks old); 13 days back, as when the suite
# was written (20 November for 3 December 2026), keeps the "yesterday" and "a week ago"
# snapshots of the report tests clear of it.
VISIT_DAY = days_ago(13)
DEVICE_TIME = hanoi_time(VISIT_DAY, 18, 30).isoformat()


def visit(world, household, *, outcome="visited", residents=None, when=DEVICE_TIME, **extra) -> dict:
    body = {
        "client_uuid": str(uuid.uuid4()),
        "campaign": world.campaign.id,
        "household": household.id,
        "device_time": when,
        "outcome": outcome,
        "residents": residents or [],
        "note": "Nhà có người già, hẹn cuối tuần",
    }
    body.update(extra)
    return body


def activated(resident, level=2) -> dict:
    return {"resident": resident.id, "outcome": f"assisted_l{level}_activated"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def push(client: Client, visits: list[dict]):
    return client.post("/api/v1/sync/push", data=json.dumps({"visits": visits}), content_type="application/json")


def statuses(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["status"] for r in response.json()["results"]]


def later(minutes: int) -> str:
    base = datetime.datetime.fromisoformat(DEVICE_TIME)
    return (base + datetime.timedelta(minutes=minutes)).isoformat()


def nothing_new(body: dict, cursor: str) -> bool:
    """A pull that brought nothing: no rows, no more pages, and a cursor at or past the one
    asked with (an empty pull moves it up to the log's horizon, never back)."""
    assert set(body) == {"cursor", "has_more"}, sorted(body)
    assert body["has_more"] is False
    place = [tuple(int(n) for n in c.split(".")[1:]) for c in (body["cursor"], cursor)]
    assert body["cursor"].startswith("x.") and place[0] >= place[1], (body["cursor"], cursor)
    return True
