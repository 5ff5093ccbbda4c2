"""Reads: lists, search, one appeal as a given viewer may see it."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from massline.appeals.models import Appeal, AppealEvent
from massline.appeals.permissions import policy
from massline.appeals.search import search
from massline.core.errors import InvalidInput
from massline.orgs.models import Org, Region


@dataclass
class AppealFilters:
    q: str = ""
    state: str | None = None
    kind: str | None = None
    category_id: int | None = None
    region_code: str | None = None
    org_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    mine: bool = False
    supervised: bool | None = None


def _day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def appeal_list(user, f: AppealFilters) -> QuerySet[Appeal]:
    """Staff see their scope; everyone else the public board; `mine` a resident's own."""
    rules = policy(user)
    masked = False
    if f.mine:
        if not user.is_authenticated:
            return Appeal.objects.none()
        qs = Appeal.objects.filter(submitted_by=user)
    elif rules.is_staff:
        qs = rules.visible(Appeal.objects.all())
        masked = not rules.searches_originals
    else:
        qs = Appeal.objects.public()
        masked = True
    if f.state:
        qs = qs.filter(state=f.state)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.supervised is not None:
        qs = qs.filter(supervised=f.supervised)
    if f.category_id:
        qs = qs.filter(category_id__in=_category_subtree(f.category_id))
    if f.region_code:
        region = Region.objects.filter(code=f.region_code).first()
        if region is None:
            raise InvalidInput("所在地区不存在。", field="region_code", code="unknown_region")
        qs = qs.filter(region__in=Region.objects.filter(path__startswith=region.path))
    if f.org_id:
        org = Org.objects.filter(pk=f.org_id).first()
        if org is None:
            raise InvalidInput("机构不存在。", field="org_id", code="unknown_org")
        qs = qs.filter(lead_org__in=org.subtree())
    if f.date_from:
        qs = qs.filter(created_at__gte=_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(created_at__lt=_day_start(f.date_to) + timezone.timedelta(days=1))
    if f.q.strip():
        qs = search(qs, f.q, masked=masked)
    qs = qs.select_related(
        "category", "region", "hub", "lead_org", "submitted_by", "discipline_org"
    )
    return qs.prefetch_related("co_orgs") if rules.is_staff else qs


def _category_subtree(category_id: int) -> list[int]:
    from massline.appeals.models import Category

    ids = [category_id]
    frontier = ids
    for _ in range(2):
        frontier = list(
            Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids += frontier
    return ids


def appeal_detail(tracking_no: str) -> Appeal | None:
    return (
        Appeal.objects.select_related(
            "category__parent__parent",
            "region",
            "hub",
            "lead_org",
            "reply_org",
            "merged_into",
            "submitted_by",
            "accused_org",
            "discipline_org",
            "related_report",
        )
        .prefetch_related(
            "co_orgs",
            "attachments",
            "ratings",
            "merged",
            "extensions",
            Prefetch(
                "events",
                queryset=AppealEvent.objects.select_related("actor_org", "actor").order_by(
                    "created_at", "id"
                ),
            ),
        )
        .filter(tracking_no=tracking_no)
        .first()
    )
