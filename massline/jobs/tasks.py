from datetime import datetime

from django.utils import timezone
from django_tasks import task

from massline.jobs.models import Tick
from massline.jobs.schedule import JOBS


@task()
def run_job(name: str, slot: str) -> int:
    """One slot's run of a periodic job; what it did is recorded on the slot's Tick."""
    now = timezone.now()
    done = JOBS[name].run(now)
    Tick.objects.filter(job=name, slot=datetime.fromisoformat(slot)).update(
        finished_at=timezone.now(), result=done
    )
    return done
