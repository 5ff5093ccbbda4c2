"""Tags of the office pages."""

from django import template

register = template.Library()


@register.inclusion_tag("core/partials/deadline_badge.html")
def deadline(summary_deadline: dict) -> dict[str, object]:
    """`{% deadline row.deadline %}`: the site's deadline badge for a presenter's deadline
    (days_left is negative once overdue; the badge counts the days late)."""
    days = summary_deadline.get("days_left")
    return {
        "status": summary_deadline.get("status") or "none",
        "days": abs(days) if days is not None else None,
        "due": summary_deadline.get("reply_due_at"),
    }
