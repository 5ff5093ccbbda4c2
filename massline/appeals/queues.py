"""The staff's work lists: what each role has to do next, most urgent first.

A queue is a named filter over the appeals a member's org is responsible for in one role
(`Policy.visible` is the union over all roles; a queue is narrower). Rows come sorted by the
reply deadline, so overdue and warning appeals lead, then by age.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from massline.appeals.actions import FOLLOWED
from massline.appeals.deadlines import policies, standing
from massline.appeals.models import (
    NOT_MERGED,
    OPEN_STATES,
    Appeal,
    ExtensionRequest,
    FollowUp,
    State,
)
from massline.appeals.permissions import policy, sealed_reach
from massline.orgs.models import Org, Role

S = State
WORKING = (S.ASSIGNED, S.IN_PROGRESS)


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    role: str
    states: tuple[str, ...] = ()
    overdue: bool = False
    due_soon: bool = False
    pending_extension: bool = False
    supervised: bool = False
    co_handled: bool = False
    follow_up: bool = False
    clock: str = "reply_due_at"
    """The deadline of the step the queue's appeals wait in; the queue sorts by it."""


HUB = "dispatch_due_at"

QUEUES: dict[str, Queue] = {
    q.key: q
    for q in (
        Queue("new", "待受理", Role.DISPATCHER, (S.SUBMITTED,), clock=HUB),
        Queue("to_dispatch", "待派单", Role.DISPATCHER, (S.ACCEPTED, S.REOPENED), clock=HUB),
        Queue("returned", "退回待重派", Role.DISPATCHER, (S.RETURNED,), clock=HUB),
        Queue("extensions", "延期待审批", Role.DISPATCHER, WORKING, pending_extension=True),
        Queue("replied", "已答复待办结", Role.DISPATCHER, (S.REPLIED,), clock="replied_at"),
        Queue("hub_overdue", "超期", Role.DISPATCHER, WORKING, overdue=True),
        Queue("follow_ups", "待回访", Role.DISPATCHER, FOLLOWED, follow_up=True),
        Queue("to_sign", "待签收", Role.HANDLER, (S.ASSIGNED,), clock="sign_due_at"),
        Queue("in_progress", "办理中", Role.HANDLER, (S.IN_PROGRESS,)),
        Queue("due_soon", "即将超期", Role.HANDLER, WORKING, due_soon=True),
        Queue("overdue", "已超期", Role.HANDLER, WORKING, overdue=True),
        Queue("co_handling", "协办", Role.HANDLER, WORKING, co_handled=True),
        Queue("open", "在办", Role.LEADER, tuple(OPEN_STATES)),
        Queue("lead_overdue", "超期", Role.LEADER, WORKING, overdue=True),
        Queue("supervised", "督办", Role.LEADER, tuple(OPEN_STATES), supervised=True),
    )
}

DUE_SOON_HORIZON = timedelta(days=14)
"""Warnings start at a share of a limit of at most a few weeks: only these are looked at."""


def queues_for(user) -> list[Queue]:
    """The queues of the roles the user holds in any org, in the order above."""
    rules = policy(user)
    roles = {m.role for m in rules.memberships}
    if rules.is_admin:
        roles |= {Role.DISPATCHER, Role.LEADER}
    return [q for q in QUEUES.values() if q.role in roles]


def _scope(user, q: Queue) -> Q | None:
    """Which appeals the user's memberships in the queue's role answer for."""
    rules = policy(user)
    if rules.is_admin:
        return Q()
    cond = None
    for m in rules.memberships:
        if m.role != q.role:
            continue
        if q.role == Role.HANDLER:
            if q.co_handled:
                path = m.org.path
                through = Appeal.co_orgs.through.objects.filter(org__path__startswith=path)
                part = Q(pk__in=through.values("appeal_id")) & ~_in_subtree("lead_org", m.org)
            else:
                part = _in_subtree("lead_org", m.org)
        elif q.role == Role.DISPATCHER:
            part = _in_subtree("hub", m.org.scope)
        else:
            part = _in_subtree("hub", m.org.scope) | _in_subtree("lead_org", m.org.scope)
        if q.role != Role.DISPATCHER:
            part &= sealed_reach(m)
        cond = part if cond is None else cond | part
    return cond


def _in_subtree(field: str, org: Org) -> Q:
    """Appeals whose `field` (hub or lead_org) is `org` or below it, as `field IN (the subtree's
    ids)`: the work-list indexes (state, org, deadline, age) then answer a queue and its count
    without reading the org of every appeal."""
    return Q(**{f"{field}__in": org.subtree().values("pk")})


def queue(user, key: str, now: datetime | None = None) -> QuerySet[Appeal]:
    """The appeals of one queue for this user, most urgent first; empty if not theirs."""
    q = QUEUES[key]
    cond = _scope(user, q)
    if cond is None:
        return Appeal.objects.none()
    now = now or timezone.now()
    qs = Appeal.objects.filter(cond, NOT_MERGED, state__in=q.states)
    if q.overdue:
        qs = qs.filter(reply_due_at__lt=now)
    if q.due_soon:
        qs = qs.filter(reply_due_at__gte=now, reply_due_at__lt=now + DUE_SOON_HORIZON)
        qs = qs.filter(pk__in=_warned(qs, now))
    if q.pending_extension:
        pending = ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING)
        qs = qs.filter(pk__in=pending.values("appeal_id"))
    if q.supervised:
        qs = qs.filter(supervised=True)
    if q.follow_up:
        owed = FollowUp.objects.filter(done_at__isnull=True)
        qs = qs.filter(pk__in=owed.values("appeal_id"))
    qs = qs.select_related("category", "region", "hub", "lead_org")
    return qs.order_by(F(q.clock).asc(nulls_last=True), "created_at", "pk")


def _warned(qs: QuerySet[Appeal], now: datetime) -> list[int]:
    """Of appeals not yet due, those past the warning share of their limit (working time)."""
    table = policies()
    rows = qs.only("pk", "kind", "state", "reply_clock_from", "reply_due_at", "replied_at")
    return [a.pk for a in rows if standing(a, now, table[a.kind]).status == "warning"]


def counts(user, now: datetime | None = None) -> dict[str, int]:
    """How many appeals wait in each of the user's queues (one query per queue)."""
    now = now or timezone.now()
    return {q.key: queue(user, q.key, now).count() for q in queues_for(user)}
