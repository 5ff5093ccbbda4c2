from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from ninja import Router, Schema, Status

from massline.accounts import services
from massline.accounts.auth import REQUIRED, viewer
from massline.accounts.models import ApiToken
from massline.core.errors import InvalidInput, NotAllowed
from massline.core.validation import ERRORS, Input
from massline.orgs.models import Membership

router = Router(tags=["账户"])


class PhoneIn(Input):
    phone: str


class RegisterIn(Input):
    phone: str
    code: str
    real_name: str
    password: str


class LoginIn(Input):
    username: str
    password: str


class TokenIn(LoginIn):
    name: str = ""


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


class TokenOut(Schema):
    token: str
    prefix: str


def _me(request, user) -> dict:
    ms = Membership.objects.filter(user=user).select_related("org")
    return {
        "id": user.pk,
        "username": user.username,
        "real_name": user.real_name,
        "phone": user.phone,
        "is_staff_member": user.is_superuser or any(m.role != "resident" for m in ms),
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
    }


@router.post("sms-code", response={202: dict, **ERRORS}, summary="发送短信验证码")
def sms_code(request, payload: PhoneIn):
    services.send_code(payload.phone)
    return Status(202, {"message": "验证码已发送。"})


@router.post("register", response={201: MeOut, **ERRORS}, summary="实名注册（姓名+手机号+验证码）")
def register(request, payload: RegisterIn):
    user = services.register_resident(
        payload.phone, payload.code, payload.real_name, payload.password
    )
    login(request, user, backend="massline.accounts.backends.PhoneOrUsernameBackend")
    return Status(201, _me(request, user))


def _check_login(request, username: str, password: str):
    user = authenticate(request, username=username.strip(), password=password)
    if user is None:
        raise InvalidInput("账号或密码不正确。", field="password", code="bad_credentials")
    return user


@router.post("login", response={200: MeOut, **ERRORS}, summary="登录（网站会话）")
def session_login(request, payload: LoginIn):
    user = _check_login(request, payload.username, payload.password)
    login(request, user)
    return _me(request, user)


@router.post("logout", response={204: None}, summary="退出登录")
def session_logout(request):
    logout(request)
    return Status(204, None)


@router.post("tokens", response={201: TokenOut, **ERRORS}, summary="签发 API 令牌（客户端用）")
def issue_token(request, payload: TokenIn):
    user = _check_login(request, payload.username, payload.password)
    token, raw = ApiToken.issue(user, payload.name[:100])
    return Status(201, {"token": raw, "prefix": token.prefix})


@router.get("me", response={200: MeOut, **ERRORS}, auth=REQUIRED, summary="当前用户")
def me(request):
    user = viewer(request)
    if not user.is_authenticated:
        raise NotAllowed("请先登录。")
    return _me(request, user)
