"""A resident who forgot their password, or whose account a dispatcher opened for a call,
sets one with a code sent to their phone; every old session and token stops working."""

from django.test import Client

from massline.accounts.models import ApiToken, User
from massline.accounts.sms import MemoryBackend
from massline.core.models import AuditEvent


def _post(client, path, data, **extra):
    return client.post(path, data, content_type="application/json", **extra)


def _last_code() -> str:
    _, text = MemoryBackend.outbox[-1]
    return "".join(ch for ch in text if ch.isdigit())[:6]


def test_a_resident_resets_the_password_by_sms_and_old_tokens_stop_working(people):
    resident = people.resident
    _, raw = ApiToken.issue(resident, "phone")
    client = Client()
    assert (
        _post(
            client, "/api/v1/auth/sms-code", {"phone": "13800000001", "purpose": "reset"}
        ).status_code
        == 202
    )
    assert "重设密码" in MemoryBackend.outbox[-1][1]
    res = _post(
        client,
        "/api/v1/auth/password-reset",
        {"phone": "13800000001", "code": _last_code(), "password": "new-secret-2026"},
    )
    assert res.status_code == 204, res.content.decode()
    login = _post(
        client, "/api/v1/auth/login", {"username": "13800000001", "password": "new-secret-2026"}
    )
    assert login.status_code == 200
    me = Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 401
    assert AuditEvent.objects.filter(action="account.password_reset").count() == 1


def test_a_registration_code_does_not_reset_a_password(people):
    client = Client()
    _post(client, "/api/v1/auth/sms-code", {"phone": "13800000001"})
    res = _post(
        client,
        "/api/v1/auth/password-reset",
        {"phone": "13800000001", "code": _last_code(), "password": "new-secret-2026"},
    )
    assert res.status_code == 422 and res.json()["field"] == "code"


def test_wrong_reset_codes_are_counted_and_a_weak_password_names_the_field(people):
    client = Client()
    _post(client, "/api/v1/auth/sms-code", {"phone": "13800000001", "purpose": "reset"})
    right = _last_code()
    wrong = "000000" if right != "000000" else "111111"
    weak = _post(
        client,
        "/api/v1/auth/password-reset",
        {"phone": "13800000001", "code": right, "password": "12345678"},
    )
    assert weak.status_code == 422 and weak.json()["field"] == "password"
    miss = _post(
        client,
        "/api/v1/auth/password-reset",
        {"phone": "13800000001", "code": wrong, "password": "new-secret-2026"},
    )
    assert miss.status_code == 422 and "还可尝试 4 次" in miss.json()["message"]
    assert User.objects.get(phone="13800000001").check_password("new-secret-2026") is False


def test_a_caller_whose_account_a_dispatcher_opened_sets_a_password_and_sees_the_appeal(
    api, people
):
    call = {
        "kind": "complaint",
        "title": "东湖街道路面塌陷",
        "body": "东湖路与八一路口路面塌陷一个大坑，夜里有电动车摔倒，请尽快修复。",
        "region_code": "421102001",
        "channel": "hotline",
        "contact_name": "刘大爷",
        "contact_phone": "13677778888",
    }
    tn = api(people.county_dispatcher).post("/api/v1/appeals/on-behalf", call).json()["tracking_no"]
    client = Client()
    _post(client, "/api/v1/auth/sms-code", {"phone": "13677778888", "purpose": "reset"})
    res = _post(
        client,
        "/api/v1/auth/password-reset",
        {"phone": "13677778888", "code": _last_code(), "password": "liu-daye-2026"},
    )
    assert res.status_code == 204, res.content.decode()
    assert (
        _post(
            client, "/api/v1/auth/login", {"username": "13677778888", "password": "liu-daye-2026"}
        ).status_code
        == 200
    )
    mine = client.get("/api/v1/appeals", {"mine": "true"}).json()
    assert [a["tracking_no"] for a in mine["results"]] == [tn]
