"""Residents hear of their appeal's steps (issue 16 item 1: after two replies, a reopening and
the close, the resident's notices still said "还没有通知"): once per step, in the notification
centre and by SMS unless they switched it off, with the expected reply date on the pages."""

from datetime import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from massline.accounts.sms import MemoryBackend
from massline.appeals import workflow
from massline.appeals.actions import AppealIn
from massline.appeals.models import AppealEvent
from massline.appeals.services import submit_appeal
from massline.notices.models import Delivery, Notice
from massline.notices.tasks import deliver
from tests.conftest import SAMPLE

pytestmark = pytest.mark.django_db


def at(month, day, hour=9):
    return timezone.make_aware(datetime(2026, month, day, hour))


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _titles(user):
    return [n.title.split("：")[0] for n in Notice.objects.filter(recipient=user).order_by("id")]


def test_the_resident_hears_every_step_of_a_reopened_appeal_once(people, orgs):
    r, d, h = people.resident, people.county_dispatcher, people.handler
    a = submit_appeal(r, AppealIn(**SAMPLE), now=at(12, 1))[0]
    workflow.do_accept(a.pk, d, now=at(12, 1, 10))
    workflow.do_dispatch(a.pk, d, org_id=orgs.county_urban.pk, now=at(12, 1, 11))
    workflow.do_sign(a.pk, h, now=at(12, 1, 12))
    workflow.do_reply(a.pk, h, text="已责令施工方夜间停工，并安排巡查。", now=at(12, 2))
    workflow.do_rate(a.pk, r, verdict="dissatisfied", resolved=False, now=at(12, 2, 12))
    a.refresh_from_db()
    if a.state != "reopened":
        workflow.do_reopen(a.pk, d, reason="群众不满意，重新办理", now=at(12, 2, 13))
    workflow.do_dispatch(a.pk, d, org_id=orgs.county_urban.pk, now=at(12, 2, 14))
    workflow.do_sign(a.pk, h, now=at(12, 2, 15))
    workflow.do_reply(a.pk, h, text="施工方已调整作业时间，晚十点后不再施工。", now=at(12, 3))
    workflow.do_rate(a.pk, r, verdict="satisfied", resolved=True, now=at(12, 3, 12))
    a.refresh_from_db()
    assert a.state == "closed"  # by the resident's own rating: nothing to tell them
    assert _titles(r) == ["已受理", "已交办", "已答复", "重新办理", "已交办", "已答复"]
    inbox = signed_in(r).get("/notices/").content.decode()
    assert "还没有通知" not in inbox and "黄州区城市管理执法局" in inbox
    assert all(n.link == f"/appeals/{a.tracking_no}/" for n in Notice.objects.filter(recipient=r))
    assert not Notice.objects.filter(recipient=r, title__contains="13912345678").exists()


def test_a_rejection_tells_the_reason(people):
    a = submit_appeal(people.resident, AppealIn(**SAMPLE))[0]
    workflow.do_reject(a.pk, people.county_dispatcher, reason="out_of_scope", note="内部说明")
    notice = Notice.objects.get(recipient=people.resident)
    assert notice.title.startswith("不予受理") and "不属于受理范围" in notice.body
    assert "内部说明" not in notice.body


def test_the_expected_reply_date_is_on_the_success_page_and_the_appeal_page(people, orgs):
    with time_machine.travel(at(12, 7), tick=False):
        a = submit_appeal(people.resident, AppealIn(**SAMPLE))[0]
        c = signed_in(people.resident)
        # dispatch within 24 working hours (12-08 09:00), then 13 working days for a complaint
        assert "预计 2026-12-25 前答复" in c.get(f"/submit/done/{a.tracking_no}/").text
        workflow.do_accept(a.pk, people.county_dispatcher)
        workflow.do_dispatch(a.pk, people.county_dispatcher, org_id=orgs.county_urban.pk)
        page = c.get(f"/appeals/{a.tracking_no}/").text
        assert "预计 2026-12-24 前答复" in page and "估算" not in page


def test_the_rating_window_reminder_comes_once_with_its_event(people, orgs):
    r, d, h = people.resident, people.county_dispatcher, people.handler
    data = AppealIn(**{**SAMPLE, "kind": "consultation"})
    a = submit_appeal(r, data, now=at(12, 1))[0]
    workflow.do_accept(a.pk, d, now=at(12, 1, 10))
    workflow.do_dispatch(a.pk, d, org_id=orgs.county_urban.pk, now=at(12, 1, 11))
    workflow.do_sign(a.pk, h, now=at(12, 1, 12))
    workflow.do_reply(a.pk, h, text="经核查，夜间施工已责令停止。", now=at(12, 2))
    assert workflow.remind_to_rate(at(12, 3)) == 0  # the window (5 working days) is far off
    window_ends = at(12, 9)
    assert workflow.remind_to_rate(window_ends.replace(hour=0)) == 1
    assert workflow.remind_to_rate(window_ends.replace(hour=3)) == 0
    assert _titles(r)[-1] == "请评价"
    assert AppealEvent.objects.filter(appeal=a, action="remind", data__to="resident").count() == 1
    assert workflow.close_unrated(at(12, 31)) == 1
    closed = Notice.objects.filter(recipient=r).order_by("id").last()
    assert closed.title.startswith("已办结") and "未评价" in closed.body


def test_a_resident_who_switched_sms_off_gets_no_sms_and_one_who_kept_it_does(people, settings):
    settings.NOTICE_CHANNELS = ["sms"]
    keeps, declines = people.resident, people.neighbour
    page = signed_in(declines).get("/notices/settings/")
    assert page.status_code == 200 and "短信" in page.text and "13800000002" in page.text
    signed_in(declines).post("/notices/settings/", {"channels": []})
    for person in (keeps, declines):
        a = submit_appeal(person, AppealIn(**SAMPLE))[0]
        workflow.do_accept(a.pk, people.county_dispatcher)
    deliver.call([d.pk for d in Delivery.objects.filter(status=Delivery.Status.PENDING)])
    assert [m[0] for m in MemoryBackend.outbox] == ["13800000001"]
    assert "已受理" in MemoryBackend.outbox[0][1] and "/appeals/" in MemoryBackend.outbox[0][1]
    declined = Delivery.objects.get(notice__recipient=declines)
    assert declined.status == Delivery.Status.DECLINED
    assert 'name="channels" value="sms"' in signed_in(declines).get("/notices/settings/").text
    assert (
        "checked"
        not in signed_in(declines)
        .get("/notices/settings/")
        .text.split('value="sms"')[1]
        .split(">")[0]
    )
