"""Writes that are not state transitions: intake of a new appeal."""

import fcntl
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from massline.appeals.models import Appeal, AppealEvent, Attachment, Category, DailyCounter, Kind
from massline.appeals.search import index_text
from massline.core.cache import ProcessCache
from massline.core.errors import InvalidInput
from massline.orgs.models import Org, OrgKind, Region

ALLOWED_UPLOADS = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
}


@dataclass
class NewAppeal:
    kind: str
    title: str
    body: str
    region_code: str
    category_id: int | None = None
    location: str = ""
    is_public: bool = True
    contact_name: str = ""
    contact_phone: str = ""


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


def _clean(data: NewAppeal) -> tuple[NewAppeal, Region, Category | None, Org]:
    if data.kind not in Kind.values:
        raise InvalidInput("诉求类型无效。", field="kind", code="invalid_choice")
    title, body = data.title.strip(), data.body.strip()
    if len(title) < 4:
        raise InvalidInput("标题至少4个字。", field="title", code="too_short")
    if len(title) > 100:
        raise InvalidInput("标题不能超过100字。", field="title", code="too_long")
    if len(body) < 10:
        raise InvalidInput("内容至少10个字，请写明事情经过和诉求。", field="body", code="too_short")
    if len(body) > 5000:
        raise InvalidInput("内容不能超过5000字。", field="body", code="too_long")
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
    hub = hub_for(region)
    if hub is None:
        raise InvalidInput("该地区暂未开通网上受理。", field="region_code", code="no_hub")
    data.title, data.body = title, body
    return data, region, category, hub


def submit_appeal(
    user, data: NewAppeal, *, idempotency_key: str | None = None, now: datetime | None = None
) -> tuple[Appeal, bool]:
    """Create the appeal and its first event; a repeated idempotency key returns the first one.

    Returns (appeal, created)."""
    if idempotency_key is not None:
        idempotency_key = idempotency_key.strip() or None
        if idempotency_key and (existing := _submitted_before(user, idempotency_key)):
            return existing, False
    data, region, category, hub = _clean(data)
    now = now or timezone.now()
    appeal = Appeal(
        kind=data.kind,
        title=data.title,
        body=data.body,
        category=category,
        region=region,
        location=data.location.strip(),
        is_public=data.is_public,
        contact_name=data.contact_name or user.real_name,
        contact_phone=data.contact_phone or user.phone or "",
        submitted_by=user,
        idempotency_key=idempotency_key,
        hub=hub,
        created_at=now,
        search_text=index_text(data.title, data.body, data.location),
    )
    event = AppealEvent(
        appeal=appeal,
        action="submit",
        actor=user,
        actor_role="resident",
        to_state=appeal.state,
        note=f"已提交至{hub.name}",
        created_at=now,
    )
    with sqlite_writer():
        appeal.tracking_no = next_tracking_no(now)
    try:
        with sqlite_writer(), transaction.atomic():
            appeal.save(force_insert=True)
            event.save(force_insert=True)
    except IntegrityError:
        if idempotency_key and (existing := _submitted_before(user, idempotency_key)):
            return existing, False
        raise
    _known_relations(appeal, events=[event])
    return appeal, True


def _submitted_before(user, idempotency_key: str) -> Appeal | None:
    """Retries are rare: a cheap EXISTS probe first, the full row only when there is one."""
    earlier = Appeal.objects.filter(submitted_by=user, idempotency_key=idempotency_key)
    return earlier.first() if earlier.exists() else None


def _known_relations(appeal: Appeal, events: list[AppealEvent]) -> None:
    """Record what a new appeal's related sets hold, as prefetch_related would, so that the
    answer to its submission is built without reading back what was just written."""
    known = {"events": events, "co_orgs": [], "attachments": [], "ratings": [], "merged": []}
    appeal._prefetched_objects_cache = {}
    for name, rows in known.items():
        qs = getattr(appeal, name).all()
        qs._result_cache, qs._prefetch_done = rows, True
        appeal._prefetched_objects_cache[name] = qs


def attach_file(appeal: Appeal, user, upload) -> Attachment:
    """Store an uploaded image or PDF after checking its size and its real type (magic bytes)."""
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise InvalidInput(f"附件不能超过{limit}MB。", field="file", code="too_large")
    head = upload.read(16)
    upload.seek(0)
    content_type = next(
        (ct for ct, magics in ALLOWED_UPLOADS.items() if any(head.startswith(m) for m in magics)),
        None,
    )
    if content_type is None or (content_type == "image/webp" and head[8:12] != b"WEBP"):
        raise InvalidInput(
            "附件只能是图片（JPG/PNG/GIF/WEBP）或PDF。", field="file", code="bad_type"
        )
    with transaction.atomic():
        attachment = Attachment.objects.create(
            appeal=appeal,
            file=upload,
            name=upload.name[:200],
            content_type=content_type,
            size=upload.size,
            uploaded_by=user,
        )
        AppealEvent.objects.create(
            appeal=appeal,
            action="attach",
            actor=user,
            actor_role="resident" if user.pk == appeal.submitted_by_id else "staff",
            from_state=appeal.state,
            to_state=appeal.state,
            note=f"上传附件：{attachment.name}",
            is_public=False,
        )
    return attachment
