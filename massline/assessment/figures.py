"""考核 figures: rates per org (with its subtree) and period, the composite score, rankings.

Every figure is a share of two sums of the monthly counters (`OrgMonth`), so any period of
whole months is a sum of rows and any org's subtree a sum over its orgs. 收件 counts
appeals, not steps: an appeal re-sent to a unit, or reaching two units of one government, is
one appeal received. A month's is still a sum of rows (`OrgMonth.received_shared`); over
several months the few appeals received in more than one of them are taken off again, read
from the ledger; a custom period's is counted from the ledger. Each rate's and count's
definition is printed beside the number.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from massline.appeals.actions import Action
from massline.appeals.models import AppealEvent
from massline.assessment.models import RECEIVING, SUMS, LedgerStep, OrgMonth, StepKind
from massline.assessment.rollup import (
    aggregate,
    next_month,
    previous_month,
)
from massline.orgs.models import Org, OrgKind


@dataclass(frozen=True)
class Rate:
    key: str
    label: StrOrPromise
    numerator: str
    denominator: str
    how: StrOrPromise

    def how_text(self) -> str:
        """The definition, with the deployment's 基本满意 weight where it enters."""
        return str(self.how) % {"basic": f"{settings.SATISFACTION_BASIC_WEIGHT:g}"}


RATES = (
    Rate(
        "response",
        _("响应率"),
        "sign_on_time",
        "sign_judged",
        _("按时签收的件数 ÷ 应签收的件数（签收时限已到或已签收）"),
    ),
    Rate(
        "on_time",
        _("按时办结率"),
        "reply_on_time",
        "reply_judged",
        _(
            "在答复时限内答复的件数 ÷ 应答复的件数（时限已到或已答复）；"
            "转派、重新派单后只计本单位持有的时间"
        ),
    ),
    Rate(
        "resolution",
        _("解决率"),
        "resolved",
        "ratings",
        _("群众评价“已解决”的件数 ÷ 群众评价的件数"),
    ),
    Rate(
        "satisfaction",
        _("满意率"),
        "satisfied_weighted",
        "ratings",
        _("（满意件数 + 基本满意件数 × %(basic)s）÷ 群众评价的件数；基本满意按 %(basic)s 件满意计"),
    ),
    Rate(
        "first_time",
        _("一次办结率"),
        "first_time",
        "replies",
        _("本轮未经退回即答复的件数 ÷ 答复件数"),
    ),
    Rate(
        "return_rate",
        _("回退率"),
        "returns",
        "received",
        _("退回派单中心的件数 ÷ 收件数"),
    ),
    Rate(
        "rework",
        _("重办率"),
        "reworked",
        "replies",
        _("答复后被重办的件数 ÷ 答复件数"),
    ),
    Rate(
        "unrated",
        _("未评价率"),
        "unrated",
        "replies",
        _("答复后群众逾期未评价、按期办结的件数 ÷ 答复件数（不计入满意）"),
    ),
    Rate(
        "dispatch",
        _("按时派单率"),
        "dispatch_on_time",
        "dispatch_judged",
        _("派单中心在派单时限内派出（或不予受理、并案）的件数 ÷ 应派单的件数"),
    ),
    Rate(
        "co",
        _("协办按时率"),
        "co_on_time",
        "co_judged",
        _("在主办单位答复时限内提交协办意见的件数 ÷ 应提交的件数"),
    ),
)
RATE = {r.key: r for r in RATES}
COUNTS = {
    "received": (
        _("收件"),
        _(
            "派给本单位（含下属单位）主办的诉求件数：新件、转入件、被其他单位退回后改派来的"
            "和重办的；每件诉求在本单位及下属单位每个考核期只计一次"
        ),
    ),
    "dispatch_received": (_("受理"), _("派单中心收到的新诉求件数")),
    "replies": (_("答复"), _("本单位答复的次数（一件诉求重办后再答复计两次）")),
    "returns": (_("退回"), _("退回派单中心的件数")),
    "shirked": (_("推诿"), _("退回理由被派单中心驳回的件数")),
    "extensions": (_("延期"), _("批准延期的次数")),
    "ratings": (_("评价"), _("群众评价的件数")),
}
STEPS_NOTE = _(
    "收件按诉求计，每件只计一次；其他件数按办理环节计，同一件诉求退回、重办后再办理的，"
    "每次分别计入。"
)
MEAN_DAYS_HOW = _("答复件从本单位收到到答复所用工作日的平均数")
OVERDUE_HOW = _("此刻仍未答复且已过答复时限的件数")
DIRECT_HOW = _(
    "本单位及下级的派单中心直接答复（依据知识库答复咨询、不派单）的件数，按答复时间计入当期；"
    "不计入任何承办部门的收件、签收和答复"
)


def label(org: Org) -> str:
    """The name people say: 黄梅县 for 黄梅县人民政府, a department's short name or its name."""
    if org.kind == OrgKind.GOVERNMENT:
        for suffix in ("人民政府", "管理委员会"):
            if org.name.endswith(suffix) and len(org.name) > len(suffix):
                return org.name[: -len(suffix)]
    return org.short_name or org.name


def weights() -> dict[str, float]:
    """The composite's weights (deployment setting; the demo: 10 / 45 / 45)."""
    return dict(settings.ASSESSMENT_WEIGHTS)


def score_how() -> str:
    parts = "、".join(f"{RATE[k].label}×{w:g}" for k, w in weights().items() if w)
    return str(_("综合得分 = （%(parts)s）÷ 权重之和 × 100；某项无数据时其权重不计")) % {
        "parts": parts
    }


@dataclass
class Figures:
    sums: dict[str, float]
    overdue_now: int = 0
    rates: dict[str, float | None] = field(default_factory=dict)
    score: float | None = None

    def __post_init__(self) -> None:
        s = dict(self.sums)
        s["satisfied_weighted"] = s["satisfied"] + settings.SATISFACTION_BASIC_WEIGHT * s["basic"]
        for r in RATES:
            d = s[r.denominator]
            self.rates[r.key] = min(1.0, s[r.numerator] / d) if d else None
        total = got = 0.0
        for key, w in weights().items():
            value = self.rates.get(key)
            if w and value is not None:
                total += w * value
                got += w
        self.score = round(100 * total / got, 1) if got else None

    @property
    def mean_days(self) -> float | None:
        n = self.sums["replies"]
        return round(self.sums["workdays_sum"] / n, 1) if n else None

    def count(self, key: str) -> int:
        return int(self.sums[key])

    def as_row(self) -> dict[str, Any]:
        row: dict[str, Any] = {k: self.count(k) for k in COUNTS}
        row.update(self.rates)
        row.update(mean_days=self.mean_days, overdue_now=self.overdue_now, score=self.score)
        return row


def empty() -> dict[str, float]:
    return dict.fromkeys(SUMS, 0.0)


@dataclass(frozen=True)
class Period:
    """Whole months [first, last], or a custom range of days [start, end]."""

    kind: str
    start: date
    end: date
    label: str

    @property
    def months(self) -> list[date]:
        out, m = [], self.start.replace(day=1)
        while m <= self.end:
            out.append(m)
            m = next_month(m)
        return out

    @property
    def whole_months(self) -> bool:
        return self.start.day == 1 and self.end == _month_end(self.end)

    def bounds(self) -> tuple[datetime, datetime]:
        start = timezone.make_aware(datetime(self.start.year, self.start.month, self.start.day))
        end = timezone.make_aware(datetime.combine(self.end, datetime.max.time()))
        return start, end

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m-%d}~{self.end:%Y-%m-%d}"


def _month_end(day: date) -> date:
    return date.fromordinal(next_month(day.replace(day=1)).toordinal() - 1)


def month_period(month: date) -> Period:
    m = month.replace(day=1)
    return Period("month", m, _month_end(m), f"{m.year}年{m.month}月")


def quarter_period(year: int, quarter: int) -> Period:
    first = date(year, 3 * quarter - 2, 1)
    last = _month_end(date(year, 3 * quarter, 1))
    return Period("quarter", first, last, f"{year}年第{quarter}季度")


def year_period(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year, 12, 31), f"{year}年")


def custom_period(start: date, end: date) -> Period:
    return Period("custom", start, end, f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}")


def parse_period(text: str) -> Period:
    """`2026-10` (a month), `2026-Q4` (a quarter), `2026` (a year) or `2026-10-01~2026-10-20`
    (days); anything else is a 422 naming the field."""
    from massline.core.errors import InvalidInput

    text = (text or "").strip()
    try:
        if "~" in text:
            a, b = (date.fromisoformat(x.strip()) for x in text.split("~", 1))
            if b < a:
                raise InvalidInput("考核期间的结束日期不能早于开始日期。", field="period")
            if b.toordinal() - a.toordinal() > 731:
                raise InvalidInput("自定义考核期间最长两年。", field="period")
            return custom_period(a, b)
        if "-Q" in text.upper():
            year, quarter = text.upper().split("-Q")
            if int(quarter) not in (1, 2, 3, 4):
                raise ValueError
            return quarter_period(_year(year), int(quarter))
        if len(text) == 4:
            return year_period(_year(text))
        year, month_ = text.split("-")
        return month_period(date(_year(year), int(month_), 1))
    except (ValueError, TypeError):
        raise InvalidInput(
            "考核期间格式应为 2026-10（月）、2026-Q4（季度）、2026（年）"
            "或 2026-10-01~2026-10-20（自定义）。",
            field="period",
        ) from None


def _year(text: str) -> int:
    year = int(text)
    if not 2000 <= year <= 2100:
        raise ValueError
    return year


def period_key(p: Period) -> str:
    if p.kind == "month":
        return f"{p.start:%Y-%m}"
    if p.kind == "quarter":
        return f"{p.start.year}-Q{(p.start.month - 1) // 3 + 1}"
    if p.kind == "year":
        return f"{p.start.year}"
    return f"{p.start:%Y-%m-%d}~{p.end:%Y-%m-%d}"


def recent_periods(today: date, months: int = 12) -> list[Period]:
    """The choices of the period picker: recent months, quarters and years, newest first."""
    out = []
    m = today.replace(day=1)
    for _i in range(months):
        out.append(month_period(m))
        m = previous_month(m)
    q = (today.month - 1) // 3 + 1
    year = today.year
    for _i in range(4):
        out.append(quarter_period(year, q))
        q, year = (q - 1, year) if q > 1 else (4, year - 1)
    out += [year_period(today.year), year_period(today.year - 1)]
    return out


def previous(p: Period) -> Period:
    """The period just before, of the same length in months (or days, for a custom one)."""
    if p.kind == "custom":
        length = p.end.toordinal() - p.start.toordinal()
        end = date.fromordinal(p.start.toordinal() - 1)
        return custom_period(date.fromordinal(end.toordinal() - length), end)
    months = len(p.months)
    m = p.start
    for _i in range(months):
        m = previous_month(m)
    if p.kind == "month":
        return month_period(m)
    if p.kind == "quarter":
        return quarter_period(m.year, (m.month - 1) // 3 + 1)
    return year_period(m.year)


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(first.year, first.month, first.day))
    nxt = date.fromordinal(last.toordinal() + 1)
    return start, timezone.make_aware(datetime(nxt.year, nxt.month, nxt.day))


def _sums_by_org(period: Period, root: Org) -> dict[str, dict[str, float]]:
    """Org path → its own sums over the period, for the orgs under `root`: the whole months
    from OrgMonth, the days before and after them (a custom period) from the ledger."""
    out: dict[str, dict[str, float]] = defaultdict(empty)

    def add(path: str, values: dict[str, Any]) -> None:
        bucket = out[path]
        for k, v in values.items():
            bucket[k] += float(v or 0)

    whole = [m for m in period.months if m >= period.start and _month_end(m) <= period.end]
    if whole:
        rows = (
            OrgMonth.objects.filter(month__in=whole, org__path__startswith=root.path)
            .values("org__path")
            .annotate(**{k: Sum(k) for k in SUMS})
        )
        for row in rows:
            add(row.pop("org__path"), row)
    if whole:
        edges = [(period.start, date.fromordinal(whole[0].toordinal() - 1))]
        edges.append((next_month(whole[-1]), period.end))
    else:
        edges = [(period.start, period.end)]
    edges = [(a, b) for a, b in edges if a <= b]
    if edges:
        paths = dict(Org.objects.filter(path__startswith=root.path).values_list("pk", "path"))
        for a, b in edges:
            for (org, _month), values in aggregate(*_day_bounds(a, b), list(paths)).items():
                add(paths[org], values)
    return dict(out)


def _overdue_by_org(root: Org, now: datetime) -> dict[str, int]:
    rows = (
        LedgerStep.objects.filter(
            kind=StepKind.REPLY,
            ended_at__isnull=True,
            due_at__lt=now,
            org__path__startswith=root.path,
        )
        .values("org__path")
        .annotate(n=Count("appeal_id", distinct=True))
    )
    return {r["org__path"]: r["n"] for r in rows}


def _receiving(root: Org, start: datetime, end: datetime) -> QuerySet[LedgerStep]:
    return LedgerStep.objects.filter(
        kind=StepKind.REPLY,
        cause__in=RECEIVING,
        started_at__gte=start,
        started_at__lt=end,
        org__path__startswith=root.path,
    )


def _unit_of(path: str, units: dict[str, int]) -> list[int]:
    """The units (by path) whose subtree holds the org at `path`."""
    out, prefix = [], ""
    for part in path.split("/")[:-1]:
        prefix += part + "/"
        if prefix in units:
            out.append(units[prefix])
    return out


def received(units: Iterable[Org], period: Period, root: Org) -> dict[int, int]:
    """Each unit's 收件 over any period: the distinct appeals its subtree received, from the
    ledger (`figures_for` uses it for periods that are not whole months)."""
    by_path = {u.path: u.pk for u in units}
    seen: dict[int, set[int]] = {pk: set() for pk in by_path.values()}
    pairs = (
        _receiving(root, *_day_bounds(period.start, period.end))
        .values_list("org__path", "appeal_id")
        .distinct()
    )
    for path, appeal in pairs:
        for pk in _unit_of(path, by_path):
            seen[pk].add(appeal)
    return {pk: len(found) for pk, found in seen.items()}


def _months_again(units: list[Org], period: Period, root: Org) -> dict[int, int]:
    """Per unit, the appeals its subtree received in more than one month of the period, each
    counted once for every month after its first: what the months' 收件 sum counts twice."""
    steps = _receiving(root, *_day_bounds(period.start, period.end))
    again = (
        steps.order_by()
        .values("appeal_id")
        .annotate(n=Count(TruncMonth("started_at"), distinct=True))
        .filter(n__gte=2)
        .values("appeal_id")
    )
    rows = (
        steps.filter(appeal_id__in=again)
        .annotate(m=TruncMonth("started_at"))
        .values_list("appeal_id", "org__path", "m")
        .distinct()
    )
    by_path = {u.path: u.pk for u in units}
    months: dict[tuple[int, int], set[Any]] = defaultdict(set)
    for appeal, path, month in rows:
        for pk in _unit_of(path, by_path):
            months[(pk, appeal)].add(month)
    out: dict[int, int] = defaultdict(int)
    for (pk, _appeal), found in months.items():
        out[pk] += len(found) - 1
    return out


def figures_for(
    units: Iterable[Org], period: Period, root: Org, now: datetime | None = None
) -> dict[int, Figures]:
    """Each unit's figures over the period, its whole subtree summed, in a few queries."""
    now = now or timezone.now()
    units = list(units)
    own = _sums_by_org(period, root)
    overdue = _overdue_by_org(root, now)
    if not period.whole_months:
        counted = received(units, period, root)
    elif len(period.months) > 1:
        again = _months_again(units, period, root)
    out: dict[int, Figures] = {}
    for unit in units:
        total = empty()
        for path, sums in own.items():
            if path.startswith(unit.path):
                for k, v in sums.items():
                    total[k] += v
        late = sum(n for path, n in overdue.items() if path.startswith(unit.path))
        if not period.whole_months:
            total["received"] = counted[unit.pk]
        else:
            total["received"] -= total["received_shared"]
            if len(period.months) > 1:
                total["received"] -= again.get(unit.pk, 0)
        out[unit.pk] = Figures(total, overdue_now=late)
    return out


def monthly(units: list[Org], months: list[date], root: Org) -> dict[tuple[int, date], Figures]:
    """The org × month table: each unit's figures (subtree summed) for each month."""
    rows = (
        OrgMonth.objects.filter(month__in=months, org__path__startswith=root.path)
        .values("org__path", "month")
        .annotate(**{k: Sum(k) for k in SUMS})
    )
    own: dict[date, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for row in rows:
        own[row.pop("month")].append((row.pop("org__path"), row))
    out: dict[tuple[int, date], Figures] = {}
    for month in months:
        for unit in units:
            total = empty()
            for path, sums in own.get(month, ()):
                if path.startswith(unit.path):
                    for k, v in sums.items():
                        total[k] += float(v or 0)
            total["received"] -= total["received_shared"]
            out[(unit.pk, month)] = Figures(total)
    return out


# --- who is ranked --------------------------------------------------------------------------

GROUPS = {
    "departments": (_("部门"), OrgKind.DEPARTMENT),
    "governments": (_("下级政府"), OrgKind.GOVERNMENT),
}
HONOUR_SIZE = 3
"""红榜 and 黑榜 each name this many, once at least twice as many units are ranked."""


def min_cases() -> int:
    """A unit is ranked once it received this many appeals in the period: one case answered
    on time is not a score of 100 to rank on, nor are old cases of a unit that got none."""
    return int(settings.ASSESSMENT_MIN_CASES)


def rankable(f: "Figures") -> bool:
    return f.score is not None and f.count("received") >= min_cases()


def ranking_rule() -> str:
    return str(
        _(
            "收件少于 %(n)s 件的单位不参与排名，另列于下，只列件数。得分相同的单位名次相同"
            "（如 1、1、3），同上红榜或黑榜；参与排名的单位不少于 %(m)s 个时，红榜列得分最高的"
            " %(k)s 个名次，黑榜列得分最低的 %(k)s 个名次，同一得分不会同时在红榜和黑榜。"
            "排名只看本期数字，不随今天的办理情况变化。"
        )
    ) % {"n": min_cases(), "m": 2 * HONOUR_SIZE, "k": HONOUR_SIZE}


def units_under(parent: Org, group: str) -> list[Org]:
    kind = GROUPS[group][1]
    return list(parent.children.filter(kind=kind, is_active=True).order_by("path"))


@dataclass
class Ranked:
    org: Org
    figures: Figures
    rank: int | None
    honour: str
    """'red' (红榜), 'black' (黑榜) or ''."""


def ranking(parent: Org, group: str, period: Period, now: datetime | None = None) -> list[Ranked]:
    """The units of one group under `parent`, best composite score first; the unranked last.

    Competition ranking on the score as shown (1, 1, 3): a unit's rank is one more than the
    units scoring higher, so tied units share it, whatever today's work. 红榜 holds the units
    ranked within the first `HONOUR_SIZE`; 黑榜 those with fewer than `HONOUR_SIZE` units below
    them, unless their score is on 红榜 — one score is never on both boards."""
    units = units_under(parent, group)
    found = figures_for(units, period, parent, now)

    def score(u: Org) -> float:
        return found[u.pk].score or 0.0

    scored = sorted((u for u in units if rankable(found[u.pk])), key=lambda u: (-score(u), u.path))
    rest = [u for u in units if not rankable(found[u.pk])]
    scores = [score(u) for u in scored]
    honours = len(scored) >= 2 * HONOUR_SIZE
    out = []
    for unit in scored:
        s = score(unit)
        rank = 1 + sum(1 for x in scores if x > s)
        below = sum(1 for x in scores if x < s)
        honour = ""
        if honours and rank <= HONOUR_SIZE:
            honour = "red"
        elif honours and below < HONOUR_SIZE:
            honour = "black"
        out.append(Ranked(unit, found[unit.pk], rank, honour))
    out += [Ranked(u, found[u.pk], None, "") for u in rest]
    return out


def steps_behind(unit: Org, period: Period, figure: str, now: datetime | None = None) -> Q:
    """The filter on ledger steps that a figure of `unit` over `period` counts: the appeals
    behind a number are the appeals of these steps (ratings: of the rated appeals)."""
    start, end = period.bounds()
    under = Q(org__path__startswith=unit.path)
    if figure == "overdue_now":
        return under & Q(
            kind=StepKind.REPLY, ended_at__isnull=True, due_at__lt=now or timezone.now()
        )
    decided = under & Q(decided_at__gte=start, decided_at__lte=end)
    ended = under & Q(kind=StepKind.REPLY, ended_at__gte=start, ended_at__lte=end)
    table = {
        "received": under
        & Q(kind=StepKind.REPLY, cause__in=RECEIVING)
        & Q(started_at__gte=start, started_at__lte=end),
        "response": decided & Q(kind=StepKind.SIGN),
        "response_late": decided & Q(kind=StepKind.SIGN, on_time=False),
        "on_time": decided & Q(kind=StepKind.REPLY),
        "on_time_late": decided & Q(kind=StepKind.REPLY, on_time=False),
        "replies": ended & Q(outcome="done"),
        "returns": ended & Q(outcome="returned"),
        "shirked": ended & Q(outcome="returned", shirked=True),
        "rework": ended & Q(outcome="done", reworked=True),
        "unrated": ended & Q(outcome="done", unrated=True),
    }
    if figure not in table:
        raise KeyError(figure)
    return table[figure]


def direct_answers(unit: Org, period: Period) -> int:
    """直接答复 by the hubs in `unit`'s area within the period: the hub's own work, counted
    apart from the departments' figures (the ledger charges no department for it)."""
    start, end = period.bounds()
    return AppealEvent.objects.filter(
        action=Action.DIRECT_ANSWER,
        created_at__range=(start, end),
        actor_org__path__startswith=unit.path,
    ).count()
