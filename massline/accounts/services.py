"""Resident registration by real name + phone, verified by an SMS code; password reset by code."""

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from massline.accounts.models import ApiToken, PhoneCode, User, hash_secret, phone_validator
from massline.accounts.sms import send_sms
from massline.core.audit import audit
from massline.core.errors import ChallengeRequired, InvalidInput, RateLimited

CODE_TTL = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 5
WINDOW = timedelta(hours=1)
CHALLENGE_TTL = 600
CHALLENGE_SALT = "massline.accounts.sms-challenge"
DIGITS = "零一二三四五六七八九十"
PURPOSES = {"register": "注册", "reset": "重设密码"}
T = TypeVar("T")


def _check_phone(phone: str) -> str:
    phone = (phone or "").strip()
    try:
        phone_validator(phone)
    except ValidationError:
        raise InvalidInput(
            "请输入11位中国大陆手机号码。", field="phone", code="invalid_phone"
        ) from None
    return phone


def _numeral(n: int) -> str:
    return DIGITS[n] if n <= 10 else "十" + DIGITS[n - 10]


def new_challenge() -> dict:
    """An arithmetic question in Chinese numerals and a signed token that carries a keyed hash
    of its answer (not the answer: the token is signed, not encrypted). It stops scripts that
    send codes blindly; it is not a CAPTCHA and a determined program can answer it."""
    a, b = secrets.randbelow(9) + 2, secrets.randbelow(9) + 2
    ident = secrets.token_hex(16)
    token = signing.dumps({"id": ident, "h": _answer_hash(ident, a + b)}, salt=CHALLENGE_SALT)
    return {"token": token, "question": f"{_numeral(a)}加{_numeral(b)}等于几？（请填阿拉伯数字）"}


def _answer_hash(ident: str, answer: int) -> str:
    return salted_hmac(CHALLENGE_SALT, f"{ident}:{answer}").hexdigest()


def _solved_challenge(token: str | None, answer: str | None) -> str | None:
    """The challenge id if `answer` answers the challenge `token`, else None."""
    if not token or not (answer or "").strip().isdigit():
        return None
    try:
        data = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_TTL)
    except signing.BadSignature:
        return None
    expected = _answer_hash(str(data.get("id")), int(answer.strip()))
    return str(data["id"]) if constant_time_compare(expected, str(data.get("h"))) else None


def _retry_text(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return f"{minutes} 分钟后"


def send_code(
    phone: str,
    purpose: str = "register",
    *,
    client_ip: str = "",
    challenge_token: str | None = None,
    challenge_answer: str | None = None,
) -> None:
    """Send a code, within the limits: one a minute per phone; SMS_PER_ADDRESS_PER_HOUR per
    client address and SMS_PER_HOUR in all; an answered challenge once an address has asked
    for SMS_CHALLENGE_AFTER codes within the hour. Counting sent rows holds across processes."""
    phone = _check_phone(phone)
    now = timezone.now()
    if PhoneCode.objects.filter(phone=phone, created_at__gt=now - RESEND_AFTER).exists():
        raise RateLimited(
            "验证码已发送，请60秒后再试。", field="phone", code="too_soon", retry_after=60
        )
    window = PhoneCode.objects.filter(created_at__gt=now - WINDOW)
    if window.count() >= settings.SMS_PER_HOUR:
        raise RateLimited(
            "短信发送量已达本平台每小时上限，请稍后再试。", code="sms_busy", retry_after=600
        )
    from_here = window.filter(client_ip=client_ip).order_by("created_at")
    sent_here = from_here.count()
    if sent_here >= settings.SMS_PER_ADDRESS_PER_HOUR:
        oldest = from_here.values_list("created_at", flat=True).first()
        wait = int((oldest + WINDOW - now).total_seconds()) + 1
        raise RateLimited(
            f"本网络地址一小时内获取验证码已达 {settings.SMS_PER_ADDRESS_PER_HOUR} 次上限，"
            f"请 {_retry_text(wait)}再试。",
            code="rate_limited",
            retry_after=wait,
        )
    challenge_id = None
    if sent_here >= settings.SMS_CHALLENGE_AFTER:
        challenge_id = _solved_challenge(challenge_token, challenge_answer)
        if challenge_id is None:
            answered = bool(challenge_token or challenge_answer)
            raise ChallengeRequired(
                "答案不正确，请回答新的问题。" if answered else "请先回答问题再获取验证码。",
                challenge=new_challenge(),
                code="wrong_challenge" if answered else "challenge_required",
            )
    code = f"{secrets.randbelow(10**6):06d}"
    try:
        with transaction.atomic():
            sent = PhoneCode.objects.create(
                phone=phone,
                code_hash=hash_secret(code),
                purpose=purpose,
                expires_at=now + CODE_TTL,
                client_ip=client_ip,
                challenge_id=challenge_id,
            )
            audit(
                "account.sms_code_sent",
                target=sent,
                phone=phone[:3] + "****" + phone[-4:],
                client_ip=client_ip,
            )
    except IntegrityError:
        raise ChallengeRequired(
            "该问题已用过，请回答新的问题。", challenge=new_challenge(), code="wrong_challenge"
        ) from None
    send_sms(phone, f"【网上群众路线】您正在{PURPOSES[purpose]}，验证码{code}，10分钟内有效。")


def check_password_strength(password: str, user: User) -> None:
    try:
        validate_password(password or "", user=user)
    except ValidationError as exc:
        raise InvalidInput("".join(exc.messages), field="password", code="weak_password") from None


def _with_code(phone: str, code: str, purpose: str, then: Callable[[datetime], T]) -> T:
    """Check the newest pending code sent to `phone` for `purpose`; if right, mark it used and
    run `then(now)` in the same transaction. A wrong guess is counted in a transaction of its
    own, committed before the error is raised, so that no rollback forgets it."""
    now = timezone.now()
    wrong_left = None
    with transaction.atomic():
        pending = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if pending is None or pending.attempts >= MAX_ATTEMPTS:
            raise InvalidInput("验证码已失效，请重新获取。", field="code", code="expired")
        if pending.code_hash != hash_secret((code or "").strip()):
            PhoneCode.objects.filter(pk=pending.pk).update(attempts=F("attempts") + 1)
            wrong_left = MAX_ATTEMPTS - pending.attempts - 1
        else:
            result = then(now)
            pending.used_at = now
            pending.save(update_fields=["used_at"])
            return result
    if wrong_left <= 0:
        raise InvalidInput("验证码错误次数过多，已失效，请重新获取。", field="code", code="expired")
    raise InvalidInput(f"验证码不正确，还可尝试 {wrong_left} 次。", field="code", code="wrong_code")


def register_resident(phone: str, code: str, real_name: str, password: str) -> User:
    phone = _check_phone(phone)
    real_name = (real_name or "").strip()
    if not 2 <= len(real_name) <= 30:
        raise InvalidInput("请填写真实姓名（2至30字）。", field="real_name", code="invalid")
    check_password_strength(password, User(username=phone, phone=phone, real_name=real_name))

    def create(now: datetime) -> User:
        if User.objects.filter(phone=phone).exists():
            raise InvalidInput(
                "该手机号已注册，请直接登录；忘记或未设置密码请用短信验证码重设。",
                field="phone",
                code="taken",
            )
        user = User(username=phone, phone=phone, real_name=real_name, phone_verified_at=now)
        user.set_password(password)
        user.save()
        audit("account.registered", actor=user, target=user)
        return user

    return _with_code(phone, code, "register", create)


def reset_password(phone: str, code: str, password: str) -> User:
    """Set a new password with a code sent to the account's phone. Every session and API token
    of the account stops working: whoever knew the old password is out."""
    phone = _check_phone(phone)
    user = User.objects.filter(phone=phone, is_active=True).first()
    check_password_strength(password, user or User(username=phone, phone=phone))

    def change(now: datetime) -> User:
        if user is None:
            raise InvalidInput("该手机号尚未注册。", field="phone", code="unknown_phone")
        user.set_password(password)
        user.phone_verified_at = user.phone_verified_at or now
        user.save(update_fields=["password", "phone_verified_at"])
        for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
            token.revoke(user)
        audit("account.password_reset", actor=user, target=user)
        return user

    return _with_code(phone, code, "reset", change)


def resident_for_phone(phone: str, real_name: str) -> User:
    """The account a caller's appeal belongs to: found by phone, or opened without a password
    (the caller sets one by SMS code to read and rate the appeal online)."""
    phone = _check_phone(phone)
    user = User.objects.filter(phone=phone).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            user = User(username=phone, phone=phone, real_name=real_name.strip()[:30])
            user.set_unusable_password()
            user.save()
            audit("account.opened_for_caller", target=user)
            return user
    except IntegrityError:
        return User.objects.get(phone=phone)
