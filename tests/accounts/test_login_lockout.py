"""Brute force: after too many wrong passwords the account, or the address, is locked out for a
while, on the API login, the token endpoint and the admin login; each lockout is audited."""

import pytest
from django.test import Client

from massline.core.models import AuditEvent
from tests.conftest import PASSWORD


def _post(client, path, data):
    return client.post(path, data, content_type="application/json")


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 5
    return 5


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/tokens"])
def test_the_right_password_is_refused_once_the_account_is_locked_out(people, limit, path):
    client = Client()
    wrong = {"username": "13800000001", "password": "guess-2026"}
    answers = [_post(client, path, wrong) for _ in range(limit)]
    assert [r.status_code for r in answers[:-1]] == [422] * (limit - 1)
    assert answers[-1].status_code == 429

    res = _post(Client(REMOTE_ADDR="198.51.100.20"), path, {**wrong, "password": PASSWORD})
    assert res.status_code == 429, res.content.decode()
    body = res.json()
    assert body["code"] == "locked_out" and body["field"] is None
    assert "15 分钟后再试" in body["message"] and res["Retry-After"] == "900"
    events = AuditEvent.objects.filter(action="account.locked_out").order_by("id")
    assert {e.target_id for e in events} == {str(people.resident.pk)}
    assert [e.data["ip_address"] for e in events] == ["127.0.0.1", "198.51.100.20"]
    assert {e.data["path"] for e in events} == {path}


def test_one_address_trying_many_accounts_is_locked_out(people, limit):
    client = Client(REMOTE_ADDR="203.0.113.66")
    names = ["13800000001", "13800000002", "hz_dispatch", "hz_urban", "hg_leader"]
    for name in names:
        _post(client, "/api/v1/auth/login", {"username": name, "password": "guess-2026"})
    res = _post(client, "/api/v1/auth/login", {"username": "hz_env", "password": PASSWORD})
    assert res.status_code == 429 and res.json()["code"] == "locked_out"
    elsewhere = _post(Client(), "/api/v1/auth/login", {"username": "hz_env", "password": PASSWORD})
    assert elsewhere.status_code == 200


def test_logging_in_to_ones_own_account_between_guesses_does_not_lift_the_limit(people, limit):
    attacker = Client(REMOTE_ADDR="203.0.113.77")
    own = {"username": "13800000002", "password": PASSWORD}
    for _ in range(limit - 1):
        _post(attacker, "/api/v1/auth/login", {"username": "hz_urban", "password": "guess-2026"})
        assert _post(attacker, "/api/v1/auth/login", own).status_code == 200
    _post(attacker, "/api/v1/auth/login", {"username": "hz_urban", "password": "guess-2026"})
    res = _post(Client(), "/api/v1/auth/login", {"username": "hz_urban", "password": PASSWORD})
    assert res.status_code == 429


def test_guesses_by_phone_and_by_username_count_against_one_account(people, limit):
    people.handler.phone = "13700000009"
    people.handler.save()
    for i in range(limit):
        name = "13700000009" if i % 2 else "hz_urban"
        client = Client(REMOTE_ADDR=f"192.0.2.{i + 1}")
        _post(client, "/api/v1/auth/login", {"username": name, "password": "guess-2026"})
    res = _post(Client(), "/api/v1/auth/login", {"username": "13700000009", "password": PASSWORD})
    assert res.status_code == 429


def test_the_admin_login_locks_out_too(people, limit):
    client = Client()
    for _ in range(limit):
        client.post("/admin/login/", {"username": "admin", "password": "guess-2026"})
    res = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    assert res.status_code == 429
    assert "登录失败次数过多" in res.content.decode()
    assert client.get("/admin/").status_code == 302
    assert AuditEvent.objects.filter(action="account.locked_out").exists()
