"""Every action × every persona × every state, expected exactly as ../shared/DESIGN.md states
the appeal's life — written out here by hand, not read from the workflow's own table, so a
wrong row of the table fails this test.

The whole matrix runs against the workflow directly (each action in a savepoint that is rolled
back); a sample of it runs again over HTTP and must answer with the same codes.
"""

import pytest
from django.db import transaction

from massline.appeals import workflow
from massline.appeals.actions import Action, AppealIn
from massline.appeals.models import Appeal, AutomationRule, State
from massline.appeals.services import submit_appeal
from massline.core.errors import DomainError

A, S = Action, State
ACTIONS = list(workflow.REGISTRY)

WHO_MAY_EVER = {
    A.ACCEPT: {"dispatcher"},
    A.REJECT: {"dispatcher"},
    A.DISPATCH: {"dispatcher"},
    A.TRANSFER: {"dispatcher"},
    A.SIGN: {"handler"},
    A.RETURN: {"handler"},
    A.REPLY: {"handler"},
    A.CLOSE: {"dispatcher"},
    A.RATE: {"resident"},
    A.REOPEN: {"dispatcher", "leader"},
    A.MERGE: {"dispatcher"},
    A.REQUEST_EXTENSION: {"handler"},
    A.DECIDE_EXTENSION: {"dispatcher"},
    A.SUPERVISE: {"leader"},
    A.WITHDRAW: {"resident"},
    A.SUPPLEMENT: {"resident"},
    A.OPINION: {"co_handler"},
    A.REFUSE_RETURN: {"dispatcher"},
    A.FOLLOW_UP: {"dispatcher"},
    A.INTERIM: {"handler"},
    A.INSTRUCT: {"leader"},
    A.DIRECT_ANSWER: {"dispatcher"},
}
"""DESIGN.md's roles: the hub's dispatchers accept, reject, dispatch, transfer, merge, decide
extensions and close; the lead department's handlers sign, return, reply and ask for more
time; the resident rates, adds information while the appeal is open and withdraws it before
it is dispatched; co-handling departments give their opinion to the lead; leaders supervise
and reopen, as dispatchers may. The hub refuses a department's return (推诿) and records the
回访 it owes once an appeal has been answered. The department may give an interim reply
(阶段性答复) while it works on it; a leader may write an instruction (领导批示) on any open
appeal. A 咨询 the hub can answer itself it answers directly (直接答复) before
dispatching it."""

ALLOWED = {
    S.SUBMITTED: {
        "dispatcher": {A.ACCEPT, A.REJECT, A.MERGE, A.DIRECT_ANSWER},
        "leader": {A.SUPERVISE, A.INSTRUCT},
        "resident": {A.WITHDRAW, A.SUPPLEMENT},
    },
    S.ACCEPTED: {
        "dispatcher": {A.REJECT, A.DISPATCH, A.MERGE, A.FOLLOW_UP, A.DIRECT_ANSWER},
        "leader": {A.SUPERVISE, A.INSTRUCT},
        "resident": {A.WITHDRAW, A.SUPPLEMENT},
    },
    S.ASSIGNED: {
        "dispatcher": {A.TRANSFER, A.DECIDE_EXTENSION, A.FOLLOW_UP},
        "handler": {A.SIGN, A.RETURN},
        "co_handler": {A.OPINION},
        "leader": {A.SUPERVISE, A.INSTRUCT},
        "resident": {A.SUPPLEMENT},
    },
    S.IN_PROGRESS: {
        "dispatcher": {A.TRANSFER, A.DECIDE_EXTENSION, A.FOLLOW_UP},
        "handler": {A.RETURN, A.REPLY, A.REQUEST_EXTENSION, A.INTERIM},
        "co_handler": {A.OPINION},
        "leader": {A.SUPERVISE, A.INSTRUCT},
        "resident": {A.SUPPLEMENT},
    },
    S.REPLIED: {
        "dispatcher": {A.CLOSE, A.REOPEN, A.FOLLOW_UP},
        "resident": {A.RATE},
        "leader": {A.REOPEN},
    },
    S.CLOSED: {"dispatcher": {A.REOPEN, A.FOLLOW_UP}, "leader": {A.REOPEN}},
    S.REJECTED: {},
    S.RETURNED: {
        "dispatcher": {A.DISPATCH, A.REFUSE_RETURN, A.FOLLOW_UP},
        "leader": {A.SUPERVISE, A.INSTRUCT},
        "resident": {A.SUPPLEMENT},
    },
    S.REOPENED: {
        "dispatcher": {A.DISPATCH, A.FOLLOW_UP},
        "leader": {A.SUPERVISE, A.INSTRUCT},
        "resident": {A.SUPPLEMENT},
    },
    S.WITHDRAWN: {},
}

ALLOWED_BUT_NOT_NOW = {
    (S.REPLIED, A.CLOSE): "the resident's rating window is still open",
    (S.ASSIGNED, A.DECIDE_EXTENSION): "no extension can be pending before the handler signs",
    (S.IN_PROGRESS, A.REQUEST_EXTENSION): "the setup's request is pending: one at a time",
    **{
        (state, A.FOLLOW_UP): "no 回访 is owed: only a dissatisfied rating (or the sample, off "
        "here) asks for one"
        for state in (S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.REPLIED, S.CLOSED, S.RETURNED)
    },
    **{
        (state, A.DIRECT_ANSWER): "only a 咨询 is answered at the hub; this one is a complaint"
        for state in (S.SUBMITTED, S.ACCEPTED)
    },
}
"""Cells the table allows whose own rule still answers 409 in this setting."""

PERSONAS = {
    "resident": "resident",
    "county_dispatcher": "dispatcher",
    "handler": "handler",
    "leader": "leader",
    "env_handler": "co_handler",
    "analyst": "analyst",
    "admin": "admin",
    "neighbour": None,
    "macheng_dispatcher": None,
    "transport_handler": None,
}
OFF_THE_BOARD = {S.SUBMITTED, S.REJECTED, S.WITHDRAWN}
NOT_YET_DISPATCHED = {S.SUBMITTED, S.ACCEPTED, S.REJECTED, S.WITHDRAWN}


def role_of(persona: str, state: str) -> str | None:
    """A department's handlers hold the appeal only once it has been dispatched to them."""
    role = PERSONAS[persona]
    if role in ("handler", "co_handler") and state in NOT_YET_DISPATCHED:
        return None
    return role


def expected(state: str, action: str, role: str | None) -> int:
    if action in ALLOWED[state].get(role, set()):
        return 409 if (state, action) in ALLOWED_BUT_NOT_NOW else 200
    if role is None:
        return 404 if state in OFF_THE_BOARD else 403
    if role in WHO_MAY_EVER[action]:
        return 409
    return 403


def bring_to(state, people, orgs, kind="complaint") -> Appeal:
    appeal, _ = submit_appeal(
        people.resident,
        AppealIn(
            kind=kind,
            title="胜利街路灯损坏多日未修",
            body="胜利街中段五盏路灯不亮已有两周，夜间行人看不清路面，存在安全隐患。",
            region_code="421102001",
        ),
    )
    d, h, pk = people.county_dispatcher, people.handler, appeal.pk
    dispatch = {"org_id": orgs.county_urban.pk, "co_org_ids": [orgs.county_env.pk]}
    steps = {
        S.SUBMITTED: [],
        S.ACCEPTED: [(A.ACCEPT, d, {})],
        S.REJECTED: [(A.REJECT, d, {"reason": "no_content"})],
        S.WITHDRAWN: [(A.WITHDRAW, people.resident, {"note": "问题已自行解决"})],
        S.ASSIGNED: [S.ACCEPTED, (A.DISPATCH, d, dispatch)],
        S.IN_PROGRESS: [S.ASSIGNED, (A.SIGN, h, {})],
        S.RETURNED: [S.ASSIGNED, (A.RETURN, h, {"reason": "不属本单位职责"})],
        S.REPLIED: [S.IN_PROGRESS, (A.REPLY, h, {"text": "已修复全部路灯，恢复正常照明。"})],
        S.CLOSED: [
            S.REPLIED,
            (A.RATE, people.resident, {"verdict": "satisfied", "resolved": True}),
        ],
        S.REOPENED: [
            S.REPLIED,
            (A.RATE, people.resident, {"verdict": "dissatisfied", "resolved": False}),
        ],
    }

    def run(target):
        for step in steps[target]:
            if isinstance(step, str):
                run(step)
            else:
                workflow.perform(step[0], pk, step[1], step[2])

    run(state)
    appeal.refresh_from_db()
    assert appeal.state == state
    return appeal


def payload(action, orgs, primary: str):
    return {
        A.ACCEPT: {},
        A.REJECT: {"reason": "out_of_scope"},
        A.DISPATCH: {"org_id": orgs.county_urban.pk},
        A.TRANSFER: {"org_id": orgs.county_env.pk},
        A.SIGN: {},
        A.RETURN: {"reason": "不属本单位职责"},
        A.REPLY: {"text": "已安排维修，三日内完成。"},
        A.CLOSE: {},
        A.RATE: {"verdict": "basic", "resolved": True},
        A.REOPEN: {"reason": "群众反映问题仍未解决"},
        A.MERGE: {"primary": primary},
        A.REQUEST_EXTENSION: {"days": 3, "reason": "需采购配件"},
        A.DECIDE_EXTENSION: {"approve": True},
        A.SUPERVISE: {"note": "请加快办理"},
        A.WITHDRAW: {},
        A.SUPPLEMENT: {"text": "补充：不亮的是编号HZ-0231至HZ-0235的路灯。"},
        A.OPINION: {"text": "路灯线路属城管维护，环保局无意见。"},
        A.REFUSE_RETURN: {"reason": "胜利街路灯属城管局维护范围，请继续办理。"},
        A.FOLLOW_UP: {"outcome": "confirmed", "note": "电话回访，群众认可办理结果。"},
        A.INTERIM: {"text": "已联系供电公司，配件到货后更换。"},
        A.INSTRUCT: {"note": "请城管局三日内解决并回复群众"},
        A.DIRECT_ANSWER: {"text": "路灯报修请拨打城管热线，一般三日内修复。"},
    }[action]


class Undo(Exception):
    pass


def attempt(action, appeal, user, body) -> int:
    """Take the action in a savepoint, roll it back, and answer with the HTTP code it means."""
    try:
        with transaction.atomic():
            workflow.perform(action, appeal.pk, user, body)
            raise Undo
    except Undo:
        return 200
    except DomainError as exc:
        return exc.status


def setup_state(state, people, orgs):
    AutomationRule.objects.update_or_create(key="follow_up_sample", defaults={"percent": 0})
    appeal = bring_to(state, people, orgs)
    primary = bring_to(S.ACCEPTED, people, orgs).tracking_no
    if state == S.IN_PROGRESS:
        workflow.do_request_extension(appeal.pk, people.handler, days=2, reason="等待配件")
    return appeal, primary


@pytest.mark.parametrize("state", State.values)
def test_each_persona_may_take_exactly_the_actions_the_design_gives_its_role(state, people, orgs):
    appeal, primary = setup_state(state, people, orgs)
    wrong = []
    for persona in PERSONAS:
        role = role_of(persona, state)
        user = getattr(people, persona)
        for action in ACTIONS:
            got = attempt(action, appeal, user, payload(action, orgs, primary))
            if got != expected(state, action, role):
                wrong.append((persona, action, got, expected(state, action, role)))
    assert wrong == []
    appeal.refresh_from_db()
    assert appeal.state == state


@pytest.mark.parametrize("state", [S.SUBMITTED, S.ACCEPTED])
def test_the_hubs_dispatchers_alone_answer_a_consultation_directly(state, people, orgs):
    """The cells of 直接答复 on a 咨询: the complaint of the matrix above answers 409 there."""
    appeal = bring_to(state, people, orgs, kind="consultation")
    body = payload(A.DIRECT_ANSWER, orgs, "")
    got = {p: attempt(A.DIRECT_ANSWER, appeal, getattr(people, p), body) for p in PERSONAS}
    off = 404 if state == S.SUBMITTED else 403
    assert got == {
        "resident": 403,
        "county_dispatcher": 200,
        "handler": off,
        "leader": 403,
        "env_handler": off,
        "analyst": 403,
        "admin": 403,
        "neighbour": off,
        "macheng_dispatcher": off,
        "transport_handler": off,
    }


HTTP_SAMPLE = [
    (S.SUBMITTED, A.ACCEPT, "county_dispatcher"),
    (S.SUBMITTED, A.ACCEPT, "neighbour"),
    (S.ACCEPTED, A.DISPATCH, "county_dispatcher"),
    (S.ACCEPTED, A.DISPATCH, "macheng_dispatcher"),
    (S.ASSIGNED, A.SIGN, "handler"),
    (S.ASSIGNED, A.SIGN, "env_handler"),
    (S.ASSIGNED, A.REPLY, "handler"),
    (S.IN_PROGRESS, A.REPLY, "handler"),
    (S.IN_PROGRESS, A.REQUEST_EXTENSION, "transport_handler"),
    (S.IN_PROGRESS, A.DECIDE_EXTENSION, "county_dispatcher"),
    (S.REPLIED, A.RATE, "resident"),
    (S.REPLIED, A.RATE, "neighbour"),
    (S.REPLIED, A.CLOSE, "county_dispatcher"),
    (S.CLOSED, A.REOPEN, "leader"),
    (S.CLOSED, A.REOPEN, "analyst"),
    (S.RETURNED, A.SUPERVISE, "leader"),
    (S.REJECTED, A.DISPATCH, "admin"),
    (S.REOPENED, A.MERGE, "county_dispatcher"),
    (S.ACCEPTED, A.WITHDRAW, "resident"),
    (S.ASSIGNED, A.WITHDRAW, "resident"),
    (S.IN_PROGRESS, A.SUPPLEMENT, "resident"),
    (S.CLOSED, A.SUPPLEMENT, "resident"),
    (S.IN_PROGRESS, A.OPINION, "env_handler"),
    (S.IN_PROGRESS, A.OPINION, "handler"),
    (S.RETURNED, A.REFUSE_RETURN, "county_dispatcher"),
    (S.RETURNED, A.REFUSE_RETURN, "handler"),
    (S.REOPENED, A.FOLLOW_UP, "county_dispatcher"),
    (S.CLOSED, A.FOLLOW_UP, "county_dispatcher"),
    (S.ACCEPTED, A.DIRECT_ANSWER, "county_dispatcher"),
    (S.ASSIGNED, A.DIRECT_ANSWER, "county_dispatcher"),
]


@pytest.mark.parametrize(("state", "action", "persona"), HTTP_SAMPLE)
def test_the_api_answers_each_cell_with_the_same_code(state, action, persona, api, people, orgs):
    appeal, primary = setup_state(state, people, orgs)
    path = workflow.REGISTRY[action].path
    res = api(getattr(people, persona)).post(
        f"/api/v1/appeals/{appeal.tracking_no}/{path}", payload(action, orgs, primary)
    )
    want = expected(state, action, role_of(persona, state))
    assert res.status_code == want, res.content.decode()
    if want == 200:
        assert res.json()["timeline"][-1]["action"] in (action, "reopen")
    else:
        assert res.json()["message"]
        appeal.refresh_from_db()
        assert appeal.state == state


# --- what each persona reads -----------------------------------------------------------------
# Every visibility question of `Policy` (the original and contact, the names in the timeline,
# attachments, staff's notes), asked over HTTP of a private appeal a department is working on.

READINGS = ("sees", "original", "names", "download", "staff_notes")
READS = {
    "resident": {"sees", "original", "names", "download"},
    "county_dispatcher": set(READINGS),
    "handler": set(READINGS),
    "env_handler": set(READINGS),
    "leader": set(READINGS),
    "analyst": {"sees", "staff_notes"},
    "admin": set(READINGS),
    "neighbour": set(),
    "macheng_dispatcher": set(),
    "transport_handler": set(),
    "anonymous": set(),
}
"""Analysts work on masked text: no contact, no resident's name in the timeline, no
attachment (a photo or a scan is not masked); residents read no staff remark."""

RETURN_REASON = "本单位人手不足，建议转其他单位"


def readings(api, user, no: str) -> set[str]:
    res = api(user).get(f"/api/v1/appeals/{no}")
    if res.status_code == 404:
        return set()
    assert res.status_code == 200, res.content.decode()
    d = res.json()
    found = {"sees"}
    if d["contact_name"] is not None:
        found.add("original")
    if d["timeline"][0]["actor"] is not None:
        found.add("names")
    if d["attachments"] and api(user).get(d["attachments"][0]["url"]).status_code == 200:
        found.add("download")
    if any(RETURN_REASON in e["note"] for e in d["timeline"]):
        found.add("staff_notes")
    return found


def test_each_persona_reads_exactly_what_the_policy_gives_its_role(api, people, orgs):
    from tests.appeals.test_attachments import png, upload

    appeal = bring_to(S.ASSIGNED, people, orgs)
    Appeal.objects.filter(pk=appeal.pk).update(is_public=False)
    assert upload(api(people.resident), appeal.tracking_no, "现场.png", png()).status_code == 201
    workflow.perform(A.RETURN, appeal.pk, people.handler, {"reason": RETURN_REASON})
    dispatch = {"org_id": orgs.county_urban.pk, "co_org_ids": [orgs.county_env.pk]}
    workflow.perform(A.DISPATCH, appeal.pk, people.county_dispatcher, dispatch)
    wrong = {}
    for persona, want in READS.items():
        user = None if persona == "anonymous" else getattr(people, persona)
        got = readings(api, user, appeal.tracking_no)
        if got != want:
            wrong[persona] = (sorted(got), sorted(want))
    assert wrong == {}


# --- the 举报 rows -----------------------------------------------------------------------------
# A sealed 举报 (about an official, routed to a 纪检监察 org): who sees it, who reads its
# reporter, downloads its files and reads staff's notes, and who may take each action.

SEALED_PERSONAS = {
    "resident": ("resident", {"sees", "original", "names", "download"}),
    "county_dispatcher": ("dispatcher", {"sees", "staff_notes"}),
    "jw.handler": ("handler", set(READINGS)),
    "jw.leader": ("leader", {"sees", "staff_notes"}),
    "jw.city_handler": (None, set()),
    "jw.county_leader": (None, set()),
    "handler": (None, set()),
    "leader": (None, set()),
    "analyst": (None, set()),
    "admin": ("admin", {"sees", "staff_notes"}),
    "neighbour": (None, set()),
    "macheng_dispatcher": (None, set()),
    "anonymous": (None, set()),
}
"""The hub's dispatchers pass the report on without reading who made it; the 纪检监察 org's
handlers alone read the reporter; its leaders see the case masked; the named department, the
county's leaders, analysts and everyone else do not see it at all. A 举报 is never public, so
for those it does not exist (404)."""

SEALED_NOT_NOW = {
    (S.ACCEPTED, A.MERGE): 422,
    (S.ASSIGNED, A.DECIDE_EXTENSION): 409,
    (S.IN_PROGRESS, A.DECIDE_EXTENSION): 409,
    (S.IN_PROGRESS, A.REQUEST_EXTENSION): 200,
}
"""A sealed report is never merged with other appeals; no extension is pending here (so one
may be asked for)."""


def _persona(people, jw, name):
    if name == "anonymous":
        return None
    owner, _, attr = name.rpartition(".")
    return getattr(jw if owner else people, attr)


def sealed_report(api, people, orgs, jw, state) -> Appeal:
    from tests.appeals.test_attachments import png, upload

    res = api(people.resident).post(
        "/api/v1/appeals",
        {
            "kind": "report",
            "title": "城管执法中队长向商户索要财物",
            "body": "城管执法中队王某某多次向商户索要烟酒和现金，不给就罚款。",
            "region_code": "421102001",
            "accused_org_id": orgs.county_urban.pk,
            "about_official": True,
        },
    )
    appeal = Appeal.objects.get(tracking_no=res.json()["tracking_no"])
    assert upload(api(people.resident), appeal.tracking_no, "证据.png", png()).status_code == 201
    d = people.county_dispatcher
    workflow.perform(A.ACCEPT, appeal.pk, d)
    if state in (S.ASSIGNED, S.IN_PROGRESS, "staff_notes"):
        workflow.perform(A.DISPATCH, appeal.pk, d, {"org_id": jw.county.pk})
    if state == "staff_notes":
        workflow.perform(A.RETURN, appeal.pk, jw.handler, {"reason": RETURN_REASON})
        workflow.perform(A.DISPATCH, appeal.pk, d, {"org_id": jw.county.pk})
    if state == S.IN_PROGRESS:
        workflow.perform(A.SIGN, appeal.pk, jw.handler)
    appeal.refresh_from_db()
    return appeal


def test_report_rows_each_persona_reads_of_a_sealed_report_what_its_role_gives(
    api, people, orgs, jw
):
    appeal = sealed_report(api, people, orgs, jw, "staff_notes")
    wrong = {}
    for name, (_role, want) in SEALED_PERSONAS.items():
        got = readings(api, _persona(people, jw, name), appeal.tracking_no)
        if got != want:
            wrong[name] = (sorted(got), sorted(want))
    assert wrong == {}


def _sealed_payload(action, orgs, jw, primary):
    if action == A.DISPATCH:
        return {"org_id": jw.county.pk}
    if action == A.TRANSFER:
        return {"org_id": jw.room.pk}
    return payload(action, orgs, primary)


@pytest.mark.parametrize("state", [S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS])
def test_report_rows_each_persona_may_take_exactly_its_roles_actions_on_a_sealed_report(
    state, api, people, orgs, jw
):
    appeal = sealed_report(api, people, orgs, jw, state)
    primary = bring_to(S.ACCEPTED, people, orgs).tracking_no
    wrong = []
    for name, (role, _reads) in SEALED_PERSONAS.items():
        user = _persona(people, jw, name)
        if user is None:
            continue
        if name.startswith("jw.") and state == S.ACCEPTED:
            role = None  # the 纪检监察 org holds the report once it is dispatched to it
        for action in ACTIONS:
            if role is None:
                want = 404
            elif (state, action) in SEALED_NOT_NOW and action in ALLOWED[state].get(role, ()):
                want = SEALED_NOT_NOW[(state, action)]
            else:
                want = expected(state, action, role)
            got = attempt(action, appeal, user, _sealed_payload(action, orgs, jw, primary))
            if got != want:
                wrong.append((name, action, got, want))
    assert wrong == []
