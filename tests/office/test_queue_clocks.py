"""Every queue shows the clock that runs for its step (派单, 签收, 答复, 督办, 评价), the time
left, the traffic light, and sorts by it (issue 16 item 2: 待受理 showed no time, 待签收 the
reply's 12 working days although signing was due the next day)."""

import re
from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from massline.appeals import workflow
from massline.appeals.actions import AppealIn
from massline.appeals.services import submit_appeal
from tests.office.helpers import BODY, client_for

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return timezone.make_aware(datetime(2026, 12, day, hour, minute))


def new(people, when, title="胜利街路灯损坏"):
    data = AppealIn(kind="complaint", title=title, body=BODY, region_code="421102001")
    return submit_appeal(people.resident, data, now=when)[0]


def row_of(html: str, tracking_no: str) -> str:
    found = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{tracking_no}(?:(?!</tr>).)*</tr>", html, re.S)
    assert found, f"{tracking_no} not in the list"
    return found.group(0)


def page(user, key, when) -> str:
    with time_machine.travel(when, tick=False):
        return client_for(user).get(f"/office/queue/{key}/").content.decode()


def test_a_new_appeal_shows_the_hubs_dispatch_clock_turning_yellow_then_red(people):
    appeal = new(people, at(7, 9))  # Monday; 24 working hours to dispatch
    dispatcher = people.county_dispatcher
    row = row_of(page(dispatcher, "new", at(7, 15)), appeal.tracking_no)
    assert "派单剩 18 工作小时" in row and "2026-12-08 09:00 前" in row
    assert "clock-green" in row and "12-07 09:00" in row  # submitted at
    row = row_of(page(dispatcher, "new", at(8, 5)), appeal.tracking_no)
    assert "派单剩 4 工作小时 · 即将超期" in row and "clock-yellow" in row and "is-warning" in row
    row = row_of(page(dispatcher, "new", at(8, 10, 30)), appeal.tracking_no)
    assert "派单已超期 2 工作小时" in row and "clock-red" in row and "is-overdue" in row


def test_the_dispatch_clock_skips_the_weekend(people):
    appeal = new(people, at(4, 16))  # Friday 16:00 → due Monday 16:00
    row = row_of(page(people.county_dispatcher, "new", at(5, 12)), appeal.tracking_no)
    assert "2026-12-07 16:00 前" in row and "派单剩 16 工作小时" in row


def test_to_sign_shows_the_sign_for_clock_not_the_reply_limit(people, orgs):
    appeal = new(people, at(7, 9))
    workflow.do_accept(appeal.pk, people.county_dispatcher, now=at(7, 10))
    workflow.do_dispatch(
        appeal.pk, people.county_dispatcher, org_id=orgs.county_urban.pk, now=at(7, 11)
    )
    row = row_of(page(people.handler, "to_sign", at(7, 14)), appeal.tracking_no)
    assert "签收剩 21 工作小时" in row and "2026-12-08 11:00 前" in row
    assert "个工作日" not in row
    workflow.do_sign(appeal.pk, people.handler, now=at(7, 15))
    row = row_of(page(people.handler, "in_progress", at(8, 9)), appeal.tracking_no)
    assert "答复剩 12 个工作日" in row


def test_a_supervised_appeal_shows_the_supervision_clock(people, orgs):
    appeal = new(people, at(7, 9))
    workflow.do_accept(appeal.pk, people.county_dispatcher, now=at(7, 10))
    workflow.do_dispatch(
        appeal.pk, people.county_dispatcher, org_id=orgs.county_urban.pk, now=at(7, 11)
    )
    workflow.do_supervise(appeal.pk, people.leader, note="请加快办理", now=at(8, 9))
    row = row_of(page(people.handler, "to_sign", at(8, 10)), appeal.tracking_no)
    assert "签收" in row  # the step that waits is still signing for it
    workflow.do_sign(appeal.pk, people.handler, now=at(8, 11))
    row = row_of(page(people.handler, "in_progress", at(8, 12)), appeal.tracking_no)
    assert "督办剩" in row


def test_to_sign_sorts_by_the_sign_for_clock(people, orgs):
    """A was dispatched first (its reply is due first) but transferred later, so its sign-for
    clock runs out after B's: B comes first."""
    d = people.county_dispatcher
    a, b = new(people, at(3, 9), "A 路灯"), new(people, at(3, 9, 5), "B 路灯")
    for appeal in (a, b):
        workflow.do_accept(appeal.pk, d, now=at(3, 10))
    workflow.do_dispatch(a.pk, d, org_id=orgs.county_env.pk, now=at(4, 9))
    workflow.do_dispatch(b.pk, d, org_id=orgs.county_urban.pk, now=at(7, 9))
    workflow.do_transfer(a.pk, d, org_id=orgs.county_urban.pk, now=at(7, 12))
    html = page(people.handler, "to_sign", at(7, 13))
    assert html.index(b.tracking_no) < html.index(a.tracking_no)
