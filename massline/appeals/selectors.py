"""Reads: lists, search, one appeal as a given viewer may see it."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from massline.appeals.models import ANONYMOUS_REPORTER, Appeal, AppealEvent
from massline.appeals.numbers import TRACKING_NO, normal_phone, normal_tracking_no
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


@dataclass(frozen=True)
class StaffSearch:
    """What one search box found: `exact` is the appeal a tracking number names (the page goes
    straight to its desk); `people` the appeals of a caller found by phone or name (only for
    staff who read originals); `words` those whose text holds the words."""

    exact: Appeal | None
    people: list[Appeal]
    words: QuerySet[Appeal]
    by: str


IDENTITY_LIMIT = 50


def _identity_matches(user, qs: QuerySet[Appeal]) -> list[Appeal]:
    """A caller's appeals, newest first, at most IDENTITY_LIMIT: a sealed 举报 is found by its
    reporter's phone, name or account only by those who may read the reporter (its 纪检监察
    handlers): otherwise the answer, or its count, would tell that one exists."""
    rules = policy(user)
    rows = qs.select_related("category", "region", "hub", "lead_org").order_by("-created_at")
    return [a for a in rows[:IDENTITY_LIMIT] if not a.sealed or rules.can_see_original(a)]


def staff_search(user, q: str) -> StaffSearch:
    """One box for staff: a tracking number, a caller's phone or name, or words."""
    rules = policy(user)
    mine = rules.visible(Appeal.objects.all())
    q = q.strip()[:100]
    number = normal_tracking_no(q)
    if TRACKING_NO.fullmatch(number):
        return StaffSearch(mine.filter(tracking_no=number).first(), [], mine.none(), "number")
    people: list[Appeal] = []
    by = "words"
    if rules.searches_originals:
        phone = normal_phone(q)
        if phone.isdigit() and 7 <= len(phone) <= 13:
            written = {phone, f"{phone[:4]}-{phone[4:]}", f"{phone[:3]}-{phone[3:]}"}
            found = mine.filter(Q(contact_phone__in=written) | Q(submitted_by__phone=phone))
            return StaffSearch(None, _identity_matches(user, found), mine.none(), "phone")
        if 2 <= len(q) <= 20 and not q.isdigit():
            named = mine.filter(Q(contact_name=q) | Q(submitted_by__real_name=q))
            people, by = _identity_matches(user, named), "name"
    words = search(mine, q, masked=not rules.searches_originals) if q else mine.none()
    return StaffSearch(None, people, words.order_by("-created_at"), by)


def caller_history(user, appeal: Appeal, limit: int = 10) -> tuple[list[Appeal], int]:
    """The caller's other appeals (历史诉求), newest first, and how many there are: by the same
    account or the same contact phone, among those the viewer holds. Only for a viewer who reads
    this appeal's original (who it is from): an analyst, reading masked, gets none."""
    rules = policy(user)
    if not rules.can_see_original(appeal):
        return [], 0
    same = Q(pk__in=[])
    if appeal.submitted_by.username != ANONYMOUS_REPORTER:  # one account for all of them
        same |= Q(submitted_by_id=appeal.submitted_by_id)
    if appeal.contact_phone:
        same |= Q(contact_phone=appeal.contact_phone)
    rows = _identity_matches(user, rules.visible(Appeal.objects.filter(same).exclude(pk=appeal.pk)))
    return rows[:limit], len(rows)
