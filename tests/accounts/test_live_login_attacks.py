"""Black box over real HTTP against a live server: password guessing ends in a lockout, another
site cannot log a visitor's browser into an account (login CSRF), the docs page's CSRF cookie
works after logging in, and a bearer logout kills the token."""

import json

import pytest

from massline.accounts.models import User
from tests.conftest import PASSWORD
from tests.live import Browser

pytestmark = pytest.mark.django_db(transaction=True)

FORGED = b'{"username":"13800000002","password":"' + PASSWORD.encode() + b'","x":"="}'
"""What `<form enctype="text/plain">` with one field named `{"username":…,"x":"` and the value
`"}` sends: a body that parses as JSON."""


def test_guessing_a_password_over_http_ends_in_a_lockout(live_server, people, settings):
    settings.AXES_FAILURE_LIMIT = 5
    browser = Browser(live_server.url)
    csrf = browser.csrf()
    for _ in range(5):
        browser.call("POST", "/api/v1/auth/login", {"username": "hz_urban", "password": "x1"}, csrf)
    status, headers, raw = browser.call(
        "POST", "/api/v1/auth/login", {"username": "hz_urban", "password": PASSWORD}, csrf
    )
    assert status == 429 and headers["Retry-After"] == "900"
    assert json.loads(raw)["code"] == "locked_out"
    status, _, _ = browser.call(
        "POST", "/api/v1/auth/tokens", {"username": "hz_urban", "password": PASSWORD}
    )
    assert status == 429


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/register"])
def test_another_sites_text_plain_form_cannot_log_a_visitor_in(live_server, people, path):
    victim = Browser(live_server.url)
    status, _, raw = victim.raw(
        "POST", path, FORGED, "text/plain", {"Origin": "https://evil.example"}
    )
    assert status == 415
    answer = json.loads(raw)
    assert answer["code"] == "unsupported_media_type" and answer["field"] == "Content-Type"
    assert victim.cookie("sessionid") is None
    assert victim.call("GET", "/api/v1/auth/me")[0] == 401


def test_a_json_login_without_the_csrf_token_starts_no_session(live_server, people):
    victim = Browser(live_server.url)
    status, _, raw = victim.call(
        "POST", "/api/v1/auth/login", {"username": "13800000002", "password": PASSWORD}
    )
    assert status == 403 and json.loads(raw)["code"] == "csrf_failed"
    assert victim.cookie("sessionid") is None
    assert User.objects.get(phone="13800000002").last_login is None


def test_a_json_registration_without_the_csrf_token_creates_no_account(live_server, people):
    browser = Browser(live_server.url)
    body = {"phone": "13655554444", "code": "123456", "real_name": "王小二", "password": "x" * 12}
    status, _, raw = browser.call("POST", "/api/v1/auth/register", body)
    assert status == 403 and json.loads(raw)["code"] == "csrf_failed"
    assert not User.objects.filter(phone="13655554444").exists()


def test_a_docs_page_session_can_post_and_log_out_with_the_cookie_token(live_server, people):
    browser = Browser(live_server.url)
    status, _, _ = browser.call("GET", "/api/docs")
    assert status == 200 and browser.cookie("csrftoken")
    status, _, _ = browser.call(
        "POST",
        "/api/v1/auth/login",
        {"username": "13800000001", "password": PASSWORD},
        browser.csrf(),
    )
    assert status == 200
    status, _, _ = browser.call("POST", "/api/v1/auth/logout")
    assert status == 403
    token = {"X-CSRFToken": browser.cookie("csrftoken")}
    assert browser.call("POST", "/api/v1/auth/logout", headers=token)[0] == 204
    assert browser.call("GET", "/api/v1/auth/me")[0] == 401


def test_a_bearer_logout_kills_the_token_over_http(live_server, people):
    browser = Browser(live_server.url)
    _, _, raw = browser.call(
        "POST", "/api/v1/auth/tokens", {"username": "13800000002", "password": PASSWORD}
    )
    bearer = {"Authorization": "Bearer " + json.loads(raw)["token"]}
    assert browser.call("GET", "/api/v1/auth/me", headers=bearer)[0] == 200
    assert browser.call("POST", "/api/v1/auth/logout", headers=bearer)[0] == 204
    assert browser.call("GET", "/api/v1/auth/me", headers=bearer)[0] == 401
