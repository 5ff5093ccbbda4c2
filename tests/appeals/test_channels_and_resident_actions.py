"""The workflow pieces the pages need: appeals taken down by phone, lookup without logging in,
withdrawal, more information from the resident, and co-handlers' opinions."""

import pytest
from django.test import Client

from massline.accounts.models import User
from massline.appeals.models import Appeal, AppealEvent
from massline.core.models import AuditEvent
from tests.conftest import SAMPLE

CALL = {
    **SAMPLE,
    "channel": "hotline",
    "contact_name": "刘大爷",
    "contact_phone": "13677778888",
    "is_public": False,
}


def _act(api, user, tracking_no, path, body=None):
    return api(user).post(f"/api/v1/appeals/{tracking_no}/{path}", body or {})


def _in_progress(api, people, orgs, submit, **overrides):
    tn = submit(**overrides)["tracking_no"]
    d = people.county_dispatcher
    assert _act(api, d, tn, "accept").status_code == 200
    dispatch = {"org_id": orgs.county_urban.pk, "co_org_ids": [orgs.county_env.pk]}
    assert _act(api, d, tn, "dispatch", dispatch).status_code == 200
    assert _act(api, people.handler, tn, "sign").status_code == 200
    return tn


def test_a_dispatcher_takes_down_a_call_for_a_caller_who_then_owns_the_appeal(api, people):
    res = api(people.county_dispatcher).post("/api/v1/appeals/on-behalf", CALL)
    assert res.status_code == 201, res.content.decode()
    body = res.json()
    assert body["timeline"][0]["action"] == "register"
    assert "12345热线" in body["timeline"][0]["note"]
    appeal = Appeal.objects.get(tracking_no=body["tracking_no"])
    caller = User.objects.get(phone="13677778888")
    assert appeal.submitted_by == caller and caller.real_name == "刘大爷"
    assert appeal.registered_by == people.county_dispatcher and appeal.channel == "hotline"
    assert not caller.has_usable_password()
    event = AppealEvent.objects.get(appeal=appeal)
    assert event.actor == people.county_dispatcher and event.actor_org.name == "黄州区12345热线中心"

    again = api(people.county_dispatcher).post("/api/v1/appeals/on-behalf", CALL)
    assert again.status_code == 201
    assert Appeal.objects.filter(submitted_by=caller).count() == 2
    assert User.objects.filter(phone="13677778888").count() == 1


def test_the_dispatcher_who_registered_a_call_cannot_rate_it(api, people, orgs):
    tn = api(people.county_dispatcher).post("/api/v1/appeals/on-behalf", CALL).json()["tracking_no"]
    rate = _act(
        api, people.county_dispatcher, tn, "rate", {"verdict": "satisfied", "resolved": True}
    )
    assert rate.status_code == 403
    assert rate.json()["message"]


@pytest.mark.parametrize(
    ("who", "change", "status", "field"),
    [
        ("resident", {}, 403, None),
        ("macheng_dispatcher", {}, 422, "region_code"),
        ("county_dispatcher", {"channel": "web"}, 422, "channel"),
        ("county_dispatcher", {"contact_phone": "0713-8888888"}, 422, "contact_phone"),
        ("county_dispatcher", {"contact_name": ""}, 422, "contact_name"),
    ],
)
def test_registering_for_a_caller_is_refused_clearly(api, people, who, change, status, field):
    before = Appeal.objects.count()
    res = api(getattr(people, who)).post("/api/v1/appeals/on-behalf", {**CALL, **change})
    assert res.status_code == status, res.content.decode()
    assert res.json()["field"] == field and res.json()["message"]
    assert Appeal.objects.count() == before


def test_an_appeal_is_found_by_tracking_number_and_phone_without_logging_in(people, submit):
    tn = submit(is_public=False)["tracking_no"]
    client = Client()
    res = client.post(
        "/api/v1/appeals/lookup",
        {"tracking_no": tn, "phone": "13800000001"},
        content_type="application/json",
    )
    assert res.status_code == 200, res.content.decode()
    body = res.json()
    assert body["tracking_no"] == tn and body["state"] == "submitted"
    assert "13912345678" not in res.content.decode()
    assert body["contact_phone"] is None and body["actions"] == []


def test_lookups_that_miss_are_limited_per_address_and_stay_counted(people, submit, settings):
    settings.LOOKUP_FAILURES_PER_HOUR = 3
    tn = submit()["tracking_no"]
    client = Client(REMOTE_ADDR="10.1.2.3")

    def look(phone):
        return client.post(
            "/api/v1/appeals/lookup",
            {"tracking_no": tn, "phone": phone},
            content_type="application/json",
        )

    misses = [look(f"1390000000{i}") for i in range(3)]
    assert [r.status_code for r in misses] == [404] * 3
    assert misses[0].json()["field"] == "tracking_no"
    assert AuditEvent.objects.filter(action="appeal.lookup_failed").count() == 3
    locked = look("13800000001")
    assert locked.status_code == 429 and "每小时3次" in locked.json()["message"]
    other = Client(REMOTE_ADDR="10.9.9.9").post(
        "/api/v1/appeals/lookup",
        {"tracking_no": tn, "phone": "13800000001"},
        content_type="application/json",
    )
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("typed_no", "typed_phone"),
    [
        (lambda tn: tn.lower(), "13800000001"),
        (lambda tn: tn.replace("-", ""), "138 0000 0001"),
        (lambda tn: " " + tn.replace("-", " － ") + " ", "１３８００００００01"),
        (lambda tn: tn, "+86 138-0000-0001"),
    ],
    ids=["lower-case", "no-dash-spaced-phone", "spaces-full-width", "country-code"],
)
def test_lookup_takes_a_number_and_phone_as_people_type_them_without_counting_a_miss(
    people, submit, typed_no, typed_phone
):
    tn = submit()["tracking_no"]
    res = Client(REMOTE_ADDR="10.1.2.4").post(
        "/api/v1/appeals/lookup",
        {"tracking_no": typed_no(tn), "phone": typed_phone},
        content_type="application/json",
    )
    assert res.status_code == 200 and res.json()["tracking_no"] == tn
    assert not AuditEvent.objects.filter(action="appeal.lookup_failed").exists()


def test_a_resident_withdraws_before_dispatch_and_the_appeal_leaves_every_queue(
    api, people, orgs, submit
):
    tn = submit()["tracking_no"]
    res = _act(api, people.resident, tn, "withdraw", {"note": "问题已自行解决"})
    assert res.status_code == 200 and res.json()["state"] == "withdrawn"
    assert res.json()["state_label"] == "已撤回"
    accept = _act(api, people.county_dispatcher, tn, "accept")
    assert accept.status_code == 409 and "已撤回" in accept.json()["message"]
    assert api().get(f"/api/v1/appeals/{tn}").status_code == 404
    board = api().get("/api/v1/appeals").json()
    assert tn not in {a["tracking_no"] for a in board["results"]}


def test_once_dispatched_an_appeal_can_no_longer_be_withdrawn(api, people, orgs, submit):
    tn = _in_progress(api, people, orgs, submit)
    res = _act(api, people.resident, tn, "withdraw")
    assert res.status_code == 409 and "办理中" in res.json()["message"]


def test_more_information_reaches_the_timeline_masked_for_the_public(api, people, orgs, submit):
    tn = _in_progress(api, people, orgs, submit)
    text = "补充：施工方负责人电话13511112222，今晚十二点还在打桩。"
    res = _act(api, people.resident, tn, "supplement", {"text": text})
    assert res.status_code == 200
    assert res.json()["timeline"][-1]["note"] == text
    handler_view = api(people.handler).get(f"/api/v1/appeals/{tn}").json()
    assert handler_view["timeline"][-1]["action"] == "supplement"
    public = api().get(f"/api/v1/appeals/{tn}")
    assert "13511112222" not in public.content.decode()
    assert public.json()["timeline"][-1]["action"] == "supplement"
    short = _act(api, people.resident, tn, "supplement", {"text": "快"})
    assert short.status_code == 422 and short.json()["field"] == "text"
    other = _act(api, people.neighbour, tn, "supplement", {"text": "我也被吵得睡不着觉。"})
    assert other.status_code == 403


def test_a_co_handler_gives_an_opinion_and_the_reply_says_it_was_consulted(
    api, people, orgs, submit
):
    tn = _in_progress(api, people, orgs, submit)
    opinion = "经查该工地未办理夜间施工许可，建议城管依法处罚。"
    res = _act(api, people.env_handler, tn, "opinion", {"text": opinion})
    assert res.status_code == 200, res.content.decode()
    assert res.json()["timeline"][-1]["internal_note"] == opinion
    assert "黄冈市生态环境局黄州分局已提交协办意见" in res.json()["timeline"][-1]["note"]
    resident_view = api(people.resident).get(f"/api/v1/appeals/{tn}").text
    assert opinion not in resident_view
    lead = _act(api, people.handler, tn, "opinion", {"text": "主办单位不能提协办意见。"})
    assert lead.status_code == 403
    reply = {"text": "已责令工地停止夜间施工并立案处罚，今后夜间施工须先取得许可。"}
    assert _act(api, people.handler, tn, "reply", reply).status_code == 200
    event = AppealEvent.objects.filter(appeal__tracking_no=tn, action="reply").get()
    assert event.data["consulted"] == ["黄冈市生态环境局黄州分局"]
