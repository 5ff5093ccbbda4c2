"""What anonymous visitors read of an appeal: the reply and the fact and date of each step, as
mature 12345 boards publish them; never what staff wrote as their reasons and remarks. Every
staff field says on its form whether it is 公开 or 仅内部."""

import json
import re

from django.test import Client

from massline.appeals import workflow
from massline.appeals.actions import FIELD_AUDIENCE, Action, Audience
from massline.appeals.models import Appeal
from tests.appeals.test_permissions_matrix import bring_to

A = Action
INTERNAL = {
    A.ACCEPT: "受理备注：已电话核实地址",
    A.DISPATCH: "派单备注：请城管优先处理",
    A.RETURN: "退回理由：本局只管主干道路灯",
    A.REFUSE_RETURN: "驳回理由：胜利街属城管维护范围",
    A.REQUEST_EXTENSION: "延期理由：等待厂家配件",
    A.DECIDE_EXTENSION: "审批说明：同意但须每日报进度",
    A.SUPERVISE: "督办意见：三日内必须修好",
    A.REPLY: "内部备注：维修单号2026-118",
}
REPLY = "已更换胜利街中段五盏路灯，恢复正常照明，欢迎监督。"


def a_worked_appeal(people, orgs) -> Appeal:
    appeal = bring_to("submitted", people, orgs)
    d, h, pk = people.county_dispatcher, people.handler, appeal.pk
    workflow.perform(A.ACCEPT, pk, d, {"note": INTERNAL[A.ACCEPT]})
    dispatch = {"org_id": orgs.county_urban.pk, "note": INTERNAL[A.DISPATCH]}
    workflow.perform(A.DISPATCH, pk, d, dispatch)
    workflow.perform(A.RETURN, pk, h, {"reason": INTERNAL[A.RETURN]})
    workflow.perform(A.REFUSE_RETURN, pk, d, {"reason": INTERNAL[A.REFUSE_RETURN]})
    workflow.perform(A.SIGN, pk, h)
    workflow.perform(
        A.REQUEST_EXTENSION, pk, h, {"days": 2, "reason": INTERNAL[A.REQUEST_EXTENSION]}
    )
    workflow.perform(
        A.DECIDE_EXTENSION, pk, d, {"approve": True, "note": INTERNAL[A.DECIDE_EXTENSION]}
    )
    workflow.perform(A.SUPERVISE, pk, people.leader, {"note": INTERNAL[A.SUPERVISE]})
    workflow.perform(A.REPLY, pk, h, {"text": REPLY, "internal_note": INTERNAL[A.REPLY]})
    appeal.refresh_from_db()
    return appeal


def test_an_anonymous_visitor_reads_the_reply_and_each_steps_fact_but_no_staff_text(
    api, people, orgs
):
    appeal = a_worked_appeal(people, orgs)
    no = appeal.tracking_no
    page = Client().get(f"/appeals/{no}/").content.decode()
    answer = api().get(f"/api/v1/appeals/{no}")
    looked_up = Client().post("/lookup/", {"tracking_no": no, "phone": people.resident.phone})
    board = Client().get("/board/").content.decode()
    assert answer.status_code == 200 and looked_up.status_code == 200
    said = json.dumps(answer.json(), ensure_ascii=False)
    for text in (page, said, looked_up.content.decode(), board):
        for written in INTERNAL.values():
            assert written.split("：")[1] not in text, written
    assert REPLY in page and REPLY in said
    steps = [(e["action"], e["at"]) for e in answer.json()["timeline"]]
    assert [s for s, _ in steps] == [
        "submit", "accept", "dispatch", "return", "refuse_return", "sign",
        "decide_extension", "supervise", "reply",
    ]  # fmt: skip
    assert all(at for _, at in steps)
    for label in ("已受理", "已退回", "驳回退回", "延期审批", "督办", "已答复"):
        assert label in page


def test_the_resident_reads_why_the_appeal_was_not_accepted_the_public_does_not(api, people, orgs):
    appeal = bring_to("submitted", people, orgs)
    workflow.perform(
        A.REJECT,
        appeal.pk,
        people.county_dispatcher,
        {"reason": "out_of_scope", "note": "属法院管辖"},
    )
    mine = api(people.resident).get(f"/api/v1/appeals/{appeal.tracking_no}").json()
    assert "属法院管辖" in mine["timeline"][-1]["note"]
    assert "不属于受理范围" in mine["timeline"][-1]["note"]
    staff = api(people.county_dispatcher).get(f"/api/v1/appeals/{appeal.tracking_no}").json()
    assert "属法院管辖" in staff["timeline"][-1]["note"]
    assert api(people.neighbour).get(f"/api/v1/appeals/{appeal.tracking_no}").status_code == 404


def test_staff_read_every_text_they_wrote_on_the_desk(client, people, orgs):
    appeal = a_worked_appeal(people, orgs)
    client.force_login(people.county_dispatcher)
    desk = client.get(f"/office/appeals/{appeal.tracking_no}/").content.decode()
    for written in INTERNAL.values():
        assert written.split("：")[1] in desk, written


def test_every_text_a_staff_form_asks_for_says_who_reads_it(client, people, orgs):
    for spec in workflow.REGISTRY.values():
        if set(spec.rule.roles) == {"resident"}:
            continue
        for name in spec.schema.model_fields:
            if name in ("note", "reason", "text", "internal_note"):
                assert (spec.action, name) in FIELD_AUDIENCE, (spec.action, name)
    appeal = bring_to("accepted", people, orgs)
    client.force_login(people.county_dispatcher)
    desk = client.get(f"/office/appeals/{appeal.tracking_no}/").content.decode()
    labels = re.findall(r"<label[^>]*>([^<]+)</label>", desk)
    assert "派单备注（仅内部）" in labels
    assert "不予受理理由（仅告知诉求人，不公开）" in labels
    workflow.perform(
        A.DISPATCH, appeal.pk, people.county_dispatcher, {"org_id": orgs.county_urban.pk}
    )
    workflow.perform(A.SIGN, appeal.pk, people.handler)
    client.force_login(people.handler)
    desk = client.get(f"/office/appeals/{appeal.tracking_no}/").content.decode()
    labels = re.findall(r"<label[^>]*>([^<]+)</label>", desk)
    assert "答复内容（公开）" in labels and "办理备注（仅内部）" in labels
    assert "退回理由（仅内部）" in labels
    assert FIELD_AUDIENCE[(A.REPLY, "text")] == Audience.PUBLIC


def test_a_departments_registered_number_in_its_public_reply_stays_readable(api, people, orgs):
    """Issue 16 item 9: "请致电0713-8****26" — residents could not call the department back."""
    from massline.appeals import workflow
    from massline.appeals.models import Appeal
    from tests.conftest import SAMPLE

    orgs.county_urban.public_phones = "0713-8886626, 0713-8886627"
    orgs.county_urban.save()
    no = api(people.resident).post("/api/v1/appeals", SAMPLE).json()["tracking_no"]
    a = Appeal.objects.get(tracking_no=no)
    d, h = people.county_dispatcher, people.handler
    workflow.do_accept(a.pk, d)
    workflow.do_dispatch(a.pk, d, org_id=orgs.county_urban.pk)
    workflow.do_sign(a.pk, h)
    reply = "已责令施工方夜间停工。如有疑问请致电0713-8886626，或回复群众13912345678。"
    workflow.do_reply(a.pk, h, text=reply)
    public = api().get(f"/api/v1/appeals/{no}").json()
    assert "0713-8886626" in public["reply_text"]
    assert "13912345678" not in public["reply_text"] and "13912345678" not in public["body"]
    page = api().client.get(f"/appeals/{no}/").content.decode()
    assert "0713-8886626" in page and "13912345678" not in page
