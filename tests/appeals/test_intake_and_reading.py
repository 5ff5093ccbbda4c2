"""Submitting, finding and reading appeals: idempotency, errors, masking, search, visibility."""

import json

import pytest
from django.test import Client

from massline.appeals.models import Appeal


def test_a_retried_submission_with_the_same_key_returns_the_first_appeal(api, people, orgs):
    from tests.conftest import SAMPLE

    client = api(people.resident)
    first = client.post("/api/v1/appeals", SAMPLE, headers={"Idempotency-Key": "k-123"})
    again = client.post("/api/v1/appeals", SAMPLE, headers={"Idempotency-Key": "k-123"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["tracking_no"] == again.json()["tracking_no"]
    assert Appeal.objects.count() == 1
    other = api(people.neighbour).post(
        "/api/v1/appeals", SAMPLE, headers={"Idempotency-Key": "k-123"}
    )
    assert other.status_code == 201 and Appeal.objects.count() == 2


def test_tracking_numbers_count_up_within_a_day(submit):
    first, second = submit()["tracking_no"], submit()["tracking_no"]
    assert first[:-6] == second[:-6]
    assert int(second[-6:]) == int(first[-6:]) + 1


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"title": "太短"}, "title", "标题至少4个字"),
        ({"body": "噪音"}, "body", "内容至少10个字"),
        ({"region_code": "999999"}, "region_code", "所在地区不存在"),
        ({"kind": "rumour"}, "kind", "kind"),
        ({"category_id": 999999}, "category_id", "分类不存在"),
        ({"is_public": "perhaps"}, "is_public", "true 或 false"),
    ],
)
def test_bad_input_gets_a_chinese_message_naming_the_field(api, people, orgs, change, field, words):
    from tests.conftest import SAMPLE

    res = api(people.resident).post("/api/v1/appeals", {**SAMPLE, **change})
    assert res.status_code == 422
    body = res.json()
    assert body["field"] == field and words in body["message"]
    assert Appeal.objects.count() == 0


def test_a_missing_field_and_broken_json_are_4xx_not_500(api, people, orgs):
    client = api(people.resident)
    res = client.post("/api/v1/appeals", {"kind": "complaint"})
    assert res.status_code == 422 and res.json()["field"] in {"title", "body", "region_code"}
    raw = client.client.post(
        "/api/v1/appeals", "{not json", content_type="application/json", headers=client.headers
    )
    assert 400 <= raw.status_code < 500


def test_an_anonymous_visitor_must_log_in_to_submit(orgs):
    res = Client().post("/api/v1/appeals", "{}", content_type="application/json")
    assert res.status_code == 401 and res.json()["message"] == "请先登录。"


def test_an_illegal_transition_is_a_409_naming_the_current_state(api, people, orgs, submit):
    no = submit()["tracking_no"]
    res = api(people.handler).post(f"/api/v1/appeals/{no}/sign")
    assert res.status_code == 404, "not yet dispatched to the handler, nor on the public board"
    res = api(people.county_dispatcher).post(f"/api/v1/appeals/{no}/close")
    assert res.status_code == 409
    assert res.json()["state"] == "submitted" and "待受理" in res.json()["message"]


def test_a_stale_version_is_refused_with_409(api, people, orgs, submit):
    appeal = submit()
    d = api(people.county_dispatcher)
    assert (
        d.post(f"/api/v1/appeals/{appeal['tracking_no']}/accept", {"version": 0}).status_code == 200
    )
    res = d.post(
        f"/api/v1/appeals/{appeal['tracking_no']}/reject", {"reason": "duplicate", "version": 0}
    )
    assert res.status_code == 409 and "已被他人处理" in res.json()["message"]


def test_the_public_sees_personal_data_masked_and_staff_see_the_original(api, people, orgs, submit):
    no = submit(body="我叫张三丰，电话13912345678，车牌鄂J·A1234被刮，请处理小区停车问题。")[
        "tracking_no"
    ]
    d = api(people.county_dispatcher)
    d.post(f"/api/v1/appeals/{no}/accept")
    public = Client().get(f"/api/v1/appeals/{no}").json()
    assert "13912345678" not in public["body"] and "139****5678" in public["body"]
    assert "张三丰" not in public["body"] and "A1234" not in public["body"]
    assert public["contact_phone"] is None
    staff = d.get(f"/api/v1/appeals/{no}").json()
    assert "13912345678" in staff["body"] and staff["contact_phone"] == "13800000001"
    assert api(people.resident).get(f"/api/v1/appeals/{no}").json()["body"].startswith("我叫张三丰")


def test_a_private_appeal_is_invisible_to_the_public_but_not_to_its_handlers(
    api, people, orgs, submit
):
    no = submit(is_public=False)["tracking_no"]
    api(people.county_dispatcher).post(f"/api/v1/appeals/{no}/accept")
    assert Client().get(f"/api/v1/appeals/{no}").status_code == 404
    assert api(people.neighbour).get(f"/api/v1/appeals/{no}").status_code == 404
    assert api(people.county_dispatcher).get(f"/api/v1/appeals/{no}").status_code == 200
    listed = Client().get("/api/v1/appeals").json()
    assert listed["count"] == 0


def test_dispatchers_and_handlers_see_only_their_own_org_subtree(api, people, orgs, submit):
    huangzhou = submit()["tracking_no"]
    macheng = submit(region_code="421181", title="麻城市龟山镇自来水浑浊")["tracking_no"]

    def seen(user, **params):
        return {
            a["tracking_no"] for a in api(user).get("/api/v1/appeals", **params).json()["results"]
        }

    assert seen(people.county_dispatcher) == {huangzhou}
    assert seen(people.macheng_dispatcher) == {macheng}
    assert seen(people.city_dispatcher) == {huangzhou, macheng}
    assert seen(people.leader) == {huangzhou, macheng}
    assert seen(people.handler) == set()
    api(people.county_dispatcher).post(f"/api/v1/appeals/{huangzhou}/accept")
    api(people.county_dispatcher).post(
        f"/api/v1/appeals/{huangzhou}/dispatch",
        {"org_id": orgs.county_urban.pk, "co_org_ids": [orgs.county_env.pk]},
    )
    assert seen(people.handler) == {huangzhou}
    assert seen(people.env_handler) == {huangzhou}
    assert seen(people.transport_handler) == set()
    assert api(people.macheng_dispatcher).get(f"/api/v1/appeals/{huangzhou}").json()["roles"] == []


def test_search_finds_chinese_words_inside_titles_and_bodies(api, people, orgs, submit):
    parking = submit(
        title="小区地下停车场积水严重", body="遗爱湖小区地下停车场每逢下雨就积水，车辆无法进出。"
    )
    submit(
        title="学校门口早高峰拥堵", body="实验小学门口每天早上七点半车辆拥堵，孩子过马路很危险。"
    )
    d = api(people.county_dispatcher)

    def found(q, **params):
        res = d.get("/api/v1/appeals", q=q, **params).json()
        return [a["tracking_no"] for a in res["results"]]

    assert found("停车场") == [parking["tracking_no"]]
    assert found("积水 停车") == [parking["tracking_no"]]
    assert found("停车", kind="suggestion") == []
    assert found("拥堵 停车场") == []
    assert len(found("")) == 2


def test_the_list_page_runs_a_fixed_number_of_queries(
    api, people, orgs, submit, django_assert_max_num_queries
):
    for i in range(12):
        submit(title=f"第{i}号楼电梯故障停运")
    client = api(people.county_dispatcher)
    with django_assert_max_num_queries(8):
        res = client.get("/api/v1/appeals", page_size=50)
    assert res.json()["count"] == 12


def test_the_openapi_document_describes_the_v1_api(orgs):
    res = Client().get("/api/openapi.json")
    doc = json.loads(res.content)
    assert "/api/v1/appeals" in doc["paths"]
    dispatch = doc["paths"]["/api/v1/appeals/{tracking_no}/dispatch"]["post"]
    assert {"200", "403", "409", "422"} <= set(dispatch["responses"])
    assert Client().get("/api/docs").status_code == 200


def test_the_landing_page_says_what_the_platform_is(db):
    res = Client().get("/")
    assert "网上群众路线" in res.content.decode() and "/api/docs" in res.content.decode()


def test_times_are_given_in_beijing_time(submit):
    appeal = submit()
    assert appeal["created_at"].endswith("+08:00")


def test_search_finds_a_word_that_the_sentence_segments_differently(api, people, orgs, submit):
    found = submit(
        title="小区晚上一片漆黑", body="联系了供电所说是线路老化，门口路灯不亮已经半个月。"
    )
    submit(
        title="学校门口早高峰拥堵", body="实验小学门口每天早上七点半车辆拥堵，孩子过马路很危险。"
    )
    dispatcher = api(people.county_dispatcher)
    for word in ("供电所", "路灯"):
        res = dispatcher.get("/api/v1/appeals", q=word).json()
        assert [a["tracking_no"] for a in res["results"]] == [found["tracking_no"]], word


def test_the_list_of_dispatched_appeals_runs_a_fixed_number_of_queries(
    api, people, orgs, submit, django_assert_max_num_queries
):
    from massline.appeals import workflow

    for i in range(12):
        no = submit(title=f"第{i}号路灯不亮")["tracking_no"]
        pk = Appeal.objects.get(tracking_no=no).pk
        workflow.do_accept(pk, people.county_dispatcher)
        workflow.do_dispatch(pk, people.county_dispatcher, org_id=orgs.county_urban.pk)
    client = api(people.county_dispatcher)
    client.get("/api/v1/appeals", page_size=1)
    with django_assert_max_num_queries(8):
        res = client.get("/api/v1/appeals", page_size=50)
    assert res.json()["count"] == 12
    assert {a["deadline"]["status"] for a in res.json()["results"]} == {"normal"}
