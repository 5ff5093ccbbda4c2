"""`massline worker`: runs background tasks and, beside them, the periodic scheduler."""

import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from massline.jobs import recovery, schedule

RQ_JOB = "django_tasks_rq.backend.Job"


class Command(BaseCommand):
    help = "运行后台任务：任务队列、定时任务（预警、超期、督办、自动办结、考核台账）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="只执行任务，不排定时任务（另有进程负责排程时使用）",
        )
        parser.add_argument(
            "--batch", action="store_true", help="排一次定时任务，执行完队列中的任务后退出"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="队列为空时的轮询间隔（秒）"
        )
        parser.add_argument("--beat", type=float, default=15.0, help="心跳与排程的间隔（秒）")
        parser.add_argument("--worker-id", default="", help="进程标识（默认随机）")

    def handle(self, *args, **options):
        worker_id = options["worker_id"] or get_random_string(24)
        scheduler = not options["no_scheduler"]
        database = settings.TASK_BACKEND == "database"

        def housekeeping() -> None:
            recovery.beat(worker_id)
            if database:
                recovery.recover()
            if scheduler:
                schedule.tick()

        if options["batch"]:
            housekeeping()
            self._run_queue(worker_id, options["interval"], batch=True)
            return

        stop = threading.Event()

        def loop() -> None:
            while not stop.is_set():
                try:
                    housekeeping()
                except Exception as exc:  # keep beating; the next round tries again
                    self.stderr.write(f"后台排程出错：{exc}")
                finally:
                    close_old_connections()
                stop.wait(options["beat"])

        threading.Thread(target=loop, name="massline-scheduler", daemon=True).start()
        self.stdout.write(
            f"massline worker {worker_id}：任务后端 {settings.TASK_BACKEND}"
            + ("，定时任务已启用" if scheduler else "")
        )
        if settings.TASK_BACKEND in ("database", "rq"):
            self._run_queue(worker_id, options["interval"], batch=False)
        else:
            stop.wait()

    def _run_queue(self, worker_id: str, interval: float, *, batch: bool) -> None:
        if settings.TASK_BACKEND == "rq":
            # django-tasks-rq's Job runs a Task where RQ's own would call it as a function
            call_command("rqworker", "default", burst=batch, job_class=RQ_JOB)
            return
        if settings.TASK_BACKEND != "database":
            return
        worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        if not batch:
            worker.configure_signals()
        worker.run()
