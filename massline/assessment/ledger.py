"""The per-step ledger of one appeal, replayed from its events.

Each step is a piece of work one org held, with its own time limit:

- `dispatch`: the hub, from a new appeal (or a return, or a reopening) to its dispatch,
  rejection, merge or direct answer (直接答复: the hub answers it itself, so no department
  holds a step of it), within the policy's `dispatch_hours` (working hours);
- `sign`: the lead department, from dispatch to signing for it (or returning it), within
  `sign_hours`;
- `reply`: the lead department, from dispatch to its reply. The first holder's limit is the
  appeal's reply deadline. A later holder (after a transfer or a return) is charged only for
  the time it held the appeal: its limit is the appeal's deadline moved on by the working
  time that had already run when it got the appeal, so one department's delay is never
  charged to the next (unless the policy restarts the clock on transfer anyway). An approved
  extension or a supervision moves every holder's limit with the appeal's;
- `co`: a co-handling department, from dispatch to its opinion, within the lead's limit.

A step is judged on time if it ended by its limit, late if it ended after it or is still open
past it; a step ended by someone else's decision before its limit (a transfer, a withdrawal)
is not judged. `decided_at` is when the verdict became known: the end for steps on time, the
limit for late ones, so a month's figures settle when the month ends.

The traffic light of a step is the share of its limit used: green below 80 %, yellow to
100 %, red beyond.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from massline.appeals.actions import Action
from massline.assessment.models import Cause, Outcome, StepKind
from massline.core.workdays import WorkCalendar

A = Action


class EventLike(Protocol):
    action: str
    created_at: datetime
    data: Any
    due_after: datetime | None
    actor_org_id: int | None


class PolicyLike(Protocol):
    dispatch_hours: int
    sign_hours: int
    reply_days: int
    reset_on_transfer: bool


@dataclass
class Row:
    seq: int
    round: int
    kind: str
    cause: str
    org_id: int
    started_at: datetime
    due_at: datetime
    ended_at: datetime | None = None
    outcome: str = ""
    on_time: bool | None = None
    decided_at: datetime | None = None
    used: float | None = None
    workdays: float | None = None
    extensions: int = 0
    shirked: bool = False
    reworked: bool = False
    unrated: bool = False
    first_time: bool = False
    credit: float = 0.0
    """Working seconds of the reply clock that had run when this holder got the appeal."""


def light(used: float | None) -> str:
    """green < 80 % of the limit, yellow 80–100 %, red beyond; '' when not measured."""
    if used is None:
        return ""
    if used > 1.0:
        return "red"
    return "yellow" if used >= 0.8 else "green"


class _Replay:
    def __init__(self, hub_id: int, policy: PolicyLike, cal: WorkCalendar):
        self.hub_id, self.policy, self.cal = hub_id, policy, cal
        self.rows: list[Row] = []
        self.round = 1
        self.dispatch: Row | None = None
        self.sign: Row | None = None
        self.reply: Row | None = None
        self.co: dict[int, Row] = {}
        self.clock_from: datetime | None = None
        self.official_due: datetime | None = None
        self.returned = False
        self.last_returned: list[Row] = []
        self.last_reply: Row | None = None

    def open(self, kind: str, cause: str, org: int, at: datetime, due: datetime) -> Row:
        row = Row(len(self.rows) + 1, self.round, kind, cause, org, at, max(due, at))
        self.rows.append(row)
        return row

    @staticmethod
    def end(row: Row | None, at: datetime, outcome: str) -> None:
        if row is not None and row.ended_at is None:
            row.ended_at, row.outcome = at, outcome

    def open_dispatch(self, cause: str, at: datetime) -> None:
        due = self.cal.add_working_hours(at, self.policy.dispatch_hours)
        self.dispatch = self.open(StepKind.DISPATCH, cause, self.hub_id, at, due)

    def holder_due(self, credit: float) -> datetime:
        assert self.official_due is not None
        return self.cal.add_working_hours(self.official_due, max(credit, 0.0) / 3600)

    def open_lead(self, cause: str, org: int, at: datetime, sign_due: datetime, co: list[int]):
        credit = 0.0
        if self.clock_from is not None:
            credit = self.cal.working_seconds_between(self.clock_from, at)
        self.sign = self.open(StepKind.SIGN, cause, org, at, sign_due)
        self.reply = self.open(StepKind.REPLY, cause, org, at, self.holder_due(credit))
        self.reply.credit = credit
        self.co = {}
        for pk in co:
            self.co[pk] = self.open(StepKind.CO, cause, pk, at, self.reply.due_at)

    def end_lead(self, at: datetime, outcome: str) -> list[Row]:
        ended = [r for r in (self.sign, self.reply) if r is not None and r.ended_at is None]
        for r in ended:
            self.end(r, at, outcome)
        for r in self.co.values():
            self.end(r, at, Outcome.ENDED)
        self.sign = self.reply = None
        self.co = {}
        return ended

    def moved_due(self, due: datetime | None) -> None:
        """The appeal's deadline moved (extension, supervision): every open holder's with it."""
        if due is None or due == self.official_due:
            return
        self.official_due = due
        if self.reply is not None and self.reply.ended_at is None:
            self.reply.due_at = max(self.holder_due(self.reply.credit), self.reply.started_at)
            for r in self.co.values():
                if r.ended_at is None:
                    r.due_at = self.reply.due_at

    def sign_due(self, e: EventLike) -> datetime:
        given = (e.data or {}).get("sign_due")
        if given:
            return datetime.fromisoformat(given)
        return self.cal.add_working_hours(e.created_at, self.policy.sign_hours)

    def play(self, e: EventLike) -> None:
        a, at, data = e.action, e.created_at, e.data or {}
        if a in (A.SUBMIT, A.REGISTER):
            self.open_dispatch(Cause.NEW, at)
        elif a in (A.REJECT, A.MERGE, A.DIRECT_ANSWER):
            self.end(self.dispatch, at, Outcome.DONE)
        elif a == A.WITHDRAW:
            self.end(self.dispatch, at, Outcome.ENDED)
        elif a == A.DISPATCH:
            if data.get("via"):
                return
            cause = self.dispatch.cause if self.dispatch is not None else Cause.NEW
            self.end(self.dispatch, at, Outcome.DONE)
            if self.clock_from is None:
                self.clock_from = at
            self.official_due = e.due_after or self.official_due
            co = list(data.get("co_orgs") or [])
            self.open_lead(cause, data["org"], at, self.sign_due(e), co)
        elif a == A.TRANSFER:
            self.end_lead(at, Outcome.TRANSFERRED)
            if self.policy.reset_on_transfer:
                self.clock_from = at
            self.official_due = e.due_after or self.official_due
            self.open_lead(
                Cause.TRANSFER,
                data["org"],
                at,
                self.sign_due(e),
                list(data.get("co_orgs") or []),
            )
        elif a == A.SIGN:
            self.end(self.sign, at, Outcome.DONE)
        elif a == A.RETURN:
            self.returned = True
            self.last_returned = self.end_lead(at, Outcome.RETURNED)
            self.open_dispatch(Cause.REDISPATCH, at)
        elif a == A.REFUSE_RETURN:
            for r in self.last_returned:
                r.shirked = True
            credit = next((r.credit for r in self.last_returned if r.kind == StepKind.REPLY), None)
            self.end(self.dispatch, at, Outcome.DONE)
            self.official_due = e.due_after or self.official_due
            self.open_lead(Cause.REFUSED, data["org"], at, self.sign_due(e), [])
            if credit is not None and self.reply is not None:
                self.reply.credit = credit
                self.reply.due_at = max(self.holder_due(credit), at)
        elif a == A.REPLY:
            if data.get("via"):
                return
            if self.reply is not None:
                self.reply.workdays = self.cal.working_days_between(self.reply.started_at, at)
                self.reply.first_time = not self.returned
                self.last_reply = self.reply
            self.end(self.reply, at, Outcome.DONE)
            self.end(self.sign, at, Outcome.DONE)
            for r in self.co.values():
                self.end(r, at, Outcome.ENDED)
            self.sign = self.reply = None
        elif a == A.OPINION:
            row = self.co.get(e.actor_org_id or 0)
            self.end(row, at, Outcome.DONE)
        elif a == A.DECIDE_EXTENSION:
            if data.get("approved") and self.reply is not None:
                self.reply.extensions += 1
            self.moved_due(e.due_after)
        elif a in (A.SUPERVISE, A.ESCALATE):
            self.moved_due(e.due_after)
        elif a == A.CLOSE:
            if data.get("unrated") and self.last_reply is not None:
                self.last_reply.unrated = True
        elif a == A.REOPEN:
            if self.last_reply is not None:
                self.last_reply.reworked = True
            self.end_lead(at, Outcome.ENDED)
            self.end(self.dispatch, at, Outcome.ENDED)
            self.round += 1
            self.clock_from = self.official_due = None
            self.returned = False
            self.last_reply = None
            self.open_dispatch(Cause.REOPEN, at)

    def judge(self, now: datetime) -> list[Row]:
        for r in self.rows:
            upto = r.ended_at or now
            limit = self.cal.working_seconds_between(r.started_at, r.due_at)
            spent = self.cal.working_seconds_between(r.started_at, upto)
            r.used = round(spent / limit, 4) if limit > 0 else None
            if upto > r.due_at:
                r.on_time, r.decided_at = False, r.due_at
            elif r.ended_at is not None and _judged_when_early(r):
                r.on_time, r.decided_at = True, r.ended_at
        return self.rows


def _judged_when_early(r: Row) -> bool:
    """Ended before its limit by the holder's own act: done, or a sign-for step answered by a
    return. A reply step cut short by a return, a transfer or a withdrawal is not judged."""
    return r.outcome == Outcome.DONE or (r.outcome == Outcome.RETURNED and r.kind == StepKind.SIGN)


def replay(
    events: Iterable[EventLike],
    *,
    hub_id: int,
    policy: PolicyLike,
    calendar: WorkCalendar,
    now: datetime,
) -> list[Row]:
    """The appeal's steps from its events in time order, judged as of `now`."""
    r = _Replay(hub_id, policy, calendar)
    for e in events:
        r.play(e)
    return r.judge(now)
