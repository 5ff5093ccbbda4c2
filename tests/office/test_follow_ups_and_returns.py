"""回访 and refused returns from the office: the hub's 待回访 queue, the desk's 回访 form that
may reopen the appeal, a sample of closed appeals, and 驳回退回 recorded as 推诿."""

import pytest

from massline.appeals import workflow
from massline.appeals.models import AutomationRule, FollowUp
from tests.office.helpers import client_for, in_progress, replied


def rate(people, appeal, verdict):
    workflow.do_rate(
        appeal.pk, people.resident, verdict=verdict, resolved=verdict != "dissatisfied"
    )


@pytest.fixture(autouse=True)
def no_sample(db):
    AutomationRule.objects.update_or_create(key="follow_up_sample", defaults={"percent": 0})


def test_a_dissatisfied_rating_puts_the_appeal_in_the_hubs_follow_up_queue(people, orgs):
    appeal = replied(people, orgs)
    rate(people, appeal, "dissatisfied")  # first round: it reopens, and a 回访 is owed
    (follow,) = FollowUp.objects.filter(appeal=appeal)
    assert follow.reason == "dissatisfied" and follow.hub == orgs.county_hub
    assert people.county_dispatcher.notices.filter(level="follow_up").count() == 1
    c = client_for(people.county_dispatcher)
    queue = c.get("/office/queue/follow_ups/").content.decode()
    assert appeal.tracking_no in queue
    desk = c.get(f"/office/appeals/{appeal.tracking_no}/").content.decode()
    assert f'action="/office/appeals/{appeal.tracking_no}/do/follow_up/"' in desk
    res = c.post(
        f"/office/appeals/{appeal.tracking_no}/do/follow_up/",
        {"outcome": "confirmed", "note": "电话回访，群众表示已看到重新办理。"},
    )
    assert res.status_code == 302
    follow.refresh_from_db()
    assert (
        follow.done_at
        and follow.outcome == "confirmed"
        and follow.done_by == people.county_dispatcher
    )
    assert appeal.tracking_no not in c.get("/office/queue/follow_ups/").content.decode()
    # the resident's timeline does not show the hub's internal record
    page = client_for(people.resident).get(f"/appeals/{appeal.tracking_no}/").content.decode()
    assert "电话回访" not in page


def test_a_follow_up_that_finds_the_resident_still_dissatisfied_can_reopen_it(people, orgs):
    appeal = replied(people, orgs)
    rate(people, appeal, "dissatisfied")
    workflow.do_follow_up(
        appeal.pk, people.county_dispatcher, outcome="confirmed", note="已回访群众"
    )
    workflow.do_dispatch(appeal.pk, people.county_dispatcher, org_id=orgs.county_urban.pk)
    workflow.do_sign(appeal.pk, people.handler)
    workflow.do_reply(appeal.pk, people.handler, text="重新核查后已更换全部灯具，恢复照明。")
    rate(people, appeal, "dissatisfied")  # the second round: closed, and a 回访 owed
    appeal.refresh_from_db()
    assert appeal.state == "closed" and appeal.round == 2
    c = client_for(people.county_dispatcher)
    url = f"/office/appeals/{appeal.tracking_no}/do/follow_up/"
    wrong = c.post(url, {"outcome": "confirmed", "note": "群众认可办理结果", "reopen": "on"})
    assert wrong.status_code == 422 and "只有群众仍不满意时才能重办" in wrong.content.decode()
    short = c.post(url, {"outcome": "dissatisfied", "note": "不满"})
    assert short.status_code == 422 and "回访记录至少5个字" in short.content.decode()
    res = c.post(url, {"outcome": "dissatisfied", "note": "群众反映路灯仍时亮时灭", "reopen": "on"})
    assert res.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == "reopened" and appeal.round == 3
    assert appeal.events.filter(action="reopen").last().note.startswith("回访群众仍不满意")


def test_a_configured_share_of_closed_appeals_is_sampled_for_follow_up(people, orgs):
    AutomationRule.objects.filter(key="follow_up_sample").update(percent=100)
    appeal = replied(people, orgs)
    rate(people, appeal, "satisfied")
    assert FollowUp.objects.get(appeal=appeal).reason == "sample"
    AutomationRule.objects.filter(key="follow_up_sample").update(percent=0)
    other = replied(people, orgs, title="东湖路路灯不亮")
    rate(people, other, "satisfied")
    assert not FollowUp.objects.filter(appeal=other).exists()


def test_no_follow_up_form_is_offered_when_none_is_owed(people, orgs):
    appeal = replied(people, orgs)
    rate(people, appeal, "satisfied")
    desk = client_for(people.county_dispatcher).get(f"/office/appeals/{appeal.tracking_no}/")
    assert "do/follow_up/" not in desk.content.decode()


def test_refusing_a_return_sends_it_back_to_the_department_as_shirking(people, orgs):
    appeal = in_progress(people, orgs)
    workflow.do_return(appeal.pk, people.handler, reason="路灯由供电公司管养，不属本单位")
    c = client_for(people.county_dispatcher)
    url = f"/office/appeals/{appeal.tracking_no}/do/refuse_return/"
    empty = c.post(url, {"reason": ""})
    assert empty.status_code == 422 and "请填写驳回理由" in empty.content.decode()
    assert c.post(url, {"reason": "胜利街路灯由城管局管养，请继续办理"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == "assigned" and appeal.lead_org == orgs.county_urban
    assert appeal.events.last().data["refused_return"] is True
    assert people.handler.notices.filter(title__contains="退回被驳回").count() == 1
    assert client_for(people.handler).post(url, {"reason": "x" * 10}).status_code == 403
