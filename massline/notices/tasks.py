"""Background sending of notices on outside channels."""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from massline.notices.channels import channels
from massline.notices.models import Delivery

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


@task()
def deliver(delivery_ids: list[int]) -> int:
    """Send each pending delivery once: the row is claimed under a lock before sending, so a
    second worker, or a retry of this task, finds it sent and skips it. Returns how many were
    sent."""
    sent = 0
    on = channels()
    for pk in delivery_ids:
        with transaction.atomic():
            row = (
                Delivery.objects.select_for_update()
                .select_related("notice__recipient")
                .filter(pk=pk, status=Delivery.Status.PENDING)
                .first()
            )
            if row is None or row.attempts >= MAX_ATTEMPTS:
                continue
            channel = on.get(row.channel)
            notice = row.notice
            row.attempts += 1
            if channel is None:
                row.status, row.error = Delivery.Status.FAILED, "渠道未启用"
            else:
                try:
                    channel.send(
                        channel.address(notice.recipient), notice.title, notice.body, notice.link
                    )
                except Exception as exc:  # a gateway's failure is recorded, not raised
                    log.warning("notice %s via %s failed: %s", notice.pk, row.channel, exc)
                    row.error = str(exc)[:300]
                    if row.attempts >= MAX_ATTEMPTS:
                        row.status = Delivery.Status.FAILED
                else:
                    row.status, row.sent_at = Delivery.Status.SENT, timezone.now()
                    sent += 1
            row.save(update_fields=["status", "attempts", "error", "sent_at"])
    return sent
