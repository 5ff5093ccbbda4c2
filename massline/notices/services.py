"""Raising notices (once per recipient and key) and reading them."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from massline.notices.channels import channels
from massline.notices.models import Delivery, Level, Notice


def notify(
    recipients: Iterable[Any],
    *,
    key: str,
    title: str,
    body: str = "",
    link: str = "",
    level: str = Level.INFO,
    now: datetime | None = None,
) -> list[Notice]:
    """Give each recipient the notice `key` unless they already have it; the new ones are sent
    on the switched-on channels once the transaction commits. Returns the new notices."""
    now = now or timezone.now()
    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    created: list[Notice] = []
    for user in people.values():
        notice, new = Notice.objects.get_or_create(
            recipient=user,
            key=key,
            defaults={
                "title": title[:200],
                "body": body,
                "link": link[:200],
                "level": level,
                "created_at": now,
            },
        )
        if new:
            created.append(notice)
    on = channels()
    deliveries = [
        Delivery(
            notice=n,
            channel=name,
            status=(
                Delivery.Status.PENDING if channel.address(n.recipient) else Delivery.Status.SKIPPED
            ),
        )
        for n in created
        for name, channel in on.items()
    ]
    if deliveries:
        Delivery.objects.bulk_create(deliveries)
        pending = [d.pk for d in deliveries if d.status == Delivery.Status.PENDING]
        if pending:
            from massline.notices.tasks import deliver

            transaction.on_commit(lambda: deliver.enqueue(pending))
    return created


def unread_count(user: Any) -> int:
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user: Any, ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Mark the user's notices read (all of them when `ids` is None); others' are untouched."""
    qs = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=now or timezone.now())
