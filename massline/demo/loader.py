"""A living demo of 黄冈市: its orgs, one login per role and a few hundred appeals of 90 days.

Every appeal goes through the real domain code (`submit_appeal`, the `do_*` functions of
`appeals.workflow`, `escalate_severely_overdue`), each given the moment the plan assigns it as
its clock. All steps of all appeals are replayed in time order, with the daily escalation sweep
among them, so the timelines, deadlines and escalations are what the system itself would have
produced.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as dtime

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from massline.accounts.models import User
from massline.appeals import workflow as wf
from massline.appeals.actions import RULES, Action, AppealIn
from massline.appeals.deadlines import policy_for, standing
from massline.appeals.models import (
    OPEN_STATES,
    Appeal,
    AppealEvent,
    Attachment,
    Category,
    DailyCounter,
    ExtensionRequest,
    FollowUp,
    Kind,
    Rating,
    ReportAccess,
    State,
    SupervisionCase,
)
from massline.appeals.services import submit_appeal
from massline.appeals.taxonomy import (
    UNUSED_IN_HUANGGANG,
    find_category,
    load_category_words,
    load_taxonomy,
)
from massline.assessment import reminders, rollup
from massline.assessment.models import Cursor, LedgerStep, OrgMonth
from massline.consult import demo as consult_demo
from massline.core.calendar import get_calendar
from massline.demo import texts as tx
from massline.demo.scenarios import (
    DAYS,
    FILL_WEIGHTS,
    FIRST_RESIDENT,
    MANDATORY,
    SCENARIOS,
    Scenario,
)
from massline.knowledge import demo as knowledge_demo
from massline.notices.models import Delivery, Notice
from massline.opinion.backlog import analyse_everything
from massline.orgs.models import Level, Membership, Org, OrgKind, Region, Role
from massline.orgs.regions import load_regions
from massline.orgs.seed import (
    CITY_CODE,
    COUNTY_DEPARTMENT_KEYS,
    DEPARTMENT_SLUGS,
    seed_huanggang_orgs,
)
from massline.party.demo import load_party_demo

PASSWORD = "demo1234"
MIN_COUNT = 40


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    org: str


@dataclass
class DemoSummary:
    logins: list[Login]
    created: int
    skipped: bool
    seconds: float
    by_state: dict[str, int] = field(default_factory=dict)
    facts: dict[str, int] = field(default_factory=dict)
    staff: dict[str, list[Login]] = field(default_factory=dict)
    """Every dispatcher and handler login, by the city or county government over its org."""


# ---- people --------------------------------------------------------------------------------


class People:
    """The demo's users: printed logins, a dispatcher per hub, handlers per org, residents."""

    def __init__(self, orgs: dict[str, Org], now: datetime):
        self.orgs = orgs
        self.key_of = {o.pk: k for k, o in orgs.items()}
        self.hash = make_password(PASSWORD)
        self.joined = now - timedelta(days=DAYS + 30)
        self.users: dict[str, User] = {}
        self.by_org_role: dict[tuple[int, str], User] = {}
        self.logins: list[Login] = []
        self.residents: list[User] = []

    def _user(self, username: str, real_name: str, *, phone: str | None = None, **extra) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                real_name=real_name,
                phone=phone,
                password=self.hash,
                date_joined=self.joined,
                phone_verified_at=self.joined if phone else None,
                **extra,
            )
            user.save()
        self.users[username] = user
        return user

    def member(self, username: str, real_name: str, org: Org, role: str, **extra) -> User:
        """Staff get a demo e-mail address, so their notices show on the console backend."""
        extra.setdefault("email", f"{username}@huanggang.example")
        user = self._user(username, real_name, **extra)
        Membership.objects.get_or_create(user=user, org=org, role=role)
        self.by_org_role.setdefault((org.pk, role), user)
        return user

    def printed(self, username, real_name, org, role, label, **extra) -> User:
        user = self.member(username, real_name, org, role, **extra) if org else None
        if user is None:
            user = self._user(username, real_name, **extra)
        self.logins.append(Login(username, PASSWORD, label, org.name if org else "—"))
        return user

    def name(self) -> str:
        return tx.person_name(self.rng)

    def build(self, rng: random.Random) -> None:
        self.rng = rng
        o = self.orgs
        r1 = self._user("13800000001", "张秀兰", phone="13800000001")
        r2 = self._user("13800000002", "李建国", phone="13800000002")
        self.logins += [
            Login(r1.username, PASSWORD, "群众（实名注册）", "—"),
            Login(r2.username, PASSWORD, "群众（实名注册）", "—"),
        ]
        hz = "421102"
        self.printed("dispatcher_city", "周敏", o["city_hub"], Role.DISPATCHER, "市级派单员")
        self.printed(
            "dispatcher_huangzhou", "汪晓东", o[f"county_hub:{hz}"], Role.DISPATCHER, "区级派单员"
        )
        self.printed(
            "handler_city_zhujian", "陈志强", o["city_dept:住建"], Role.HANDLER, "市直部门承办人"
        )
        self.printed(
            "handler_huangzhou_zhujian",
            "刘海燕",
            o[f"county_dept:{hz}:住建"],
            Role.HANDLER,
            "区直部门承办人",
        )
        self.printed(
            "handler_huangzhou_chengguan",
            "胡文军",
            o[f"county_dept:{hz}:城管"],
            Role.HANDLER,
            "协办部门承办人",
        )
        self.printed(
            "handler_city_jiwei", "郑清廉", o["city_discipline"], Role.HANDLER, "市纪委监委承办人"
        )
        self.printed(
            "handler_huangzhou_jiwei",
            "严正",
            o[f"county_discipline:{hz}"],
            Role.HANDLER,
            "区纪委监委承办人（举报）",
        )
        self.leader = self.printed("leader_city", "程国华", o["city_gov"], Role.LEADER, "市领导")
        self.printed(
            "leader_huangzhou", "柯立新", o[f"county_gov:{hz}"], Role.LEADER, "区领导（黄州区）"
        )
        for key, org in o.items():
            if key.startswith("county_gov:") and key != f"county_gov:{hz}":
                self.member(f"leader_{key.split(':')[1]}", self.name(), org, Role.LEADER)
        self.printed("analyst_city", "夏雨轩", o["city_gov"], Role.ANALYST, "分析员")
        self.printed(
            "secretary_yujiawan",
            "余德明",
            o["party:余家湾第一支部"],
            Role.PARTY_SECRETARY,
            "党支部书记",
        )
        self.printed(
            "member_yujiawan", "方静", o["party:余家湾第一支部"], Role.PARTY_MEMBER, "党员"
        )
        self.printed(
            "admin", "平台管理员", o["city_gov"], Role.ADMIN, "平台管理员（可登录 /admin/）",
            is_superuser=True, is_staff=True,
        )  # fmt: skip
        self.residents = [r1, r2]
        for i in range(3, 61):
            phone = f"138000000{i:02d}"
            self.residents.append(self._user(phone, tx.person_name(rng), phone=phone))

    def dispatcher(self, hub: Org) -> User:
        found = self.by_org_role.get((hub.pk, Role.DISPATCHER))
        if found is None:
            code = hub.region.code
            found = self.member(f"dispatcher_{code}", self.name(), hub, Role.DISPATCHER)
        return found

    def handler(self, org: Org) -> User:
        found = self.by_org_role.get((org.pk, Role.HANDLER))
        if found is None:
            key = self.key_of[org.pk]
            parts = key.split(":")
            if parts[0] == "town_gov":
                name = f"handler_{parts[1]}"
            elif parts[0] == "city_dept":
                name = f"handler_{CITY_CODE}_{DEPARTMENT_SLUGS[parts[1]]}"
            else:
                name = f"handler_{parts[1]}_{DEPARTMENT_SLUGS[parts[2]]}"
            found = self.member(name, self.name(), org, Role.HANDLER)
        return found


# ---- time ----------------------------------------------------------------------------------

OFFICE_OPEN, OFFICE_CLOSE = dtime(8, 30), dtime(17, 30)


class Clock:
    """Moments for staff (office hours of working days) and residents (07:00–23:00)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.cal = get_calendar()

    def office(self, t: datetime) -> datetime:
        local = timezone.localtime(t)
        if self.cal.is_workday(local.date()) and OFFICE_OPEN <= local.time() < OFFICE_CLOSE:
            return t
        day = local.date()
        if local.time() >= OFFICE_CLOSE or not self.cal.is_workday(day):
            day = self.cal.next_workday(day + timedelta(days=1))
        start = datetime.combine(day, OFFICE_OPEN, tzinfo=local.tzinfo)
        return start + timedelta(minutes=self.rng.uniform(0, 100))

    def waking(self, t: datetime) -> datetime:
        local = timezone.localtime(t)
        if 7 <= local.hour < 23:
            return t
        day = local.date() + timedelta(days=1 if local.hour >= 23 else 0)
        return datetime.combine(day, dtime(7), tzinfo=local.tzinfo) + timedelta(
            minutes=self.rng.uniform(0, 120)
        )


@dataclass
class Step:
    at: datetime
    action: str
    kwargs: dict


@dataclass
class Plan:
    index: int
    scenario: str
    kind: str
    matter: tx.Matter | None
    title: str
    body: str
    region_code: str
    location: str
    category_id: int | None
    is_public: bool
    resident: User
    hub: Org
    lead: Org | None
    wrong: Org | None
    co: list[Org]
    slots: dict[str, str]
    steps: list[Step] = field(default_factory=list)
    appeal_id: int | None = None
    tracking_no: str = ""
    group: int | None = None
    variant: int = 0


class Line:
    """Builds one appeal's steps forward in time."""

    def __init__(self, clock: Clock, plan: Plan, start: datetime, limit_days: int):
        self.clock, self.plan, self.t = clock, plan, start
        self.rng = clock.rng
        self.limit = limit_days
        self.steps: list[Step] = []
        self.dispatched: datetime | None = None

    def after_rating_window(self, action: str, lo_h: float, hi_h: float, **kwargs) -> Step:
        """A step once the resident's rating window after the last reply has passed."""
        days = policy_for(self.plan.kind).rating_days
        ends = self.clock.cal.add_working_days(self.t, days)
        at = self.clock.office(ends + timedelta(hours=self.rng.uniform(lo_h, hi_h)))
        return self._add(at, action, **kwargs)

    def _add(self, at: datetime, action: str, **kwargs) -> Step:
        at = max(at, self.t + timedelta(minutes=2)) if self.steps else at
        self.t = at
        step = Step(at, action, kwargs)
        self.steps.append(step)
        return step

    def resident(self, action: str, lo_h: float, hi_h: float, **kwargs) -> Step:
        at = self.clock.waking(self.t + timedelta(hours=self.rng.uniform(lo_h, hi_h)))
        return self._add(at, action, **kwargs)

    def staff(self, action: str, lo_h: float, hi_h: float, **kwargs) -> Step:
        at = self.clock.office(self.t + timedelta(hours=self.rng.uniform(lo_h, hi_h)))
        step = self._add(at, action, **kwargs)
        if action in ("dispatch", "transfer") and (action == "dispatch" or self.dispatched is None):
            self.dispatched = step.at
        return step

    def after_dispatch(self, action: str, lo: float, hi: float, **kwargs) -> Step:
        """A step at a fraction of the reply limit (in working days) after the dispatch."""
        frac = self.rng.uniform(lo, hi)
        at = self.clock.cal.add_working_hours(self.dispatched, frac * self.limit * 24)
        return self._add(self.clock.office(at), action, **kwargs)


# ---- the planner ---------------------------------------------------------------------------


class Planner:
    def __init__(self, rng: random.Random, now: datetime, orgs: dict[str, Org], people: People):
        self.rng, self.now, self.orgs, self.people = rng, now, orgs, people
        self.clock = Clock(rng)
        self.cal = self.clock.cal
        self.matters = {m.key: m for m in tx.MATTERS}
        self.by_kind: dict[str, list[tx.Matter]] = {}
        for m in tx.MATTERS:
            self.by_kind.setdefault(m.kind, []).append(m)
        self.categories = self._categories()
        self.regions = {
            r.code: r
            for r in Region.objects.filter(code__startswith="4211", level__gte=Level.COUNTY)
        }
        self.towns: dict[str, list[Region]] = {}
        for r in self.regions.values():
            if r.level == Level.TOWNSHIP and r.name.endswith(("镇", "乡")):
                self.towns.setdefault(r.code[:6], []).append(r)
        self.policies = {k: policy_for(k) for k in Kind.values}
        self.plans: list[Plan] = []
        self.writer = tx.Writer(rng)

    def _categories(self) -> dict[str, int]:
        found: dict[str, list[int]] = {}
        for cat in Category.objects.filter(level=3).select_related("parent"):
            found.setdefault(f"{cat.parent.name}/{cat.name}", []).append(cat.pk)
        wanted = {m.category for m in tx.MATTERS}
        missing = sorted(c for c in wanted if len(found.get(c, ())) != 1)
        if missing:
            raise ValueError("演示诉求的分类在分类表中不存在或不唯一：" + "、".join(missing))
        return {c: found[c][0] for c in wanted}

    # -- places and orgs

    def _place(self, matter: tx.Matter, county: str | None = None, town: str | None = None):
        rng = self.rng
        if county is None:
            county = self._county()
        setting = matter.setting
        if setting == "any":
            setting = rng.choice(("urban", "rural"))
        if town is None:
            if matter.key == "sand_mining":
                town = rng.choice(tx.PLACES["riverside_towns"])
                county = town[:6]
            elif setting == "rural":
                town = rng.choice(self.towns[county]).code
            else:
                town = rng.choice(tx.PLACES["county_seats"][county])
        c, t = self.regions[county], self.regions[town]
        place = tx.Place(c.code, c.name, c.short_name, t.code, t.name, {})
        place.slots = tx.local_slots(rng, place, "rural" if setting == "rural" else "urban")
        return place, setting

    def _dept(self, key: str, place: tx.Place, city: bool) -> Org | None:
        if key == tx.TOWN:
            return self.orgs.get(f"town_gov:{place.town_code}")
        if not city and key in COUNTY_DEPARTMENT_KEYS:
            return self.orgs.get(f"county_dept:{place.county_code}:{key}")
        return self.orgs.get(f"city_dept:{key}")

    def _county(self) -> str:
        weights = tx.PLACES["county_weights"]
        return self.rng.choices(list(weights), weights=weights.values())[0]

    # -- one plan

    def plan(self, scenario: str, *, matter: tx.Matter | None = None, cluster: str | None = None):
        rng = self.rng
        table = SCENARIOS[scenario]
        if matter is None:
            kind = self._kind_for(table)
            pool = self.by_kind[kind]
            if table.needs_wrong:
                pool = [
                    m
                    for m in tx.MATTERS
                    if (m.dept in tx.WRONG_GUESS or m.wrong)
                    and m.kind not in ("praise", "disclosure")
                ]
            if scenario == "overdue":  # the 考核 ranking's overdue work is a department's
                pool = [m for m in pool if m.dept != tx.TOWN]
            matter = self.writer.pick(pool)
        spec = tx.CLUSTERS.get(cluster) if cluster else None
        if spec:
            place, setting = self._place(matter, spec["county"], spec["town"])
            place.slots.update(spec["slots"])
        else:
            place, setting = self._place(matter)
        city = setting == "city" or (
            not cluster
            and place.county_code == "421102"
            and setting == "urban"
            and rng.random() < 0.2
        )
        lead = self._dept(matter.dept, place, city)
        wrong = None
        if table.needs_wrong:
            wrong_key = matter.wrong or tx.WRONG_GUESS[matter.dept]
            wrong = self._dept(wrong_key, place, city)
        co = []
        if matter.co and (table.co_handled or rng.random() < 0.35 or cluster):
            co_org = self._dept(matter.co, place, city)
            if co_org and co_org != lead:
                co = [co_org]
        hub = self.orgs["city_hub"] if city else self.orgs[f"county_hub:{place.county_code}"]
        slots = dict(place.slots, unit=lead.name, right=lead.name, date="{date}")
        kind = matter.kind
        public_phone = matter.phone or rng.random() < 0.12
        title, body, variant = self.writer.compose(matter, slots, public_phone=public_phone)
        if spec:
            n = sum(p.matter is matter and p.slots.get("road") == slots["road"] for p in self.plans)
            title = spec["titles"][n % len(spec["titles"])]
            variant = n % len(spec["bodies"])
            body = spec["bodies"][variant].format_map(slots)
        is_public = rng.random() < (0.5 if kind in ("report", "help") else 0.85)
        location = place.county_name + place.town_name
        if setting == "rural" or matter.dept == tx.TOWN:
            location += slots["community"]
        elif "{estate}" in title + "".join(matter.bodies):
            location += slots["road"] + slots["estate"]
        return Plan(
            index=len(self.plans),
            scenario=scenario,
            kind=kind,
            matter=matter,
            title=title,
            body=body,
            region_code=CITY_CODE if city else place.town_code,
            location=location,
            category_id=self.categories[matter.category],
            is_public=is_public,
            resident=rng.choice(self.people.residents[2:]),
            hub=hub,
            lead=lead,
            wrong=wrong,
            co=co,
            slots=slots,
            variant=variant,
        )

    def _kind_for(self, scenario: Scenario) -> str:
        if scenario.kinds:
            return self.rng.choice(scenario.kinds)
        kinds = list(tx.KIND_WEIGHTS)
        if not scenario.praise:
            kinds.remove("praise")
        weights = [tx.KIND_WEIGHTS[k] for k in kinds]
        return self.rng.choices(kinds, weights=weights)[0]

    def rejected(self, reason: str) -> Plan:
        rng = self.rng
        text = self.writer.rejected(reason)
        county = self._county()
        town = rng.choice(tx.PLACES["county_seats"][county])
        return Plan(
            index=len(self.plans),
            scenario=f"rejected:{reason}",
            kind=rng.choice(("complaint", "help", "consultation")),
            matter=None,
            title=text["title"],
            body=text["body"],
            region_code=town,
            location="",
            category_id=None,
            is_public=False,
            resident=rng.choice(self.people.residents[2:]),
            hub=self.orgs[f"county_hub:{county}"],
            lead=None,
            wrong=None,
            co=[],
            slots={},
        )

    # -- timelines: a scenario of the table played forward from a start

    def _start(self, lo_days: float, hi_days: float) -> datetime:
        hi_days = min(hi_days, DAYS - 0.5)
        lo_days = min(lo_days, hi_days)
        t = self.now - timedelta(days=self.rng.uniform(lo_days, hi_days))
        return self.clock.waking(t)

    def timeline(self, plan: Plan, start: datetime) -> tuple[list[Step], bool]:
        """The steps of `plan` from `start`, and whether they fit its scenario at `now`."""
        scenario = SCENARIOS[plan.scenario]
        line = Line(self.clock, plan, start, self.limit_of(plan))
        line._add(start, "submit")
        extension: dict = {}
        for spec in scenario.steps:
            if spec.get("org") == "co" and not plan.co:
                continue
            if "chance" in spec and not self._happens(spec["chance"]):
                continue
            step = self._moment(line, spec, self._arguments(plan, spec, extension), extension)
            if step.action == "reply":
                again = any(s.action == "reply" for s in line.steps[:-1])
                templated = self._happens(spec["templated"])
                step.kwargs["text"] = self._reply_text(plan, step.at, templated, again)
        ok = self._holds(scenario.expect, line, plan)
        return line.steps, ok and line.t < self.now - timedelta(minutes=10)

    def _happens(self, chance: float) -> bool:
        return chance >= 1 or (chance > 0 and self.rng.random() < chance)

    def _arguments(self, plan: Plan, spec: dict, extension: dict) -> dict:
        """A step's arguments, drawn before its moment (a reply's text comes after it)."""
        rng, action = self.rng, spec["action"]
        kwargs = {key: spec[key] for key in ("reason", "note", "approve", "text") if key in spec}
        if "org" in spec:
            kwargs["org"] = {"wrong": plan.wrong, "co": (plan.co or [None])[0]}.get(
                spec["org"], plan.lead
            )
        if action in ("dispatch", "transfer"):
            kwargs["co"] = plan.co if kwargs["org"] is plan.lead else []
        if action == "request_extension":
            kwargs["days"] = extension["days"] = rng.choice(spec["days"])
        if action == "decide_extension":
            extension["approved"] = spec["approve"]
        if action == "rate":
            verdict = (
                spec.get("verdict")
                or rng.choices(list(spec["verdicts"]), weights=spec["verdicts"].values())[0]
            )
            kwargs["verdict"] = verdict
            kwargs["resolved"] = rng.random() < spec["resolved"][verdict]
            kwargs["comment"] = rng.choice(tx.RATING_COMMENTS[verdict])
        writes = spec.get("writes")
        if writes and writes not in kwargs:
            notes = tx.STAFF_NOTES[action]
            notes = notes[spec["reason"]] if isinstance(notes, dict) else notes
            kwargs[writes] = rng.choice(notes).format_map(plan.slots)
        return kwargs

    def _moment(self, line: Line, spec: dict, kwargs: dict, extension: dict) -> Step:
        action = spec["action"]
        if "staff_hours" in spec:
            return line.staff(action, *spec["staff_hours"], **kwargs)
        if "resident_hours" in spec:
            return line.resident(action, *spec["resident_hours"], **kwargs)
        if "after_rating_hours" in spec:
            return line.after_rating_window(action, *spec["after_rating_hours"], **kwargs)
        lo, hi = spec["limit_share"]
        if spec.get("stretch") and extension.get("approved"):
            hi += extension["days"] / line.limit
        return line.after_dispatch(action, lo, hi, **kwargs)

    def _holds(self, expect: dict, line: Line, plan: Plan) -> bool:
        """Whether the appeal, its steps played, is at `now` what its scenario expects."""
        if "recent_days" in expect and self.now - line.t >= timedelta(days=expect["recent_days"]):
            return False
        if "due" in expect and (self.now < self._due(line)) != (expect["due"] == "ahead"):
            return False
        severe = self.policies[plan.kind].severe_factor
        if "short_of_severe" in expect and self._used(line) >= severe - expect["short_of_severe"]:
            return False
        return not ("past_severe" in expect and self._used(line) <= severe + expect["past_severe"])

    def _reply_text(self, plan: Plan, at: datetime, templated: bool, again: bool) -> str:
        slots = dict(
            _office_slots(plan.slots, plan.lead),
            reply_date=tx.month_day(timezone.localtime(at) - timedelta(1)),
        )
        text = tx.compose_reply(self.rng, plan.matter, slots, plan.variant, templated=templated)
        return ("【重办答复】" + text) if again else text

    def limit_of(self, plan: Plan) -> int:
        return self.policies[plan.kind].reply_days

    def _due(self, line: Line) -> datetime:
        return self.cal.add_working_days(line.dispatched, line.limit)

    def _used(self, line: Line) -> float:
        seconds = self.cal.working_seconds_between(line.dispatched, self.now)
        return seconds / (line.limit * 86400)

    def place_in_time(self, plan: Plan, around: datetime | None = None) -> None:
        for attempt in range(400):
            if around is not None and attempt < 200:
                start = self.clock.waking(around + timedelta(hours=self.rng.uniform(-30, 30)))
            else:
                start = self._start(*SCENARIOS[plan.scenario].window_days(self.limit_of(plan)))
            steps, ok = self.timeline(plan, start)
            if ok and start < self.now:
                plan.steps = steps
                self.plans.append(plan)
                return
        raise RuntimeError(f"演示数据：无法为场景 {plan.scenario}（{plan.kind}）安排合理的时间")

    # -- groups

    def merged_group(self) -> None:
        """Four appeals about one flooded underpass, three merged into the first, then answered."""
        rng = self.rng
        matter = self.matters["waterlogging"]
        base = self.clock.waking(self.now - timedelta(days=rng.uniform(30, 45)))
        members = []
        spec = tx.CLUSTERS["underpass"]
        for i in range(4):
            plan = self.plan("closed_rated", matter=matter, cluster="underpass")
            plan.title = spec["titles"][i]
            plan.body = spec["bodies"][i % len(spec["bodies"])].format_map(plan.slots)
            plan.group = 0
            members.append(plan)
        primary, merged = members[0], members[1:]
        merged[0].resident = self.people.residents[1]
        for plan in merged:
            plan.co, plan.lead = primary.co, primary.lead
        clock = self.clock
        t = base
        primary.steps = [Step(t, "submit", {})]
        for i, plan in enumerate(merged):
            t = clock.waking(t + timedelta(hours=rng.uniform(1, 20)))
            plan.steps = [Step(t + timedelta(minutes=i), "submit", {})]
        t = clock.office(t + timedelta(hours=rng.uniform(0.5, 3)))
        primary.steps.append(Step(t, "accept", {}))
        for plan in merged:
            t += timedelta(minutes=rng.uniform(3, 15))
            plan.steps.append(Step(t, "merge", {"primary": primary}))
        t = clock.office(t + timedelta(hours=rng.uniform(0.5, 2)))
        primary.steps.append(Step(t, "dispatch", {"org": primary.lead, "co": primary.co}))
        t = clock.office(t + timedelta(hours=rng.uniform(1, 6)))
        primary.steps.append(Step(t, "sign", {"org": primary.lead}))
        t = clock.office(t + timedelta(days=rng.uniform(3, 8)))
        text = spec["reply"].format_map(
            dict(
                _office_slots(primary.slots, primary.lead),
                reply_date=tx.month_day(timezone.localtime(t) - timedelta(1)),
            )
        )
        primary.steps.append(Step(t, "reply", {"org": primary.lead, "text": text}))
        verdicts = [("satisfied", True), ("basic", True), ("satisfied", True), None]
        for plan, verdict in zip(members, verdicts, strict=True):
            later = t + timedelta(hours=rng.uniform(3, 60))
            if verdict is None:
                ends = clock.cal.add_working_days(t, policy_for(plan.kind).rating_days)
                at = clock.office(ends + timedelta(hours=rng.uniform(1, 48)))
                plan.steps.append(Step(at, "close", {"note": "群众逾期未评价，按期办结。"}))
            else:
                comment = rng.choice(tx.RATING_COMMENTS[verdict[0]])
                plan.steps.append(
                    Step(clock.waking(later), "rate",
                         {"verdict": verdict[0], "resolved": verdict[1], "comment": comment})
                )  # fmt: skip
        for plan in members:
            plan.scenario = "merged"
            self.plans.append(plan)
        late = self.plan("rejected:duplicate", matter=matter, cluster="underpass")
        self.place_in_time(late, around=t + timedelta(hours=40))
        earlier = self.plan("reopened_done", matter=matter, cluster="underpass")
        self.place_in_time(earlier, around=base - timedelta(days=35))

    def cluster(self, name: str, scenarios: list[str]) -> None:
        """Residents write about one matter over a few weeks: a topic for the analysis."""
        spec = tx.CLUSTERS[name]
        base = self.now - timedelta(days=self.rng.uniform(30, 36))
        for i, scenario in enumerate(scenarios):
            plan = self.plan(scenario, matter=self.matters[spec["matter"]], cluster=name)
            self.place_in_time(plan, around=base + timedelta(days=5 * i))

    def duplicate_of(self, plan: Plan) -> None:
        """The same resident sends the same text again a day or two later; it is rejected."""
        source = self.rng.choice([p for p in self.plans if p.matter and p.scenario != "merged"])
        plan.title, plan.body, plan.resident = source.title, source.body, source.resident
        plan.region_code, plan.hub, plan.kind = source.region_code, source.hub, source.kind
        plan.category_id, plan.location = source.category_id, source.location
        start = self.clock.waking(source.steps[0].at + timedelta(hours=self.rng.uniform(2, 40)))
        if start < self.now - timedelta(hours=1):
            plan.steps, ok = self.timeline(plan, start)
            if ok:
                self.plans.append(plan)
                return
        self.place_in_time(plan)


def _plan_all(planner: Planner, count: int) -> list[Plan]:
    rng = planner.rng
    planner.merged_group()
    planner.cluster("night_works", ["reopened_done", "closed_rated", "closed_rated", "supervised"])
    scenarios = list(MANDATORY)
    left = count - len(planner.plans) - len(scenarios)
    scenarios += rng.choices(list(FILL_WEIGHTS), weights=FILL_WEIGHTS.values(), k=max(left, 0))
    scenarios = scenarios[: count - len(planner.plans)]
    duplicates = []
    for i, scenario in enumerate(scenarios):
        if scenario.startswith("rejected:") and scenario != "rejected:duplicate":
            plan = planner.rejected(scenario.split(":")[1])
        else:
            plan = planner.plan(scenario)
            if i >= len(MANDATORY):
                plan.scenario = _as_the_department_works(plan, rng)
        if scenario == "rejected:duplicate":
            duplicates.append(plan)
            continue
        planner.place_in_time(plan)
    for plan in planner.plans:
        if "{date}" in plan.title + plan.body:
            day = tx.month_day(timezone.localtime(plan.steps[0].at) - timedelta(rng.uniform(1, 9)))
            plan.title = plan.title.replace("{date}", day)
            plan.body = plan.body.replace("{date}", day)
    r1, r2 = planner.people.residents[:2]
    wanted = list(FIRST_RESIDENT)
    for plan in planner.plans:
        if plan.scenario in wanted and plan.group is None:
            wanted.remove(plan.scenario)
            plan.resident = r1
        elif plan.group is None and rng.random() < 0.02 and plan.resident is not r1:
            plan.resident = r2
    for plan in duplicates:
        planner.duplicate_of(plan)
    return planner.plans


PROFILES = {"slack": 2, "diligent": 3}
"""Of every ten departments, two work slackly and three diligently (a fixed draw by name), so
the rankings have leaders and laggards to show."""
LATE = ("late_reply", "overdue", "severe")


def profile(org: Org | None) -> str:
    if org is None or org.kind != OrgKind.DEPARTMENT:
        return "normal"
    draw = int(hashlib.sha256(org.name.encode()).hexdigest(), 16) % 10
    if draw < PROFILES["slack"]:
        return "slack"
    return "diligent" if draw < PROFILES["slack"] + PROFILES["diligent"] else "normal"


def _as_the_department_works(plan: Plan, rng: random.Random) -> str:
    """A drawn course made likelier to go the way its department works: a slack department
    answers late or unsatisfyingly more often, a diligent one seldom lets a limit pass."""
    kind = profile(plan.lead)
    if kind == "slack" and plan.scenario == "closed_rated":
        draw = rng.random()
        if draw < 0.35:
            return "late_reply"
        if draw < 0.65:
            return "reopened_done"
    if kind == "diligent" and plan.scenario in (*LATE, "reopened_done") and rng.random() < 0.85:
        return "closed_rated"
    return plan.scenario


# ---- replay --------------------------------------------------------------------------------


class Replay:
    """Plays a plan's steps through `workflow.perform`, the path the API and the pages take.

    Who acts is the first role the action's rule names: the hub's dispatcher, the handler of the
    step's org, the resident who wrote the appeal or the city's leader."""

    def __init__(self, people: People):
        self.people = people

    def run(self, plan: Plan, step: Step) -> None:
        if step.action == Action.SUBMIT:
            data = AppealIn(
                kind=plan.kind,
                title=plan.title,
                body=plan.body,
                region_code=plan.region_code,
                category_id=plan.category_id,
                location=plan.location,
                is_public=plan.is_public,
            )
            appeal, _ = submit_appeal(plan.resident, data, now=step.at)
            plan.appeal_id, plan.tracking_no = appeal.pk, appeal.tracking_no
            return
        payload = dict(step.kwargs)
        org = payload.pop("org", None)
        if "co" in payload:
            payload["co_org_ids"] = [o.pk for o in payload.pop("co")]
        if step.action in (Action.DISPATCH, Action.TRANSFER):
            payload["org_id"] = org.pk
        if "primary" in payload:
            payload["primary"] = payload["primary"].tracking_no
        actor = self.actor(plan, RULES[step.action].roles[0], org)
        wf.perform(step.action, plan.appeal_id, actor, payload, now=step.at)

    def actor(self, plan: Plan, role: str, org: Org | None) -> User:
        if role == Role.DISPATCHER:
            return self.people.dispatcher(plan.hub)
        if role in (Role.HANDLER, Role.CO_HANDLER):
            return self.people.handler(org)
        if role == Role.RESIDENT:
            return plan.resident
        if role == Role.LEADER:
            return self.people.leader
        raise ValueError(f"演示数据没有角色 {role} 的账号")


def _sweep_times(first: datetime, now: datetime, cal) -> list[datetime]:
    """09:05 of every working day from `first` to `now`, then `now`: the escalation job."""
    out = []
    day = timezone.localtime(first).date()
    tz = timezone.get_current_timezone()
    while True:
        at = datetime.combine(day, dtime(9, 5), tzinfo=tz)
        if at >= now:
            break
        if cal.is_workday(day):
            out.append(at)
        day += timedelta(days=1)
    return [*out, now - timedelta(minutes=1)]


def _wipe() -> None:
    """Delete every appeal with its history: the one path allowed past append-only events."""
    LedgerStep.objects.all().delete()
    OrgMonth.objects.all().delete()
    Cursor.objects.all().delete()
    Notice.objects.all().delete()
    for model in (Rating, ExtensionRequest, Attachment, FollowUp, SupervisionCase):
        model.objects.all().delete()
    ReportAccess.objects.all().delete()
    AppealEvent.objects.all().purge()
    Appeal.objects.filter(merged_into__isnull=False).update(merged_into=None)
    Appeal.objects.filter(related_report__isnull=False).update(related_report=None)
    Appeal.objects.all().delete()
    DailyCounter.objects.all().delete()


# ---- entry point ---------------------------------------------------------------------------


def load_demo(
    seed: int = 2026, count: int = 900, now: datetime | None = None, *, reset: bool = False
) -> DemoSummary:
    """Load regions, the 黄冈 org tree, the demo logins and `count` appeals of the last 90 days.

    Safe to run again: regions, orgs and users are looked up before being created, and appeals
    are only added to an empty appeal table (or after `reset=True` deletes the existing ones).
    """
    started = time.perf_counter()
    if count < MIN_COUNT:
        raise ValueError(f"演示诉求数量至少为 {MIN_COUNT}")
    now = now or timezone.now()
    rng = random.Random(seed)
    load_regions(within="4211")
    if not Category.objects.exists():  # a flushed database: the migration's seed is gone
        load_taxonomy(Category)
        load_category_words(Category)
    for path in UNUSED_IN_HUANGGANG:  # 黄冈 has no metro and no central heating
        unused = find_category(Category, *path)
        if unused is not None and unused.is_active:
            unused.is_active = False
            unused.save(update_fields=["is_active"])
    orgs = seed_huanggang_orgs()
    _register_public_numbers(orgs.values())
    with transaction.atomic():
        people = People(orgs, now)
        people.build(rng)
        load_party_demo(orgs, now, random.Random(seed + 18), tx.person_name, reset=reset)
        if Appeal.objects.exists() and not reset:
            return _summary(people, 0, True, started, now)
        _wipe()
        planner = Planner(rng, now, orgs, people)
        plans = _plan_all(planner, count - 1)  # and one 举报, `_sealed_report`
        queue = [(s.at, p.index, i, p, s) for p in plans for i, s in enumerate(p.steps)]
        first = min(item[0] for item in queue)
        sweep = Step(first, "sweep", {})
        queue += [(at, -1, 0, None, sweep) for at in _sweep_times(first, now, planner.cal)]
        queue.sort(key=lambda item: item[:3])
        replay = Replay(people)
        for at, _, _, plan, step in queue:
            if plan is None:
                wf.escalate_severely_overdue(now=at)
                wf.close_unrated(now=at)
                continue
            try:
                replay.run(plan, step)
            except Exception as exc:
                raise RuntimeError(
                    f"演示数据：第 {plan.index} 条（{plan.scenario}）在 {at:%Y-%m-%d %H:%M} "
                    f"执行 {step.action} 失败：{exc}"
                ) from exc
        _sealed_report(people, orgs, now)
        rollup.rebuild(now)
        reminders.sweep(now - timedelta(minutes=1))
        consult_demo.load(orgs=orgs, users=people.users, residents=people.residents, now=now)
        knowledge_demo.load(hub=orgs["city_hub"], now=now)
        Delivery.objects.filter(status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SKIPPED, error="演示数据的历史提醒，不外发"
        )
    analyse_everything()  # 舆情: models trained and every appeal analysed before the first page
    return _summary(people, len(plans) + 1, False, started, now)


PUBLIC_KINDS = (OrgKind.GOVERNMENT, OrgKind.DEPARTMENT, OrgKind.HUB)


def demo_public_number(org: Org) -> str:
    """An invented office number per org, the same at every load: what its replies give."""
    return f"0713-8{(org.pk * 7919) % 900000 + 100000}"


def _register_public_numbers(orgs) -> None:
    """The demo's offices register the numbers their replies give, so that the public board
    shows them unmasked, as a real deployment's administrators would (orgs.Org.public_phones)."""
    for org in orgs:
        if org.kind in PUBLIC_KINDS and not org.public_phones:
            org.public_phones = demo_public_number(org)
            org.save(update_fields=["public_phones"])


def _office_slots(slots: dict[str, str], org: Org | None) -> dict[str, str]:
    return {**slots, "office_phone": demo_public_number(org)} if org is not None else slots


def _sealed_report(people: People, orgs: dict[str, Org], now: datetime) -> None:
    """One 举报 about an official, in the hands of 黄州区纪委监委: its handler
    (handler_huangzhou_jiwei) reads the reporter, the hub's dispatcher reads it masked, and
    黄州区住建局, which it names, never sees it."""
    hz = "421102"
    data = AppealIn.model_validate(
        {
            "kind": "report",
            "title": "住建局工作人员收受开发商好处费",
            "body": "黄州区住建局质量监督站某工作人员在验收时暗示开发商“表示表示”，"
            "收取好处费后放行了不合格的楼栋。举报人李建国，可电话联系核实。",
            "region_code": "421102001",
            "accused_org_id": orgs[f"county_dept:{hz}:住建"].pk,
            "about_official": True,
        }
    )
    start = now - timedelta(days=3)
    appeal, _ = submit_appeal(people.residents[1], data, now=start)
    dispatcher = people.dispatcher(orgs[f"county_hub:{hz}"])
    wf.perform(Action.ACCEPT, appeal.pk, dispatcher, now=start + timedelta(hours=2))
    discipline = {"org_id": orgs[f"county_discipline:{hz}"].pk}
    wf.perform(Action.DISPATCH, appeal.pk, dispatcher, discipline, now=start + timedelta(hours=3))
    handler = people.users["handler_huangzhou_jiwei"]
    wf.perform(Action.SIGN, appeal.pk, handler, now=start + timedelta(hours=20))


def _summary(people: People, created: int, skipped: bool, started: float, now) -> DemoSummary:
    by_state = Counter(Appeal.objects.values_list("state", flat=True))
    open_appeals = Appeal.objects.filter(state__in=OPEN_STATES, reply_due_at__isnull=False)
    standings = Counter(standing(a, now).status for a in open_appeals)
    facts = {
        "merged": Appeal.objects.filter(merged_into__isnull=False).count(),
        "transferred": AppealEvent.objects.filter(action="transfer").count(),
        "returned": AppealEvent.objects.filter(action="return").count(),
        "co_handled": Appeal.objects.filter(co_orgs__isnull=False).distinct().count(),
        "supervised": Appeal.objects.filter(supervised=True).count(),
        "escalated": AppealEvent.objects.filter(action="escalate").count(),
        "overdue_open": standings["overdue"] + standings["severe"],
        "severe_open": standings["severe"],
        "ratings": Rating.objects.count(),
        "extensions_pending": ExtensionRequest.objects.filter(status="pending").count(),
        "extensions_approved": ExtensionRequest.objects.filter(status="approved").count(),
    }
    for verdict, n in Counter(Rating.objects.values_list("verdict", flat=True)).items():
        facts[f"rated_{verdict}"] = n
    return DemoSummary(
        logins=people.logins,
        created=created,
        skipped=skipped,
        seconds=time.perf_counter() - started,
        by_state={s.value: by_state.get(s.value, 0) for s in State},
        facts=facts,
        staff=_staff_logins(),
    )


def _staff_logins() -> dict[str, list[Login]]:
    """The demo's dispatcher_… and handler_… logins, by the government (city or county) whose
    subtree holds their org: those printed above and those the replay created as it went."""
    governments = {
        o.pk: o
        for o in Org.objects.filter(
            kind=OrgKind.GOVERNMENT, level__in=(Level.CITY, Level.COUNTY)
        ).select_related("region")
    }
    members = (
        Membership.objects.filter(role__in=(Role.DISPATCHER, Role.HANDLER))
        .filter(
            Q(user__username__startswith="dispatcher_") | Q(user__username__startswith="handler_")
        )
        .select_related("user", "org")
        .order_by("org_id", "user__username")
    )
    staff: dict[Org, list[Login]] = {}
    for m in members:
        ids = [int(pk) for pk in m.org.path.split("/")[:-1]]
        government = governments[next(pk for pk in reversed(ids) if pk in governments)]
        org = m.org.short_name or m.org.name
        login = Login(m.user.username, PASSWORD, Role(m.role).label, org)
        staff.setdefault(government, []).append(login)
    return {g.name: staff[g] for g in sorted(staff, key=lambda g: g.region.code)}
