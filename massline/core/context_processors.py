"""What every page's layout needs: 关怀模式, and whether the visitor works in the office."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

CARE_COOKIE = "massline_care"


def care_mode(request: HttpRequest) -> bool:
    return request.COOKIES.get(CARE_COOKIE) == "1"


def _policy() -> Callable[[Any], Any] | None:
    """settings.MASSLINE_POLICY names the permission policy (user → object with is_staff);
    core imports no app, so the layout finds it through the setting."""
    path = getattr(settings, "MASSLINE_POLICY", "")
    if not path:
        return None
    policy: Callable[[Any], Any] = import_string(path)
    return policy


def site(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    staff: bool | None = None

    def nav_staff() -> bool:
        # called by the template only where the layout shows the 工作台 link; once per request
        nonlocal staff
        if staff is None:
            policy = _policy()
            staff = bool(
                user is not None
                and user.is_authenticated
                and policy is not None
                and policy(user).is_staff
            )
        return staff

    return {"care_mode": care_mode(request), "care_cookie": CARE_COOKIE, "nav_staff": nav_staff}
