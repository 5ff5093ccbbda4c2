"""Time limits of an appeal in working days, and where it stands against them."""

import math
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from massline.appeals.models import (
    OPEN_STATES,
    Appeal,
    DeadlinePolicy,
    ExtensionRequest,
    Kind,
    Rating,
    State,
)
from massline.core.calendar import get_calendar
from massline.core.errors import IllegalTransition, InvalidInput
from massline.core.workdays import END_OF_DAY

DEFAULT_REPLY_DAYS: dict[str, int] = {
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
        if appeal.supervised and appeal.supervision_due_at is not None:
            appeal.reply_due_at = min(appeal.reply_due_at, max(appeal.supervision_due_at, now))


HUB_CLOCK_OPENS = frozenset({"submit", "register", "return", "reopen"})
HUB_CLOCK_ENDS = frozenset(
    {"dispatch", "reject", "merge", "withdraw", "refuse_return", "direct_answer"}
)
"""The hub's clock (派单) runs as the 考核 ledger's dispatch step does: from a new appeal, a
return or a reopening to its dispatch, rejection, merge or direct answer (or the resident's
withdrawal)."""


def follow_hub_clock(appeal: Appeal, action: str, now: datetime) -> None:
    if action in HUB_CLOCK_OPENS:
        hours = policy_for(appeal.kind).dispatch_hours
        appeal.dispatch_due_at = get_calendar().add_working_hours(now, hours)
    elif action in HUB_CLOCK_ENDS:
        appeal.dispatch_due_at = None


def clear_clocks(appeal: Appeal) -> None:
    appeal.reply_clock_from = None
    appeal.reply_due_at = None
    appeal.sign_due_at = None
    appeal.signed_at = None


def supervision_due(appeal: Appeal, now: datetime, due_date: date | None = None) -> datetime:
    """The 督办 deadline: the end of the day a leader chose, else the kind's `supervised_days`
    working days from now. It may not be in the past, nor later than the reply deadline it
    is to tighten."""
    if due_date is None:
        return get_calendar().add_working_days(now, policy_for(appeal.kind).supervised_days)
    if due_date < timezone.localdate(now):
        raise InvalidInput("督办期限不能早于今天。", field="due_date", code="in_the_past")
    due = timezone.make_aware(datetime.combine(due_date, END_OF_DAY))
    if appeal.reply_due_at is not None and due > appeal.reply_due_at:
        limit = timezone.localtime(appeal.reply_due_at)
        raise InvalidInput(
            f"督办期限不能晚于当前答复期限（{limit:%Y-%m-%d %H:%M}）。",
            field="due_date",
            code="after_reply_due",
        )
    return due


def tighten_for_supervision(appeal: Appeal, due: datetime) -> None:
    """The reply must come by the 督办 deadline; an appeal not yet dispatched gets it as the
    reply deadline when it is (start_clocks)."""
    appeal.supervision_due_at = due
    if appeal.reply_due_at is not None:
        appeal.reply_due_at = min(appeal.reply_due_at, due)


def check_extension(appeal: Appeal, days: int) -> None:
    """An extension is 1–30 working days, within the policy's count and total per appeal."""
    if not 1 <= days <= 30:
        raise InvalidInput("延期天数须为1至30个工作日。", field="days", code="out_of_range")
    policy = policy_for(appeal.kind)
    granted = list(
        appeal.extensions.exclude(status=ExtensionRequest.Status.DENIED).values_list(
            "days", flat=True
        )
    )
    if len(granted) >= policy.max_extensions:
        raise IllegalTransition(
            f"每件诉求最多延期{policy.max_extensions}次，已达上限。", state=appeal.state
        )
    left = policy.max_extension_days - sum(granted)
    if days > left:
        raise InvalidInput(
            f"累计延期不能超过{policy.max_extension_days}个工作日，"
            f"本次最多还可申请{max(left, 0)}个工作日。",
            field="days",
            code="out_of_range",
        )


def expected_reply_by(
    appeal: Appeal, now: datetime, policy: DeadlinePolicy | None = None
) -> datetime:
    """When the resident may expect the reply: the reply deadline once dispatched, before that
    the hub's dispatch limit followed by the kind's reply limit (an estimate, said as such)."""
    if appeal.reply_due_at is not None:
        return appeal.reply_due_at
    policy = policy or policy_for(appeal.kind)
    cal = get_calendar()
    dispatched_by = appeal.dispatch_due_at or cal.add_working_hours(now, policy.dispatch_hours)
    return cal.add_working_days(max(dispatched_by, now), policy.reply_days)


def rating_window_ends(appeal: Appeal) -> datetime | None:
    if appeal.replied_at is None:
        return None
    return get_calendar().add_working_days(appeal.replied_at, policy_for(appeal.kind).rating_days)


def check_rating_window_over(appeal: Appeal, now: datetime) -> None:
    """The resident keeps the right to rate: no closing before the window ends unless rated."""
    if Rating.objects.filter(appeal=appeal, round=appeal.round).exists():
        return
    ends = rating_window_ends(appeal)
    if ends is not None and now < ends:
        raise IllegalTransition(
            f"群众评价期尚未结束（答复后{policy_for(appeal.kind).rating_days}个工作日），暂不能办结。",
            state=appeal.state,
        )


def extend(appeal: Appeal, days: int) -> None:
    if appeal.reply_due_at is not None:
        appeal.reply_due_at = get_calendar().add_working_days(appeal.reply_due_at, days)


@dataclass(frozen=True)
class Clock:
    """The clock that runs for the step an appeal waits in, as its queue shows it.

    `step`: dispatch 派单 (the hub), sign 签收, reply 答复 (the department), rate 评价 (the
    resident's window after a reply); `light`: green below the warning share of the limit,
    yellow to the limit, red beyond, as the 考核 ledger judges; `left`: working seconds to the
    due time (negative once late)."""

    step: str
    due_at: datetime
    left: float
    light: str
    supervised: bool = False

    LABELS = {"dispatch": "派单", "sign": "签收", "reply": "答复", "rate": "评价"}

    @property
    def label(self) -> str:
        return "督办" if self.supervised and self.step == "reply" else self.LABELS[self.step]

    @property
    def in_hours(self) -> bool:
        return self.step in ("dispatch", "sign")

    @property
    def amount(self) -> int:
        """Working hours (派单, 签收) or working days (答复, 评价) left, or late once negative:
        a part of an hour or day counts as a whole one when late."""
        unit = 3600 if self.in_hours else DAY_SECONDS
        if self.left >= 0:
            return math.floor(self.left / unit)
        return -max(1, math.ceil(-self.left / unit))


DAY_SECONDS = 24 * 3600


def _light(used: float, warn_ratio: float) -> str:
    if used > 1:
        return "red"
    return "yellow" if used >= warn_ratio else "green"


def running_clock(
    appeal: Appeal, now: datetime, policy: DeadlinePolicy | None = None
) -> Clock | None:
    """The clock of the step the appeal waits in, or None when none runs (closed, rejected)."""
    policy = policy or policy_for(appeal.kind)
    cal = get_calendar()
    limit: float
    if appeal.state in (State.SUBMITTED, State.ACCEPTED, State.RETURNED, State.REOPENED):
        due, limit = appeal.dispatch_due_at, policy.dispatch_hours * 3600
        step = "dispatch"
    elif appeal.state == State.ASSIGNED and appeal.sign_due_at is not None:
        due, limit = appeal.sign_due_at, policy.sign_hours * 3600
        step = "sign"
    elif appeal.state in OPEN_STATES and appeal.reply_due_at is not None:
        due, step = appeal.reply_due_at, "reply"
        start = appeal.reply_clock_from or appeal.assigned_at or appeal.created_at
        limit = cal.working_seconds_between(start, due)
    elif appeal.state == State.REPLIED and appeal.replied_at is not None:
        due = cal.add_working_days(appeal.replied_at, policy.rating_days)
        limit, step = policy.rating_days * DAY_SECONDS, "rate"
    else:
        return None
    if due is None:
        return None
    left = cal.working_seconds_between(now, due)
    used = (limit - left) / limit if limit > 0 else 1.0
    return Clock(step, due, left, _light(used, policy.warn_ratio), appeal.supervised)


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


def days_left(appeal: Appeal, now: datetime) -> int | None:
    """Working days left before the reply is due (0 on the last day), or, once late, minus the
    working days it is overdue (at least one); None when no reply clock runs."""
    if appeal.reply_due_at is None or appeal.state not in OPEN_STATES:
        return None
    cal = get_calendar()
    if now <= appeal.reply_due_at:
        return math.floor(cal.working_days_between(now, appeal.reply_due_at))
    return -max(1, math.ceil(cal.working_days_between(appeal.reply_due_at, now)))
