"""Writes that are not transitions of an existing appeal: intake and attachments."""

import fcntl
import threading
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from massline.accounts.services import resident_for_phone
from massline.appeals import deadlines, events, hooks, resident_notices, routing, uploads
from massline.appeals.actions import Action, AppealIn, RegisterIn
from massline.appeals.models import (
    ANONYMOUS_REPORTER,
    Appeal,
    AppealEvent,
    Attachment,
    Category,
    Channel,
    DailyCounter,
    Follow,
    Kind,
    State,
)
from massline.appeals.numbers import normal_phone, normal_tracking_no
from massline.appeals.permissions import policy
from massline.appeals.privacy import index_appeal
from massline.appeals.search import query_tokens, search
from massline.appeals.selectors import appeal_detail
from massline.appeals.workflow import transition
from massline.core.audit import audit
from massline.core.cache import ProcessCache
from massline.core.errors import InvalidInput, NotAllowed, NotFound, RateLimited
from massline.core.limits import serialise
from massline.core.models import AuditEvent
from massline.orgs.models import Level, Org, OrgKind, Region, Role

_WRITER = threading.Lock()


@contextmanager
def sqlite_writer():
    """Queue SQLite writers on a lock instead of SQLite's busy handler, which makes a waiting
    writer poll with sleeps of up to 100 ms and so gave intake a tail of seconds under load."""
    name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite" or connection.in_atomic_block or not Path(name).exists():
        yield
        return
    with _WRITER, open(f"{name}-writer.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def next_tracking_no(now: datetime) -> str:
    """Take the day's next number in one statement of its own (an upsert), so that concurrent
    intakes do not queue on the counter row until their commit. A failed intake leaves a gap."""
    day = timezone.localdate(now)
    table = DailyCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [connection.ops.adapt_datefield_value(day)],
        )
        (last,) = cursor.fetchone()
    return f"{settings.TRACKING_PREFIX}{day:%Y%m%d}-{last:06d}"


PLACES = ProcessCache(seconds=30)
"""Region by code, hub by region path, active category by pk. Safe: any save or delete of a
region, org or category clears it in that process; other processes follow within 30 s."""
PLACES.clear_on_change(Region, Org, Category)


def hub_for(region: Region) -> Org | None:
    """The dispatch hub nearest the place: the county's 12345 before the city's, and so on up."""
    return PLACES.get(("hub", region.path), lambda: _nearest_hub(region))


def _nearest_hub(region: Region) -> Org | None:
    codes = [c for c in region.path.split("/") if c]
    hubs = {
        o.region.code: o
        for o in Org.objects.filter(
            kind=OrgKind.HUB, is_active=True, region__code__in=codes
        ).select_related("region")
    }
    for code in reversed(codes):
        if code in hubs:
            return hubs[code]
    return None


def _places(
    data: AppealIn, related: Appeal | None = None
) -> tuple[Region, Category | None, routing.Placement]:
    """The rows a new appeal points to and where it is received (`routing.place`); the schema
    has already checked its own fields."""
    code = data.region_code
    region = PLACES.get(("region", code), lambda: Region.objects.filter(code=code).first())
    if region is None:
        raise InvalidInput("所在地区不存在。", field="region_code", code="unknown_region")
    category = None
    if (pk := data.category_id) is not None:
        category = PLACES.get(
            ("category", pk), lambda: Category.objects.filter(pk=pk, is_active=True).first()
        )
        if category is None:
            raise InvalidInput("分类不存在。", field="category_id", code="unknown_category")
    placement = routing.place(
        data.kind, data.accused_org_id, data.about_official, region, hub_for, related
    )
    return region, category, placement


def submit_appeal(
    user, data: AppealIn, *, idempotency_key: str | None = None, now: datetime | None = None
) -> tuple[Appeal, bool]:
    """Create the appeal and its first event; a repeated idempotency key returns the first one.

    Returns (appeal, created)."""
    return _intake(user, data, idempotency_key=idempotency_key, now=now)


def register_appeal(
    dispatcher,
    data: RegisterIn,
    *,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> tuple[Appeal, bool]:
    """A dispatcher takes down an appeal by phone, WeChat, letter or visit for a resident.

    The appeal belongs to the resident's account (found by phone, or opened for them), so they
    read and rate it online once they set a password by SMS code; the dispatcher is recorded
    as who registered it. Returns (appeal, created)."""
    rules = policy(dispatcher)
    if Role.DISPATCHER not in {m.role for m in rules.memberships} and not rules.is_admin:
        raise NotAllowed(f"只有派单中心工作人员可以{Action.REGISTER.label}诉求。")
    hub = _places(data)[2].hub
    if not rules.can_dispatch_to(hub):
        raise InvalidInput(
            f"该地区由{hub.name}受理，不在您的受理范围内。",
            field="region_code",
            code="out_of_scope",
        )
    resident = resident_for_phone(data.contact_phone, data.contact_name)
    return _intake(
        resident,
        data,
        idempotency_key=idempotency_key,
        now=now,
        registered_by=dispatcher,
        channel=data.channel,
    )


def _intake(
    user,
    data: AppealIn,
    *,
    idempotency_key: str | None,
    now: datetime | None,
    registered_by=None,
    channel: str = Channel.WEB,
    related: Appeal | None = None,
) -> tuple[Appeal, bool]:
    if idempotency_key is not None:
        idempotency_key = idempotency_key.strip() or None
        if idempotency_key and (existing := _submitted_before(user, idempotency_key)):
            return _same_request(existing, data), False
    region, category, placed = _places(data, related)
    hub = placed.hub
    now = now or timezone.now()
    appeal = Appeal(
        kind=data.kind,
        title=data.title,
        body=data.body,
        category=category,
        region=region,
        location=data.location,
        is_public=data.is_public and data.kind != Kind.REPORT and placed.discipline is None,
        accused_org=placed.accused,
        about_official=data.about_official or related is not None,
        discipline_org=placed.discipline,
        related_report=related,
        contact_name=data.contact_name
        or ("" if user.username == ANONYMOUS_REPORTER else user.real_name),
        contact_phone=data.contact_phone or user.phone or "",
        submitted_by=user,
        channel=channel,
        registered_by=registered_by,
        idempotency_key=idempotency_key,
        hub=hub,
        created_at=now,
    )
    index_appeal(appeal)
    if registered_by is None:
        first = dict(action=Action.SUBMIT, actor=user, role=Role.RESIDENT, org=None)
        note = f"已提交至{hub.name}"
    else:
        org = policy(registered_by).acting_org(appeal, Role.DISPATCHER)
        first = dict(action=Action.REGISTER, actor=registered_by, role=Role.DISPATCHER, org=org)
        note = f"经{Channel(channel).label}反映，已由{hub.name}登记"
    deadlines.follow_hub_clock(appeal, first["action"], now)
    event = events.new(appeal, now=now, note=note, **first)
    with sqlite_writer():
        appeal.tracking_no = next_tracking_no(now)
    try:
        with sqlite_writer(), transaction.atomic():
            appeal.save(force_insert=True)
            event.save(force_insert=True)
    except IntegrityError:
        if idempotency_key and (existing := _submitted_before(user, idempotency_key)):
            return _same_request(existing, data), False
        raise
    hooks.after_intake(appeal.pk)
    _known_relations(appeal, events=[event])
    if registered_by is not None:
        resident_notices.tell(appeal, event)
    return appeal, True


def _phones_of(appeal: Appeal) -> set[str]:
    return {normal_phone(p) for p in (appeal.contact_phone, appeal.submitted_by.phone) if p}


def lookup_appeal(
    tracking_no: str, phone: str, client_ip: str, *, now: datetime | None = None
) -> Appeal:
    """An appeal found by its tracking number and the resident's phone, without logging in.

    Both are normalised first (see normal_tracking_no, normal_phone); misses are limited per
    client address (`within_lookup_limit`). The caller shows the appeal masked, as on the
    public board."""
    number, phone = normal_tracking_no(tracking_no), normal_phone(phone)

    def find() -> Appeal | None:
        appeal = appeal_detail(number)
        if appeal is not None and phone and phone in _phones_of(appeal):
            return appeal
        return None

    found = within_lookup_limit(client_ip, find, now=now, tracking_no=number)
    if found is None:
        raise NotFound("编号或手机号不正确，请核对后再查。", field="tracking_no")
    return found


T = TypeVar("T")


def within_lookup_limit(
    client_ip: str, find: Callable[[], T | None], *, now: datetime | None = None, **miss: Any
) -> T | None:
    """What `find` finds, unless this address missed LOOKUP_FAILURES_PER_HOUR times within the
    hour (then 429, so numbers and codes cannot be tried in bulk). A miss (None) is audited
    with `miss`. Every lookup without an account (tracking number + phone, a 举报's 查询码)
    shares this one budget per address; counting and recording are one step per address, so
    parallel requests cannot all pass the count."""
    now = now or timezone.now()
    limit = settings.LOOKUP_FAILURES_PER_HOUR
    with transaction.atomic():
        serialise(f"appeal.lookup:{client_ip}")
        misses = AuditEvent.objects.filter(
            action="appeal.lookup_failed",
            created_at__gt=now - timedelta(hours=1),
            data__client_ip=client_ip,
        )
        if misses.count() >= limit:
            raise RateLimited(
                f"查询失败已达每小时{limit}次，请一小时后再试。",
                code="rate_limited",
                retry_after=3600,
            )
        found = find()
        if found is None:
            audit("appeal.lookup_failed", client_ip=client_ip, **miss)
    return found


def _submitted_before(user, idempotency_key: str) -> Appeal | None:
    """Retries are rare: a cheap EXISTS probe first, the full row only when there is one."""
    earlier = Appeal.objects.filter(submitted_by=user, idempotency_key=idempotency_key)
    return earlier.select_related("region").first() if earlier.exists() else None


def _same_request(existing: Appeal, data: AppealIn) -> Appeal:
    """A retry carries the same appeal; a key reused for other content is the client's error."""
    same = (
        existing.kind == data.kind
        and existing.title == data.title
        and existing.body == data.body
        and existing.region.code == data.region_code
        and existing.category_id == data.category_id
        and existing.is_public == data.is_public
    )
    if not same:
        raise InvalidInput(
            "该 Idempotency-Key 已用于另一条内容不同的诉求，请为新诉求使用新的键。",
            field="Idempotency-Key",
            code="idempotency_mismatch",
        )
    return existing


def _known_relations(appeal: Appeal, events: list[AppealEvent]) -> None:
    """Record what a new appeal's related sets hold, as prefetch_related would, so that the
    answer to its submission is built without reading back what was just written."""
    known = {"events": events, "co_orgs": [], "attachments": [], "ratings": [], "merged": []}
    appeal._prefetched_objects_cache = {}
    for name, rows in known.items():
        qs = getattr(appeal, name).all()
        qs._result_cache, qs._prefetch_done = rows, True
        appeal._prefetched_objects_cache[name] = qs


def attach_file(appeal_id: int, actor, upload, *, now: datetime | None = None) -> Attachment:
    """Store an image (re-encoded, metadata stripped) or a PDF under a random name.

    The resident attaches while the appeal is open, the handler while working on the reply."""
    clean = uploads.sanitise(upload)
    with transition(Action.ATTACH, appeal_id, actor, now=now) as t:
        limit = settings.ATTACHMENTS_PER_APPEAL
        if t.appeal.attachments.count() >= limit:
            raise InvalidInput(f"每件诉求最多上传{limit}个附件。", field="file", code="too_many")
        attachment = Attachment(
            appeal=t.appeal,
            name=clean.name,
            content_type=clean.content_type,
            size=len(clean.content),
            uploaded_by=actor,
            created_at=t.now,
        )
        stored = f"{uuid.uuid4().hex}.{clean.extension}"
        attachment.file.save(stored, ContentFile(clean.content), save=False)
        attachment.save()
        events.append(
            t.appeal,
            Action.ATTACH,
            actor=actor,
            role=t.role,
            now=t.now,
            note=f"上传附件：{attachment.name}",
            org=t.org,
            public=False,
        )
    return attachment


def follow_appeal(user, appeal_id: int, *, follow: bool = True) -> int:
    """关注 (or stop following) a public appeal of someone else's; returns how many follow it.
    Following twice is following once."""
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().filter(pk=appeal_id).first()
        if appeal is None or not appeal.on_public_board:
            raise NotFound("诉求不存在。", field="tracking_no")
        if appeal.submitted_by_id == user.pk:
            raise InvalidInput("这是您自己的留言，无需关注。", field="tracking_no", code="own")
        if follow:
            _, made = Follow.objects.get_or_create(appeal=appeal, user=user)
        else:
            made = bool(Follow.objects.filter(appeal=appeal, user=user).delete()[0])
        if made:
            audit(
                "appeal.followed" if follow else "appeal.unfollowed",
                actor=user,
                target=appeal,
                tracking_no=appeal.tracking_no,
            )
        return appeal.follows.count()


def similar_public(region_code: str, title: str, limit: int = 5) -> list[Appeal]:
    """Public appeals of the same county whose text holds the title's words, newest first:
    what the submit page shows while a resident types, so that the same matter gets a 关注
    instead of a copy."""
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region is None or len(query_tokens(title)) == 0:
        return []
    county: Region = region
    while county.level > Level.COUNTY and county.parent is not None:
        county = county.parent
    public = Appeal.objects.filter(
        is_public=True,
        merged_into__isnull=True,
        region__path__startswith=county.path,
    ).exclude(state__in=[State.SUBMITTED, State.REJECTED, State.WITHDRAWN])
    words = query_tokens(title)[:4]
    found: list[Appeal] = []
    for n in range(len(words), 0, -1):
        qs = search(public, " ".join(words[:n]), masked=True).select_related("region")
        found = list(qs.order_by("-created_at")[:limit])
        if found or n <= 1:
            break
    return found
