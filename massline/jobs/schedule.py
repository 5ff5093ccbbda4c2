"""The periodic jobs, and the scheduler that enqueues each job once per time slot.

Every job is a sweep over the current state whose effects are each guarded (an event under
the appeal's lock, a unique notice, a recount), so a slot missed while no scheduler ran is
made up by the next one, and a run retried after a crash does only what is still undone.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from massline.appeals import workflow
from massline.assessment import reminders, rollup
from massline.jobs.models import Tick
from massline.notices.models import Delivery
from massline.opinion import alerts as opinion_alerts
from massline.opinion import tasks as opinion_tasks
from massline.opinion import training as opinion_training
from massline.party import reminders as party_reminders


def _reminders(now: datetime) -> int:
    rollup.refresh(now)
    return reminders.sweep(now)


def _deliveries(now: datetime) -> int:
    """Re-send notices whose first delivery task never ran or failed."""
    from massline.notices.tasks import deliver

    stale = list(
        Delivery.objects.filter(
            status=Delivery.Status.PENDING, notice__created_at__lt=now - timedelta(minutes=2)
        ).values_list("pk", flat=True)[:500]
    )
    if stale:
        deliver.enqueue(stale)
    return len(stale)


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    every: timedelta
    run: Callable[[datetime], int]


JOBS: dict[str, Job] = {
    j.name: j
    for j in (
        Job("ledger", "更新考核台账", timedelta(minutes=1), rollup.refresh),
        Job("reminders", "预警、超期与督办提醒", timedelta(minutes=5), _reminders),
        Job("escalate", "严重超期自动督办", timedelta(hours=1), workflow.escalate_severely_overdue),
        Job("close_unrated", "逾期未评价自动办结", timedelta(hours=1), workflow.close_unrated),
        Job("rate_soon", "评价期即将结束提醒群众", timedelta(hours=1), workflow.remind_to_rate),
        Job("deliveries", "补发通知", timedelta(minutes=5), _deliveries),
        Job("analysis", "补做舆情分析", timedelta(minutes=5), opinion_tasks.sweep),
        Job("opinion_alerts", "舆情预警", timedelta(minutes=5), opinion_alerts.detect),
        Job("train_models", "训练分析模型", timedelta(days=1), opinion_training.scheduled),
        Job(
            "party",
            "党建提醒：三会一课、换届、发展党员、党费、微心愿",
            timedelta(hours=6),
            party_reminders.sweep,
        ),
    )
}

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def slot_of(job: Job, now: datetime) -> datetime:
    """The start of the job's current slot (slots are aligned to fixed times)."""
    n = (now - EPOCH) // job.every
    return EPOCH + n * job.every


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue each job whose current slot nobody has claimed yet; returns their names."""
    from massline.jobs.tasks import run_job

    now = now or timezone.now()
    started = []
    for job in JOBS.values():
        slot = slot_of(job, now)
        try:
            with transaction.atomic():
                row = Tick.objects.create(job=job.name, slot=slot, claimed_at=now)
                result = run_job.enqueue(job.name, slot.isoformat())
                row.task_id = str(result.id)
                row.save(update_fields=["task_id"])
        except IntegrityError:
            continue
        started.append(job.name)
    return started
