"""The 舆情 overview's figures as JSON: the same selector as the page, for the same readers."""

from datetime import date

from django.utils import timezone
from ninja import Query, Router, Schema

from massline.accounts.auth import REQUIRED
from massline.assessment.figures import Period
from massline.core.errors import InvalidInput, NotAllowed, NotFound
from massline.core.validation import ERRORS
from massline.opinion import permissions, selectors
from massline.orgs.models import Org

router = Router(tags=["舆情"])


class SeriesOut(Schema):
    key: str
    label: str
    total: int
    by_day: list[int]


class TopicOut(Schema):
    id: int
    title: str
    keywords: list[str]
    hotness: float
    parts: dict[str, float]
    size: int
    people: int
    recent: int
    previous: int
    places: list[tuple[str, int]]
    negative: int


class OverviewOut(Schema):
    org_id: int
    start: date
    end: date
    days: list[date]
    total: int
    analysed: int
    pending: int
    failed: int
    negative: int
    urgent: int
    by_category: list[SeriesOut]
    by_kind: list[SeriesOut]
    negative_by_day: list[int]
    keywords: list[tuple[str, int]]
    topics: list[TopicOut]


@router.get(
    "opinion/overview", response={200: OverviewOut, **ERRORS}, auth=REQUIRED, summary="舆情概览"
)
def overview(
    request,
    org: int | None = Query(None, ge=1, le=2**63 - 1),
    start: date | None = None,
    end: date | None = None,
):
    scopes = permissions.scopes(request.auth)
    if not scopes:
        raise NotAllowed("只有领导、分析员和派单中心可以查看舆情。")
    unit = scopes[0]
    if org is not None:
        found = Org.objects.filter(pk=org).first()
        if found is None or not any(found.path.startswith(s.path) for s in scopes):
            raise NotFound("单位不存在或不在您的查看范围内。")
        unit = found
    period = selectors.default_period(timezone.localdate())
    if start or end:
        if not (start and end):
            raise InvalidInput("start 与 end 须同时给出。", field="start" if not start else "end")
        if end < start or (end - start).days > 366:
            raise InvalidInput("期间须在一年之内，且 end 不早于 start。", field="end")
        period = Period("custom", start, end, f"{start} 至 {end}")
    view = selectors.overview(request.auth, unit, period)
    return {
        "org_id": unit.pk,
        "start": period.start,
        "end": period.end,
        "days": view.days,
        "total": view.total,
        "analysed": view.analysed,
        "pending": view.pending,
        "failed": view.failed,
        "negative": view.negative,
        "urgent": view.urgent,
        "by_category": [s.__dict__ for s in view.by_category],
        "by_kind": [s.__dict__ for s in view.by_kind],
        "negative_by_day": view.negative_by_day,
        "keywords": view.keywords,
        "topics": [
            {
                "id": t.topic.pk,
                "title": t.topic.title,
                "keywords": t.topic.keywords,
                "hotness": t.hotness,
                "parts": t.parts,
                "size": t.size,
                "people": t.people,
                "recent": t.recent,
                "previous": t.previous,
                "places": t.places,
                "negative": t.negative,
            }
            for t in view.topics
        ],
    }
