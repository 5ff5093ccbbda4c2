"""Who is asking (client address behind trusted proxies) and the answer to a locked-out login."""

import ipaddress
import math

from django.conf import settings
from django.http import HttpResponse, JsonResponse

UNKNOWN_ADDRESS = "0.0.0.0"
"""Stands for a request without a usable peer address (an internal request, a test's
force_login): a valid address, since PostgreSQL stores lockout addresses as `inet`."""


def client_ip(request) -> str:
    """The peer address, or with TRUSTED_PROXY_COUNT proxies in front the address the outermost
    trusted proxy saw (X-Forwarded-For entries further left are the client's to invent)."""
    found = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= count:
            found = hops[-count]
    try:
        return str(ipaddress.ip_address(found))
    except ValueError:
        return UNKNOWN_ADDRESS


def login_name(request, credentials) -> str:
    """The account a login names, by its username: guesses by phone number and by username
    count against the same account."""
    from massline.accounts.models import User

    name = (credentials or {}).get("username")
    if name is None:
        name = request.POST.get("username", "")
    name = str(name).strip()
    if name.isdigit():
        return User.objects.filter(phone=name).values_list("username", flat=True).first() or name
    return name


def lockout_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_minutes() -> int:
    return max(1, math.ceil(lockout_seconds() / 60))


def lockout_message() -> str:
    return (
        f"登录失败次数过多，该账号或本网络地址已被暂时锁定，请 {lockout_minutes()} 分钟后再试"
        "（锁定期间再次尝试会重新计时）。"
    )


def lockout_response(request, original_response=None, credentials=None):
    """429 for every login path: the API's JSON envelope, a short page for the admin."""
    if request.path.startswith("/api/"):
        body = {"code": "locked_out", "message": lockout_message(), "field": None}
        response = JsonResponse(body, status=429, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(
            f'<!DOCTYPE html><html lang="zh-hans"><meta charset="utf-8"><title>登录已锁定</title>'
            f"<p>{lockout_message()}</p></html>",
            status=429,
        )
    response["Retry-After"] = str(lockout_seconds())
    return response
