"""Background work of the 舆情 layer: the analysis task intake enqueues, and its sweep.

Intake only enqueues (`enqueue_analysis`, registered in appeals' after-intake hooks, runs on
commit). The task analyses its appeal and, in the same pass, the other appeals still waiting,
oldest first, in batches of `BATCH`, so a backlog drains by itself and the tasks behind find
their appeal done. The sweep (a periodic job, every 5 minutes) enqueues what was never
enqueued or failed (up to `MAX_ATTEMPTS` tries); the models are trained by another periodic
job (`training.scheduled`).
"""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from massline.appeals.models import Appeal
from massline.opinion.engine import MAX_ATTEMPTS, RUNTIME
from massline.opinion.models import AnalysisState, AppealAnalysis

BATCH = 200
ROUNDS = 50
"""A task drains at most this many further batches, so that no task runs for ever."""


@task()
def analyse_appeals(appeal_ids: list[int]) -> int:
    done = set(
        AppealAnalysis.objects.filter(
            appeal_id__in=appeal_ids, state=AnalysisState.DONE
        ).values_list("appeal_id", flat=True)
    )
    todo = [pk for pk in appeal_ids if pk not in done]
    if not todo:
        return 0
    analysed = RUNTIME.analyse(todo + _waiting(BATCH - len(todo), exclude=todo))
    for _ in range(ROUNDS):
        more = _waiting(BATCH)
        if not more:
            break
        analysed += RUNTIME.analyse(more)
    return analysed


def _waiting(limit: int, exclude: list[int] | None = None) -> list[int]:
    """Appeals never analysed, oldest first (a failed one has its row and waits for the sweep)."""
    if limit <= 0:
        return []
    qs = Appeal.objects.filter(analysis__isnull=True).exclude(pk__in=exclude or [])
    return list(qs.order_by("pk").values_list("pk", flat=True)[:limit])


def enqueue_analysis(appeal_id: int) -> None:
    analyse_appeals.enqueue([appeal_id])


def sweep(now: datetime | None = None) -> int:
    """Enqueue the appeals whose analysis never ran (a minute after intake) or failed and may
    be tried again; returns how many."""
    now = now or timezone.now()
    ids = list(
        Appeal.objects.filter(
            Q(analysis__isnull=True, created_at__lt=now - timedelta(minutes=1))
            | Q(analysis__state=AnalysisState.FAILED, analysis__attempts__lt=MAX_ATTEMPTS)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[: BATCH * 10]
    )
    for start in range(0, len(ids), BATCH):
        analyse_appeals.enqueue(ids[start : start + BATCH])
    return len(ids)
