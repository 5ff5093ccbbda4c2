"""Staff two-factor (TOTP): administrators need it for the admin, other staff may enrol."""

from base64 import b32decode
from datetime import timedelta
from io import StringIO
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from massline.core.models import AuditEvent
from tests.conftest import PASSWORD


def _code(secret: str, drift: int = 0) -> str:
    return f"{totp(b32decode(secret), drift=drift):06d}"


def _session(username):
    client = Client()
    res = client.post(
        "/api/v1/auth/login",
        {"username": username, "password": PASSWORD},
        content_type="application/json",
    )
    assert res.status_code == 200, res.content.decode()
    return client


def _admin_login(client, username, token=""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": PASSWORD, "otp_token": token},
    )


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED_FOR_ADMINS = True


def test_an_administrator_without_a_second_factor_cannot_use_the_admin(people, required):
    client = Client()
    res = _admin_login(client, "admin")
    assert res.status_code == 200 and "须先绑定身份验证器" in res.content.decode()
    assert client.get("/admin/").status_code == 302

    session = _session("admin")
    assert session.get("/admin/").status_code == 302


def test_an_administrator_enrols_then_logs_in_to_the_admin_with_a_code(people, required):
    session = _session("admin")
    enrol = session.post("/api/v1/auth/totp")
    assert enrol.status_code == 201
    body = enrol.json()
    uri = urlparse(body["otpauth_uri"])
    assert uri.scheme == "otpauth" and parse_qs(uri.query)["secret"] == [body["secret"]]

    wrong = session.post(
        "/api/v1/auth/totp/verify", {"token": "000000"}, content_type="application/json"
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "token"
    throttled = session.post(
        "/api/v1/auth/totp/verify",
        {"token": _code(body["secret"])},
        content_type="application/json",
    )
    assert throttled.status_code == 422 and "稍后再试" in throttled.json()["message"]
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        ok = session.post(
            "/api/v1/auth/totp/verify",
            {"token": _code(body["secret"])},
            content_type="application/json",
        )
    assert ok.status_code == 200 and ok.json()["second_factor_verified"] is True
    assert session.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="account.totp_enrolled", actor=people.admin).exists()

    again = session.post("/api/v1/auth/totp")
    assert again.status_code == 409

    fresh = Client()
    assert "请输入身份验证器" in _admin_login(fresh, "admin").content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=40)):
        res = _admin_login(fresh, "admin", _code(body["secret"]))
        assert res.status_code == 302 and fresh.get("/admin/").status_code == 200
        replayed = _admin_login(Client(), "admin", _code(body["secret"]))
    assert "动态验证码不正确" in replayed.content.decode()


def test_other_staff_may_go_without_but_once_enrolled_must_use_it(people, required):
    people.city_dispatcher.is_staff = True
    people.city_dispatcher.save()
    client = Client()
    assert _admin_login(client, "hg_dispatch").status_code == 302
    assert client.get("/admin/").status_code == 200

    session = _session("hg_dispatch")
    secret = session.post("/api/v1/auth/totp").json()["secret"]
    session.post(
        "/api/v1/auth/totp/verify", {"token": _code(secret)}, content_type="application/json"
    )
    later = Client()
    assert "请输入身份验证器" in _admin_login(later, "hg_dispatch").content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=40)):
        assert _admin_login(later, "hg_dispatch", _code(secret)).status_code == 302


def test_residents_cannot_enrol(people):
    assert _session("13800000001").post("/api/v1/auth/totp").status_code == 403


def test_the_enrol_command_prints_a_usable_secret(people, required):
    out = StringIO()
    call_command("totp_enrol", "admin", stdout=out)
    secret = out.getvalue().split("密钥（手动录入）：")[1].split()[0]
    client = Client()
    assert _admin_login(client, "admin", _code(secret)).status_code == 302
    assert client.get("/admin/").status_code == 200
    device = TOTPDevice.objects.get(user=people.admin)
    qr = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert qr.status_code == 200 and qr["Content-Type"].startswith("image/svg+xml")
