"""Deadlines in working days across holidays, the 80 % warning, escalation, and races."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connections

from massline.appeals import workflow
from massline.appeals.deadlines import standing
from massline.appeals.models import Appeal, AppealEvent, DeadlinePolicy
from massline.core.errors import IllegalTransition

TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=TZ)


def test_a_consultation_dispatched_before_spring_festival_is_due_after_it(
    api, people, orgs, submit
):
    with time_machine.travel(at(2026, 2, 13, 10, 0), tick=False):
        no = submit(kind="consultation")["tracking_no"]
        d = api(people.county_dispatcher)
        d.post(f"/api/v1/appeals/{no}/accept")
        res = d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": orgs.county_urban.pk})
    due = datetime.fromisoformat(res.json()["deadline"]["reply_due_at"]).astimezone(TZ)
    assert due == at(2026, 2, 25, 10, 0)


def test_a_complaint_counts_the_make_up_saturday_as_a_working_day(api, people, orgs, submit):
    with time_machine.travel(at(2026, 2, 12, 10, 0), tick=False):
        no = submit()["tracking_no"]
        d = api(people.county_dispatcher)
        d.post(f"/api/v1/appeals/{no}/accept")
        res = d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": orgs.county_urban.pk})
    due = datetime.fromisoformat(res.json()["deadline"]["reply_due_at"]).astimezone(TZ)
    assert due == at(2026, 3, 9, 10, 0)


def test_a_deadline_running_into_an_unknown_year_warns_staff(api, people, orgs, submit):
    with time_machine.travel(at(2026, 12, 15, 10, 0), tick=False):
        no = submit()["tracking_no"]
        d = api(people.county_dispatcher)
        d.post(f"/api/v1/appeals/{no}/accept")
        staff = d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": orgs.county_urban.pk}).json()
        public = api(people.neighbour).get(f"/api/v1/appeals/{no}").json()
    assert any("2027年" in w for w in staff["warnings"])
    assert public["warnings"] == []


def test_an_appeal_turns_warning_then_overdue_then_severe_and_is_escalated(people, orgs, submit):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        no = submit(kind="help")["tracking_no"]
        pk = Appeal.objects.get(tracking_no=no).pk
        workflow.do_accept(pk, people.county_dispatcher)
        workflow.do_dispatch(pk, people.county_dispatcher, org_id=orgs.county_urban.pk)
    appeal = Appeal.objects.get(pk=pk)
    assert appeal.reply_due_at == at(2026, 3, 5, 9, 0)
    assert standing(appeal, at(2026, 3, 3, 9, 0)).status == "normal"
    assert standing(appeal, at(2026, 3, 4, 21, 0)).status == "warning"
    assert standing(appeal, at(2026, 3, 6, 9, 0)).status == "overdue"
    assert standing(appeal, at(2026, 3, 13, 9, 0)).status == "severe"

    assert workflow.escalate_severely_overdue(at(2026, 3, 6, 9, 0)) == 0
    assert workflow.escalate_severely_overdue(at(2026, 3, 13, 9, 0)) == 1
    assert workflow.escalate_severely_overdue(at(2026, 3, 13, 9, 0)) == 0
    appeal.refresh_from_db()
    assert appeal.supervised
    assert appeal.events.last().action == "escalate"


@pytest.mark.parametrize(("reset", "expect_same"), [(False, True), (True, False)])
def test_a_transfer_keeps_the_reply_clock_unless_the_policy_restarts_it(
    people, orgs, submit, reset, expect_same
):
    DeadlinePolicy.objects.filter(kind="complaint").update(reset_on_transfer=reset)
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        pk = Appeal.objects.get(tracking_no=submit()["tracking_no"]).pk
        workflow.do_accept(pk, people.county_dispatcher)
        first = workflow.do_dispatch(pk, people.county_dispatcher, org_id=orgs.county_env.pk)
    with time_machine.travel(at(2026, 3, 4, 9, 0), tick=False):
        second = workflow.do_transfer(pk, people.county_dispatcher, org_id=orgs.county_urban.pk)
    assert (first.reply_due_at == second.reply_due_at) is expect_same
    assert second.sign_due_at > first.sign_due_at


def _race(fns):
    barrier = threading.Barrier(len(fns))
    results = [None] * len(fns)

    def run(i, fn):
        barrier.wait()
        try:
            results[i] = fn()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_dispatching_at_once_end_with_one_winner(people, orgs, submit):
    pk = Appeal.objects.get(tracking_no=submit()["tracking_no"]).pk
    workflow.do_accept(pk, people.county_dispatcher)
    results = _race(
        [
            lambda: workflow.do_dispatch(pk, people.county_dispatcher, org_id=orgs.county_urban.pk),
            lambda: workflow.do_dispatch(pk, people.city_dispatcher, org_id=orgs.county_env.pk),
        ]
    )
    winners = [r for r in results if isinstance(r, Appeal)]
    losers = [r for r in results if isinstance(r, IllegalTransition)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].state == "assigned"
    assert AppealEvent.objects.filter(appeal_id=pk, action="dispatch").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_reply_racing_a_return_ends_with_exactly_one_of_them(people, orgs, submit):
    pk = Appeal.objects.get(tracking_no=submit()["tracking_no"]).pk
    workflow.do_accept(pk, people.county_dispatcher)
    workflow.do_dispatch(pk, people.county_dispatcher, org_id=orgs.county_urban.pk)
    workflow.do_sign(pk, people.handler)
    results = _race(
        [
            lambda: workflow.do_reply(pk, people.handler, text="已处理完毕，工地已停止夜间施工。"),
            lambda: workflow.do_return(pk, people.handler, reason="非本单位职责"),
        ]
    )
    assert sum(isinstance(r, Appeal) for r in results) == 1, results
    assert sum(isinstance(r, IllegalTransition) for r in results) == 1, results
    appeal = Appeal.objects.get(pk=pk)
    assert appeal.state in ("replied", "returned")
    assert appeal.events.filter(action__in=["reply", "return"]).count() == 1
