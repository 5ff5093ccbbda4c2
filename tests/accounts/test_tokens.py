"""API tokens expire, owners list and revoke them, and logout ends what it was called with."""

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from massline.accounts.models import ApiToken
from massline.core.models import AuditEvent
from tests.conftest import PASSWORD


def _issue(username="13800000001", name="手机"):
    res = Client().post(
        "/api/v1/auth/tokens",
        {"username": username, "password": PASSWORD, "name": name},
        content_type="application/json",
    )
    assert res.status_code == 201, res.content.decode()
    return res.json()


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_token_stops_working_when_it_expires(people, settings):
    settings.API_TOKEN_DAYS = 30
    issued = _issue()
    assert Client().get("/api/v1/auth/me", headers=_bearer(issued["token"])).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        res = Client().get("/api/v1/auth/me", headers=_bearer(issued["token"]))
    assert res.status_code == 401 and res.json()["message"] == "请先登录。"


def test_a_user_lists_and_revokes_only_their_own_tokens(people):
    phone = _issue(name="手机")
    laptop = _issue(name="电脑")
    other = _issue("13800000002", name="邻居")
    listed = Client().get("/api/v1/auth/tokens", headers=_bearer(phone["token"])).json()
    assert {t["name"] for t in listed} == {"手机", "电脑"}
    assert [t["current"] for t in listed if t["name"] == "手机"] == [True]
    assert all("token" not in t for t in listed)

    other_id = ApiToken.objects.get(prefix=other["prefix"]).pk
    res = Client().delete(f"/api/v1/auth/tokens/{other_id}", headers=_bearer(phone["token"]))
    assert res.status_code == 404
    assert Client().get("/api/v1/auth/me", headers=_bearer(other["token"])).status_code == 200

    laptop_id = ApiToken.objects.get(prefix=laptop["prefix"]).pk
    res = Client().delete(f"/api/v1/auth/tokens/{laptop_id}", headers=_bearer(phone["token"]))
    assert res.status_code == 204
    assert Client().get("/api/v1/auth/me", headers=_bearer(laptop["token"])).status_code == 401
    assert AuditEvent.objects.filter(action="account.token_revoked").count() == 1


def test_logout_with_a_bearer_token_revokes_that_token_without_csrf(people):
    issued = _issue()
    client = Client(enforce_csrf_checks=True)
    assert client.post("/api/v1/auth/logout", headers=_bearer(issued["token"])).status_code == 204
    assert Client().get("/api/v1/auth/me", headers=_bearer(issued["token"])).status_code == 401


def test_session_logout_needs_the_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.get("/api/docs")
    login = client.post(
        "/api/v1/auth/login",
        {"username": "13800000001", "password": PASSWORD},
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert login.status_code == 200
    forged = client.post("/api/v1/auth/logout")
    assert forged.status_code == 403
    assert client.get("/api/v1/auth/me").status_code == 200

    token = client.cookies["csrftoken"].value
    assert client.post("/api/v1/auth/logout", headers={"X-CSRFToken": token}).status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401
