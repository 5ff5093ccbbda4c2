from datetime import datetime
from typing import Literal

from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.utils import check_csrf

from massline.accounts import services, twofactor
from massline.accounts.auth import REQUIRED, viewer
from massline.accounts.models import ApiToken
from massline.accounts.throttle import client_ip, lockout_message, lockout_seconds
from massline.core.errors import InvalidInput, NotAllowed, RateLimited
from massline.core.validation import ERRORS, LIMITED, Input
from massline.orgs.models import Membership
from massline.orgs.staff import is_staff_member

router = Router(tags=["账户"])


class PhoneIn(Input):
    phone: str = Field(max_length=20)
    purpose: Literal["register", "reset"] = Field(
        "register", description="register 注册 / reset 重设密码"
    )
    challenge_token: str | None = Field(
        None, max_length=500, description="上次答复中 challenge.token（要求回答问题时）"
    )
    challenge_answer: str | None = Field(None, max_length=10, description="问题的答案（数字）")


class RegisterIn(Input):
    phone: str = Field(max_length=20)
    code: str = Field(max_length=10)
    real_name: str = Field(max_length=50)
    password: str = Field(max_length=128)


class ResetIn(Input):
    phone: str = Field(max_length=20)
    code: str = Field(max_length=10)
    password: str = Field(max_length=128, description="新密码")


class LoginIn(Input):
    username: str = Field(max_length=150)
    password: str = Field(max_length=128)


class TokenIn(LoginIn):
    name: str = Field("", max_length=100)


class TotpIn(Input):
    token: str = Field(max_length=10, description="身份验证器上的6位数字")


class MembershipOut(Schema):
    org_id: int
    org: str
    role: str
    role_label: str


class MeOut(Schema):
    id: int
    username: str
    real_name: str
    phone: str | None
    is_staff_member: bool
    memberships: list[MembershipOut]
    csrf_token: str
    second_factor_required: bool
    second_factor_verified: bool


class TokenOut(Schema):
    token: str
    prefix: str
    expires_at: datetime


class TokenInfoOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    current: bool


class EnrolmentOut(Schema):
    otpauth_uri: str
    secret: str
    digits: int
    period: int


def _me(request, user) -> dict:
    ms = list(Membership.objects.filter(user=user).select_related("org"))
    return {
        "id": user.pk,
        "username": user.username,
        "real_name": user.real_name,
        "phone": user.phone,
        "is_staff_member": user.is_staff or is_staff_member(user),
        "memberships": [
            {
                "org_id": m.org_id,
                "org": m.org.name,
                "role": m.role,
                "role_label": m.get_role_display(),
            }
            for m in ms
        ],
        "csrf_token": get_token(request),
        "second_factor_required": twofactor.second_factor_required(user),
        "second_factor_verified": bool(getattr(user, "otp_device", None)),
    }


@router.post("sms-code", response={202: dict, **LIMITED}, summary="发送短信验证码")
def sms_code(request, payload: PhoneIn):
    """Limits: one code a minute per phone, per client address and in all per hour. Once an
    address has asked for several codes within the hour the answer is 422 `challenge_required`
    with `challenge: {token, question}`: send the request again with `challenge_token` and
    `challenge_answer`."""
    services.send_code(
        payload.phone,
        payload.purpose,
        client_ip=client_ip(request),
        challenge_token=payload.challenge_token,
        challenge_answer=payload.challenge_answer,
    )
    return Status(202, {"message": "验证码已发送。"})


def _refuse_login_csrf(request) -> None:
    """A route that starts a session checks CSRF although nobody is logged in yet: otherwise
    another site's page logs the visitor's browser into the attacker's account (login CSRF).
    Clients without a browser use `POST /auth/tokens`, which starts no session."""
    if check_csrf(request) is not None:
        raise NotAllowed(
            "安全校验失败，请刷新页面后重试（网站会话的登录须带 X-CSRFToken；客户端请用令牌）。",
            code="csrf_failed",
        )


@router.post("register", response={201: MeOut, **ERRORS}, summary="实名注册（姓名+手机号+验证码）")
def register(request, payload: RegisterIn):
    """Starts a session, so it needs the csrftoken cookie sent back as X-CSRFToken."""
    _refuse_login_csrf(request)
    user = services.register_resident(
        payload.phone, payload.code, payload.real_name, payload.password
    )
    login(request, user, backend="massline.accounts.backends.PhoneOrUsernameBackend")
    return Status(201, _me(request, user))


@router.post("password-reset", response={204: None, **ERRORS}, summary="短信验证码重设密码")
def password_reset(request, payload: ResetIn):
    """Ask for a code with `purpose: reset` first. Every session and token of the account ends."""
    services.reset_password(payload.phone, payload.code, payload.password)
    return Status(204, None)


def _check_login(request, username: str, password: str):
    """Password check through every backend, django-axes first: too many failures for the
    account or from the address answer 429 `locked_out` until the lockout ends."""
    user = authenticate(request, username=username.strip(), password=password)
    if getattr(request, "axes_locked_out", False):
        raise RateLimited(lockout_message(), code="locked_out", retry_after=lockout_seconds())
    if user is None:
        raise InvalidInput("账号或密码不正确。", field="password", code="bad_credentials")
    return user


@router.post("login", response={200: MeOut, **LIMITED}, summary="登录（网站会话）")
def session_login(request, payload: LoginIn):
    """Starts a session, so it needs the csrftoken cookie (set by any page, e.g. /api/docs)
    sent back as X-CSRFToken; clients without a browser use `POST /auth/tokens`."""
    _refuse_login_csrf(request)
    user = _check_login(request, payload.username, payload.password)
    login(request, user)
    return _me(request, user)


@router.post(
    "logout", response={204: None, **ERRORS}, auth=REQUIRED, summary="退出登录（令牌则吊销该令牌）"
)
def session_logout(request):
    """A session ends (the docs page and the site send the CSRF token); a bearer token used
    for this request is revoked."""
    token_hash = getattr(request, "token_hash", None)
    if token_hash:
        token = ApiToken.objects.get(key_hash=token_hash)
        token.revoke(request.auth)
    else:
        logout(request)
    return Status(204, None)


@router.post("tokens", response={201: TokenOut, **LIMITED}, summary="签发 API 令牌（客户端用）")
def issue_token(request, payload: TokenIn):
    user = _check_login(request, payload.username, payload.password)
    token, raw = ApiToken.issue(user, payload.name)
    return Status(201, {"token": raw, "prefix": token.prefix, "expires_at": token.expires_at})


@router.get(
    "tokens", response={200: list[TokenInfoOut], **ERRORS}, auth=REQUIRED, summary="我的 API 令牌"
)
def list_tokens(request):
    current = getattr(request, "token_hash", None)
    tokens = ApiToken.objects.filter(
        user=request.auth, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")
    return [
        {
            "id": t.pk,
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at,
            "last_used_at": t.last_used_at,
            "expires_at": t.expires_at,
            "current": t.key_hash == current,
        }
        for t in tokens
    ]


@router.delete(
    "tokens/{int:token_id}", response={204: None, **ERRORS}, auth=REQUIRED, summary="吊销令牌"
)
def revoke_token(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.auth, revoked_at__isnull=True)
    token.revoke(request.auth)
    return Status(204, None)


@router.get("me", response={200: MeOut, **ERRORS}, auth=REQUIRED, summary="当前用户")
def me(request):
    user = viewer(request)
    if not user.is_authenticated:
        raise NotAllowed("请先登录。")
    return _me(request, user)


def _staff(request):
    user = request.auth
    if not (user.is_staff or is_staff_member(user)):
        raise NotAllowed("只有工作人员可以绑定身份验证器。")
    return user


@router.post(
    "totp",
    response={201: EnrolmentOut, **ERRORS},
    auth=REQUIRED,
    summary="绑定身份验证器（TOTP）：取得密钥",
)
def totp_enrol(request):
    """Returns an `otpauth://` URI (scan it, or type `secret` into any TOTP app); the device
    counts once `POST /auth/totp/verify` has confirmed a code from it."""
    return Status(201, twofactor.start_enrolment(_staff(request)))


@router.post(
    "totp/verify",
    response={200: MeOut, **ERRORS},
    auth=REQUIRED,
    summary="验证动态验证码（确认绑定；网站会话随之通过二次验证）",
)
def totp_verify(request, payload: TotpIn):
    user = _staff(request)
    device = twofactor.verify(request, user, payload.token)
    user.otp_device = device
    return _me(request, user)
