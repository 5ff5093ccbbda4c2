"""Malformed input found by fuzzing the API (schemathesis and by hand): each gets a clear 4xx in
JSON naming the field, in Chinese, never a 500, and nothing stored is cut short or changed."""

import json
import re

import pytest

from massline.appeals.models import Appeal, State
from tests.conftest import SAMPLE

BEYOND_64_BITS = "99999999999999999999"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _refused(res, field, status=422):
    assert res.status_code == status, res.content.decode()
    body = res.json()
    assert {"code", "message", "field"} <= body.keys()
    assert body["field"] == field, body
    assert CHINESE.search(body["message"]), body["message"]


def _raw_post(client, path, body, content_type="application/json"):
    return client.client.post(path, body, content_type=content_type, headers=client.headers)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/appeals", "category_id"),
        ("/api/v1/categories", "parent_id"),
        ("/api/v1/orgs", "parent_id"),
    ],
)
def test_an_id_beyond_64_bits_in_a_query_is_refused_naming_the_parameter(api, path, field):
    _refused(api().get(path, **{field: BEYOND_64_BITS}), field)


def test_a_page_number_whose_offset_overflows_the_database_is_refused(api):
    _refused(api().get("/api/v1/appeals", page="922337203685477580"), "page")


def test_a_negative_limit_on_the_org_list_is_refused(api):
    _refused(api().get("/api/v1/orgs", limit="-1"), "limit")


@pytest.mark.parametrize(("field", "day"), [("date_to", "9999-12-31"), ("date_from", "0001-01-01")])
def test_a_date_at_the_end_of_the_calendar_is_refused_naming_the_filter(api, field, day):
    _refused(api().get("/api/v1/appeals", **{field: day}), field)


def test_an_impossible_date_is_explained_in_chinese(api):
    _refused(api().get("/api/v1/appeals", date_from="2026-02-30"), "date_from")


def test_a_missing_body_is_reported_on_the_body_field(api, people):
    payload = {k: v for k, v in SAMPLE.items() if k != "body"}
    _refused(api(people.resident).post("/api/v1/appeals", payload), "body")


def test_an_upload_without_a_file_is_reported_on_the_file_field(api, people, submit):
    no = submit()["tracking_no"]
    client = api(people.resident)
    res = client.client.post(f"/api/v1/appeals/{no}/attachments", {}, headers=client.headers)
    _refused(res, "file")


def test_an_upload_that_is_not_real_multipart_gets_a_json_answer(api, people, submit):
    no = submit()["tracking_no"]
    client = api(people.resident)
    res = _raw_post(client, f"/api/v1/appeals/{no}/attachments", "x", "multipart/form-data")
    assert 400 <= res.status_code < 500
    assert res["Content-Type"].startswith("application/json"), res.content.decode()
    assert CHINESE.search(res.json()["message"])


def test_a_body_that_is_not_json_is_explained_in_chinese(api, people):
    res = _raw_post(api(people.resident), "/api/v1/appeals", "{not json")
    assert res.status_code == 400
    assert CHINESE.search(res.json()["message"]), res.json()


def test_a_json_array_instead_of_an_object_changes_nothing(api, people, submit):
    no = submit()["tracking_no"]
    res = _raw_post(api(people.county_dispatcher), f"/api/v1/appeals/{no}/accept", "[]")
    assert res.status_code in (400, 422), res.content.decode()
    assert CHINESE.search(res.json()["message"])
    assert Appeal.objects.get(tracking_no=no).state == State.SUBMITTED


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("title", "\x00"),
        ("title", "\ud800"),
        ("body", "\x00"),
        ("body", "\ud800"),
        ("location", "\x00"),
        ("location", "\ud800"),
        ("region_code", "\ud800"),
    ],
)
def test_text_that_cannot_be_stored_is_refused_naming_the_field(api, people, field, bad):
    value = SAMPLE.get(field, "考棚街") + bad
    res = api(people.resident).post("/api/v1/appeals", {**SAMPLE, field: value})
    _refused(res, field)
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize("bad", ["\x00", "\ud800"], ids=["nul", "lone-surrogate"])
def test_a_workflow_note_that_cannot_be_stored_is_refused_and_changes_nothing(
    api, people, submit, bad
):
    no = submit()["tracking_no"]
    res = api(people.county_dispatcher).post(f"/api/v1/appeals/{no}/accept", {"note": "受理" + bad})
    _refused(res, "note")
    assert Appeal.objects.get(tracking_no=no).state == State.SUBMITTED


@pytest.mark.parametrize("path", ["/api/v1/auth/tokens", "/api/v1/auth/login"])
@pytest.mark.parametrize("bad", ["\x00", "\ud800"], ids=["nul", "lone-surrogate"])
def test_a_login_name_that_cannot_be_stored_is_refused_naming_the_field(api, path, bad):
    _refused(api().post(path, {"username": "hz" + bad, "password": "whatever1"}), "username")


@pytest.mark.parametrize(
    ("path", "field"),
    [("/api/v1/orgs", "q"), ("/api/v1/orgs", "region_code"), ("/api/v1/regions", "q")],
)
def test_a_nul_in_a_query_parameter_is_refused_naming_it(api, path, field):
    _refused(api().get(path, **{field: "黄州\x00"}), field)


@pytest.mark.parametrize(
    ("field", "limit"), [("location", 200), ("contact_name", 50), ("contact_phone", 20)]
)
def test_text_longer_than_its_column_is_refused_not_cut_short(api, people, field, limit):
    res = api(people.resident).post("/api/v1/appeals", {**SAMPLE, field: "东" * (limit + 1)})
    _refused(res, field)
    assert Appeal.objects.count() == 0


def test_long_idempotency_keys_that_differ_late_are_never_taken_for_one(api, people):
    client = api(people.resident)
    shared = "k" * 80
    titles = {"A": "考棚街夜间施工噪音扰民", "B": "胜利街路灯连续一周不亮"}
    answers = [
        client.post(
            "/api/v1/appeals",
            {**SAMPLE, "title": title},
            headers={"Idempotency-Key": shared + tail * 920},
        )
        for tail, title in titles.items()
    ]
    codes = [a.status_code for a in answers]
    assert codes in ([201, 201], [422, 422]), [a.content.decode()[:200] for a in answers]
    if codes == [422, 422]:
        for a in answers:
            _refused(a, "idempotency_key")
    else:
        assert [a.json()["title"] for a in answers] == list(titles.values())


def test_merging_into_an_unknown_primary_names_the_field_that_was_sent(api, people, submit):
    no = submit()["tracking_no"]
    dispatcher = api(people.county_dispatcher)
    assert dispatcher.post(f"/api/v1/appeals/{no}/accept").status_code == 200
    res = dispatcher.post(f"/api/v1/appeals/{no}/merge", {"primary": "HG00000000-000000"})
    _refused(res, "primary")


def test_an_unknown_api_address_answers_in_json(api):
    res = api().get("/api/v1/appeals/HG1/no/such/thing")
    assert res.status_code == 404
    assert res["Content-Type"].startswith("application/json"), res.content.decode()[:200]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_json_route_refuses_a_body_of_another_media_type_and_stores_nothing(
    api, people, content_type
):
    client = api(people.resident)
    res = client.client.post(
        "/api/v1/appeals", json.dumps(SAMPLE), content_type=content_type, headers=client.headers
    )
    assert res.status_code == 415
    assert res.json()["code"] == "unsupported_media_type" and res.json()["field"] == "Content-Type"
    assert Appeal.objects.count() == 0


def test_the_upload_route_refuses_a_json_body(api, people, submit):
    no = submit()["tracking_no"]
    res = api(people.resident).post(f"/api/v1/appeals/{no}/attachments", {"file": "x"})
    assert res.status_code == 415 and res.json()["field"] == "Content-Type"
