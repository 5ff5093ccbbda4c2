"""The 考核 org × month table on 1,000,000 appeals: the monthly rollup against a naive scan.

For each database it builds a fresh one (SQLite in a temp dir; PostgreSQL in a database it
creates and drops), loads the 黄冈 demo (regions, orgs, logins, 40 appeals), then adds generated
appeals up to `--count` with whole event histories spread over the last `--months` months and
over the demo's hubs (the city's and each county's), departments and town governments. Each
history is what `massline/appeals/workflow.py` would write (the same event `data`,
`due_before`/`due_after`, states and Rating rows): submit or register → accept → dispatch (some
late, some with a co-handling department and its opinion) → sign (some late) → reply (some
late) → rate or an unrated closing; some rejected or withdrawn, returned (then re-dispatched or
the return refused), transferred, extended, supervised, never answered (escalated once severely
overdue), reopened by a dissatisfied first rating or by the hub after a 回访. Steps later than a
day before `now` have not happened yet, so recent appeals are open. The rows go in by COPY on
PostgreSQL and executemany on SQLite (`insert`: about 3× faster than bulk_create).

Then, with one `now` for everything:

1. `rollup.rebuild(now)`: the ledger and OrgMonth made anew from every event (timed);
2. `--refresh-events` new events (sign, reply, rate on open appeals; new appeals submitted,
   accepted and dispatched) and `rollup.refresh(now)` over them: the cost of keeping OrgMonth,
   per appeal replayed (timed);
3. the table: the city government and its units (`figures.units_under(city, "departments")`
   + `units_under(city, "governments")`), each unit's subtree summed, for each of the last 12
   months (`selectors.trend_months`):
   - the platform's way: `figures.monthly(units, months, city)` over OrgMonth (first call and
     the median of `--repeat` calls);
   - a middle reference: `rollup.aggregate(...)` — GROUP BY straight over LedgerStep, without
     OrgMonth — summed over the subtrees in Python;
   - the naive full scan: every appeal's events (and every rating) read in one pass, each
     appeal replayed with `ledger.replay`, the steps counted in Python;
   and every (unit, month) cell of the three compared, counter by counter.

    .venv/bin/python bench/rollup.py                      # SQLite 100,000 and PostgreSQL 1,000,000
    .venv/bin/python bench/rollup.py --db sqlite --count 20000
    .venv/bin/python bench/rollup.py --db postgres --keep # leave massline_rollup_bench

Goal (issue 10): ≤ 1 s per table at 1,000,000 appeals, ≥ 20× the naive scan.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from _fresh import run_on, setup_django  # bench/ is the script's folder, first on sys.path

ROOT = Path(__file__).resolve().parent.parent
PG_NAME = "massline_rollup_bench"
SIZES = {"sqlite": 100_000, "postgres": 1_000_000}
GOAL_SECONDS = 1.0
GOAL_RATIO = 20.0
MINUTE = timedelta(minutes=1)

REPLIES = [
    "经现场核查，已安排维修人员更换损坏的路灯，目前已恢复照明。",
    "经调查核实，已责令商户整改，执法人员将持续巡查，感谢您的监督。",
    "您反映的问题已转交供水公司，破损管道已于当日抢修完毕，供水恢复正常。",
    "经与施工单位约谈，夜间22时后已停止高噪音作业，我局将加强检查。",
    "已协调用人单位结清拖欠工资，请您注意查收，如有问题可再次反映。",
    "您咨询的事项已电话答复：办理所需材料为身份证和户口簿，可在政务服务网在线申请。",
]
TITLES = {
    "complaint": ["小区附近夜间施工噪音扰民", "路边烧烤油烟直排", "物业乱收费"],
    "consultation": ["咨询医保异地就医备案", "咨询新生儿落户", "咨询公积金提取"],
    "suggestion": ["建议增设公交站点", "建议路口增设红绿灯"],
    "help": ["村里停水多日", "路灯不亮请求维修"],
    "report": ["举报违规排放污水", "举报违章搭建"],
    "praise": ["表扬社区网格员"],
    "disclosure": ["申请公开征收补偿方案"],
}
VERDICTS = (("satisfied", 70), ("basic", 17), ("dissatisfied", 13))
RESOLVED = {"satisfied": 0.95, "basic": 0.7, "dissatisfied": 0.15}


class Stop(Exception):
    """The story has reached the present: its later steps have not happened yet."""


@dataclass(slots=True)
class Event:
    """What `ledger.replay` reads of an event (the naive scan's rows)."""

    action: str
    created_at: datetime
    data: Any
    due_after: datetime | None
    actor_org_id: int | None


# ---- seeding -------------------------------------------------------------------------------


class World:
    """Orgs, staff and calendars the generated histories are made of."""

    def __init__(self, rng: random.Random, now: datetime, months: int, cut: datetime):
        from django.db.models import Max

        from massline.accounts.models import User
        from massline.appeals.deadlines import policies
        from massline.appeals.models import Appeal, ExtensionRequest
        from massline.demo import texts as tx
        from massline.demo.loader import Clock
        from massline.orgs.models import Level, Org, OrgKind, Region

        self.rng, self.now, self.cut = rng, now, cut
        self.start = now - timedelta(days=round(months * 30.44))
        self.clock = Clock(rng)
        self.cal = self.clock.cal
        self.table = policies()
        self.kinds = list(tx.KIND_WEIGHTS)
        self.kind_weights = list(tx.KIND_WEIGHTS.values())
        orgs = list(Org.objects.filter(is_active=True))
        self.names = {o.pk: o.name for o in orgs}
        city = next(o for o in orgs if o.kind == OrgKind.GOVERNMENT and o.level == Level.CITY)
        self.city = city
        towns = defaultdict(list)
        for r in Region.objects.filter(level=Level.TOWNSHIP, code__startswith="4211"):
            towns[r.code[:6]].append(r.pk)
        # (hub, its government, the orgs it dispatches to, the regions it receives from)
        self.hubs: list[tuple[Any, Any, list[int], list[int]]] = []
        weights = []
        for hub in (o for o in orgs if o.kind == OrgKind.HUB):
            gov = next(o for o in orgs if o.pk == hub.parent_id)
            if gov.pk == city.pk:
                targets = [o.pk for o in orgs if o.parent_id == gov.pk and o.kind == "department"]
                regions = [gov.region_id]
                weight = 2.0
            else:
                targets = [
                    o.pk
                    for o in orgs
                    if o.parent_id == gov.pk and o.kind in (OrgKind.DEPARTMENT, OrgKind.GOVERNMENT)
                ]
                regions = towns.get(gov.region.code, [])
                weight = 1.0
            if targets and regions:
                self.hubs.append((hub, gov, targets, regions))
                weights.append(weight)
        self.hub_weights = weights
        self.staff = self._staff([h for h, *_ in self.hubs], [g for _, g, *_ in self.hubs])
        self.ids = {
            "appeal": Appeal.objects.aggregate(n=Max("pk"))["n"] or 0,
            "extension": ExtensionRequest.objects.aggregate(n=Max("pk"))["n"] or 0,
        }
        self.residents = list(
            User.objects.filter(memberships__isnull=True, is_superuser=False).values_list(
                "pk", flat=True
            )
        )

    def _staff(self, hubs: list[Any], govs: list[Any]) -> dict[tuple[int, str], int]:
        """A dispatcher per hub, a handler per org dispatched to, a leader per government: the
        demo's where it has them, else new logins written in bulk."""
        from django.contrib.auth.hashers import make_password

        from massline.accounts.models import User
        from massline.orgs.models import Membership, Role

        found: dict[tuple[int, str], int] = {}
        for org, role, user in Membership.objects.values_list("org_id", "role", "user_id"):
            found.setdefault((org, role), user)
        wanted = [(h.pk, Role.DISPATCHER) for h in hubs] + [(g.pk, Role.LEADER) for g in govs]
        wanted += [(pk, Role.HANDLER) for _, _, targets, _ in self.hubs for pk in targets]
        missing = [w for w in dict.fromkeys(wanted) if w not in found]
        password = make_password("bench1234")
        users = User.objects.bulk_create(
            User(username=f"bench_{role}_{org}", real_name="测试", password=password)
            for org, role in missing
        )
        Membership.objects.bulk_create(
            Membership(user=u, org_id=org, role=role)
            for u, (org, role) in zip(users, missing, strict=True)
        )
        found.update({w: u.pk for w, u in zip(missing, users, strict=True)})
        return found

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def hours(self, start: datetime, hours: float) -> datetime:
        return self.cal.add_working_hours(start, max(hours, 0.0))

    def office(self, t: datetime) -> datetime:
        return self.clock.office(t)


class Story:
    """One appeal's history, step by step as the workflow would write it; `Stop` at the cut."""

    def __init__(self, w: World, appeal: Any, t: datetime, *, existing: bool = False):
        self.w, self.a, self.t = w, appeal, t
        self.rng = w.rng
        self.policy = w.table[appeal.kind]
        self.events: list[tuple] = []
        self.ratings: list[tuple] = []
        self.extensions: list[list] = []
        self.co: list[int] = []
        self.opinions: list[int] = []
        self.started = existing
        self.new = not existing
        self.hub_gov = appeal.hub.parent_id

    def after(self, at: datetime, same: bool = False) -> datetime:
        """A step's moment: at least two minutes after the one before (`same`: not before it),
        as the workflow's steps of one appeal follow each other."""
        if self.started:
            return max(at, self.t if same else self.t + 2 * MINUTE)
        return at

    def user(self, org: int, role: str) -> int | None:
        return self.w.staff.get((org, role))

    def emit(
        self,
        at: datetime,
        action: str,
        to: str | None,
        role: str,
        actor: int | None,
        org: int | None,
        *,
        data: dict | None = None,
        due_before: datetime | None = None,
        note: str = "",
        internal: str = "",
        public: bool = True,
        same: bool = False,
        **changes: Any,
    ) -> datetime:
        at = self.after(at, same)
        if at > self.w.cut:
            raise Stop
        a = self.a
        for name, value in changes.items():
            setattr(a, name, value)
        self.events.append(
            (
                a.pk,
                action,
                actor,
                role,
                org,
                a.state if self.started else "",
                to or a.state,
                note,
                internal,
                public,
                data or {},
                due_before,
                a.reply_due_at,
                at,
            )
        )  # EVENT_FIELDS
        if self.started:
            a.version += 1
        self.started = True
        a.state = to or a.state
        self.t = at
        return at

    # -- the steps, each as its do_* function in workflow.py

    def submit(self) -> None:
        a = self.a
        if self.rng.random() < 0.2:
            dispatcher = self.user(a.hub_id, "dispatcher")
            a.channel, a.registered_by_id = "hotline", dispatcher
            note = f"经12345热线反映，已由{a.hub.name}登记"
            self.emit(
                a.created_at, "register", "submitted", "dispatcher", dispatcher, a.hub_id, note=note
            )
        else:
            self.emit(
                a.created_at,
                "submit",
                "submitted",
                "resident",
                a.submitted_by_id,
                None,
                note=f"已提交至{a.hub.name}",
            )

    def dispatcher(self, at: datetime, action: str, to: str | None, **kw: Any) -> datetime:
        a = self.a
        return self.emit(
            at, action, to, "dispatcher", self.user(a.hub_id, "dispatcher"), a.hub_id, **kw
        )

    def handler(self, at: datetime, action: str, to: str | None, **kw: Any) -> datetime:
        org = self.a.lead_org_id
        return self.emit(at, action, to, "handler", self.user(org, "handler"), org, **kw)

    def accept(self, at: datetime | None = None) -> None:
        at = at or self.w.office(self.w.hours(self.t, self.rng.uniform(0.1, 4)))
        self.dispatcher(at, "accept", "accepted")

    def reject(self) -> None:
        from massline.appeals.actions import REJECT_REASONS

        reason = self.rng.choice(["duplicate", "out_of_scope", "no_content"])
        at = self.after(self.w.office(self.w.hours(self.t, self.rng.uniform(0.1, 4))))

        self.dispatcher(
            at,
            "reject",
            "rejected",
            note=REJECT_REASONS[reason],
            data={"reason": reason},
            closed_at=at,
        )

    def withdraw(self) -> None:
        at = self.after(self.t + timedelta(hours=self.rng.uniform(0.2, 3)))
        a = self.a
        self.emit(at, "withdraw", "withdrawn", "resident", a.submitted_by_id, None, closed_at=at)

    def clocks(self, at: datetime, *, transfer: bool = False) -> dict[str, Any]:
        """`deadlines.start_clocks`: the appeal's fields after a (re)dispatch at `at`."""
        a, p, cal = self.a, self.policy, self.w.cal
        out: dict[str, Any] = {
            "assigned_at": at,
            "signed_at": None,
            "sign_due_at": cal.add_working_hours(at, p.sign_hours),
        }
        if a.reply_clock_from is None or (transfer and p.reset_on_transfer):
            out["reply_clock_from"] = at
            out["reply_due_at"] = cal.add_working_days(at, p.reply_days)
        return out

    def pick(self, exclude: int | None = None) -> int:
        targets = self.targets
        while True:
            pk = self.rng.choice(targets)
            if pk != exclude or len(targets) == 1:
                return pk

    def dispatch(self, at: datetime, org: int, co: list[int]) -> None:
        a = self.a
        at = self.after(at)
        changes = self.clocks(at)
        names = "、".join(self.w.names[pk] for pk in co)
        before = a.reply_due_at
        self.dispatcher(
            at,
            "dispatch",
            "assigned",
            note=f"派至{self.w.names[org]}" + (f"，协办：{names}" if co else ""),
            data={"org": org, "co_orgs": co, "sign_due": changes["sign_due_at"].isoformat()},
            due_before=before,
            lead_org_id=org,
            **changes,
        )
        self.co, self.opinions = co, []

    def first_dispatch(self, at: datetime | None = None) -> None:
        if at is not None:
            pass
        elif self.rng.random() < 0.08:  # late: more than the 24 working hours
            at = self.w.office(self.w.hours(self.a.created_at, self.rng.uniform(26, 60)))
        else:
            at = self.w.office(self.w.hours(self.t, self.rng.uniform(0.1, 12)))
        lead = self.pick()
        co = [self.pick(lead)] if self.rng.random() < 0.1 else []
        self.dispatch(at, lead, [c for c in co if c != lead])

    def sign(self, at: datetime | None = None) -> None:
        a = self.a
        if at is not None:
            pass
        elif self.rng.random() < 0.1:
            at = self.w.office(self.w.hours(a.assigned_at, self.rng.uniform(25, 60)))
        else:
            at = self.w.office(self.w.hours(self.t, self.rng.uniform(0.2, 6)))
        at = self.after(at)
        self.handler(
            at, "sign", "in_progress", note=f"{self.w.names[a.lead_org_id]}已签收", signed_at=at
        )

    def give_back(self) -> None:
        """A return (退回), then the hub re-dispatches to another org or refuses the return."""
        a = self.a
        org = a.lead_org_id
        at = self.w.office(self.w.hours(self.t, self.rng.uniform(0.5, 16)))
        self.handler(
            at,
            "return",
            "returned",
            note=f"{self.w.names[org]}退回：不属本单位职责",
            data={"org": org},
            sign_due_at=None,
            signed_at=None,
        )
        at = self.after(self.w.office(self.w.hours(self.t, self.rng.uniform(0.5, 12))))
        if self.rng.random() < 0.3:
            changes = self.clocks(at)
            self.dispatcher(
                at,
                "refuse_return",
                "assigned",
                note=f"退回理由不成立，退回{self.w.names[org]}继续办理：属本单位职责",
                data={
                    "org": org,
                    "refused_return": True,
                    "sign_due": changes["sign_due_at"].isoformat(),
                },
                due_before=a.reply_due_at,
                **changes,
            )
        else:
            self.dispatch(at, self.pick(org), [])

    def transfer(self) -> None:
        a = self.a
        old = a.lead_org_id
        new = self.pick(old)
        at = self.after(self.w.office(self.w.hours(self.t, self.rng.uniform(2, 30))))
        changes = self.clocks(at, transfer=True)
        self.dispatcher(
            at,
            "transfer",
            "assigned",
            note=f"由{self.w.names[old]}转派至{self.w.names[new]}",
            data={
                "from_org": old,
                "org": new,
                "co_orgs": [],
                "sign_due": changes["sign_due_at"].isoformat(),
            },
            due_before=a.reply_due_at,
            lead_org_id=new,
            **changes,
        )
        self.co, self.opinions = [], []

    def opinion(self) -> None:
        org = self.co[0]
        left = self.w.cal.working_seconds_between(self.t, self.a.reply_due_at) / 3600
        at = self.w.office(self.w.hours(self.t, self.rng.uniform(1, max(2, 0.6 * left))))
        self.emit(
            at,
            "opinion",
            None,
            "co_handler",
            self.user(org, "handler"),
            org,
            note=f"{self.w.names[org]}已提交协办意见",
            internal="同意主办单位意见",
        )
        self.opinions.append(org)

    def extension(self) -> None:
        a = self.a
        days = self.rng.randint(2, 10)
        at = self.w.office(self.w.hours(self.t, self.rng.uniform(2, 20)))
        pk = self.w.next_id("extension")
        asked = {"extension": pk, "days": days}
        self.handler(
            at,
            "request_extension",
            None,
            note=f"申请延期{days}个工作日",
            internal="需协调相关单位现场处置",
            data=asked,
            public=False,
        )
        handler = self.user(a.lead_org_id, "handler")
        ext = [pk, a.pk, a.lead_org_id, days, "需协调", "pending", handler, None, self.t, None]
        self.extensions.append(ext)  # EXTENSION_FIELDS
        approve = self.rng.random() < 0.8
        at = self.w.office(self.w.hours(self.t, self.rng.uniform(1, 16)))
        decided = {"extension": pk, "approved": approve}
        before = a.reply_due_at
        due = self.w.cal.add_working_days(before, days) if approve else before
        self.dispatcher(
            at,
            "decide_extension",
            None,
            note=f"同意延期{days}个工作日" if approve else "不同意延期",
            data=decided,
            due_before=before,
            reply_due_at=due,
        )
        ext[5:] = [
            "approved" if approve else "denied",
            handler,
            self.user(a.hub_id, "dispatcher"),
            ext[8],
            self.t,
        ]

    def supervise(self) -> None:
        a = self.a
        at = self.after(self.w.office(self.w.hours(self.t, self.rng.uniform(2, 40))))
        gov = self.hub_gov
        before = a.reply_due_at
        due = min(before, self.w.cal.add_working_days(at, self.policy.supervised_days))
        self.emit(
            at,
            "supervise",
            None,
            "leader",
            self.user(gov, "leader"),
            gov,
            note="请加快办理，按时答复群众",
            due_before=before,
            reply_due_at=due,
            supervised=True,
            priority=max(a.priority, 2),
        )

    def escalate(self) -> None:
        """Never answered: the platform's sweep escalates it once 3× its limit has run."""
        a = self.a
        limit = self.w.cal.working_seconds_between(a.reply_clock_from, a.reply_due_at)
        at = self.w.hours(a.reply_clock_from, 3 * limit / 3600) + timedelta(minutes=30)
        if not a.supervised:
            self.emit(
                at,
                "escalate",
                None,
                "system",
                None,
                None,
                note="严重超期，系统自动升级督办",
                supervised=True,
                priority=3,
            )

    def reply(self, at: datetime | None = None) -> None:
        a, cal = self.a, self.w.cal
        left = cal.working_seconds_between(self.t, a.reply_due_at) / 3600
        if at is not None:
            pass
        elif self.rng.random() < 0.13 or left <= 1:
            limit = cal.working_seconds_between(a.reply_clock_from, a.reply_due_at) / 3600
            at = self.w.office(self.w.hours(a.reply_due_at, self.rng.uniform(1, max(2.0, limit))))
        else:
            at = self.w.office(self.w.hours(self.t, self.rng.uniform(0.05, 0.85) * left))
        at = self.after(at)
        consulted = [self.w.names[pk] for pk in dict.fromkeys(self.opinions)]
        text = self.rng.choice(REPLIES)
        org = a.lead_org_id
        self.handler(
            at,
            "reply",
            "replied",
            note=text,
            data={"consulted": consulted} if consulted else None,
            replied_at=at,
            reply_text=text,
            reply_org_id=org,
        )

    def rate(self, at: datetime | None = None) -> bool:
        """The resident's verdict; True when a first dissatisfied verdict reopened the appeal."""
        a = self.a
        verdict = self.rng.choices([v for v, _ in VERDICTS], [n for _, n in VERDICTS])[0]
        if a.round > 1 and verdict == "dissatisfied" and self.rng.random() < 0.5:
            verdict = "basic"
        resolved = self.rng.random() < RESOLVED[verdict]
        at = self.after(
            at or self.w.clock.waking(self.t + timedelta(hours=self.rng.uniform(1, 96)))
        )
        reopen = verdict == "dissatisfied" and a.round == 1
        label = {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}[verdict]
        self.emit(
            at,
            "rate",
            "closed",
            "resident",
            a.submitted_by_id,
            None,
            note=label + ("，已解决" if resolved else "，未解决"),
            data={"verdict": verdict, "resolved": resolved},
            closed_at=None if reopen else at,
        )
        self.ratings.append((a.pk, a.round, a.reply_org_id, verdict, resolved, "", at))
        if reopen:
            self.reopen(at, "群众不满意，自动重办", "resident", a.submitted_by_id, None, same=True)
        return reopen

    def reopen(self, at, note, role, actor, org, same=False) -> None:
        a = self.a
        self.emit(
            at,
            "reopen",
            "reopened",
            role,
            actor,
            org,
            note=note,
            same=same,
            round=a.round + 1,
            closed_at=None,
            replied_at=None,
            reply_clock_from=None,
            reply_due_at=None,
            sign_due_at=None,
            signed_at=None,
        )

    def close_unrated(self) -> None:
        at = self.w.cal.add_working_days(self.t, self.policy.rating_days + 3)
        at = self.after(at + timedelta(minutes=self.rng.uniform(0, 60)))
        self.emit(
            at,
            "close",
            "closed",
            "system",
            None,
            None,
            note="群众逾期未评价，系统自动办结（未评价）",
            data={"unrated": True},
            closed_at=at,
        )

    # -- the whole history

    def play(self, targets: list[int]) -> None:
        self.targets = targets
        rng = self.rng
        try:
            self.submit()
            if rng.random() < 0.01:
                return self.withdraw()
            self.accept()
            if rng.random() < 0.03:
                return self.reject()
            self.first_dispatch()
            while self.handle():
                at = self.w.office(self.w.hours(self.t, rng.uniform(0.5, 16)))
                lead = self.pick()
                self.dispatch(at, lead, [])
        except Stop:
            pass

    def handle(self) -> bool:
        """One round from its dispatch; True if the appeal was reopened for another."""
        rng = self.rng
        if rng.random() < 0.06:
            if rng.random() < 0.4:
                self.sign()
            self.give_back()
        self.sign()
        if rng.random() < 0.04:
            self.transfer()
            self.sign()
        if self.co and rng.random() < 0.85:
            self.opinion()
        if rng.random() < 0.03:
            self.extension()
        if rng.random() < 0.02:
            self.supervise()
        if rng.random() < 0.02:
            self.escalate()
            return False
        self.reply()
        if rng.random() < 0.75:
            return self.rate()
        self.close_unrated()
        if rng.random() < 0.02:  # 回访: still dissatisfied, the hub reopens it
            at = self.w.office(self.t + timedelta(hours=rng.uniform(24, 240)))
            hub = self.a.hub_id
            self.reopen(
                at, "回访群众仍不满意，重新办理", "dispatcher", self.user(hub, "dispatcher"), hub
            )
            return True
        return False


EVENT_FIELDS = [
    "appeal_id",
    "action",
    "actor_id",
    "actor_role",
    "actor_org_id",
    "from_state",
    "to_state",
    "note",
    "internal_note",
    "is_public",
    "data",
    "due_before",
    "due_after",
    "created_at",
]
EXTENSION_FIELDS = [
    "id",
    "appeal_id",
    "org_id",
    "days",
    "reason",
    "status",
    "requested_by_id",
    "decided_by_id",
    "created_at",
    "decided_at",
]
RATING_FIELDS = ["appeal_id", "round", "org_id", "verdict", "resolved", "comment", "created_at"]


def insert(model: Any, fields: list[str], rows: list[tuple] | list[list]) -> None:
    """Rows straight into the model's table: COPY on PostgreSQL, executemany on SQLite.

    bulk_create compiles its INSERT field by field: measured on PostgreSQL, 6.0 s per 10,000
    generated appeals with their events and ratings against 2.1 s this way, i.e. ~10 min of
    the 1,000,000 appeals' load instead of ~3.5."""
    from django.db import connection

    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    cols = ", ".join(q(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            with c.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [json.dumps(v) if isinstance(v, dict | list) else v for v in row]
                    )
        else:
            marks = ", ".join(["%s"] * len(fields))
            c.executemany(
                f"INSERT INTO {table} ({cols}) VALUES ({marks})",
                [tuple(_sqlite(v) for v in row) for row in rows],
            )


def _sqlite(value: Any) -> Any:
    """As Django's SQLite backend stores it: naive UTC datetimes, JSON as text."""
    if isinstance(value, datetime):
        return str(value.astimezone(UTC).replace(tzinfo=None))
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


class Writer:
    """Appeals with their events, ratings, extensions and co-handling orgs, in bulk."""

    def __init__(self, now: datetime) -> None:
        from massline.appeals.models import Appeal

        self.now = now
        self.serial: dict[date, int] = defaultdict(int)
        self.appeal_fields = [f.attname for f in Appeal._meta.concrete_fields]

    def tracking_no(self, created: datetime) -> str:
        from django.utils import timezone

        day = timezone.localtime(created).date()
        self.serial[day] += 1
        return f"HB{day:%Y%m%d}-{self.serial[day]:06d}"

    def write(self, stories: list[Story]) -> None:
        from django.core.management.color import no_style
        from django.db import connection

        from massline.appeals.models import Appeal, AppealEvent, ExtensionRequest, Rating

        new = [s.a for s in stories if s.new]
        for a in new:
            a.updated_at = a.updated_at or self.now
        insert(
            Appeal, self.appeal_fields, [[getattr(a, f) for f in self.appeal_fields] for a in new]
        )
        insert(ExtensionRequest, EXTENSION_FIELDS, [e for s in stories for e in s.extensions])
        insert(AppealEvent, EVENT_FIELDS, [e for s in stories for e in s.events])
        insert(Rating, RATING_FIELDS, [r for s in stories for r in s.ratings])
        through = [(s.a.pk, pk) for s in stories if s.new for pk in s.co]
        insert(Appeal.co_orgs.through, ["appeal_id", "org_id"], through)
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [Appeal, ExtensionRequest]
                ):
                    c.execute(sql)


def new_appeal(w: World, writer: Writer, created: datetime) -> tuple[Any, list[int]]:
    from massline.appeals.models import Appeal

    rng = w.rng
    hub, _, targets, regions = rng.choices(w.hubs, w.hub_weights)[0]
    kind = rng.choices(w.kinds, w.kind_weights)[0]
    a = Appeal(
        id=w.next_id("appeal"),
        tracking_no=writer.tracking_no(created),
        kind=kind,
        title=rng.choice(TITLES[kind]),
        body="群众反映的具体情况（基准测试生成）。",
        region_id=rng.choice(regions),
        is_public=rng.random() < 0.85,
        submitted_by_id=rng.choice(w.residents),
        hub=hub,
        created_at=created,
    )
    return a, targets


def seed(count: int, months: int, now: datetime, cut: datetime) -> dict[str, Any]:
    """The demo, then generated appeals up to `count`; the open appeals kept for `refresh`."""
    from django.db import connection

    from massline.appeals.models import Appeal
    from massline.demo.loader import load_demo

    started = time.perf_counter()
    load_demo(seed=2026, count=40, now=now)
    rng = random.Random(10)
    w = World(rng, now, months, cut)
    writer = Writer(now)
    todo = max(0, count - Appeal.objects.count())
    span = (cut - w.start).total_seconds()
    moments = sorted(w.start + timedelta(seconds=rng.uniform(0, span)) for _ in range(todo))
    batch = 5000
    open_: dict[str, deque] = defaultdict(lambda: deque(maxlen=3000))
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("SET synchronous_commit = off")
    for i in range(0, todo, batch):
        stories = []
        for created in moments[i : i + batch]:
            waking = w.clock.waking(created)
            a, targets = new_appeal(w, writer, waking if waking <= cut else created)
            story = Story(w, a, a.created_at)
            story.play(targets)
            stories.append(story)
        writer.write(stories)
        for s in stories:
            if s.a.state in ("assigned", "in_progress", "replied"):
                open_[s.a.state].append((s.a, s.t))
        done = min(i + batch, todo)
        if done % 100_000 < batch or done == todo:
            rate = done / (time.perf_counter() - started)
            print(f"  {done:>9,} appeals ({rate:,.0f}/s)", file=sys.stderr)
    with connection.cursor() as c:
        c.execute("ANALYZE")
    return {
        "world": w,
        "writer": writer,
        "open": open_,
        "seconds": time.perf_counter() - started,
    }


def more_events(seeded: dict[str, Any], n: int, cut: datetime) -> int:
    """`n` new events after the seed's cut: open appeals signed for, answered or rated (a first
    dissatisfied verdict reopens), new appeals submitted, accepted and dispatched."""
    from massline.appeals.models import Appeal

    w: World = seeded["world"]
    writer: Writer = seeded["writer"]
    w.cut = cut
    rng = random.Random(20)
    pools = {k: list(v) for k, v in seeded["open"].items()}
    for pool in pools.values():
        rng.shuffle(pool)
    stories: list[Story] = []
    events = 0

    def soon(after: datetime) -> datetime:
        return after + (cut - after) * rng.uniform(0.05, 0.5)

    need = {"assigned": 1, "in_progress": 1, "replied": 2, "new": 3}
    weights = {"assigned": 4, "in_progress": 3, "replied": 2, "new": 1}
    while events < n:
        left = n - events
        can = [k for k in need if need[k] <= left and (k == "new" or pools.get(k))]
        if not can:
            break
        choice = rng.choices(can, [weights[k] for k in can])[0]
        if choice == "new":
            a, targets = new_appeal(w, writer, cut - timedelta(hours=rng.uniform(4, 20)))
            story = Story(w, a, a.created_at)
            story.targets = targets
            story.submit()
            story.accept(soon(story.t))
            story.first_dispatch(soon(story.t))
        else:
            a, last = pools[choice].pop()
            story = Story(w, a, last, existing=True)
            at = soon(max(last, cut - timedelta(hours=20)))
            if choice == "assigned":
                story.sign(at)
            elif choice == "in_progress":
                story.reply(at)
            else:
                story.rate(at)
        events += len(story.events)
        stories.append(story)
    old = [s.a for s in stories if not s.new]
    writer.write(stories)
    fields = [
        "state",
        "version",
        "signed_at",
        "replied_at",
        "reply_text",
        "reply_org",
        "closed_at",
        "round",
        "reply_clock_from",
        "reply_due_at",
        "sign_due_at",
    ]
    Appeal.objects.bulk_update(old, fields, batch_size=500)
    return events


# ---- the table three ways ------------------------------------------------------------------


def subtree_sums(
    own: dict[tuple[int, date], dict[str, float]],
    units: list[Any],
    months: list[date],
    receipts: dict[tuple[int, date], set[int]],
) -> dict[tuple[int, date], Any]:
    """(org, month) → own sums, summed into (unit, month) over each unit's subtree; 收件 is
    the number of distinct appeals the subtree's orgs received (`receipts`) that month."""
    from massline.assessment import figures
    from massline.orgs.models import Org

    paths = dict(Org.objects.values_list("pk", "path"))
    within = defaultdict(list)
    for org, path in paths.items():
        for u in units:
            if path.startswith(u.path):
                within[org].append(u.pk)
    total = {(u.pk, m): figures.empty() for u in units for m in months}
    for (org, month), sums in own.items():
        for unit in within.get(org, ()):
            cell = total.get((unit, month))
            if cell is not None:
                for k, v in sums.items():
                    cell[k] += float(v or 0)
    got: dict[tuple[int, date], set[int]] = defaultdict(set)
    for (org, month), appeals in receipts.items():
        for unit in within.get(org, ()):
            got[(unit, month)] |= appeals
    for key, cell in total.items():
        cell["received"] = len(got.get(key, ()))
    return {key: figures.Figures(sums) for key, sums in total.items()}


def via_ledger(units: list[Any], months: list[date]) -> dict[tuple[int, date], Any]:
    """The middle reference: GROUP BY (org, month) straight over LedgerStep and Rating."""
    from massline.assessment.models import RECEIVING, LedgerStep, StepKind
    from massline.assessment.rollup import aggregate, month_of, month_range

    start, end = month_range(months[0])[0], month_range(months[-1])[1]
    own = aggregate(start, end, by_month=True)
    receipts: dict[tuple[int, date], set[int]] = defaultdict(set)
    steps = LedgerStep.objects.filter(
        kind=StepKind.REPLY, cause__in=RECEIVING, started_at__gte=start, started_at__lt=end
    ).values_list("org_id", "started_at", "appeal_id")
    for org, at, appeal in steps.iterator(chunk_size=20_000):
        receipts[(org, month_of(at))].add(appeal)
    return subtree_sums(own, units, months, receipts)  # type: ignore[arg-type]


def naive(units: list[Any], months: list[date], now: datetime) -> dict[tuple[int, date], Any]:
    """Without the ledger or the rollup: every event and rating read in one pass, each appeal
    replayed, its steps counted by the rules of `rollup.aggregate`."""
    from massline.appeals.deadlines import policies
    from massline.appeals.models import Appeal, AppealEvent, Rating
    from massline.assessment.ledger import replay
    from massline.assessment.models import RECEIVING, SUMS, Cause, Outcome, StepKind
    from massline.assessment.rollup import month_of
    from massline.core.calendar import get_calendar

    table, cal = policies(), get_calendar()
    wanted = set(months)
    heads = {
        pk: (kind, hub) for pk, kind, hub in Appeal.objects.values_list("pk", "kind", "hub_id")
    }
    own: dict[tuple[int, date], dict[str, float]] = defaultdict(lambda: dict.fromkeys(SUMS, 0))
    receipts: dict[tuple[int, date], set[int]] = defaultdict(set)

    def bucket(org: int, moment: datetime) -> dict[str, float] | None:
        m = month_of(moment)
        return own[(org, m)] if m in wanted else None

    def count(appeal: int, events: list[Event]) -> None:
        kind, hub = heads[appeal]
        for r in replay(events, hub_id=hub, policy=table[kind], calendar=cal, now=now):
            b = bucket(r.org_id, r.started_at)
            if b is not None:
                if r.kind == StepKind.REPLY and r.cause in RECEIVING:
                    receipts[(r.org_id, month_of(r.started_at))].add(appeal)
                elif r.kind == StepKind.DISPATCH and r.cause == Cause.NEW:
                    b["dispatch_received"] += 1
            if r.decided_at is not None and (b := bucket(r.org_id, r.decided_at)) is not None:
                b[f"{r.kind}_judged"] += 1
                b[f"{r.kind}_on_time"] += bool(r.on_time)
            if (
                r.kind == StepKind.REPLY
                and r.ended_at is not None
                and (b := bucket(r.org_id, r.ended_at)) is not None
            ):
                b["extensions"] += r.extensions
                if r.outcome == Outcome.DONE:
                    b["replies"] += 1
                    b["first_time"] += r.first_time
                    b["reworked"] += r.reworked
                    b["unrated"] += r.unrated
                    b["workdays_sum"] += r.workdays or 0
                elif r.outcome == Outcome.RETURNED:
                    b["returns"] += 1
                    b["shirked"] += r.shirked

    rows = (
        AppealEvent.objects.order_by("appeal_id", "created_at", "id")
        .values_list("appeal_id", "action", "created_at", "data", "due_after", "actor_org_id")
        .iterator(chunk_size=20_000)
    )
    current: int | None = None
    events: list[Event] = []
    for appeal, action, at, data, due_after, org in rows:
        if appeal != current:
            if current is not None:
                count(current, events)
            current, events = appeal, []
        events.append(Event(action, at, data, due_after, org))
    if current is not None:
        count(current, events)
    ratings = Rating.objects.filter(org__isnull=False).values_list(
        "org_id", "created_at", "verdict", "resolved"
    )
    for org, at, verdict, resolved in ratings.iterator(chunk_size=20_000):
        b = bucket(org, at)
        if b is not None:
            b["ratings"] += 1
            b[verdict] += 1
            b["resolved"] += resolved
    return subtree_sums(own, units, months, receipts)


def differences(a: dict, b: dict) -> list[str]:
    """Every (unit, month, figure) where the two tables disagree."""
    from massline.assessment.models import COUNTERS

    out = []
    for key in a:
        fa, fb = a[key], b[key]
        for k in COUNTERS:
            if k == "received_shared":  # OrgMonth's correction term for 收件, not a figure
                continue
            if fa.sums[k] != fb.sums[k]:
                out.append(f"{key} {k}: {fa.sums[k]} ≠ {fb.sums[k]}")
        x, y = fa.sums["workdays_sum"], fb.sums["workdays_sum"]
        if not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-6):
            out.append(f"{key} workdays_sum: {x} ≠ {y}")
        if fa.rates != fb.rates or fa.score != fb.score:
            out.append(f"{key} rates: {fa.rates} ≠ {fb.rates}")
    if set(a) != set(b):
        out.append("different cells")
    return out


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from massline.appeals.models import Appeal, AppealEvent, Rating
    from massline.assessment import figures, rollup
    from massline.assessment.models import LedgerStep, OrgMonth
    from massline.assessment.selectors import trend_months

    now = timezone.now().replace(microsecond=0)
    cut = now - timedelta(days=1)
    print(f"  seeding {args.count:,} appeals over {args.months} months …", file=sys.stderr)
    seeded = seed(args.count, args.months, now, cut)
    out: dict[str, Any] = {"seed_s": seeded["seconds"]}
    print(f"  seeded in {seeded['seconds']:.0f} s; rebuild() …", file=sys.stderr)
    _, out["rebuild_s"] = timed(rollup.rebuild, now)
    with connection.cursor() as c:
        c.execute("ANALYZE")
    n = more_events(seeded, args.refresh_events, now - rollup.SETTLE - MINUTE)
    print(f"  {n} new events; refresh() …", file=sys.stderr)
    replayed, out["refresh_s"] = timed(rollup.refresh, now)
    out["refresh_events"], out["refresh_appeals"] = n, replayed

    city = seeded["world"].city
    units = [city, *figures.units_under(city, "departments")]
    units += figures.units_under(city, "governments")
    months = trend_months(timezone.localdate(now))
    fast, out["fast_first_s"] = timed(figures.monthly, units, months, city)
    runs = [timed(figures.monthly, units, months, city)[1] for _ in range(args.repeat)]
    out["fast_s"], out["fast_best_s"] = statistics.median(runs), min(runs)
    print("  GROUP BY over the ledger …", file=sys.stderr)
    middle, out["ledger_s"] = timed(via_ledger, units, months)
    print("  naive scan …", file=sys.stderr)
    scan, out["naive_s"] = timed(naive, units, months, now)
    out["cells"] = len(fast)
    out["differ_naive"] = differences(fast, scan)[:10]
    out["differ_ledger"] = differences(fast, middle)[:10]
    out["units"], out["months"] = len(units), [f"{m:%Y-%m}" for m in months]
    out["appeals"] = Appeal.objects.count()
    out["events"] = AppealEvent.objects.count()
    out["ratings"] = Rating.objects.count()
    out["steps"] = LedgerStep.objects.count()
    out["org_months"] = OrgMonth.objects.count()
    out["states"] = dict(Appeal.objects.values_list("state").annotate(n=Count("pk")))
    out["city"] = [
        {"month": f"{m:%Y-%m}", **{k: v for k, v in fast[(city.pk, m)].as_row().items()}}
        for m in months
    ]
    return out


def worker(args: argparse.Namespace) -> None:
    setup_django()
    print(json.dumps(measure(args)))


# ---- the driver ----------------------------------------------------------------------------


def run(kind: str, args: argparse.Namespace, tmp: Path) -> dict | None:
    count = args.count or SIZES[kind]
    command = [sys.executable, __file__, "--worker", "--count", str(count)]
    command += ["--months", str(args.months), "--repeat", str(args.repeat)]
    command += ["--refresh-events", str(args.refresh_events)]
    print(f"{kind}: {count:,} appeals", file=sys.stderr)
    load = os.getloadavg()[0]
    out = run_on(kind, command, tmp, PG_NAME, keep=args.keep)
    if out is not None:
        out["load"] = (load, os.getloadavg()[0])
    return out


def report(results: dict[str, dict]) -> None:
    kinds = list(results)
    first = next(iter(results.values()))
    print(
        f"\nThe city's org × month table: {first['units']} units (the city government, its "
        f"departments and county governments) × {len(first['months'])} months "
        f"({first['months'][0]} … {first['months'][-1]})"
    )

    def row(label: str, cell) -> None:
        print(f"{label:<44}" + "".join(f"{cell(results[k]):>18}" for k in kinds))

    row("", lambda r: "")
    print(f"{'':<44}" + "".join(f"{k:>18}" for k in kinds))
    row("machine load (1 min) before / after", lambda r: f"{r['load'][0]:.1f} / {r['load'][1]:.1f}")
    row("appeals", lambda r: f"{r['appeals']:,}")
    row("events / ratings", lambda r: f"{r['events'] / 1e6:.2f}M / {r['ratings'] / 1e6:.2f}M")
    row("ledger steps / OrgMonth rows", lambda r: f"{r['steps'] / 1e6:.2f}M / {r['org_months']:,}")
    row("seed (demo + bulk load), s", lambda r: f"{r['seed_s']:.0f}")
    row("rebuild(): ledger + OrgMonth from scratch, s", lambda r: f"{r['rebuild_s']:.1f}")
    row(
        "refresh() after N new events: events → appeals",
        lambda r: f"{r['refresh_events']:,} → {r['refresh_appeals']:,}",
    )
    row("  refresh() time, s", lambda r: f"{r['refresh_s']:.2f}")
    row(
        "  per appeal replayed, ms",
        lambda r: f"{1000 * r['refresh_s'] / max(1, r['refresh_appeals']):.1f}",
    )
    row("monthly() over OrgMonth, first call, ms", lambda r: f"{1000 * r['fast_first_s']:.0f}")
    row("monthly() over OrgMonth, median, ms", lambda r: f"{1000 * r['fast_s']:.0f}")
    row("GROUP BY over LedgerStep (no OrgMonth), s", lambda r: f"{r['ledger_s']:.2f}")
    row("naive scan: read all events, replay, count, s", lambda r: f"{r['naive_s']:.1f}")
    row("ratio naive / monthly()", lambda r: f"{r['naive_s'] / r['fast_s']:,.0f}×")
    row("ratio GROUP BY / monthly()", lambda r: f"{r['ledger_s'] / r['fast_s']:,.0f}×")
    row(
        "cells equal (naive, GROUP BY)",
        lambda r: (
            f"{r['cells'] - len(r['differ_naive'])}, {r['cells'] - len(r['differ_ledger'])}"
            f" / {r['cells']}"
        ),
    )
    for k, r in results.items():
        for d in r["differ_naive"] + r["differ_ledger"]:
            print(f"  {k} differs: {d}")
    for k, r in results.items():
        total = sum(r["states"].values())
        states = ", ".join(
            f"{s} {100 * n / total:.1f}%"
            for s, n in sorted(r["states"].items(), key=lambda x: -x[1])
        )
        print(f"\n{k}: appeals by state: {states}")
        print(f"{k}: the city as a whole, month by month (from monthly())")
        print(
            f"{'month':<9}{'received':>10}{'replies':>9}{'response':>10}{'on time':>9}"
            f"{'satisfied':>11}{'resolved':>10}{'score':>7}"
        )
        for c in r["city"]:
            pct = lambda v: "—" if v is None else f"{100 * v:.1f}%"  # noqa: E731
            print(
                f"{c['month']:<9}{c['received']:>10,}{c['replies']:>9,}{pct(c['response']):>10}"
                f"{pct(c['on_time']):>9}{pct(c['satisfaction']):>11}{pct(c['resolution']):>10}"
                f"{c['score'] if c['score'] is not None else '—':>7}"
            )
    for k, r in results.items():
        ratio = r["naive_s"] / r["fast_s"]
        equal = not r["differ_naive"] and not r["differ_ledger"]
        verdict = "met" if r["fast_s"] <= GOAL_SECONDS and ratio >= GOAL_RATIO else "NOT met"
        print(
            f"{k} ({r['appeals']:,} appeals): table {1000 * r['fast_s']:.0f} ms "
            f"(goal ≤ {GOAL_SECONDS:.0f} s), {ratio:,.0f}× the naive scan "
            f"(goal ≥ {GOAL_RATIO:.0f}×)"
            f": {verdict}; same numbers in every cell: {'yes' if equal else 'NO'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--count", type=int, default=0, help="appeals (default: 100,000 SQLite, 1,000,000 PG)"
    )
    parser.add_argument("--months", type=int, default=24, help="history spread over months")
    parser.add_argument("--refresh-events", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5, help="monthly() calls timed")
    parser.add_argument("--keep", action="store_true", help=f"leave the {PG_NAME} database")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    with tempfile.TemporaryDirectory() as tmp:
        results = {k: r for k in kinds if (r := run(k, args, Path(tmp))) is not None}
    if results:
        report(results)


if __name__ == "__main__":
    main()
