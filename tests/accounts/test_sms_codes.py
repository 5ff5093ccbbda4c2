"""SMS codes: wrong guesses are counted for good, and sending is limited per address and in all."""

import pytest
from django.test import Client

from massline.accounts.models import PhoneCode, User
from massline.accounts.services import MAX_ATTEMPTS
from massline.accounts.sms import MemoryBackend
from massline.core.models import AuditEvent

NUMERALS = "零一二三四五六七八九十"


def _post(client, path, data, **extra):
    return client.post(path, data, content_type="application/json", **extra)


def _last_code() -> str:
    _, text = MemoryBackend.outbox[-1]
    return "".join(ch for ch in text if ch.isdigit())[:6]


def _register(client, phone, code):
    return _post(
        client,
        "/api/v1/auth/register",
        {"phone": phone, "code": code, "real_name": "陈小红", "password": "hongxiao-2026"},
    )


def _answer(question: str) -> str:
    a, b = question.split("等于")[0].split("加")
    value = lambda text: NUMERALS.index(text) if len(text) == 1 else 10 + NUMERALS.index(text[1])  # noqa: E731
    return str(value(a) + value(b))


def test_after_the_allowed_wrong_codes_even_the_right_code_no_longer_registers(db):
    client = Client()
    assert _post(client, "/api/v1/auth/sms-code", {"phone": "13912340000"}).status_code == 202
    right = _last_code()
    wrong = "000000" if right != "000000" else "111111"
    answers = [_register(client, "13912340000", wrong) for _ in range(MAX_ATTEMPTS)]
    assert [r.status_code for r in answers] == [422] * MAX_ATTEMPTS
    assert "还可尝试 4 次" in answers[0].json()["message"]
    assert answers[-1].json()["code"] == "expired"
    assert PhoneCode.objects.get(phone="13912340000").attempts == MAX_ATTEMPTS

    res = _register(client, "13912340000", right)
    assert res.status_code == 422 and res.json()["code"] == "expired"
    assert not User.objects.filter(phone="13912340000").exists()


def test_a_weak_password_is_refused_in_chinese_before_the_code_is_spent(db):
    client = Client()
    _post(client, "/api/v1/auth/sms-code", {"phone": "13912340003"})
    res = _post(
        client,
        "/api/v1/auth/register",
        {"phone": "13912340003", "code": _last_code(), "real_name": "刘洋", "password": "12345678"},
    )
    assert res.status_code == 422 and res.json()["field"] == "password"
    assert "密码" in res.json()["message"] and "common" not in res.json()["message"]
    assert _register(client, "13912340003", _last_code()).status_code == 201


def test_one_address_gets_a_question_after_a_few_codes_and_a_limit_per_hour(db, settings):
    settings.SMS_CHALLENGE_AFTER = 2
    settings.SMS_PER_ADDRESS_PER_HOUR = 4
    client = Client(REMOTE_ADDR="203.0.113.7")
    phones = [f"139000000{i:02d}" for i in range(6)]
    for phone in phones[:2]:
        assert _post(client, "/api/v1/auth/sms-code", {"phone": phone}).status_code == 202

    asked = _post(client, "/api/v1/auth/sms-code", {"phone": phones[2]})
    assert asked.status_code == 422 and asked.json()["code"] == "challenge_required"
    challenge = asked.json()["challenge"]
    assert "加" in challenge["question"] and len(MemoryBackend.outbox) == 2

    wrong = {"challenge_token": challenge["token"], "challenge_answer": "99"}
    res = _post(client, "/api/v1/auth/sms-code", {"phone": phones[2], **wrong})
    assert res.json()["code"] == "wrong_challenge" and res.json()["challenge"]["token"]

    right = {
        "challenge_token": challenge["token"],
        "challenge_answer": _answer(challenge["question"]),
    }
    assert _post(client, "/api/v1/auth/sms-code", {"phone": phones[2], **right}).status_code == 202
    reused = _post(client, "/api/v1/auth/sms-code", {"phone": phones[3], **right})
    assert reused.status_code == 422 and reused.json()["code"] == "wrong_challenge"

    fresh = reused.json()["challenge"]
    answer = {"challenge_token": fresh["token"], "challenge_answer": _answer(fresh["question"])}
    assert _post(client, "/api/v1/auth/sms-code", {"phone": phones[3], **answer}).status_code == 202

    limited = _post(client, "/api/v1/auth/sms-code", {"phone": phones[4]})
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert "分钟后再试" in limited.json()["message"] and int(limited["Retry-After"]) > 0
    assert len(MemoryBackend.outbox) == 4

    other = Client(REMOTE_ADDR="198.51.100.9")
    assert _post(other, "/api/v1/auth/sms-code", {"phone": phones[5]}).status_code == 202
    assert AuditEvent.objects.filter(action="account.sms_code_sent").count() == 5


def test_the_hourly_total_stops_every_address(db, settings):
    settings.SMS_PER_HOUR = 2
    for i, address in enumerate(["192.0.2.1", "192.0.2.2", "192.0.2.3"]):
        res = _post(
            Client(REMOTE_ADDR=address), "/api/v1/auth/sms-code", {"phone": f"1370000000{i}"}
        )
        expected = 202 if i < 2 else 429
        assert res.status_code == expected
    assert res.json()["code"] == "sms_busy"


@pytest.mark.parametrize("proxies", [0, 1])
def test_the_client_address_behind_a_trusted_proxy_is_the_one_the_proxy_saw(db, settings, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.SMS_CHALLENGE_AFTER = 1
    forwarded = {"HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.50"}
    client = Client(REMOTE_ADDR="127.0.0.1")
    _post(client, "/api/v1/auth/sms-code", {"phone": "13600000001"}, **forwarded)
    spoofed = {"HTTP_X_FORWARDED_FOR": "10.1.1.1, 203.0.113.50"}
    res = _post(client, "/api/v1/auth/sms-code", {"phone": "13600000002"}, **spoofed)
    assert res.status_code == 422 and res.json()["code"] == "challenge_required"
    expected = "203.0.113.50" if proxies else "127.0.0.1"
    assert set(PhoneCode.objects.values_list("client_ip", flat=True)) == {expected}
