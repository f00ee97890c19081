"""API tokens: one per device, stored as a hash, expiring, revocable; a lost phone's token
can be revoked without signing out the user's other devices."""

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outreach.accounts.services import device_token_issue, token_hash
from outreach.models import DeviceToken, Visit

from .sync_helpers import visit

ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0.0.0 Mobile Safari/537.36")  # fmt: skip


def obtain(client, username="alice", password="matkhau-123", **fields):
    return client.post("/api/v1/auth/token", {"username": username, "password": password, **fields})


def push_with(client, world, key):
    body = json.dumps({"visits": [visit(world, world.households_a[0])]})
    return client.post("/api/v1/sync/push", data=body, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Token {key}")  # fmt: skip


def test_it_gives_a_token_with_its_expiry_and_device(world, client):
    response = obtain(client, device="Điện thoại Lan")
    assert response.status_code == 200
    body = response.json()
    assert body["device"] == "Điện thoại Lan"
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert abs(expires - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(minutes=1)
    assert push_with(client, world, body["token"]).status_code == 200


def test_it_names_the_device_from_its_user_agent_by_default(world, client):
    response = client.post("/api/v1/auth/token", {"username": "alice", "password": "matkhau-123"},
                           HTTP_USER_AGENT=ANDROID_CHROME)  # fmt: skip
    assert response.json()["device"] == "Chrome · Android"


def test_it_stores_only_a_hash_of_the_key(world, client):
    key = obtain(client).json()["token"]
    row = DeviceToken.objects.get(user=world.alice)
    assert row.key_hash == token_hash(key) != key
    assert key not in json.dumps([str(v) for v in DeviceToken.objects.values_list()])


def test_it_refuses_a_revoked_token(world, client):
    key = device_token_issue(user=world.alice, device="script").key
    DeviceToken.objects.update(revoked_at=timezone.now())
    response = push_with(client, world, key)
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "bad_token"
    assert not Visit.objects.exists()


def test_it_refuses_an_expired_token(world, client):
    key = device_token_issue(user=world.alice, device="script").key
    DeviceToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = push_with(client, world, key)
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "bad_token"
    assert not Visit.objects.exists()


def test_it_gives_two_devices_two_tokens_and_revoking_one_keeps_the_other(world, client):
    phone = obtain(client, device="phone").json()["token"]
    laptop = obtain(client, device="laptop").json()["token"]
    assert phone != laptop
    assert DeviceToken.objects.filter(user=world.alice).count() == 2
    out = client.post("/api/v1/auth/logout", HTTP_AUTHORIZATION=f"Token {phone}")
    assert out.status_code == 204
    assert push_with(client, world, phone).json()["error"]["code"] == "bad_token"
    assert push_with(client, world, laptop).status_code == 200


def test_it_refuses_a_logout_without_a_token(world, client):
    response = client.post("/api/v1/auth/logout")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_signed_in"


def test_it_keeps_the_token_of_commune_police_no_longer_than_their_web_session(world, client):
    body = obtain(client, username="police").json()
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert abs(expires - (timezone.now() + datetime.timedelta(hours=12))) < datetime.timedelta(minutes=1)


@pytest.mark.parametrize("data, code", [
    ({"username": "alice"}, "missing_credentials"),
    ({"username": "alice", "password": "sai-mat-khau"}, "bad_credentials"),
    ({"username": "khong-co-ai", "password": "matkhau-123"}, "bad_credentials"),
])  # fmt: skip
def test_it_refuses_bad_credentials_with_a_code(world, client, data, code):
    response = client.post("/api/v1/auth/token", data)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message_vi"]
    assert not DeviceToken.objects.exists()


def test_it_refuses_malformed_json(world, client):
    response = client.post("/api/v1/auth/token", data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    response = client.post("/api/v1/auth/token", data="[1]", content_type="application/json")
    assert response.json()["error"]["code"] == "missing_credentials"
    response = client.post("/api/v1/auth/token", data="username=alice", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    response = client.post("/api/v1/auth/token", {"username": "alice\x00", "password": "matkhau-123", "device": "a\x00b"})
    assert response.json()["error"]["code"] == "missing_credentials"
    assert not DeviceToken.objects.exists()


def test_it_keeps_control_characters_out_of_the_device_name(world, client):
    assert obtain(client, device="máy\x00 của\ttổ\n1").json()["device"] == "máy của tổ 1"


def test_it_reads_the_token_in_one_statement_and_writes_its_last_use_a_few_minutes_at_a_time(world):
    key = device_token_issue(user=world.alice, device="script").key
    client = Client()
    with CaptureQueriesContext(connection) as first:
        assert push_with(client, world, key).status_code == 200
    token_statements = [q["sql"] for q in first.captured_queries if "devicetoken" in q["sql"].lower()]
    assert len(token_statements) == 2  # the read, and the first use written
    used = DeviceToken.objects.get().last_used_at
    assert used is not None
    with CaptureQueriesContext(connection) as second:
        push_with(client, world, key)
    assert len([q for q in second.captured_queries if "devicetoken" in q["sql"].lower()]) == 1
    assert DeviceToken.objects.get().last_used_at == used
    DeviceToken.objects.update(last_used_at=timezone.now() - datetime.timedelta(minutes=6))
    push_with(client, world, key)
    assert DeviceToken.objects.get().last_used_at > used
