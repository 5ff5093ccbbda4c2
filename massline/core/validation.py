"""Pydantic/ninja validation errors as Chinese messages that name the field."""

import re

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
    errors: list[dict] | None = None


ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422)}


class Input(Schema):
    """Base of every request body: text that no database can store is refused up front."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value):
        if isinstance(value, str) and UNSTORABLE.search(value):
            raise ValueError(UNSTORABLE_MESSAGE)
        return value


MESSAGES = {
    "missing": "为必填项",
    "string_too_short": "太短",
    "string_too_long": "太长",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "bool_parsing": "须为 true 或 false",
    "bool_type": "须为 true 或 false",
    "float_parsing": "须为数字",
    "enum": "取值无效",
    "literal_error": "取值无效",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式无效",
    "string_type": "须为文本",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "格式无效",
    "dict_type": "须为 JSON 对象",
    "list_type": "须为列表",
    "greater_than_equal": "太小",
    "less_than_equal": "太大",
    "greater_than": "太小",
    "less_than": "太大",
    "value_error": "无效",
    "string_pattern_mismatch": "格式不正确",
}

SOURCES = {"body", "query", "path", "form", "header", "cookie", "file"}
ARGUMENTS = {"payload", "data"}


def _field(loc) -> str | None:
    parts = [str(p) for p in loc]
    if parts and parts[0] in SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in ARGUMENTS:
        parts = parts[1:]
    return ".".join(parts) or None


def describe_errors(errors: list[dict]) -> list[dict]:
    out = []
    for err in errors:
        field = _field(err.get("loc", ()))
        kind = err.get("type", "invalid")
        custom = (err.get("ctx") or {}).get("error") if kind == "value_error" else None
        detail = str(custom) if custom else MESSAGES.get(kind, "无效")
        out.append({"field": field, "code": kind, "message": f"{field or '请求'}：{detail}"})
    return out
