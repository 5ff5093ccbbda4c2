"""Reminders per step: warning (at the policy's share of a limit, 80 %), overdue, severely
overdue (its factor × the limit), and the supervision chain of an overdue 督办 appeal.

Each reminder is given once per step and level, as an event in the appeal's timeline (staff
only) and a notice to the step's handlers, their nearest leaders and the hub's dispatchers.
A step that skipped levels while no sweep ran gets only the highest it has reached.
"""

import math
from collections import defaultdict
from datetime import datetime
from typing import Any

from django.utils import timezone

from massline.appeals import workflow
from massline.appeals.actions import Action
from massline.appeals.deadlines import policies
from massline.appeals.models import Appeal, AppealEvent
from massline.appeals.permissions import policy
from massline.appeals.privacy import notice_link, notice_title
from massline.assessment.models import LedgerStep, StepKind
from massline.core.calendar import get_calendar
from massline.notices.models import Level
from massline.notices.services import notify
from massline.orgs.models import Org, Role
from massline.orgs.staff import handlers_of, leader_chain, members

LEVELS = (Level.WARNING, Level.OVERDUE, Level.SEVERE)
RANK: dict[str, int] = {level: i for i, level in enumerate(LEVELS)}
WHAT: dict[str, str] = {
    StepKind.DISPATCH: "派单",
    StepKind.SIGN: "签收",
    StepKind.REPLY: "答复",
    StepKind.CO: "协办意见",
}
SAYS: dict[str, str] = {
    Level.WARNING: "即将超期",
    Level.OVERDUE: "已超期",
    Level.SEVERE: "严重超期",
}


def level_of(step: LedgerStep, now: datetime, warn: float, severe: float) -> str | None:
    cal = get_calendar()
    limit = cal.working_seconds_between(step.started_at, step.due_at)
    used = cal.working_seconds_between(step.started_at, now) / limit if limit > 0 else math.inf
    if used >= severe:
        return Level.SEVERE
    if now > step.due_at:
        return Level.OVERDUE
    if used >= warn:
        return Level.WARNING
    return None


def recipients(appeal: Appeal, step: LedgerStep) -> list[Any]:
    """The step's handlers (the hub's dispatchers for a dispatch step), their nearest leaders
    and the dispatchers of the appeal's hub."""
    org: Org = step.org
    doers = members(org, Role.DISPATCHER) if step.kind == StepKind.DISPATCH else handlers_of(org)
    chain = leaders_over(appeal, org)
    return [*doers, *(chain[0] if chain else []), *members(appeal.hub, Role.DISPATCHER)]


def leaders_over(appeal: Appeal, org: Org) -> list[list[Any]]:
    """`leader_chain` of the org holding a step, keeping only leaders the policy lets see the
    appeal: a sealed 举报's reminders climb no higher than its 纪检监察 org."""
    chain = leader_chain(org.scope)
    if not appeal.sealed:
        return chain
    kept = [[u for u in group if policy(u).can_see(appeal)] for group in chain]
    return [group for group in kept if group]


def _given(appeal_ids: list[int]) -> dict[tuple[int, str], int]:
    """(appeal, step key) → the highest level already reminded."""
    found: dict[tuple[int, str], int] = defaultdict(lambda: -1)
    rows = AppealEvent.objects.filter(appeal_id__in=appeal_ids, action=Action.REMIND)
    for appeal_id, data in rows.values_list("appeal_id", "data"):
        level = data.get("level")
        if data.get("step") and level in RANK:
            key = (appeal_id, data["step"])
            found[key] = max(found[key], RANK[level])
    return found


def sweep(now: datetime | None = None) -> int:
    """Give every reminder that is due now; returns how many were given."""
    now = now or timezone.now()
    table = policies()
    open_steps = list(
        LedgerStep.objects.filter(ended_at__isnull=True)
        .select_related("org", "appeal", "appeal__hub")
        .order_by("appeal_id", "seq")
    )
    due: list[tuple[LedgerStep, str]] = []
    for step in open_steps:
        p = table[step.appeal.kind]
        level = level_of(step, now, p.warn_ratio, p.severe_factor)
        if level is not None:
            due.append((step, level))
    given = _given(sorted({s.appeal_id for s, _ in due}))
    count = 0
    for step, level in due:
        step_key = f"{step.kind}:r{step.round}:s{step.seq}"
        if given[(step.appeal_id, step_key)] >= RANK[level]:
            continue
        if _remind(step, step_key, level, now):
            count += 1
    return count + supervision_chain(now)


def _remind(step: LedgerStep, step_key: str, level: str, now: datetime) -> bool:
    appeal = step.appeal
    what = WHAT[step.kind]
    due = timezone.localtime(step.due_at)
    title = f"{appeal.tracking_no} {what}{SAYS[level]}（{step.org.name}）"

    def then(locked: Appeal) -> None:
        notify(
            recipients(locked, step),
            key=f"remind:{appeal.pk}:{step_key}:{level}",
            title=title,
            body=f"{notice_title(appeal)}（{what}时限：{due:%Y-%m-%d %H:%M}）",
            link=notice_link(appeal),
            level=level,
            now=now,
        )

    return workflow.do_remind(
        appeal.pk,
        key=f"{step_key}:{level}",
        note=f"{what}{SAYS[level]}，已提醒{step.org.name}",
        data={"step": step_key, "level": level, "org": step.org_id},
        then=then,
        now=now,
    )


def supervision_chain(now: datetime) -> int:
    """An overdue appeal under supervision climbs the chain: its department's nearest leaders
    hear of it with the overdue reminder; each `supervised_days` working days it stays overdue,
    the leaders of the next level above are told."""
    table, cal = policies(), get_calendar()
    count = 0
    late = (
        LedgerStep.objects.filter(
            kind=StepKind.REPLY,
            ended_at__isnull=True,
            due_at__lt=now,
            appeal__supervised=True,
        )
        .select_related("org", "appeal")
        .order_by("appeal_id")
    )
    for step in late:
        appeal = step.appeal
        chain = leaders_over(appeal, step.org)
        if len(chain) < 2:
            continue
        days = max(1, table[appeal.kind].supervised_days)
        past = cal.working_days_between(step.due_at, now)
        height = min(len(chain) - 1, int(past // days))
        for up in range(1, height + 1):
            if _climb(step, up, chain[up], now):
                count += 1
    return count


def _climb(step: LedgerStep, up: int, people: list[Any], now: datetime) -> bool:
    appeal = step.appeal
    key = f"supervision:r{step.round}:s{step.seq}:{up}"

    def then(locked: Appeal) -> None:
        notify(
            people,
            key=f"remind:{appeal.pk}:{key}",
            title=f"{appeal.tracking_no} 督办件超期未办结，提请上级督促（{step.org.name}）",
            body=notice_title(appeal),
            link=notice_link(appeal),
            level=Level.SUPERVISION,
            now=now,
        )

    return workflow.do_remind(
        appeal.pk,
        key=key,
        note=f"督办件超期，已提请上一级领导督促（第{up}级）",
        data={"supervision": up, "org": step.org_id},
        then=then,
        now=now,
    )
