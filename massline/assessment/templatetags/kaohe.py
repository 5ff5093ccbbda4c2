from typing import Any

from django import template

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """0.873 → 87.3%; no data → —."""
    return "—" if value is None else f"{100 * value:.1f}%"


@register.filter
def num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


@register.filter
def rate(figures: Any, key: str) -> float | None:
    value: float | None = figures.rates.get(key)
    return value


@register.filter
def count(figures: Any, key: str) -> int:
    result: int = figures.count(key)
    return result


@register.simple_tag
def change(now: float | None, then: float | None, points: bool = True) -> str:
    """Month-on-month change: +2.1 个百分点 / −3.0 分; nothing when either side has no data."""
    if now is None or then is None:
        return ""
    diff = (now - then) * (100 if points else 1)
    if abs(diff) < 0.05:
        return "持平"
    unit = "个百分点" if points else "分"
    return f"{'↑' if diff > 0 else '↓'}{abs(diff):.1f}{unit}"


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def unranked(rows: list[Any]) -> list[Any]:
    return [r for r in rows if not r.rank]


@register.filter
def ranked(rows: list[Any]) -> list[Any]:
    return [r for r in rows if r.rank]
