"""Dispatcher inbox extras: bulk accept and dispatch, registering a call (代为登记)."""

import pytest

from massline.appeals import workflow
from massline.appeals.models import Appeal, Channel, State
from tests.office.helpers import accepted, client_for, fresh, new

pytestmark = pytest.mark.django_db


def test_bulk_accept_reports_each_appeal(people):
    one, two = new(people), new(people, title="考棚街井盖缺失")
    stale = two.version
    workflow.do_accept(two.pk, people.county_dispatcher)
    client = client_for(people.county_dispatcher)
    res = client.post(
        "/office/queue/new/bulk/",
        {"appeals": [f"{one.tracking_no}:{one.version}", f"{two.tracking_no}:{stale}"]},
    )
    assert res.status_code == 302 and res["Location"] == "/office/queue/new/"
    assert fresh(one).state == State.ACCEPTED
    html = client.get(res["Location"]).content.decode()
    assert f"受理成功 1 件：{one.tracking_no}" in html
    assert f"{two.tracking_no}：此诉求已被他人处理，请刷新" in html


def test_bulk_needs_a_choice(people):
    res = client_for(people.county_dispatcher).post("/office/queue/new/bulk/", {}, follow=True)
    assert "请先勾选诉求" in res.content.decode()


def test_bulk_dispatch_with_a_co_handler(people, orgs):
    rows = [accepted(people), accepted(people, title="考棚街井盖缺失")]
    client = client_for(people.county_dispatcher)
    html = client.get("/office/queue/to_dispatch/").content.decode()
    assert 'name="appeals"' in html and "批量派单" in html
    res = client.post(
        "/office/queue/to_dispatch/bulk/",
        {
            "appeals": [f"{a.tracking_no}:{fresh(a).version}" for a in rows],
            "org_id": orgs.county_urban.pk,
            "co_org_ids": [orgs.county_env.pk],
        },
        follow=True,
    )
    assert "派单成功 2 件" in res.content.decode()
    for a in rows:
        a = fresh(a)
        assert a.state == State.ASSIGNED and a.lead_org == orgs.county_urban


def test_bulk_dispatch_without_an_org_fails_per_appeal(people):
    a = accepted(people)
    res = client_for(people.county_dispatcher).post(
        "/office/queue/to_dispatch/bulk/",
        {"appeals": [f"{a.tracking_no}:{a.version}"]},
        follow=True,
    )
    assert "派单失败" in res.content.decode() and fresh(a).state == State.ACCEPTED


def test_bulk_is_only_for_the_dispatchers_inbox(people):
    assert client_for(people.handler).post("/office/queue/to_sign/bulk/", {}).status_code == 404
    assert client_for(people.handler).post("/office/queue/new/bulk/", {}).status_code == 404


FORM = {
    "channel": Channel.HOTLINE,
    "contact_name": "刘大爷",
    "contact_phone": "13700000009",
    "kind": "help",
    "title": "独居老人家中停水求助",
    "body": "来电称东湖街道某小区家中停水两天，独居行动不便，请帮助联系维修。",
    "region_code": "421102001",
    "location": "东湖街道某小区3栋",
    "is_public": "on",
    "idempotency_key": "call-0001",
}


def test_register_a_call_for_a_resident(people):
    client = client_for(people.county_dispatcher)
    html = client.get("/office/register/").content.decode()
    assert "代为登记" in html and 'name="idempotency_key"' in html
    assert "东湖街道" in html and 'value="web"' not in html
    res = client.post("/office/register/", FORM)
    assert res.status_code == 302
    appeal = Appeal.objects.get(title=FORM["title"])
    assert res["Location"] == f"/office/appeals/{appeal.tracking_no}/"
    assert appeal.channel == Channel.HOTLINE and appeal.registered_by == people.county_dispatcher
    assert appeal.submitted_by.phone == "13700000009"
    again = client.post("/office/register/", FORM)
    assert again.status_code == 302 and Appeal.objects.filter(title=FORM["title"]).count() == 1


def test_register_keeps_the_text_and_names_the_field(people):
    res = client_for(people.county_dispatcher).post(
        "/office/register/", {**FORM, "contact_phone": "12345", "title": "停水"}
    )
    html = res.content.decode()
    assert res.status_code == 422
    assert "独居行动不便" in html and 'value="刘大爷"' in html
    assert "field--error" in html and "手机号" in html


def test_register_outside_the_hubs_area_is_refused_at_the_field(people):
    res = client_for(people.macheng_dispatcher).post(
        "/office/register/", {**FORM, "idempotency_key": "call-2"}
    )
    assert res.status_code == 422 and "不在您的受理范围内" in res.content.decode()


def test_only_dispatchers_register(people):
    assert client_for(people.handler).get("/office/register/").status_code == 403
