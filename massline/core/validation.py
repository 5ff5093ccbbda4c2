"""Pydantic/ninja validation errors as Chinese messages that name the field."""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ninja import Schema
from pydantic import field_validator

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""NUL (PostgreSQL text cannot hold it) and lone surrogates (not encodable as UTF-8)."""
UNSTORABLE_MESSAGE = "含有无法保存的字符"


class ErrorOut(Schema):
    """Every 4xx answer: an English code, a Chinese message, the field at fault."""

    code: str
    message: str
    field: str | None = None
    state: str | None = None
    errors: list[dict[str, Any]] | None = None


ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422)}
LIMITED = {**ERRORS, 429: ErrorOut}
"""The answers of an endpoint that also refuses with 429 when a limit is reached."""


class Input(Schema):
    """Base of every request body: text that no database can store is refused up front."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: object) -> object:
        if isinstance(value, str) and UNSTORABLE.search(value):
            raise ValueError(UNSTORABLE_MESSAGE)
        return value


MESSAGES = {
    "missing": "为必填项",
    "string_type": "须为文本",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "string_unicode": "须为有效的 Unicode 文本",
    "int_parsing": "须为整数",
    "int_parsing_size": "须为整数且不能过大",
    "int_type": "须为整数",
    "int_from_float": "须为整数，不能有小数",
    "float_parsing": "须为数字",
    "float_type": "须为数字",
    "finite_number": "须为有限的数字",
    "decimal_parsing": "须为数字",
    "decimal_type": "须为数字",
    "bool_parsing": "须为 true 或 false",
    "bool_type": "须为 true 或 false",
    "enum": "取值须为 {expected} 之一",
    "literal_error": "取值须为 {expected} 之一",
    "date_type": "须为日期，格式 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD，且须为存在的日期",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD，且须为存在的日期",
    "date_from_datetime_inexact": "须为日期，不能带时间",
    "date_past": "须为过去的日期",
    "date_future": "须为将来的日期",
    "datetime_type": "须为时间，格式如 2026-01-31T08:30:00+08:00",
    "datetime_parsing": "时间格式应如 2026-01-31T08:30:00+08:00",
    "datetime_from_date_parsing": "时间格式应如 2026-01-31T08:30:00+08:00",
    "datetime_past": "须为过去的时间",
    "datetime_future": "须为将来的时间",
    "uuid_type": "须为 UUID",
    "uuid_parsing": "须为 UUID",
    "url_type": "须为网址",
    "url_parsing": "须为有效的网址",
    "json_invalid": "不是有效的 JSON",
    "json_type": "须为 JSON 文本",
    "model_attributes_type": "须为 JSON 对象",
    "model_type": "须为 JSON 对象",
    "dict_type": "须为 JSON 对象",
    "list_type": "须为列表",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "greater_than": "须大于 {gt}",
    "less_than": "须小于 {lt}",
    "multiple_of": "须为 {multiple_of} 的倍数",
    "extra_forbidden": "不是可接受的字段",
    "union_tag_invalid": "类型取值无效",
    "value_error": "取值无效",
    "assertion_error": "取值无效",
}
"""pydantic error type → what is wrong, with the limit from the error's context."""

SOURCES = {"body", "query", "path", "form", "header", "cookie", "file"}
ARGUMENTS = {"payload", "data"}


def _field(loc: Iterable[object]) -> str | None:
    """ninja's location ("body", "payload", "title") → "title"; pydantic's own ("body",), from
    a form's data validated directly, is a field called body (an appeal's 内容)."""
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in ARGUMENTS:
        parts = parts[1:]
    return ".".join(parts) or None


def _expected(text: object) -> str:
    """pydantic lists choices as "'a', 'b' or 'c'": keep only the values."""
    values = re.findall(r"'([^']*)'", str(text))
    return "、".join(values) if values else str(text)


def _detail(kind: str, ctx: Mapping[str, Any]) -> str:
    template = MESSAGES.get(kind, "取值无效")
    values = {k: (_expected(v) if k == "expected" else v) for k, v in ctx.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template.split("{")[0].rstrip() or "取值无效"


def describe_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each error as {field, code, message}: a Chinese message that names the field and, where
    there is one, the limit ("page 不能小于 1", "title 最多 100 个字符")."""
    out = []
    for err in errors:
        field = _field(err.get("loc", ()))
        kind = err.get("type", "value_error")
        ctx = err.get("ctx") or {}
        custom = ctx.get("error") if kind == "value_error" else None
        name = field or "请求内容"
        message = f"{name}：{custom}" if custom else f"{name} {_detail(kind, ctx)}"
        out.append({"field": field, "code": kind, "message": message})
    return out
