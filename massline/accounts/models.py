import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils import timezone

from massline.core.audit import audit

phone_validator = RegexValidator(
    r"^1[3-9]\d{9}$", "请输入11位中国大陆手机号码。", code="invalid_phone"
)


class User(AbstractUser):
    """A person: a resident registers with real name + phone; staff get org memberships."""

    phone = models.CharField(
        "手机号", max_length=11, unique=True, null=True, blank=True, validators=[phone_validator]
    )
    real_name = models.CharField("真实姓名", max_length=50, blank=True)
    phone_verified_at = models.DateTimeField("手机验证时间", null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def display_name(self) -> str:
        return self.real_name or self.username


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for API clients; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple["ApiToken", str]:
        raw = "ml_" + secrets.token_urlsafe(32)
        expires_at = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
        with transaction.atomic():
            token = cls.objects.create(
                user=user,
                name=name,
                key_hash=hash_secret(raw),
                prefix=raw[:8],
                expires_at=expires_at,
            )
            audit("account.token_issued", actor=user, target=token, name=name)
        return token, raw

    def revoke(self, actor) -> None:
        """Saved, not updated in bulk: the save signal empties the token caches."""
        with transaction.atomic():
            token = ApiToken.objects.select_for_update().get(pk=self.pk)
            if token.revoked_at is None:
                token.revoked_at = timezone.now()
                token.save(update_fields=["revoked_at"])
                audit("account.token_revoked", actor=actor, target=token, name=token.name)
        self.revoked_at = token.revoked_at


class PhoneCode(models.Model):
    """A one-time SMS code for registration or login; expires and counts attempts."""

    phone = models.CharField(max_length=11, db_index=True)
    code_hash = models.CharField(max_length=64)
    purpose = models.CharField(max_length=20, default="register")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    client_ip = models.CharField("请求地址", max_length=45, blank=True, default="")
    challenge_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    """The answered challenge that let this code be sent; unique, so an answer works once."""

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"
        indexes = [models.Index(fields=["created_at"]), models.Index(fields=["client_ip"])]

    def __str__(self) -> str:
        return f"{self.phone} ({self.purpose})"
