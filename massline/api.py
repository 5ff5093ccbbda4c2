"""The JSON API: /api/v1/…, OpenAPI at /api/openapi.json, docs at /api/docs."""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import get_token
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from massline.core.errors import (
    ChallengeRequired,
    DomainError,
    IllegalTransition,
    InvalidInput,
    RateLimited,
    UnsupportedMediaType,
)
from massline.core.validation import UNSTORABLE, UNSTORABLE_MESSAGE, describe_errors

JSON_TYPES = frozenset({"application/json"})
FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


def _require_media_type(request, allowed: frozenset[str], expected: str) -> None:
    """A body is read only as the media type the route takes: another site's page can POST a
    `text/plain` form that looks like JSON, but it cannot send `application/json` without CORS."""
    if request.content_type not in allowed:
        got = request.content_type or "（无）"
        raise UnsupportedMediaType(
            f"Content-Type：须为 {expected}，收到的是 {got}。", field="Content-Type"
        )


class StrictParser(Parser):
    """A body must be a JSON object sent as application/json (ninja reads `[]` as an object
    without fields), a form must come as a form, and a query value must be text a database can
    store."""

    def parse_body(self, request):
        _require_media_type(request, JSON_TYPES, "application/json")
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return data

    def parse_querydict(self, data, list_fields, request):
        if data is not request.GET and request.META.get("CONTENT_LENGTH") not in (None, "", "0"):
            _require_media_type(request, FORM_TYPES, "multipart/form-data")
        for key, values in data.lists():
            if any(isinstance(v, str) and UNSTORABLE.search(v) for v in values):
                raise InvalidInput(f"{key}：{UNSTORABLE_MESSAGE}", field=key, code="unstorable")
        return super().parse_querydict(data, list_fields, request)


HTTP_ERRORS = {
    "Cannot parse request body": "请求内容须为 JSON 对象。",
    "CSRF check Failed": "安全校验失败，请刷新页面后重试。",
}


class DocsWithCsrf(Swagger):
    """Swagger UI that sends the csrftoken cookie as it is at each request: logging in rotates
    the token, so one printed into the page at load time fails every later POST. Opening the
    page sets the cookie."""

    template = "api/swagger.html"

    def render_page(self, request, api, **kwargs):
        get_token(request)
        return super().render_page(request, api, **kwargs)


api = NinjaAPI(
    title="网上群众路线 API",
    version="1.0",
    description=(
        "诉求提交、查询、办理流程、评价，以及分类、机构、行政区划。"
        "错误返回 JSON：`code`（英文代码）、`message`（中文说明）、`field`（出错字段）。"
    ),
    urls_namespace="api",
    docs_url="/docs",
    docs=DocsWithCsrf(),
    openapi_url="/openapi.json",
    parser=StrictParser(),
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    body = {"code": exc.code, "message": exc.message, "field": exc.field}
    if isinstance(exc, IllegalTransition):
        body["state"] = exc.state
    if isinstance(exc, ChallengeRequired):
        body["challenge"] = exc.challenge
    response = api.create_response(request, body, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
    body = {"code": "too_large", "message": f"请求内容不能超过 {limit:g} MB。", "field": None}
    return api.create_response(request, body, status=413)


@api.exception_handler(TooManyFieldsSent)
def too_many_fields(request, exc):
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    body = {"code": "too_many_fields", "message": f"请求字段不能超过 {limit} 个。", "field": None}
    return api.create_response(request, body, status=400)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = describe_errors(exc.errors)
    first = errors[0] if errors else {"field": None, "message": "请求无效。"}
    return api.create_response(
        request,
        {"code": "invalid", "message": first["message"], "field": first["field"], "errors": errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request, {"code": "unauthenticated", "message": "请先登录。", "field": None}, status=401
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request, {"code": "not_found", "message": "请求的对象不存在。", "field": None}, status=404
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, DomainError):
        return domain_error(request, exc.__cause__)
    message = HTTP_ERRORS.get(str(exc).split(" (")[0], "请求无效。")
    return api.create_response(
        request, {"code": "http_error", "message": message, "field": None}, status=exc.status_code
    )


@api.exception_handler(MultiPartParserError)
def bad_multipart(request, exc):
    body = {"code": "bad_upload", "message": "上传内容格式无效，须为 multipart/form-data。"}
    return api.create_response(request, {**body, "field": "file"}, status=400)


def _mount():
    from massline.accounts.api import router as accounts_router
    from massline.appeals.api import router as appeals_router
    from massline.consult.api import router as consult_router
    from massline.opinion.api import router as opinion_router
    from massline.orgs.api import router as orgs_router
    from massline.party.api import router as party_router

    api.add_router("/v1/", appeals_router)
    api.add_router("/v1/", orgs_router)
    api.add_router("/v1/", consult_router)
    api.add_router("/v1/", opinion_router)
    api.add_router("/v1/", party_router)
    api.add_router("/v1/auth/", accounts_router)


_mount()
