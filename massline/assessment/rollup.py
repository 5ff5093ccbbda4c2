"""Keeping the ledger and its monthly counts up to date, incrementally.

`refresh` reads the appeal events written since it last ran (and the open steps whose limit
has just passed, which turn late without any event), replays those appeals' ledgers and
recounts only the (org, month) rows they touch. It is safe to run from several workers at
once (the cursor row is locked) and to run again after a crash (it recomputes, it never
adds). `rebuild` makes both tables anew from all events.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from massline.appeals.deadlines import policies
from massline.appeals.models import Appeal, AppealEvent, Rating, Verdict
from massline.assessment.ledger import replay
from massline.assessment.models import (
    RECEIVING,
    SUMS,
    Cause,
    Cursor,
    LedgerStep,
    OrgMonth,
    Outcome,
    StepKind,
)
from massline.core.calendar import get_calendar
from massline.orgs.models import Org

SETTLE = timedelta(minutes=5)
"""Events younger than this are read again on the next run: a transaction still open when the
cursor moved may commit an event with a lower id."""
EVENTS_PER_RUN = 2000
EVENT_FIELDS = ("appeal_id", "action", "created_at", "data", "due_after", "actor_org_id")
STEP_FIELDS = (
    "seq", "round", "kind", "cause", "org_id", "started_at", "due_at", "ended_at", "outcome",
    "on_time", "decided_at", "used", "workdays", "extensions", "shirked", "reworked", "unrated",
    "first_time",
)  # fmt: skip

Key = tuple[int, date]


def month_of(moment: datetime) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), 12 if month.month == 1 else month.month - 1, 1)


def month_range(month: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(month.year, month.month, 1))
    nxt = next_month(month)
    return start, timezone.make_aware(datetime(nxt.year, nxt.month, 1))


def ledgers(appeal_ids: list[int], now: datetime) -> dict[int, list[LedgerStep]]:
    """The appeals' steps replayed from their events, unsaved."""
    table, cal = policies(), get_calendar()
    heads = Appeal.objects.filter(pk__in=appeal_ids).values_list("pk", "kind", "hub_id")
    by_appeal: dict[int, list[Any]] = defaultdict(list)
    events = (
        AppealEvent.objects.filter(appeal_id__in=appeal_ids)
        .order_by("appeal_id", "created_at", "id")
        .only(*EVENT_FIELDS)
    )
    for e in events:
        by_appeal[e.appeal_id].append(e)
    out: dict[int, list[LedgerStep]] = {}
    for pk, kind, hub in heads:
        rows = replay(by_appeal[pk], hub_id=hub, policy=table[kind], calendar=cal, now=now)
        out[pk] = [
            LedgerStep(appeal_id=pk, **{f: getattr(r, f) for f in STEP_FIELDS}) for r in rows
        ]
    return out


def _keys(steps: Iterable[Any], paths: dict[int, str]) -> set[Key]:
    """The (org, month) rows a set of steps counts in: a received step also in its org's
    ancestors' (`received_shared`)."""
    found: set[Key] = set()
    for s in steps:
        for moment in (s.started_at, s.decided_at, s.ended_at):
            if moment is not None:
                found.add((s.org_id, month_of(moment)))
        if s.kind == StepKind.REPLY and s.cause in RECEIVING:
            month = month_of(s.started_at)
            found |= {(int(pk), month) for pk in paths.get(s.org_id, "").split("/")[:-1]}
    return found


def rebuild_appeals(appeal_ids: list[int], now: datetime) -> set[Key]:
    """Replace these appeals' steps; the (org, month) rows whose counts may have changed."""
    paths = dict(Org.objects.values_list("pk", "path"))
    old = LedgerStep.objects.filter(appeal_id__in=appeal_ids)
    dirty = _keys(
        old.only("org_id", "kind", "cause", "started_at", "decided_at", "ended_at"), paths
    )
    old.delete()
    fresh = [s for steps in ledgers(appeal_ids, now).values() for s in steps]
    LedgerStep.objects.bulk_create(fresh, batch_size=1000)
    dirty |= _keys(fresh, paths)
    ratings = Rating.objects.filter(appeal_id__in=appeal_ids, org__isnull=False)
    dirty |= {(org, month_of(at)) for org, at in ratings.values_list("org_id", "created_at")}
    return dirty


def aggregate(
    start: datetime | None, end: datetime | None, orgs: list[int] | None = None, by_month=False
) -> dict[tuple[int, date | None], dict[str, float]]:
    """The counters of `models.COUNTERS` (and the reply workdays' sum) per org — and per month with
    `by_month` — over [start, end): steps by when they began (received: distinct appeals),
    were judged (on time or not) or ended (replies, returns), ratings by when they were given."""
    out: dict[tuple[int, date | None], dict[str, float]] = defaultdict(
        lambda: dict.fromkeys(SUMS, 0)
    )

    def window(qs: QuerySet, field: str) -> QuerySet:
        if orgs is not None:
            qs = qs.filter(org_id__in=orgs)
        if start is not None:
            qs = qs.filter(**{f"{field}__gte": start})
        if end is not None:
            qs = qs.filter(**{f"{field}__lt": end})
        else:
            qs = qs.filter(**{f"{field}__isnull": False})
        group = ["org_id"]
        if by_month:
            qs = qs.annotate(m=TruncMonth(field))
            group.append("m")
        return qs.values(*group)

    def add(rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            month = month_of(row.pop("m")) if by_month else None
            bucket = out[(row.pop("org_id"), month)]
            for name, value in row.items():
                bucket[name] += value or 0

    def n(**cond: Any) -> Count:
        return Count("pk", filter=Q(**cond))

    steps = LedgerStep.objects.all()
    add(
        window(steps, "started_at").annotate(
            received=Count(
                "appeal_id", distinct=True, filter=Q(kind=StepKind.REPLY, cause__in=RECEIVING)
            ),
            dispatch_received=n(kind=StepKind.DISPATCH, cause=Cause.NEW),
        )
    )
    judged = {}
    for kind in StepKind.values:
        judged[f"{kind}_judged"] = n(kind=kind)
        judged[f"{kind}_on_time"] = n(kind=kind, on_time=True)
    add(window(steps, "decided_at").annotate(**judged))
    done = {"kind": StepKind.REPLY, "outcome": Outcome.DONE}
    returned = {"kind": StepKind.REPLY, "outcome": Outcome.RETURNED}
    add(
        window(steps.filter(kind=StepKind.REPLY), "ended_at").annotate(
            replies=n(**done),
            first_time=n(**done, first_time=True),
            reworked=n(**done, reworked=True),
            unrated=n(**done, unrated=True),
            returns=n(**returned),
            shirked=n(**returned, shirked=True),
            extensions=Sum("extensions"),
            workdays_sum=Sum("workdays", filter=Q(**done)),
        )
    )
    add(
        window(Rating.objects.filter(org__isnull=False), "created_at").annotate(
            ratings=Count("pk"),
            satisfied=n(verdict=Verdict.SATISFIED),
            basic=n(verdict=Verdict.BASIC),
            dissatisfied=n(verdict=Verdict.DISSATISFIED),
            resolved=n(resolved=True),
        )
    )
    for key, n_shared in shared(start, end, orgs, by_month).items():
        out[key]["received_shared"] += n_shared
    return dict(out)


def _common(a: str, b: str) -> str:
    """The path of the nearest org holding both paths."""
    out = ""
    for x, y in zip(a.split("/")[:-1], b.split("/")[:-1], strict=False):
        if x != y:
            break
        out += x + "/"
    return out


def shared(
    start: datetime | None, end: datetime | None, orgs: list[int] | None = None, by_month=False
) -> dict[tuple[int, date | None], int]:
    """`received_shared` per org (and month): over the appeals that reached two or more orgs
    in [start, end), one per adjacent pair of an appeal's receiving orgs of a month, at the
    pair's nearest common org (see `models.OrgMonth`)."""
    steps = LedgerStep.objects.filter(kind=StepKind.REPLY, cause__in=RECEIVING)
    if start is not None:
        steps = steps.filter(started_at__gte=start)
    if end is not None:
        steps = steps.filter(started_at__lt=end)
    several = (
        steps.order_by()
        .values("appeal_id")
        .annotate(n=Count("org_id", distinct=True))
        .filter(n__gte=2)
        .values("appeal_id")
    )
    rows = steps.filter(appeal_id__in=several).values_list("appeal_id", "org__path", "started_at")
    reached: dict[tuple[int, date], set[str]] = defaultdict(set)
    for appeal, path, at in rows:
        reached[(appeal, month_of(at))].add(path)
    if not reached:
        return {}
    by_path = {path: pk for pk, path in Org.objects.values_list("pk", "path")}
    wanted = None if orgs is None else set(orgs)
    out: dict[tuple[int, date | None], int] = defaultdict(int)
    for (_appeal, month), found in reached.items():
        for a, b in pairwise(sorted(found)):
            org = by_path[_common(a, b)]
            if wanted is None or org in wanted:
                out[(org, month if by_month else None)] += 1
    return dict(out)


def recount(dirty: set[Key]) -> None:
    """Make the OrgMonth rows of these (org, month) pairs hold the ledger's counts."""
    by_month: dict[date, list[int]] = defaultdict(list)
    for org, month in dirty:
        by_month[month].append(org)
    for month, orgs in by_month.items():
        start, end = month_range(month)
        counts = aggregate(start, end, orgs)
        OrgMonth.objects.filter(month=month, org_id__in=orgs).delete()
        OrgMonth.objects.bulk_create(
            OrgMonth(org_id=org, month=month, **values)
            for (org, _), values in counts.items()
            if any(values.values())
        )


def _cursor() -> Cursor:
    Cursor.objects.get_or_create(name="ledger")
    return Cursor.objects.select_for_update().get(name="ledger")


def refresh(now: datetime | None = None) -> int:
    """Bring the ledger and OrgMonth up to date with the event log; how many appeals were
    replayed."""
    now = now or timezone.now()
    total = 0
    first = True
    while True:
        with transaction.atomic():
            cursor = _cursor()
            recent = list(
                AppealEvent.objects.filter(pk__gt=cursor.last_event_id)
                .order_by("pk")
                .values_list("pk", "appeal_id", "created_at")[:EVENTS_PER_RUN]
            )
            ids = {appeal for _, appeal, _ in recent}
            if first:
                turned_late = LedgerStep.objects.filter(
                    ended_at__isnull=True, decided_at__isnull=True, due_at__lte=now
                )
                ids |= set(turned_late.values_list("appeal_id", flat=True))
            if ids:
                recount(rebuild_appeals(sorted(ids), now))
            settled = cursor.last_event_id
            for pk, _, at in recent:
                if at >= now - SETTLE:
                    break
                settled = pk
            moved = settled != cursor.last_event_id
            if moved:
                cursor.last_event_id = settled
                cursor.save(update_fields=["last_event_id", "updated_at"])
            total += len(ids)
            first = False
        if len(recent) < EVENTS_PER_RUN or not moved:
            return total


def rebuild(now: datetime | None = None, batch: int = 2000) -> int:
    """Replay every appeal and recount every (org, month); the cursor starts at the log's end."""
    now = now or timezone.now()
    with transaction.atomic():
        cursor = _cursor()
        last = AppealEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        LedgerStep.objects.all().delete()
        ids = list(Appeal.objects.order_by("pk").values_list("pk", flat=True))
        for i in range(0, len(ids), batch):
            chunk = ids[i : i + batch]
            fresh = [s for steps in ledgers(chunk, now).values() for s in steps]
            LedgerStep.objects.bulk_create(fresh, batch_size=1000)
        OrgMonth.objects.all().delete()
        OrgMonth.objects.bulk_create(
            (
                OrgMonth(org_id=org, month=month, **values)
                for (org, month), values in aggregate(None, None, by_month=True).items()
                if month is not None and any(values.values())
            ),
            batch_size=1000,
        )
        cursor.last_event_id = last
        cursor.save(update_fields=["last_event_id", "updated_at"])
    return len(ids)
