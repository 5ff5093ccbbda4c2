"""A resident registers with real name and phone, verified by SMS, then logs in or gets a token."""

from django.test import Client

from massline.accounts.models import User
from massline.accounts.sms import MemoryBackend
from massline.core.models import AuditEvent


def _post(client, path, data):
    return client.post(path, data, content_type="application/json")


def test_a_resident_registers_with_an_sms_code_and_can_submit(orgs):
    client = Client()
    assert _post(client, "/api/v1/auth/sms-code", {"phone": "13912340000"}).status_code == 202
    _, text = MemoryBackend.outbox[-1]
    code = "".join(ch for ch in text if ch.isdigit())[:6]
    res = _post(
        client,
        "/api/v1/auth/register",
        {"phone": "13912340000", "code": code, "real_name": "陈小红", "password": "hongxiao-2026"},
    )
    assert res.status_code == 201 and res.json()["real_name"] == "陈小红"
    user = User.objects.get(phone="13912340000")
    assert user.phone_verified_at is not None and user.check_password("hongxiao-2026")
    assert AuditEvent.objects.filter(action="account.registered", actor=user).exists()

    token = _post(
        Client(), "/api/v1/auth/tokens", {"username": "13912340000", "password": "hongxiao-2026"}
    ).json()["token"]
    me = Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["phone"] == "13912340000"
    assert AuditEvent.objects.filter(action="account.token_issued", actor=user).count() == 1


def test_a_wrong_code_or_phone_is_refused_with_the_field_named(db):
    client = Client()
    res = _post(client, "/api/v1/auth/sms-code", {"phone": "12345"})
    assert res.status_code == 422 and res.json()["field"] == "phone"
    _post(client, "/api/v1/auth/sms-code", {"phone": "13912340001"})
    res = _post(
        client,
        "/api/v1/auth/register",
        {"phone": "13912340001", "code": "000000x", "real_name": "刘洋", "password": "12345678ab"},
    )
    assert res.status_code == 422 and res.json()["field"] == "code"
    assert not User.objects.filter(phone="13912340001").exists()
    again = _post(client, "/api/v1/auth/sms-code", {"phone": "13912340001"})
    assert again.status_code == 429 and "60秒" in again.json()["message"]
    assert again["Retry-After"] == "60"


def test_a_bad_password_gets_no_token_and_a_bad_token_gets_401(people):
    res = _post(Client(), "/api/v1/auth/tokens", {"username": "13800000001", "password": "nope"})
    assert res.status_code == 422 and res.json()["message"] == "账号或密码不正确。"
    res = Client().get("/api/v1/appeals", headers={"Authorization": "Bearer ml_forged"})
    assert res.status_code == 401
