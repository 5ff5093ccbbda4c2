"""The scheduler and the worker: two schedulers (or one restarted) enqueue each slot once, a
sweep run twice at once gives each reminder once, and a task whose worker is killed mid-run is
run again by another worker with each of its effects happening once."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from massline.appeals import services, workflow
from massline.appeals.actions import AppealIn
from massline.appeals.models import Appeal, AppealEvent
from massline.assessment import reminders, rollup
from massline.core.models import AuditEvent
from massline.jobs import schedule
from massline.jobs.models import Tick
from massline.notices.models import Notice
from tests.conftest import SAMPLE

ROOT = Path(__file__).resolve().parents[2]
REPLY = "经现场核查，已安排维修人员更换损坏的路灯，目前已恢复照明。"


def at_once(fn, n=2) -> list:
    """Run `fn` in `n` threads started together (each with its own database connection)."""
    results: list = []
    start = threading.Barrier(n)

    def run():
        try:
            start.wait()
            results.append(fn())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_a_second_scheduler_and_a_restart_enqueue_nothing_more_in_the_same_slot(db):
    now = timezone.now().replace(minute=1, second=10, microsecond=0)  # a minute off any 5
    first = schedule.tick(now)
    assert sorted(first) == sorted(schedule.JOBS)
    assert schedule.tick(now) == []  # another scheduler, same moment
    assert schedule.tick(now + timedelta(seconds=40)) == []  # restarted within the minute
    assert DBTaskResult.objects.count() == len(schedule.JOBS)
    later = schedule.tick(now + timedelta(minutes=1))
    assert later == ["ledger"]  # the only job that runs every minute
    assert Tick.objects.filter(job="ledger").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_instant_claim_each_slot_once(db):
    now = timezone.now()
    got = at_once(lambda: schedule.tick(now))
    assert sorted(got[0] + got[1]) == sorted(schedule.JOBS)
    assert DBTaskResult.objects.count() == len(schedule.JOBS) == Tick.objects.count()


def _overdue_appeal(people, orgs):
    now = timezone.now()
    appeal, _ = services.submit_appeal(
        people.resident, AppealIn(**{**SAMPLE, "kind": "consultation"}), now=now - timedelta(30)
    )
    d = people.county_dispatcher
    workflow.perform("accept", appeal.pk, d, now=now - timedelta(days=30))
    workflow.perform(
        "dispatch", appeal.pk, d, {"org_id": orgs.county_urban.pk}, now=now - timedelta(days=30)
    )
    workflow.perform("sign", appeal.pk, people.handler, now=now - timedelta(days=29))
    return appeal


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_give_each_reminder_once(people, orgs):
    appeal = _overdue_appeal(people, orgs)
    rollup.refresh()
    counts = at_once(reminders.sweep)
    assert sum(counts) == 1  # the reply step, severely overdue; the sign-for step was done
    events = AppealEvent.objects.filter(appeal=appeal, action="remind")
    assert [e.data["level"] for e in events] == ["severe"]
    # the handler, the nearest leader (the city's) and the hub's dispatcher, once each
    reminded = Notice.objects.exclude(key__startswith="resident:")
    got = set(reminded.values_list("recipient__username", flat=True))
    assert got == {"hz_urban", "hg_leader", "hz_dispatch"}
    assert reminded.count() == 3
    assert reminders.sweep() == 0


def _worker(worker_id: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "massline", "worker", "--no-scheduler", "--interval", "0.1",
         "--beat", "0.3", "--worker-id", worker_id],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip


def _wait(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_task_killed_mid_run_is_run_again_and_each_effect_happens_once(people, orgs, tmp_path):
    from tests.jobs.slow import close_one_by_one

    long_ago = timezone.now() - timedelta(days=40)
    ids = []
    for i in range(3):
        a, _ = services.submit_appeal(people.resident, AppealIn(**SAMPLE), now=long_ago)
        d, h = people.county_dispatcher, people.handler
        for action, who, body in (
            ("accept", d, {}),
            ("dispatch", d, {"org_id": orgs.county_urban.pk}),
            ("sign", h, {}),
            ("reply", h, {"text": REPLY}),
        ):
            workflow.perform(action, a.pk, who, body, now=long_ago + timedelta(hours=i + 1))
        ids.append(a.pk)
    hold = tmp_path / "hold"
    hold.touch()
    result = close_one_by_one.enqueue(ids, str(hold))
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MASSLINE_DEV": "1",
        "DJANGO_SETTINGS_MODULE": "massline.settings_test",
        "TASK_LEASE_SECONDS": "2",
    }
    first = _worker("first", env)
    try:
        assert _wait(lambda: Appeal.objects.filter(pk__in=ids, state="closed").count() == 1)
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == "RUNNING" and row.worker_ids == ["first"]
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    hold.unlink()
    second = _worker("second", env)
    try:
        assert _wait(lambda: DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(10)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.worker_ids == ["first", "second"] and row.return_value == 2
    for pk in ids:
        closes = AppealEvent.objects.filter(appeal_id=pk, action="close")
        assert closes.count() == 1 and closes.get().data == {"unrated": True}
    assert AuditEvent.objects.filter(action="task.recovered").count() == 1


def _redis_answers() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), 1).close()
    except OSError:
        return False
    return True


@pytest.mark.django_db(transaction=True)
def test_with_one_setting_the_queue_moves_to_redis_and_the_worker_runs_it(db):
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis at 127.0.0.1:6379 does not answer, and CI requires it")
        pytest.skip("Redis at 127.0.0.1:6379 does not answer: the RQ backend is not tried")
    import redis

    # a Redis database of its own per suite database: `make test` runs both suites at once
    url = f"redis://127.0.0.1:6379/{14 if connection.vendor == 'sqlite' else 13}"
    redis.Redis.from_url(url).flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MASSLINE_DEV": "1",
        "DJANGO_SETTINGS_MODULE": "massline.settings_test",
        "TASK_BACKEND": "rq",
        "REDIS_URL": url,
    }
    run = subprocess.run(
        [sys.executable, "-m", "massline", "worker", "--batch"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    ticks = dict(Tick.objects.values_list("job", "result"))
    assert set(ticks) == set(schedule.JOBS) and None not in ticks.values()
    assert not DBTaskResult.objects.exists()  # nothing went to the database queue
    redis.Redis.from_url(url).flushdb()
