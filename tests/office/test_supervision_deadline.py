"""A 督办 carries a deadline — the kind's rule by default, or the leader's date — that the
reply deadline, the queues' clock and the 考核 ledger all follow; any open appeal may be
supervised, not only overdue ones (issue 16 item 6: after 督办 the appeal kept its old 答复期限)."""

from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

from massline.appeals import workflow
from massline.appeals.actions import AppealIn
from massline.appeals.models import Appeal
from massline.appeals.services import submit_appeal
from massline.assessment import rollup
from massline.assessment.models import LedgerStep, StepKind
from tests.conftest import SAMPLE
from tests.office.helpers import client_for

pytestmark = pytest.mark.django_db


def at(day, hour=9):
    return timezone.make_aware(datetime(2026, 12, day, hour))


def _in_progress(people, orgs):
    when = at(7)
    a = submit_appeal(people.resident, AppealIn(**SAMPLE), now=when)[0]
    workflow.do_accept(a.pk, people.county_dispatcher, now=when)
    workflow.do_dispatch(a.pk, people.county_dispatcher, org_id=orgs.county_urban.pk, now=when)
    workflow.do_sign(a.pk, people.handler, now=when)
    return Appeal.objects.get(pk=a.pk)


def test_a_chosen_deadline_shortens_the_reply_deadline_and_the_ledger_follows(people, orgs):
    a = _in_progress(people, orgs)
    assert timezone.localtime(a.reply_due_at).date() == date(2026, 12, 24)  # 13 working days
    with time_machine.travel(at(8, 10), tick=False):
        c = client_for(people.leader)
        desk = c.get(f"/office/appeals/{a.tracking_no}/").text
        assert 'name="due_date"' in desk and "督办期限" in desk
        res = c.post(
            f"/office/appeals/{a.tracking_no}/do/supervise/",
            {"note": "请本周内办结", "due_date": "2026-12-11"},
        )
        assert res.status_code == 302
    a.refresh_from_db()
    due = timezone.make_aware(datetime(2026, 12, 11, 23, 59, 59))
    assert a.supervised and a.reply_due_at == due == a.supervision_due_at
    rollup.refresh(at(8, 11))
    step = LedgerStep.objects.get(appeal=a, kind=StepKind.REPLY)
    assert step.due_at == due
    with time_machine.travel(at(9, 9), tick=False):
        row = client_for(people.handler).get("/office/queue/in_progress/").text
    assert "督办剩 2 个工作日" in row and "2026-12-11 23:59 前" in row


def test_without_a_date_the_kinds_supervision_days_apply(people, orgs):
    a = _in_progress(people, orgs)
    workflow.do_supervise(a.pk, people.leader, note="请加快办理", now=at(8, 10))
    a.refresh_from_db()
    assert a.reply_due_at == at(15, 10)  # 5 working days


def test_a_deadline_in_the_past_or_after_the_reply_deadline_is_refused_at_the_field(people, orgs):
    a = _in_progress(people, orgs)
    c = client_for(people.leader)
    with time_machine.travel(at(8, 10), tick=False):
        for bad, says in (("2026-12-01", "不能早于今天"), ("2027-01-20", "不能晚于当前答复期限")):
            res = c.post(
                f"/office/appeals/{a.tracking_no}/do/supervise/",
                {"note": "请本周内办结", "due_date": bad},
            )
            assert res.status_code == 422 and says in res.text
            assert 'aria-invalid="true"' in res.text.split('name="due_date"')[0][-400:] + res.text
    a.refresh_from_db()
    assert not a.supervised


def test_an_appeal_not_yet_dispatched_gets_the_supervision_deadline_when_it_is(people, orgs):
    a = submit_appeal(people.resident, AppealIn(**SAMPLE), now=at(7))[0]
    workflow.do_supervise(a.pk, people.leader, note="请尽快派单办理", due_date=date(2026, 12, 10),
                          now=at(7, 10))  # fmt: skip
    workflow.do_accept(a.pk, people.county_dispatcher, now=at(7, 11))
    workflow.do_dispatch(a.pk, people.county_dispatcher, org_id=orgs.county_urban.pk, now=at(8))
    a.refresh_from_db()
    assert a.reply_due_at == timezone.make_aware(datetime(2026, 12, 10, 23, 59, 59))


def test_the_supervision_page_lists_any_open_appeal_and_takes_a_deadline(people, orgs):
    a = _in_progress(people, orgs)
    c = client_for(people.leader)
    with time_machine.travel(at(8, 10), tick=False):
        assert a.tracking_no not in c.get("/office/supervision/").text  # not overdue
        listed = c.get("/office/supervision/", {"scope": "open", "q": "施工"}).text
        assert a.tracking_no in listed
        res = c.post(
            "/office/supervision/?scope=open",
            {"appeals": [a.tracking_no], "title": "夜间施工", "note": "请尽快处理",
             "due_date": "2026-12-14"},
        )  # fmt: skip
        assert res.status_code == 302
    a.refresh_from_db()
    assert a.reply_due_at == timezone.make_aware(datetime(2026, 12, 14, 23, 59, 59))
