from django.conf import settings
from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.defaults import page_not_found, permission_denied

from massline.core.context_processors import CARE_COOKIE


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def _safe_next(request: HttpRequest) -> str:
    target: str = request.POST.get("next") or request.headers.get("referer") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_POST
def care_mode(request: HttpRequest) -> HttpResponse:
    """关怀模式 on or off for this browser (a cookie the layout reads); the form names the state
    it asks for, so a repeated post does not flip it back."""
    response = HttpResponseRedirect(_safe_next(request))
    if request.POST.get("care") == "on":
        response.set_cookie(
            CARE_COOKIE,
            "1",
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(CARE_COOKIE, samesite="Lax")
    return response


# Error pages: the layout in Chinese for people, the API's JSON envelope under /api/.


def _api_error(request: HttpRequest, status: int, code: str, message: str) -> JsonResponse | None:
    if request.path.startswith("/api/"):
        body = {"code": code, "message": message, "field": None}
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    return None


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api_error(request, 404, "not_found", "请求的地址不存在。") or page_not_found(
        request, exception
    )


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api_error(request, 403, "forbidden", "没有权限执行此操作。") or permission_denied(
        request, exception
    )


FALLBACK_500 = (
    '<!doctype html><html lang="zh-Hans"><meta charset="utf-8"><title>服务器错误</title>'
    "<h1>服务器出错了</h1><p>请稍后再试。</p></html>"
)


def server_error(request: HttpRequest) -> HttpResponse:
    """Renders 500.html without the request's context (no session, no user, no database);
    if even that fails, a few lines of fixed HTML."""
    json = _api_error(request, 500, "server_error", "服务器内部错误，请稍后再试。")
    if json is not None:
        return json
    try:
        body = loader.get_template("500.html").render({"error_page": True})
    except Exception:
        body = FALLBACK_500
    return HttpResponseServerError(body)
