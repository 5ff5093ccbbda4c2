from django.db import models
from django.utils import timezone


class Tick(models.Model):
    """One run of a periodic job for one time slot: the unique row is the claim, so of two
    schedulers (or one restarted) exactly one enqueues the slot's run."""

    job = models.CharField("任务", max_length=40)
    slot = models.DateTimeField("时段")
    claimed_at = models.DateTimeField("排入时间", default=timezone.now)
    task_id = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    result = models.IntegerField("处理数量", null=True, blank=True)

    class Meta:
        verbose_name = "定时任务记录"
        verbose_name_plural = "定时任务记录"
        ordering = ["-slot", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="tick_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M}"


class WorkerBeat(models.Model):
    """A worker process says it is alive; a task whose worker fell silent is run again."""

    worker_id = models.CharField(max_length=64, unique=True)
    pid = models.PositiveIntegerField()
    host = models.CharField(max_length=100)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "后台进程"
        verbose_name_plural = "后台进程"

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
