"""Black box over real HTTP against a live server: password guessing ends in a lockout, the
docs page's CSRF cookie works after logging in, and a bearer logout kills the token."""

import http.cookiejar
import json
import urllib.error
import urllib.request

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


class Browser:
    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)

    def call(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        req.add_header("Referer", self.base + "/api/docs")
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        try:
            with self.opener.open(req, timeout=30) as res:
                raw = res.read()
                return res.status, dict(res.headers), raw
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()


def test_guessing_a_password_over_http_ends_in_a_lockout(live_server, people, settings):
    settings.AXES_FAILURE_LIMIT = 5
    browser = Browser(live_server.url)
    for _ in range(5):
        browser.call("POST", "/api/v1/auth/login", {"username": "hz_urban", "password": "x1"})
    status, headers, raw = browser.call(
        "POST", "/api/v1/auth/login", {"username": "hz_urban", "password": PASSWORD}
    )
    assert status == 429 and headers["Retry-After"] == "900"
    assert json.loads(raw)["code"] == "locked_out"
    status, _, _ = browser.call(
        "POST", "/api/v1/auth/tokens", {"username": "hz_urban", "password": PASSWORD}
    )
    assert status == 429


def test_a_docs_page_session_can_post_and_log_out_with_the_cookie_token(live_server, people):
    browser = Browser(live_server.url)
    status, _, _ = browser.call("GET", "/api/docs")
    assert status == 200 and browser.cookie("csrftoken")
    status, _, _ = browser.call(
        "POST", "/api/v1/auth/login", {"username": "13800000001", "password": PASSWORD}
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
