"""Staff two-factor authentication with TOTP (django-otp): who needs it, enrolment, checking."""

from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from massline.core.audit import audit
from massline.core.errors import DomainError, InvalidInput


class AlreadyEnrolled(DomainError):
    status = 409
    code = "already_enrolled"


def is_platform_admin(user) -> bool:
    from massline.orgs.models import Membership, Role

    return user.is_authenticated and (
        user.is_superuser or Membership.objects.filter(user=user, role=Role.ADMIN).exists()
    )


def confirmed_device(user) -> TOTPDevice | None:
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def second_factor_required(user) -> bool:
    """Administrators when OTP_REQUIRED_FOR_ADMINS is on; anyone who has enrolled, always."""
    if settings.OTP_REQUIRED_FOR_ADMINS and is_platform_admin(user):
        return True
    return confirmed_device(user) is not None


def start_enrolment(user) -> dict:
    """A fresh unconfirmed device; it counts only once a code from it has been verified."""
    if confirmed_device(user) is not None:
        raise AlreadyEnrolled("已绑定身份验证器；如需更换，请联系平台管理员在管理后台删除旧设备。")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
    return {
        "otpauth_uri": device.config_url,
        "secret": b32encode(device.bin_key).decode(),
        "digits": device.digits,
        "period": device.step,
    }


def verify(request, user, token: str) -> TOTPDevice:
    """Check a code: confirms a pending enrolment, and marks a session as second-factor verified."""
    token = (token or "").strip()
    device = confirmed_device(user)
    if device is None:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise InvalidInput("尚未开始绑定身份验证器。", field="token", code="not_enrolled")
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _ = device.verify_is_allowed()
        ok = allowed and token.isdigit() and device.verify_token(token)
    if not ok:
        message = "动态验证码不正确。" if allowed else "验证失败次数过多，请稍后再试。"
        raise InvalidInput(message, field="token", code="wrong_token")
    if not device.confirmed:
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit("account.totp_enrolled", actor=user, target=user)
    if not getattr(request, "token_hash", None) and request.user.is_authenticated:
        otp_login(request, device)
    return device
