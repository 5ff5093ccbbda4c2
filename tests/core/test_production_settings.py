"""Production settings: the app refuses the development key, and the documented production
environment passes `massline check --deploy` without a warning."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from massline.accounts.models import User

PRODUCTION = {
    "SECRET_KEY": "prod-" + "k7Qz9xW2mR4tY6uI8oP0aS3dF5gH1jL" * 2,
    "ALLOWED_HOSTS": "12345.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://12345.example.gov.cn",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "TRUSTED_PROXY_COUNT": "1",
    "SECURE_HSTS_PRELOAD": "true",
}
"""The production environment of docs/SECURITY.md (neither DEBUG nor MASSLINE_DEV set)."""


def _massline(args, env, tmp_path):
    unset = {"DEBUG", "MASSLINE_DEV", "SECRET_KEY", "DATABASE_URL"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    base.update(DJANGO_SETTINGS_MODULE="massline.settings", MASSLINE_VAR_DIR=str(tmp_path))
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "massline", *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "key",
    [None, "massline-insecure-development-key-change-me", "short-key"],
    ids=["unset", "development", "short"],
)
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, key):
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    if key is not None:
        env["SECRET_KEY"] = key
    res = _massline(["check"], env, tmp_path)
    assert res.returncode != 0
    assert "ImproperlyConfigured" in res.stderr and "SECRET_KEY" in res.stderr


@pytest.mark.parametrize("flag", ["MASSLINE_DEV", "DEBUG"])
def test_development_mode_starts_with_the_development_key(tmp_path, flag):
    res = _massline(["check"], {flag: "1"}, tmp_path)
    assert res.returncode == 0, res.stderr


def test_the_documented_production_environment_passes_the_deploy_check(tmp_path):
    res = _massline(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert res.returncode == 0, res.stderr + res.stdout
    assert "no issues" in res.stdout


def test_a_numeric_or_common_password_is_refused_in_chinese(db):
    user = User(username="13912345678", phone="13912345678", real_name="陈小红")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate_password("12345678", user=user)
    messages = " ".join(caught.value.messages)
    assert "常见" in messages and "数字" in messages, messages
    validate_password("hongxiao-2026", user=user)
