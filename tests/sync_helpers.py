"""Building pushed visits the way the phone does."""

import datetime
import json
import uuid

from django.test import Client

DEVICE_TIME = "2026-11-20T18:30:00+07:00"


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
