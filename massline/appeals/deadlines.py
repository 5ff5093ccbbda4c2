"""Time limits of an appeal in working days, and where it stands against them."""

from dataclasses import dataclass
from datetime import datetime

from massline.appeals.models import OPEN_STATES, Appeal, DeadlinePolicy, Kind, State
from massline.core.calendar import get_calendar

DEFAULT_REPLY_DAYS = {
    Kind.CONSULTATION: 3,
    Kind.HELP: 3,
    Kind.COMPLAINT: 13,
    Kind.SUGGESTION: 13,
    Kind.REPORT: 13,
    Kind.PRAISE: 5,
    Kind.DISCLOSURE: 20,
}


def _default(kind: str) -> DeadlinePolicy:
    return DeadlinePolicy(kind=kind, reply_days=DEFAULT_REPLY_DAYS[kind])


def policy_for(kind: str) -> DeadlinePolicy:
    return DeadlinePolicy.objects.filter(kind=kind).first() or _default(kind)


def policies() -> dict[str, DeadlinePolicy]:
    """Every kind's policy in one query, for pages that judge many appeals."""
    found = {p.kind: p for p in DeadlinePolicy.objects.all()}
    return {kind: found.get(kind) or _default(kind) for kind in DEFAULT_REPLY_DAYS}


def start_clocks(appeal: Appeal, now: datetime, *, transfer: bool = False) -> None:
    """On (re)dispatch: the new org must sign within its limit; the reply clock keeps running
    across a transfer unless the policy says a transfer restarts it."""
    policy = policy_for(appeal.kind)
    cal = get_calendar()
    appeal.assigned_at = now
    appeal.signed_at = None
    appeal.sign_due_at = cal.add_working_hours(now, policy.sign_hours)
    if appeal.reply_clock_from is None or (transfer and policy.reset_on_transfer):
        appeal.reply_clock_from = now
        appeal.reply_due_at = cal.add_working_days(now, policy.reply_days)


def clear_clocks(appeal: Appeal) -> None:
    appeal.reply_clock_from = None
    appeal.reply_due_at = None
    appeal.sign_due_at = None
    appeal.signed_at = None


def tighten_for_supervision(appeal: Appeal, now: datetime) -> None:
    if appeal.reply_due_at is None:
        return
    due = get_calendar().add_working_days(now, policy_for(appeal.kind).supervised_days)
    appeal.reply_due_at = min(appeal.reply_due_at, due)


def extend(appeal: Appeal, days: int) -> None:
    if appeal.reply_due_at is not None:
        appeal.reply_due_at = get_calendar().add_working_days(appeal.reply_due_at, days)


@dataclass(frozen=True)
class Standing:
    status: str
    label: str
    used: float | None

    LABELS = {
        "none": "",
        "normal": "正常",
        "warning": "即将超期",
        "overdue": "超期",
        "severe": "严重超期",
    }


def standing(appeal: Appeal, now: datetime, policy: DeadlinePolicy | None = None) -> Standing:
    """normal → warning at the policy's ratio (80 %) → overdue → severe at `severe_factor`×."""
    if appeal.reply_due_at is None or appeal.reply_clock_from is None:
        return Standing("none", "", None)
    end = appeal.replied_at if appeal.state not in OPEN_STATES else now
    if appeal.state in (State.CLOSED, State.REJECTED) and appeal.replied_at is None:
        return Standing("none", "", None)
    cal = get_calendar()
    limit = cal.working_seconds_between(appeal.reply_clock_from, appeal.reply_due_at)
    used = cal.working_seconds_between(appeal.reply_clock_from, end) / limit if limit else 1.0
    policy = policy or policy_for(appeal.kind)
    if used >= policy.severe_factor:
        status = "severe"
    elif end > appeal.reply_due_at:
        status = "overdue"
    elif used >= policy.warn_ratio and appeal.state in OPEN_STATES:
        status = "warning"
    else:
        status = "normal"
    return Standing(status, Standing.LABELS[status], round(used, 3))
