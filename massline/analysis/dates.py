"""Timestamps as the message boards write them: "2019-04-25 09:32:09", "2019/5/10 14:56:53"."""

from __future__ import annotations

import re
from datetime import datetime

__all__ = ["format_time", "parse_time"]

_PATTERN = re.compile(
    r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[ T]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.\d+)?)?秒?)?\s*$"
)


def parse_time(value: str | datetime | None) -> datetime | None:
    """A naive datetime, None for an empty value; ValueError for anything unreadable."""
    if value is None or isinstance(value, datetime):
        return value
    text = value.strip()
    if not text:
        return None
    match = _PATTERN.match(text)
    if match is None:
        try:
            return datetime.fromisoformat(text).replace(tzinfo=None)
        except ValueError:
            raise ValueError(f"无法识别的时间：{value!r}") from None
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    return datetime(y, mo, d, h, mi, s)


def format_time(value: float | datetime | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, datetime):
        value = datetime.fromtimestamp(value)
    return value.strftime("%Y-%m-%d %H:%M:%S")
