"""Every action × every persona × every state: allowed exactly where the workflow table says."""

import pytest

from massline.appeals import workflow
from massline.appeals.models import Appeal, State
from massline.appeals.services import NewAppeal, submit_appeal

PERSONAS = {
    "resident": "resident",
    "county_dispatcher": "dispatcher",
    "handler": "handler",
    "leader": "leader",
    "neighbour": None,
    "transport_handler": None,
}


def bring_to(state, people, orgs) -> Appeal:
    appeal, _ = submit_appeal(
        people.resident,
        NewAppeal(
            kind="complaint",
            title="胜利街路灯损坏多日未修",
            body="胜利街中段五盏路灯不亮已有两周，夜间行人看不清路面，存在安全隐患。",
            region_code="421102001",
        ),
    )
    d, h, pk = people.county_dispatcher, people.handler, appeal.pk
    steps = {
        State.SUBMITTED: [],
        State.ACCEPTED: [lambda: workflow.do_accept(pk, d)],
        State.REJECTED: [lambda: workflow.do_reject(pk, d, reason="no_content")],
        State.ASSIGNED: [
            "accepted",
            lambda: workflow.do_dispatch(pk, d, org_id=orgs.county_urban.pk),
        ],
        State.IN_PROGRESS: ["assigned", lambda: workflow.do_sign(pk, h)],
        State.RETURNED: ["assigned", lambda: workflow.do_return(pk, h, reason="不属本单位职责")],
        State.REPLIED: ["in_progress", lambda: workflow.do_reply(pk, h, text="已修复。")],
        State.CLOSED: [
            "replied",
            lambda: workflow.do_rate(pk, people.resident, verdict="satisfied", resolved=True),
        ],
        State.REOPENED: [
            "replied",
            lambda: workflow.do_rate(pk, people.resident, verdict="dissatisfied", resolved=False),
        ],
    }

    def run(target):
        for step in steps[target]:
            run(step) if isinstance(step, str) else step()

    run(state)
    appeal.refresh_from_db()
    assert appeal.state == state
    return appeal


def payload(action, orgs, people):
    return {
        "accept": {},
        "reject": {"reason": "out_of_scope"},
        "dispatch": {"org_id": orgs.county_urban.pk},
        "transfer": {"org_id": orgs.county_env.pk},
        "sign": {},
        "return": {"reason": "不属本单位职责"},
        "reply": {"text": "已安排维修。"},
        "close": {},
        "rate": {"verdict": "basic", "resolved": True},
        "reopen": {"reason": "群众反映问题仍未解决"},
        "merge": {"primary": "__primary__"},
        "request_extension": {"days": 3, "reason": "需采购配件"},
        "decide_extension": {"approve": True},
        "supervise": {"note": "请加快办理"},
    }[action]


PATH = {"request_extension": "extension", "decide_extension": "extension/decision"}
CASES = [
    (state, action, persona)
    for state in State.values
    for action in sorted(workflow.ACTIONS)
    for persona in PERSONAS
]


@pytest.mark.parametrize(("state", "action", "persona"), CASES)
def test_the_workflow_table_decides_who_may_do_what_in_each_state(
    state, action, persona, api, people, orgs
):
    appeal = bring_to(state, people, orgs)
    body = payload(action, orgs, people)
    if action == "merge":
        body["primary"] = bring_to(State.ACCEPTED, people, orgs).tracking_no
    if action == "decide_extension" and state in (State.ASSIGNED, State.IN_PROGRESS):
        workflow.do_request_extension(appeal.pk, people.handler, days=2, reason="等待配件")
    user = getattr(people, persona)
    res = api(user).post(f"/api/v1/appeals/{appeal.tracking_no}/{PATH.get(action, action)}", body)

    role = PERSONAS[persona]
    allowed = role is not None and (state, action, role) in workflow.TABLE
    if allowed:
        assert res.status_code == 200, res.content.decode()
        assert len(res.json()["timeline"]) > 1
    elif role is None:
        assert res.status_code == 403, res.content.decode()
        assert "没有权限" in res.json()["message"]
    else:
        assert res.status_code in (403, 409), res.content.decode()
        if res.status_code == 409:
            assert res.json()["state"] == state
    appeal.refresh_from_db()
    if not allowed:
        assert appeal.state == state
