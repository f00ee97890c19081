"""Web sessions are devices too: recorded at sign-in with a length by role, listed on
"Thiết bị đã đăng nhập", ended by sign-out, and revocable from another device (that
browser is signed out at its next request)."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from outreach.accounts.services import device_token_issue
from outreach.audit.models import AuditEvent
from outreach.models import DeviceToken, Role, WebSession

from .fixtures import make_user

ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0.0.0 Mobile Safari/537.36")  # fmt: skip
IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/17.5 Mobile/15E148 Safari/604.1")  # fmt: skip
DEVICES = "/tai-khoan/thiet-bi/"


def signed_in_browser(username: str, user_agent: str = ANDROID_CHROME) -> Client:
    client = Client(HTTP_USER_AGENT=user_agent)
    response = client.post("/accounts/login/", {"username": username, "password": "matkhau-123"})
    assert response.status_code == 302
    return client


def is_signed_in(client) -> bool:
    return client.get(DEVICES).status_code == 200


def test_it_lists_the_browser_signed_in_with_its_last_use_and_expiry(world):
    client = signed_in_browser("alice")
    row = WebSession.objects.get(user=world.alice)
    page = client.get(DEVICES).content.decode()
    assert "Chrome · Android" in page and "thiết bị bạn đang dùng" in page
    expires = timezone.localtime(row.expires_at).strftime("%d/%m/%Y %H:%M")
    assert f"Hết hạn: {expires}" in page
    assert re.search(r"Dùng lần cuối: \d\d/\d\d/\d{4} \d\d:\d\d", page)


def test_it_lists_tokens_beside_web_sessions(world):
    device_token_issue(user=world.alice, device="Máy tính bảng của tổ")
    page = signed_in_browser("alice").get(DEVICES).content.decode()
    assert "Máy tính bảng của tổ" in page and "mã truy cập" in page


@pytest.mark.parametrize("who, length", [
    ("alice", datetime.timedelta(days=90)),
    ("leader", datetime.timedelta(days=30)),
    ("police", datetime.timedelta(hours=12)),
    ("province", datetime.timedelta(hours=12)),
])  # fmt: skip
def test_it_keeps_a_session_as_long_as_the_role_allows(world, who, length):
    client = signed_in_browser(who)
    assert client.session.get_expiry_age() == int(length.total_seconds())
    row = WebSession.objects.get(user__username=who)
    assert abs(row.expires_at - (timezone.now() + length)) < datetime.timedelta(minutes=1)
    cookie = client.cookies["sessionid"]
    assert int(cookie["max-age"]) == int(length.total_seconds())


def test_it_gives_a_field_member_who_is_also_police_the_police_length(world):
    from outreach.models import RoleGrant

    RoleGrant.objects.create(user=world.alice, area=world.commune, role=Role.COMMUNE_POLICE)
    assert signed_in_browser("alice").session.get_expiry_age() == 12 * 3600


def test_it_signs_out_a_revoked_browser_at_its_next_request(world):
    lost_phone = signed_in_browser("alice")
    other = signed_in_browser("alice", IPHONE_SAFARI)
    lost = WebSession.objects.get(user=world.alice, label="Chrome · Android")
    assert other.post(f"{DEVICES}web/{lost.id}/dang-xuat/").status_code == 302
    assert not is_signed_in(lost_phone)
    assert lost_phone.get("/app/session").status_code == 401
    assert is_signed_in(other)
    assert "Chrome · Android" not in other.get(DEVICES).content.decode()


def test_it_signs_out_here_when_revoking_this_browser(world):
    client = signed_in_browser("alice")
    row = WebSession.objects.get(user=world.alice)
    assert client.post(f"{DEVICES}web/{row.id}/dang-xuat/")["Location"] == "/accounts/login/"
    assert not is_signed_in(client)
    assert WebSession.objects.get().ended_at is not None


def test_it_ends_the_session_at_sign_out(world):
    client = signed_in_browser("alice")
    client.post("/accounts/logout/")
    assert WebSession.objects.get(user=world.alice).ended_at is not None
    assert "Chrome · Android" not in signed_in_browser("alice", IPHONE_SAFARI).get(DEVICES).content.decode()


def test_it_revokes_a_token_from_the_page(world):
    key = device_token_issue(user=world.alice, device="script").key
    client = signed_in_browser("alice")
    token = DeviceToken.objects.get()
    client.post(f"{DEVICES}token/{token.id}/dang-xuat/")
    assert DeviceToken.objects.get().revoked_at is not None
    response = Client().get("/api/v1/sync/pull", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "bad_token"


def test_it_does_not_revoke_another_users_device(world):
    bobs = signed_in_browser("bob")
    row = WebSession.objects.get(user=world.bob)
    response = signed_in_browser("alice").post(f"{DEVICES}web/{row.id}/dang-xuat/", follow=True)
    assert "Không tìm thấy thiết bị này" in response.content.decode()
    assert is_signed_in(bobs)


def test_it_changes_nothing_on_a_get_or_without_csrf(world):
    signed_in_browser("alice")
    row = WebSession.objects.get(user=world.alice)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.alice)
    assert strict.get(f"{DEVICES}web/{row.id}/dang-xuat/").status_code == 405
    assert strict.post(f"{DEVICES}web/{row.id}/dang-xuat/").status_code == 403
    assert WebSession.objects.get(id=row.id).ended_at is None


def test_it_lets_the_areas_police_find_a_user_and_sign_out_their_phone(world):
    phone = signed_in_browser("alice")
    officer = signed_in_browser("police")
    found = officer.get(DEVICES, {"q": "ali"}).content.decode()
    assert f"/nguoi-dung/{world.alice.id}/" in found
    page = officer.get(f"{DEVICES}nguoi-dung/{world.alice.id}/").content.decode()
    assert "Chrome · Android" in page and "Không bị khoá đăng nhập." in page
    row = WebSession.objects.get(user=world.alice)
    assert officer.post(f"{DEVICES}nguoi-dung/{world.alice.id}/web/{row.id}/dang-xuat/").status_code == 302
    assert not is_signed_in(phone)
    # Written to the audit log under alice's area, as the police officer's act.
    (event,) = AuditEvent.objects.filter(action="device_revoke")
    assert (event.username, event.object_id, event.path) == ("police", str(world.alice.id), world.group1.path)


def test_it_hides_other_areas_users_from_the_police(world):
    signed_in_browser("dave")
    officer = signed_in_browser("police")
    found = officer.get(DEVICES, {"q": "dave"}).content.decode()
    assert f"/nguoi-dung/{world.dave.id}/" not in found
    assert "Không tìm thấy người dùng nào trong địa bàn của bạn." in found
    row = WebSession.objects.get(user=world.dave)
    assert officer.post(f"{DEVICES}nguoi-dung/{world.dave.id}/web/{row.id}/dang-xuat/").status_code == 404
    assert WebSession.objects.get(id=row.id).ended_at is None


def test_it_shows_no_search_to_users_who_do_not_manage_accounts(world):
    page = signed_in_browser("leader").get(DEVICES, {"q": "alice"}).content.decode()
    assert 'name="q"' not in page and f"/nguoi-dung/{world.alice.id}/" not in page


def test_it_lets_an_admin_manage_every_user(world):
    make_user("quantri", area=world.province, role=Role.ADMIN)
    signed_in_browser("dave")
    page = signed_in_browser("quantri").get(f"{DEVICES}nguoi-dung/{world.dave.id}/").content.decode()
    assert "Chrome · Android" in page


def test_it_records_a_session_signed_in_before_devices_were_recorded(world):
    client = signed_in_browser("police")
    WebSession.objects.all().delete()
    session = client.session
    for key in ("_device_id", "_device_key", "_device_seen"):
        del session[key]
    session.set_expiry(90 * 24 * 3600)
    session.save()
    assert is_signed_in(client)
    assert WebSession.objects.get(user=world.police).label == "Chrome · Android"
    assert client.session.get_expiry_age() == 12 * 3600


def test_it_links_the_devices_page_from_the_home_page(world):
    assert f'href="{DEVICES}"' in signed_in_browser("alice").get("/").content.decode()
