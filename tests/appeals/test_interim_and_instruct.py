"""阶段性答复 (an interim reply in public that does not end the department's step) and 领导批示
(a leader's instruction, in the timeline for staff and at once in the department's notices)
— issue 16 item 14."""

import pytest
from django.test import Client

from massline.appeals import workflow
from massline.appeals.actions import AppealIn
from massline.appeals.models import State
from massline.appeals.services import submit_appeal
from massline.assessment import rollup
from massline.assessment.models import LedgerStep, StepKind
from massline.notices.models import Notice
from tests.conftest import SAMPLE

pytestmark = pytest.mark.django_db


def _in_progress(people, orgs):
    a = submit_appeal(people.resident, AppealIn(**SAMPLE))[0]
    workflow.do_accept(a.pk, people.county_dispatcher)
    workflow.do_dispatch(a.pk, people.county_dispatcher, org_id=orgs.county_urban.pk)
    workflow.do_sign(a.pk, people.handler)
    return a


def test_an_interim_reply_is_public_tells_the_resident_and_leaves_the_reply_step_open(people, orgs):
    a = _in_progress(people, orgs)
    text = "已联系施工方，要求夜间停工；施工许可正在核查，下周二前正式答复。"
    a = workflow.do_interim_reply(a.pk, people.handler, text=text)
    assert a.state == State.IN_PROGRESS and not a.reply_text
    page = Client().get(f"/appeals/{a.tracking_no}/").content.decode()
    assert "阶段性答复" in page and "施工许可正在核查" in page
    told = Notice.objects.get(recipient=people.resident, title__startswith="阶段性答复")
    assert "施工许可正在核查" in told.body
    rollup.refresh()
    (reply,) = LedgerStep.objects.filter(appeal=a, kind=StepKind.REPLY)
    assert reply.ended_at is None


def test_a_short_interim_reply_is_refused_naming_the_field(api, people, orgs):
    a = _in_progress(people, orgs)
    res = api(people.handler).post(
        f"/api/v1/appeals/{a.tracking_no}/interim-reply", {"text": "处理中"}
    )
    assert res.status_code == 422 and res.json()["field"] == "text"


def test_a_leaders_instruction_reaches_the_department_and_stays_off_the_public_page(
    api, people, orgs
):
    a = _in_progress(people, orgs)
    res = api(people.leader).post(
        f"/api/v1/appeals/{a.tracking_no}/instruct", {"note": "请城管局三日内解决并回复群众"}
    )
    assert res.status_code == 200
    notice = Notice.objects.get(recipient=people.handler, key__startswith="instruct:")
    assert "请城管局三日内解决" in notice.body and notice.link.endswith(f"/{a.tracking_no}/")
    desk = Client()
    desk.force_login(people.handler)
    assert "请城管局三日内解决" in desk.get(f"/office/appeals/{a.tracking_no}/").text
    public = Client().get(f"/appeals/{a.tracking_no}/").text
    assert "领导批示" in public and "请城管局三日内解决" not in public
    assert (
        api(people.handler)
        .post(f"/api/v1/appeals/{a.tracking_no}/instruct", {"note": "自己批示"})
        .status_code
        == 403
    )
