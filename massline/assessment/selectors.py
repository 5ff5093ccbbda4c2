"""What the 考核 pages read: a unit's figures beside the previous period, its rankings, its
trend, and the appeals behind any number."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from massline.appeals.models import Appeal, Rating
from massline.appeals.permissions import policy
from massline.appeals.privacy import masker
from massline.assessment import figures as fg
from massline.assessment.ledger import light
from massline.assessment.models import LedgerStep
from massline.assessment.rollup import previous_month
from massline.orgs.models import Org, OrgKind


@dataclass
class Overview:
    unit: Org
    period: fg.Period
    before: fg.Period
    now: fg.Figures
    then: fg.Figures
    rankings: dict[str, list[fg.Ranked]]
    trend: list[tuple[date, fg.Figures]]
    direct_now: int = 0
    direct_then: int = 0


def trend_months(end: date, count: int = 12) -> list[date]:
    months, m = [], end.replace(day=1)
    for _i in range(count):
        months.append(m)
        m = previous_month(m)
    return months[::-1]


def overview(unit: Org, period: fg.Period, now: datetime | None = None) -> Overview:
    now = now or timezone.now()
    before = fg.previous(period)
    both = fg.figures_for([unit], period, unit, now)
    earlier = fg.figures_for([unit], before, unit, now)
    rankings = {g: fg.ranking(unit, g, period, now) for g in fg.GROUPS}
    months = trend_months(min(period.end, timezone.localdate(now)))
    table = fg.monthly([unit], months, unit)
    trend = [(m, table[(unit.pk, m)]) for m in months]
    while len(trend) > 1 and not any(trend[0][1].sums.values()):
        trend.pop(0)  # months before the platform had any work to show
    return Overview(
        unit=unit,
        period=period,
        before=before,
        now=both[unit.pk],
        then=earlier[unit.pk],
        rankings={g: rows for g, rows in rankings.items() if rows},
        trend=trend,
        direct_now=fg.direct_answers(unit, period),
        direct_then=fg.direct_answers(unit, before),
    )


def readable_units(scopes: list[Org]) -> list[Org]:
    """The orgs a reader may pick: their scopes and the governments and departments under."""
    cond = Q()
    for s in scopes:
        cond |= Q(path__startswith=s.path)
    return list(
        Org.objects.filter(cond, kind__in=[OrgKind.GOVERNMENT, OrgKind.DEPARTMENT, OrgKind.HUB])
        .filter(is_active=True)
        .order_by("path")
    )


RATING_FIGURES = {"resolution", "satisfaction", "ratings", "dissatisfied"}
FIGURES_BEHIND = {
    "received": "收件",
    "response": "应签收",
    "response_late": "超时签收",
    "on_time": "应答复",
    "on_time_late": "超时答复",
    "replies": "答复",
    "returns": "退回",
    "shirked": "推诿",
    "rework": "重办",
    "unrated": "未评价",
    "overdue_now": "当前超期",
    "ratings": "评价",
    "resolution": "评价（解决情况）",
    "satisfaction": "评价（满意情况）",
    "dissatisfied": "不满意",
}


def definition(figure: str) -> str:
    """What the number behind a drill-down counts, as the overview prints it beside it."""
    key = figure.removesuffix("_late")
    if key in fg.RATE:
        return fg.RATE[key].how_text()
    if key in fg.COUNTS:
        return str(fg.COUNTS[key][1])
    if key == "overdue_now":
        return str(fg.OVERDUE_HOW)
    return ""


def behind(
    user: Any, unit: Org, period: fg.Period, figure: str, now: datetime | None = None
) -> QuerySet[Any]:
    """Ledger steps (or ratings) a figure counts, newest first, limited to what `user` may
    see; raises KeyError for an unknown figure."""
    now = now or timezone.now()
    visible = policy(user).visible(Appeal.objects.all()).values("pk")
    if figure in RATING_FIGURES:
        start, end = period.bounds()
        qs = Rating.objects.filter(
            org__path__startswith=unit.path, created_at__gte=start, created_at__lte=end
        )
        if figure == "dissatisfied":
            qs = qs.filter(verdict="dissatisfied")
        return (
            qs.filter(appeal_id__in=visible)
            .select_related("appeal", "appeal__hub", "appeal__lead_org", "org")
            .order_by("-created_at", "-pk")
        )
    cond = fg.steps_behind(unit, period, figure, now)
    steps = LedgerStep.objects.filter(cond, appeal_id__in=visible)
    if figure == "received":  # 收件 counts appeals: each one once, by its first step here
        first = steps.order_by().values("appeal_id").annotate(first=Min("pk")).values("first")
        steps = LedgerStep.objects.filter(pk__in=first)
    return steps.select_related("appeal", "appeal__hub", "appeal__lead_org", "org").order_by(
        "-started_at", "-pk"
    )


def behind_rows(user: Any, items: list[Any], now: datetime | None = None) -> list[dict[str, Any]]:
    now = now or timezone.now()
    rules = policy(user)
    rows = []
    for item in items:
        a = item.appeal
        show = masker(a, rules.can_see_original(a))
        row = {
            "tracking_no": a.tracking_no,
            "title": show(a.title),
            "state": a.get_state_display(),
            "org": item.org.name if item.org else "",
        }
        if isinstance(item, Rating):
            row.update(
                kind="评价",
                verdict=item.get_verdict_display(),
                resolved=item.resolved,
                at=timezone.localtime(item.created_at),
            )
        else:
            row.update(
                kind=item.get_kind_display(),
                started=timezone.localtime(item.started_at),
                due=timezone.localtime(item.due_at),
                ended=timezone.localtime(item.ended_at) if item.ended_at else None,
                outcome=item.get_outcome_display() if item.outcome else "办理中",
                on_time=item.on_time,
                light=light(item.used if item.ended_at else _used_now(item, now)),
            )
        rows.append(row)
    return rows


def _used_now(step: LedgerStep, now: datetime) -> float | None:
    from massline.core.calendar import get_calendar

    cal = get_calendar()
    limit = cal.working_seconds_between(step.started_at, step.due_at)
    return cal.working_seconds_between(step.started_at, now) / limit if limit > 0 else None
