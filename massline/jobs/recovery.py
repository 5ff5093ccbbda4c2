"""Workers' heartbeats, and running again a task whose worker died in the middle of it."""

import os
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from massline.core.audit import audit
from massline.jobs.models import WorkerBeat


def beat(worker_id: str, now: datetime | None = None) -> None:
    now = now or timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"pid": os.getpid(), "host": socket.gethostname()[:100], "seen_at": now},
    )


def recover(now: datetime | None = None) -> int:
    """Tasks left RUNNING by a worker not heard from within TASK_LEASE_SECONDS go back to the
    queue (their effects are guarded, so a second run does only what the first left undone).
    Returns how many."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.TASK_LEASE_SECONDS)
    alive = set(
        WorkerBeat.objects.filter(seen_at__gte=now - lease).values_list("worker_id", flat=True)
    )
    count = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update().filter(status="RUNNING")
        for row in running:
            worker = row.worker_ids[-1] if row.worker_ids else None
            if worker in alive or (row.started_at and row.started_at >= now - lease):
                continue
            row.status = "READY"
            row.started_at = None
            row.save(update_fields=["status", "started_at"])
            audit("task.recovered", task=row.task_path, id=str(row.pk), worker=worker or "")
            count += 1
    WorkerBeat.objects.filter(seen_at__lt=now - 10 * lease).delete()
    return count
