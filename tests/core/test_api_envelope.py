"""Every API error is the {code, message, field} JSON in Chinese that states the limit, and the
docs page can be used after logging in on it."""

import json

import pytest
from django.test import Client

from massline.core.validation import describe_errors
from tests.conftest import PASSWORD, SAMPLE


def test_the_docs_page_sets_the_csrf_cookie_and_sends_it_as_it_is_at_each_request(db):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "csrftoken" in page.cookies
    html = page.content.decode()
    assert "js/api-docs.js" in html and "<script>" not in html
    script = client.get("/static/js/api-docs.js")
    text = b"".join(script.streaming_content).decode() if script.streaming else script.text
    assert "requestInterceptor" in text and "document.cookie" in text and "X-CSRFToken" in text


def test_after_logging_in_on_the_docs_page_a_post_with_the_cookie_token_goes_through(people):
    client = Client(enforce_csrf_checks=True)
    client.get("/api/docs")
    before = client.cookies["csrftoken"].value
    login = client.post(
        "/api/v1/auth/login",
        {"username": "13800000001", "password": PASSWORD},
        content_type="application/json",
        headers={"X-CSRFToken": before},
    )
    assert login.status_code == 200
    after = client.cookies["csrftoken"].value
    assert after != before
    res = client.post(
        "/api/v1/appeals",
        json.dumps({**SAMPLE, "region_code": "999999"}),
        content_type="application/json",
        headers={"X-CSRFToken": after},
    )
    assert res.status_code == 422 and res.json()["field"] == "region_code"
    stale = client.post(
        "/api/v1/appeals", "{}", content_type="application/json", headers={"X-CSRFToken": before}
    )
    assert (
        stale.status_code == 403 and stale.json()["message"] == "安全校验失败，请刷新页面后重试。"
    )


def test_an_anonymous_post_is_asked_to_log_in_not_told_about_csrf(db):
    client = Client(enforce_csrf_checks=True)
    res = client.post("/api/v1/appeals", json.dumps(SAMPLE), content_type="application/json")
    assert res.status_code == 401
    assert res.json() == {"code": "unauthenticated", "message": "请先登录。", "field": None}


def test_a_body_over_the_upload_limit_gets_the_json_envelope(people, settings):
    from tests.conftest import Api

    client = Api(people.resident)
    big = json.dumps({**SAMPLE, "body": "很" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2)})
    res = client.client.post(
        "/api/v1/appeals", big, content_type="application/json", headers=client.headers
    )
    assert res.status_code == 413
    assert res["Content-Type"].startswith("application/json")
    assert res.json() == {
        "code": "too_large",
        "message": "请求内容不能超过 2.5 MB。",
        "field": None,
    }


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"page": "0"}, "page", "page 不能小于 1"),
        ({"page_size": "101"}, "page_size", "page_size 不能大于 100"),
        ({"page": "abc"}, "page", "page 须为整数"),
        ({"kind": "rumour"}, "kind", "kind 取值须为 complaint、"),
        ({"date_from": "2026-02-30"}, "date_from", "date_from 日期格式应为 YYYY-MM-DD"),
    ],
)
def test_query_errors_name_the_field_and_the_limit_in_chinese(db, params, field, message):
    res = Client().get("/api/v1/appeals", params)
    assert res.status_code == 422
    body = res.json()
    assert body["field"] == field and body["message"].startswith(message), body
    assert all(set(e) == {"field", "code", "message"} for e in body["errors"])


def test_every_error_type_gets_a_chinese_message_with_its_limit():
    errors = [
        {"type": "string_too_short", "loc": ("body", "payload", "title"), "ctx": {"min_length": 4}},
        {
            "type": "string_too_long",
            "loc": ("body", "payload", "title"),
            "ctx": {"max_length": 100},
        },
        {"type": "too_long", "loc": ("body", "payload", "ids"), "ctx": {"max_length": 5}},
        {"type": "greater_than", "loc": ("query", "limit"), "ctx": {"gt": 0}},
        {"type": "less_than", "loc": ("query", "limit"), "ctx": {"lt": 10}},
        {"type": "missing", "loc": ("body", "payload", "body")},
        {
            "type": "literal_error",
            "loc": ("body", "payload", "verdict"),
            "ctx": {"expected": "'a' or 'b'"},
        },
        {"type": "something_new", "loc": ("query", "x")},
    ]
    messages = [e["message"] for e in describe_errors(errors)]
    assert messages == [
        "title 至少 4 个字符",
        "title 最多 100 个字符",
        "ids 最多 5 项",
        "limit 须大于 0",
        "limit 须小于 10",
        "body 为必填项",
        "verdict 取值须为 a、b 之一",
        "x 取值无效",
    ]
