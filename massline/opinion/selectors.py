"""Reading the stored analysis: the 舆情 overview of an org subtree and period, the appeals
behind each of its numbers, and the suggestions the desk can show for one appeal.

Every figure of the overview is a count over `appeals(unit, period, **filters)`, and the page
behind a number is that same queryset, so a number and its list never disagree. An appeal
belongs to a unit when the hub that received it or its lead org is in the unit's subtree (as
the appeals Policy scopes it); appeals merged into another (并案) count under their primary.
The category of an appeal is its own (resident's or dispatcher's) or, where it has none, the
one the analysis suggests; the overview groups by level-1 category.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from massline.analysis.topics import DAY
from massline.analysis.topics import Topic as TrackerTopic
from massline.appeals.models import NOT_MERGED, Appeal, Category, Kind
from massline.appeals.permissions import policy
from massline.appeals.privacy import masker
from massline.assessment.figures import Period
from massline.opinion.models import (
    NEGATIVE,
    AnalysisState,
    AppealAnalysis,
    DuplicateCandidate,
    Keyword,
    Relation,
    Topic,
)
from massline.orgs.models import Org, Region

HOT_TOPICS = 10
KEYWORDS = 20
URGENT = 20
SAMPLES = 3

FILTERS = ("day", "kind", "category", "topic", "keyword", "negative", "urgent", "state")


def default_period(today: date) -> Period:
    start = today - timedelta(days=29)
    return Period("custom", start, today, f"{start:%Y-%m-%d} 至 {today:%Y-%m-%d}")


def level1(categories: dict[int, Category] | None = None) -> dict[int, Category]:
    """Each category's level-1 ancestor, by category id."""
    every = categories or {c.pk: c for c in Category.objects.all()}
    out: dict[int, Category] = {}
    for pk, node in every.items():
        root = node
        while root.parent_id and root.parent_id in every:
            root = every[root.parent_id]
        out[pk] = root
    return out


def appeals(unit: Org, period: Period, **filters: str) -> QuerySet[Appeal]:
    """The unit's appeals of the period, narrowed by the overview's filters (all strings, as
    the query string gives them; an unknown or malformed value matches nothing)."""
    start, end = period.bounds()
    qs = (
        Appeal.objects.filter(NOT_MERGED, created_at__gte=start, created_at__lte=end)
        .filter(Q(hub__path__startswith=unit.path) | Q(lead_org__path__startswith=unit.path))
        .annotate(effective_category=Coalesce(F("category_id"), F("analysis__category_id")))
    )
    day = filters.get("day")
    if day:
        try:
            d = date.fromisoformat(day)
        except ValueError:
            return qs.none()
        first = timezone.make_aware(datetime(d.year, d.month, d.day))
        qs = qs.filter(created_at__gte=first, created_at__lt=first + timedelta(days=1))
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if category := filters.get("category"):
        if category == "none":
            qs = qs.filter(effective_category__isnull=True)
        elif category.isdigit():
            ids = [pk for pk, root in level1().items() if root.pk == int(category)]
            qs = qs.filter(effective_category__in=ids)
        else:
            return qs.none()
    if topic := filters.get("topic"):
        if not topic.isdigit():
            return qs.none()
        qs = qs.filter(analysis__topic_id=int(topic))
    if keyword := filters.get("keyword"):
        qs = qs.filter(analysis__words__word=keyword)
    if filters.get("negative"):
        qs = qs.filter(analysis__state=AnalysisState.DONE, analysis__negativity__gte=NEGATIVE)
    if filters.get("urgent"):
        qs = qs.filter(analysis__state=AnalysisState.DONE, analysis__urgency__gt=0)
    if state := filters.get("state"):
        if state == AnalysisState.PENDING:
            qs = qs.filter(Q(analysis__isnull=True) | Q(analysis__state=state))
        else:
            qs = qs.filter(analysis__state=state)
    return qs


def days_of(period: Period) -> list[date]:
    return [period.start + timedelta(days=i) for i in range((period.end - period.start).days + 1)]


@dataclass
class Series:
    key: str
    label: str
    by_day: list[int]
    total: int


@dataclass
class HotTopic:
    topic: Topic
    size: int
    people: int
    hotness: float
    parts: dict[str, float]
    recent: int
    previous: int
    places: list[tuple[str, int]]
    negative: int
    negativity: float
    samples: list[dict[str, Any]]


@dataclass
class Overview:
    unit: Org
    period: Period
    days: list[date]
    total: int
    analysed: int
    pending: int
    failed: int
    by_category: list[Series] = field(default_factory=list)
    by_kind: list[Series] = field(default_factory=list)
    negative_by_day: list[int] = field(default_factory=list)
    analysed_by_day: list[int] = field(default_factory=list)
    mean_negativity_by_day: list[float | None] = field(default_factory=list)
    negative: int = 0
    urgent: int = 0
    keywords: list[tuple[str, int]] = field(default_factory=list)
    topics: list[HotTopic] = field(default_factory=list)
    urgent_rows: list[dict[str, Any]] = field(default_factory=list)


def _local_day(value: Any) -> date:
    return value if isinstance(value, date) and not isinstance(value, datetime) else value.date()


def overview(user: Any, unit: Org, period: Period, now: datetime | None = None) -> Overview:
    now = now or timezone.now()
    base = appeals(unit, period)
    days = days_of(period)
    index = {d: i for i, d in enumerate(days)}
    tz = timezone.get_current_timezone()
    states: Counter[str | None] = Counter(
        dict(
            base.values("analysis__state")
            .annotate(n=Count("pk"))
            .values_list("analysis__state", "n")
        )
    )
    total = sum(states.values())
    view = Overview(
        unit,
        period,
        days,
        total=total,
        analysed=states.get(AnalysisState.DONE, 0),
        pending=states.get(None, 0) + states.get(AnalysisState.PENDING, 0),
        failed=states.get(AnalysisState.FAILED, 0),
    )
    roots = level1()
    per_category: dict[int, list[int]] = defaultdict(lambda: [0] * len(days))
    rows = (
        base.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day", "effective_category")
        .annotate(n=Count("pk"))
        .values_list("day", "effective_category", "n")
    )
    for day, category, n in rows:
        root = roots.get(category) if category else None
        per_category[root.pk if root else 0][index[_local_day(day)]] += n
    names = {pk: root.name for pk, root in ((r.pk, r) for r in roots.values())}
    view.by_category = sorted(
        (
            Series(str(pk) if pk else "none", names.get(pk, "未分类"), counts, sum(counts))
            for pk, counts in per_category.items()
        ),
        key=lambda s: (-s.total, s.label),
    )
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    rows = (
        base.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day", "kind")
        .annotate(n=Count("pk"))
        .values_list("day", "kind", "n")
    )
    for day, kind, n in rows:
        per_kind[kind][index[_local_day(day)]] += n
    view.by_kind = sorted(
        (Series(k, str(Kind(k).label), c, sum(c)) for k, c in per_kind.items()),
        key=lambda s: (-s.total, s.label),
    )
    done = base.filter(analysis__state=AnalysisState.DONE)
    view.analysed_by_day = [0] * len(days)
    view.negative_by_day = [0] * len(days)
    view.mean_negativity_by_day = [None] * len(days)
    daily = (
        done.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(
            n=Count("pk"),
            neg=Count("pk", filter=Q(analysis__negativity__gte=NEGATIVE)),
            mean=Avg("analysis__negativity"),
        )
        .values_list("day", "n", "neg", "mean")
    )
    for day, n, neg, mean in daily:
        i = index[_local_day(day)]
        view.analysed_by_day[i], view.negative_by_day[i] = n, neg
        view.mean_negativity_by_day[i] = round(mean, 3) if mean is not None else None
    view.negative = sum(view.negative_by_day)
    view.urgent = done.filter(analysis__urgency__gt=0).count()
    view.keywords = list(
        Keyword.objects.filter(analysis__appeal__in=done.values("pk"))
        .values("word")
        .annotate(n=Count("analysis", distinct=True))
        .order_by("-n", "word")
        .values_list("word", "n")[:KEYWORDS]
    )
    view.topics = hot_topics(user, base, now)
    urgent = (
        done.filter(analysis__urgency__gt=0)
        .select_related("analysis", "hub", "lead_org", "submitted_by")
        .order_by("-analysis__urgency", "-created_at")[:URGENT]
    )
    view.urgent_rows = [
        {**_row(user, a), "terms": a.analysis.urgent_terms, "level": a.analysis.urgency}
        for a in urgent
    ]
    return view


def _row(user: Any, appeal: Appeal) -> dict[str, Any]:
    show = masker(appeal, policy(user).can_see_original(appeal))
    return {
        "tracking_no": appeal.tracking_no,
        "title": show(appeal.title),
        "state": appeal.get_state_display(),
        "created_at": appeal.created_at,
    }


def hot_topics(user: Any, base: QuerySet[Appeal], now: datetime) -> list[HotTopic]:
    """The period's topics by hotness (the engine's formula over the period's appeals of the
    unit: distinct residents, repeats, recency and growth; no likes on appeals)."""
    counted = (
        base.filter(analysis__topic__isnull=False)
        .values("analysis__topic")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .order_by("-n")
        .values_list("analysis__topic", flat=True)[: 3 * HOT_TOPICS]
    )
    ids = list(counted)
    if not ids:
        return []
    members: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    rows = base.filter(analysis__topic_id__in=ids).values_list(
        "analysis__topic_id",
        "pk",
        "created_at",
        "submitted_by_id",
        "region__name",
        "analysis__negativity",
    )
    for topic_id, *rest in rows:
        members[topic_id].append(tuple(rest))
    at = now.timestamp()
    found = []
    for topic_id, items in members.items():
        t = TrackerTopic(id=topic_id)
        for pk, created, person, _, _ in items:
            ts = created.timestamp()
            who = person if person is not None else ("a", pk)
            t.size += 1
            t.ids.append(pk)
            t.persons.append(who)
            t.person_set.add(who)
            t.support.append(0)
            t.times.append(ts)
            t.first = ts if t.first is None else min(t.first, ts)
            t.last = ts if t.last is None else max(t.last, ts)
            day = math.floor(ts / DAY)
            t.days[day] = t.days.get(day, 0) + 1
        parts = {k: round(v, 2) for k, v in t.parts(at).items()}
        today = math.floor(at / DAY)
        recent = sum(c for d, c in t.days.items() if 0 <= today - d < 7)
        previous = sum(c for d, c in t.days.items() if 7 <= today - d < 14)
        negs = [n for *_, n in items]
        found.append(
            (round(sum(parts.values()), 2), topic_id, t, parts, recent, previous, items, negs)
        )
    found.sort(key=lambda f: (-f[0], f[1]))
    topics = Topic.objects.in_bulk([f[1] for f in found[:HOT_TOPICS]])
    out = []
    for hotness, topic_id, t, parts, recent, previous, items, negs in found[:HOT_TOPICS]:
        newest = sorted(items, key=lambda i: i[1], reverse=True)[:SAMPLES]
        samples = Appeal.objects.filter(pk__in=[i[0] for i in newest]).select_related(
            "hub", "lead_org", "submitted_by"
        )
        out.append(
            HotTopic(
                topics[topic_id],
                size=t.size,
                people=t.people,
                hotness=hotness,
                parts=parts,
                recent=recent,
                previous=previous,
                places=Counter(i[3] for i in items).most_common(3),
                negative=sum(n >= NEGATIVE for n in negs),
                negativity=round(sum(negs) / len(negs), 2),
                samples=[_row(user, a) for a in sorted(samples, key=lambda a: -a.pk)],
            )
        )
    return out


def appeal_rows(user: Any, qs: QuerySet[Appeal]) -> list[dict[str, Any]]:
    out = []
    for a in qs.select_related("hub", "lead_org", "submitted_by", "analysis", "region"):
        analysis = getattr(a, "analysis", None)
        out.append(
            {
                **_row(user, a),
                "kind": a.get_kind_display(),
                "region": a.region.name,
                "analysis": analysis,
            }
        )
    return out


# -- the desk's suggestions, from the stored rows ------------------------------------------------


@dataclass(frozen=True)
class StoredSuggestion:
    state: str
    """分析中 / 分析失败 / 已分析 (AnalysisState's label)."""
    categories: tuple[tuple[Category, float], ...] = ()
    departments: tuple[tuple[Org, float], ...] = ()
    same: tuple[tuple[Appeal, float], ...] = ()
    """Merge candidates (same place, same subject)."""
    similar: tuple[tuple[Appeal, float], ...] = ()
    region: Region | None = None
    region_confidence: float | None = None
    urgency: int = 0
    urgent_terms: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()


def suggestions_for(appeal: Appeal) -> StoredSuggestion:
    """What the analysis stored for one appeal, for the desk to show (the caller checks that
    the viewer may read the appeal; candidates the viewer may not see must be left out)."""
    row = (
        AppealAnalysis.objects.filter(appeal=appeal)
        .select_related("region", "category_model", "department_model")
        .first()
    )
    if row is None or row.state != AnalysisState.DONE:
        state = row.state if row is not None else AnalysisState.PENDING
        return StoredSuggestion(str(AnalysisState(state).label))
    cats = Category.objects.in_bulk([c for c, _ in row.categories])
    orgs = Org.objects.in_bulk([o for o, _ in row.departments])
    dups = list(
        DuplicateCandidate.objects.filter(
            analysis=row, other__merged_into__isnull=True
        ).select_related("other")
    )
    return StoredSuggestion(
        str(AnalysisState.DONE.label),
        tuple((cats[c], p) for c, p in row.categories if c in cats),
        tuple((orgs[o], p) for o, p in row.departments if o in orgs),
        tuple((d.other, d.similarity) for d in dups if d.relation == Relation.SAME),
        tuple((d.other, d.similarity) for d in dups if d.relation == Relation.SIMILAR),
        row.region,
        row.region_confidence,
        row.urgency,
        tuple(row.urgent_terms),
        tuple(v.label for v in (row.category_model, row.department_model) if v is not None),
    )
