"""Tags of the layout: nav links that appear once their page exists, the deadline badge."""

from datetime import datetime
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def url_or_empty(view_name: str, *args: Any, **kwargs: Any) -> str:
    """`{% url_or_empty "residents:board" as board %}`: the address, or "" while no such page
    is routed (the layout links only to pages that exist)."""
    try:
        return reverse(view_name, args=args, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@register.inclusion_tag("core/partials/nav_link.html", takes_context=True)
def nav_link(
    context: template.Context, view_name: str, label: str, exact: bool = False
) -> dict[str, object]:
    """`{% nav_link "residents:board" _("公开留言") %}`: an <li> with the link, marked
    aria-current="page" on that page (and below it, unless exact); nothing while unrouted."""
    url = url_or_empty(view_name)
    request = context.get("request")
    current = False
    if url and request is not None:
        path = request.path
        current = path == url or (not exact and url != "/" and path.startswith(url))
    return {"url": url, "label": label, "current": current}


@register.inclusion_tag("core/partials/deadline_badge.html")
def deadline_badge(
    status: str | None, days: int | None = None, due: datetime | None = None
) -> dict[str, object]:
    """`{% deadline_badge standing.status days=n due=appeal.reply_due_at %}`. status is
    deadlines.Standing.status (none, normal, warning, overdue, severe); days is the number of
    working days left (normal, warning) or of days overdue (overdue, severe); due, a datetime."""
    return {"status": status or "none", "days": days, "due": due}
