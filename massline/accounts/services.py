"""Resident registration by real name + phone, verified by an SMS code."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from massline.accounts.models import PhoneCode, User, hash_secret, phone_validator
from massline.accounts.sms import send_sms
from massline.core.audit import audit
from massline.core.errors import InvalidInput

CODE_TTL = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 5


def _check_phone(phone: str) -> str:
    phone = (phone or "").strip()
    try:
        phone_validator(phone)
    except ValidationError:
        raise InvalidInput(
            "请输入11位中国大陆手机号码。", field="phone", code="invalid_phone"
        ) from None
    return phone


def send_code(phone: str, purpose: str = "register") -> None:
    phone = _check_phone(phone)
    now = timezone.now()
    recent = PhoneCode.objects.filter(phone=phone, created_at__gt=now - RESEND_AFTER).exists()
    if recent:
        raise InvalidInput("验证码已发送，请60秒后再试。", field="phone", code="too_soon")
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        sent = PhoneCode.objects.create(
            phone=phone, code_hash=hash_secret(code), purpose=purpose, expires_at=now + CODE_TTL
        )
        audit("account.sms_code_sent", target=sent, phone=phone[:3] + "****" + phone[-4:])
    send_sms(phone, f"【网上群众路线】您的验证码是{code}，10分钟内有效。")


def register_resident(phone: str, code: str, real_name: str, password: str) -> User:
    phone = _check_phone(phone)
    real_name = (real_name or "").strip()
    if not 2 <= len(real_name) <= 30:
        raise InvalidInput("请填写真实姓名（2至30字）。", field="real_name", code="invalid")
    if len(password or "") < 8:
        raise InvalidInput("密码至少8位。", field="password", code="too_short")
    now = timezone.now()
    with transaction.atomic():
        pending = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if pending is None or pending.attempts >= MAX_ATTEMPTS:
            raise InvalidInput("验证码已失效，请重新获取。", field="code", code="expired")
        if pending.code_hash != hash_secret((code or "").strip()):
            PhoneCode.objects.filter(pk=pending.pk).update(attempts=pending.attempts + 1)
            raise InvalidInput("验证码不正确。", field="code", code="wrong_code")
        if User.objects.filter(phone=phone).exists():
            raise InvalidInput("该手机号已注册，请直接登录。", field="phone", code="taken")
        pending.used_at = now
        pending.save(update_fields=["used_at"])
        user = User(username=phone, phone=phone, real_name=real_name, phone_verified_at=now)
        user.set_password(password)
        user.save()
        audit("account.registered", actor=user, target=user)
    return user
