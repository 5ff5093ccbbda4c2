"""Words of the residents' pages: a timeline step in parcel-tracking style, file sizes."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

STEPS = {
    "submit": _("已提交"),
    "register": _("已登记"),
    "accept": _("已受理"),
    "reject": _("不予受理"),
    "dispatch": _("已派单"),
    "transfer": _("已转派"),
    "sign": _("已签收"),
    "return": _("已退回"),
    "reply": _("已答复"),
    "close": _("已办结"),
    "rate": _("已评价"),
    "reopen": _("重新办理"),
    "merge": _("已并案"),
    "supervise": _("督办"),
    "escalate": _("超期升级"),
    "withdraw": _("已撤回"),
    "supplement": _("补充说明"),
    "request_extension": _("申请延期"),
    "decide_extension": _("延期审批"),
    "attach": _("上传附件"),
}


@register.filter
def step_title(step: dict) -> str:
    """ "已派单" for a dispatch event; the action's own label for anything not listed."""
    return str(STEPS.get(step.get("action", ""), step.get("action_label", "")))


@register.filter
def abs_days(days: int | None) -> int | None:
    """days_left is negative once overdue; the deadline badge wants the days overdue."""
    return abs(days) if days is not None else None


@register.filter
def filesize(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"
