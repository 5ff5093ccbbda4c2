"""Raising notices (once per recipient and key) and reading them."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massline.notices.channels import channels
from massline.notices.models import ChannelChoice, Delivery, Level, Notice

CHANNEL_LABELS = {"email": _("电子邮件"), "sms": _("短信")}


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
    declined = _declined([n.recipient_id for n in created]) if created and on else set()
    deliveries = [
        Delivery(
            notice=n,
            channel=name,
            status=(
                Delivery.Status.DECLINED
                if (n.recipient_id, name) in declined
                else Delivery.Status.PENDING
                if channel.address(n.recipient)
                else Delivery.Status.SKIPPED
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


def _declined(user_ids: list[int]) -> set[tuple[int, str]]:
    off = ChannelChoice.objects.filter(user_id__in=user_ids, enabled=False)
    return set(off.values_list("user_id", "channel"))


def channel_choices(user: Any) -> list[dict[str, Any]]:
    """The deployment's channels with this person's choice and address for each."""
    off = set(
        ChannelChoice.objects.filter(user=user, enabled=False).values_list("channel", flat=True)
    )
    return [
        {"name": name, "label": CHANNEL_LABELS.get(name, name), "on": name not in off,
         "address": channel.address(user)}
        for name, channel in channels().items()
    ]  # fmt: skip


def choose_channels(user: Any, wanted: Iterable[str], now: datetime | None = None) -> list[str]:
    """Switch each of the deployment's channels on or off for this person, audited. Returns
    the channels now on."""
    from massline.core.audit import audit

    wanted = set(wanted)
    names = list(channels())
    with transaction.atomic():
        for name in names:
            choice, _ = ChannelChoice.objects.select_for_update().get_or_create(
                user=user, channel=name
            )
            if choice.enabled != (name in wanted):
                choice.enabled = name in wanted
                choice.save(update_fields=["enabled", "updated_at"])
                audit("notice.channel_chosen", actor=user, channel=name, on=choice.enabled)
    return [n for n in names if n in wanted]


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
