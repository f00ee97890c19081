"""Guessing passwords: wrong passwords lock a username (and an address) out of the login
page and the token endpoint alike, the right password included, until the window passes
or an officer of the area unlocks it; weak passwords are refused."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client

from outreach.audit.models import AuditEvent
from outreach.models import Role, SignInFailure

from .fixtures import make_user

GOOD = "matkhau-123"


def login_page(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def token(client, username, password, **extra):
    return client.post("/api/v1/auth/token", {"username": username, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username, times, how=login_page, **extra):
    for _ in range(times):
        how(client, username, "sai-mat-khau", **extra)


def test_it_locks_the_login_page_after_five_wrong_passwords_even_for_the_right_one(world, client):
    fail(client, "alice", 4)
    response = login_page(client, "alice", "sai-mat-khau")
    assert "Hãy thử lại sau" in response.content.decode()  # the failure that locks says so
    response = login_page(client, "alice", GOOD)
    assert response.status_code == 200
    assert not signed_in(client)
    text = response.content.decode()
    assert "Đăng nhập sai quá nhiều lần nên tài khoản tạm bị khoá" in text
    assert "nhờ công an xã / phường mở khoá" in text


def test_it_says_only_wrong_password_before_the_limit(world, client):
    fail(client, "alice", 3)
    text = login_page(client, "alice", "sai-mat-khau").content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in text
    assert "thử lại sau" not in text
    assert login_page(client, "alice", GOOD).status_code == 302


def test_it_locks_the_token_endpoint_and_says_when_to_try_again(world, client):
    fail(client, "alice", 5, how=token)
    response = token(client, "alice", GOOD)
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "signin_locked"
    assert "Hãy thử lại sau" in error["message_vi"] and "Try again after" in error["message_en"]
    assert 14 * 60 <= error["retry_after"] <= 15 * 60 + 1
    assert response["Retry-After"] == str(error["retry_after"])
    assert "token" not in response.json()


def test_it_counts_the_login_page_and_the_token_endpoint_together(world, client):
    fail(client, "alice", 3)
    fail(client, "alice", 2, how=token)
    assert token(client, "alice", GOOD).status_code == 429
    assert not signed_in(client) and login_page(client, "alice", GOOD).status_code == 200


def test_it_does_not_lock_other_users(world, client):
    fail(client, "alice", 5)
    assert login_page(client, "bob", GOOD).status_code == 302


def test_it_locks_an_address_that_guesses_many_usernames(world, client, settings):
    settings.SIGNIN_FAILURES_PER_IP = 4
    for name in ("alice", "bob", "carol", "nobody"):
        login_page(client, name, "sai-mat-khau", REMOTE_ADDR="203.0.113.7")
    assert token(client, "leader", GOOD, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert token(client, "leader", GOOD, REMOTE_ADDR="203.0.113.8").status_code == 200


def test_it_reads_the_address_behind_a_trusted_proxy_only(world, client, settings):
    settings.SIGNIN_FAILURES_PER_IP = 2
    settings.SIGNIN_TRUSTED_PROXIES = 1
    behind = {"REMOTE_ADDR": "10.0.0.1"}  # the proxy
    fail(client, "nobody", 2, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7", **behind)
    # A spoofed left-hand entry changes nothing: the proxy's own entry is the client.
    assert login_page(client, "bob", GOOD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **behind).status_code == 200
    assert login_page(client, "bob", GOOD, HTTP_X_FORWARDED_FOR="203.0.113.9", **behind).status_code == 302


def test_it_lets_the_user_try_again_once_the_window_has_passed(world, client):
    fail(client, "alice", 5)
    SignInFailure.objects.update(at=F("at") - datetime.timedelta(minutes=16))
    assert login_page(client, "alice", GOOD).status_code == 302


def test_it_does_not_count_tries_made_while_locked(world, client):
    fail(client, "alice", 5)
    fail(client, "alice", 10)
    assert SignInFailure.objects.filter(username="alice").count() == 5


def test_it_forgets_earlier_typos_after_a_good_sign_in(world, client):
    fail(client, "alice", 4)
    assert login_page(client, "alice", GOOD).status_code == 302
    fail(Client(), "alice", 4)
    assert token(Client(), "alice", GOOD).status_code == 200


def page(response) -> str:
    """The page as a person reads it: the CSRF token is masked afresh on every answer."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def unlock(client, user_id):
    return client.post(f"/tai-khoan/thiet-bi/nguoi-dung/{user_id}/mo-khoa/")


def test_it_lets_the_commune_police_of_the_area_unlock_a_user(world, client):
    fail(client, "alice", 5)
    officer = Client()
    officer.force_login(world.police)
    page = officer.get("/tai-khoan/thiet-bi/").content.decode()
    assert "Đang tạm bị khoá vì đăng nhập sai nhiều lần" in page and f"/nguoi-dung/{world.alice.id}/" in page
    assert "Đang tạm bị khoá" in officer.get(f"/tai-khoan/thiet-bi/nguoi-dung/{world.alice.id}/").content.decode()
    response = unlock(officer, world.alice.id)
    assert response.status_code == 302
    assert login_page(client, "alice", GOOD).status_code == 302
    assert SignInFailure.objects.filter(username="alice").count() == 5  # cleared, still on record
    assert list(AuditEvent.objects.filter(action="signin_unlock").values_list("username", "object_id")) == [
        ("police", str(world.alice.id))]


def test_it_refuses_an_unlock_by_another_areas_police_as_if_the_user_did_not_exist(world, client):
    fail(client, "alice", 5)
    elsewhere = make_user("police_hk", area=world.other_commune, role=Role.COMMUNE_POLICE)
    officer = Client()
    officer.force_login(elsewhere)
    outside = unlock(officer, world.alice.id)
    missing = unlock(officer, User.objects.order_by("-id").first().id + 100)
    assert outside.status_code == missing.status_code == 404
    assert page(outside) == page(missing)
    assert "alice" not in page(outside)
    assert page(officer.get(f"/tai-khoan/thiet-bi/nguoi-dung/{world.alice.id}/")) == page(missing)
    assert login_page(client, "alice", GOOD).status_code == 200  # still locked


@pytest.mark.parametrize("who", ["bob", "leader", "province_user"])
def test_it_refuses_an_unlock_by_users_who_do_not_manage_accounts(world, client, who):
    fail(client, "alice", 5)
    other = Client()
    other.force_login(getattr(world, who))
    assert unlock(other, world.alice.id).status_code == 403
    assert login_page(client, "alice", GOOD).status_code == 200


def test_it_does_not_let_commune_police_manage_a_user_who_also_holds_a_role_elsewhere(world, client):
    from outreach.models import RoleGrant

    RoleGrant.objects.create(user=world.alice, area=world.other_group, role=Role.FIELD_MEMBER)
    officer = Client()
    officer.force_login(world.police)
    assert unlock(officer, world.alice.id).status_code == 404


@pytest.mark.parametrize("password", ["12345678", "password", "matkhau"])
def test_it_refuses_weak_passwords(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_it_refuses_a_password_like_the_username(db):
    user = User(username="nguyenvanbinh", first_name="Bình")
    with pytest.raises(ValidationError) as refused:
        validate_password("nguyenvanbinh1", user=user)
    assert any(e.code == "password_too_similar" for e in refused.value.error_list)


def test_it_accepts_the_demo_password(db):
    validate_password("tungnha2026", user=User(username="doivien1"))
