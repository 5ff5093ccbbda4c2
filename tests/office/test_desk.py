"""The appeal desk: what staff read, each action's form, conflicts and errors at the field."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from massline.appeals import workflow
from massline.appeals.models import ExtensionRequest, State
from tests.office.helpers import (
    accepted,
    assigned,
    client_for,
    fresh,
    in_progress,
    new,
    png,
    replied,
)

pytestmark = pytest.mark.django_db


def desk(no: str) -> str:
    return f"/office/appeals/{no}/"


def act(no: str, action: str) -> str:
    return f"/office/appeals/{no}/do/{action}/"


def test_the_dispatcher_reads_the_original_and_the_forms_of_the_actions_allowed(people):
    appeal = new(people)
    res = client_for(people.county_dispatcher).get(desk(appeal.tracking_no))
    html = res.content.decode()
    assert res.status_code == 200 and 'class="office"' in html
    assert "13912345678" in html and "张三丰" in html
    for action in ("accept", "reject"):
        assert act(appeal.tracking_no, action) in html
    assert act(appeal.tracking_no, "dispatch") not in html
    assert f'name="version" value="{appeal.version}"' in html
    assert "重复诉求" in html  # reject reasons
    assert "办理记录" in html and "已提交至黄州区12345热线中心" in html


def test_a_handler_of_another_county_gets_the_403_page_for_a_public_appeal(people, orgs):
    appeal = assigned(people, orgs)
    res = client_for(people.city_handler).get(desk(appeal.tracking_no))
    assert res.status_code == 403 and "没有权限访问此页面" in res.content.decode()
    other = client_for(people.macheng_dispatcher)
    assert other.get(desk(appeal.tracking_no)).status_code == 403
    assert other.post(act(appeal.tracking_no, "transfer"), {}).status_code == 403


def test_an_appeal_they_cannot_see_at_all_is_not_found(people):
    appeal = new(people, is_public=False)
    assert client_for(people.macheng_dispatcher).get(desk(appeal.tracking_no)).status_code == 404
    assert client_for(people.handler).get(desk("HG20990101-000001")).status_code == 404


def test_accept_redirects_back_with_a_message(people):
    appeal = new(people)
    client = client_for(people.county_dispatcher)
    res = client.post(act(appeal.tracking_no, "accept"), {"version": appeal.version, "note": ""})
    assert res.status_code == 302 and res["Location"] == desk(appeal.tracking_no)
    assert fresh(appeal).state == State.ACCEPTED
    html = client.get(res["Location"]).content.decode()
    assert "受理成功" in html and act(appeal.tracking_no, "dispatch") in html


def test_a_stale_version_shows_the_conflict_notice_not_an_error_page(people):
    appeal = new(people)
    stale = appeal.version
    workflow.do_accept(appeal.pk, people.county_dispatcher)
    client = client_for(people.county_dispatcher)
    res = client.post(act(appeal.tracking_no, "accept"), {"version": stale, "note": "我来受理"})
    html = res.content.decode()
    assert res.status_code == 409
    assert "此诉求已被他人处理，请刷新" in html and "已受理" in html
    assert 'class="office"' in html and "没有权限" not in html
    res = client.post(
        act(appeal.tracking_no, "reject"), {"version": stale, "reason": "duplicate", "note": "x"}
    )
    assert res.status_code == 409 and "此诉求已被他人处理，请刷新" in res.content.decode()
    assert 'value="duplicate" selected' in res.content.decode()


def test_an_action_no_longer_allowed_at_the_current_version_says_why(people, orgs):
    appeal = in_progress(people, orgs)
    workflow.do_supervise(appeal.pk, people.leader, note="请加快办理")
    res = client_for(people.leader).post(
        act(appeal.tracking_no, "supervise"), {"version": fresh(appeal).version, "note": "再督"}
    )
    assert res.status_code == 409 and "该诉求已在督办中" in res.content.decode()


def test_reject_needs_a_reason_and_keeps_the_note(people):
    appeal = new(people)
    client = client_for(people.county_dispatcher)
    res = client.post(
        act(appeal.tracking_no, "reject"),
        {"version": appeal.version, "reason": "", "note": "内容与本市无关的说明"},
    )
    html = res.content.decode()
    assert res.status_code == 422
    assert "内容与本市无关的说明" in html and "field--error" in html
    res = client.post(
        act(appeal.tracking_no, "reject"),
        {"version": appeal.version, "reason": "out_of_scope", "note": "属司法程序"},
    )
    assert res.status_code == 302 and fresh(appeal).state == State.REJECTED


def test_dispatch_with_a_co_handler(people, orgs):
    appeal = accepted(people)
    client = client_for(people.county_dispatcher)
    html = client.get(desk(appeal.tracking_no)).content.decode()
    assert "黄州区城市管理执法局" in html and "东湖街道社区党支部" not in html
    res = client.post(
        act(appeal.tracking_no, "dispatch"),
        {
            "version": fresh(appeal).version,
            "org_id": orgs.county_urban.pk,
            "co_org_ids": [orgs.county_env.pk],
            "note": "请现场核实",
        },
    )
    assert res.status_code == 302
    a = fresh(appeal)
    assert a.state == State.ASSIGNED and a.lead_org == orgs.county_urban
    assert list(a.co_orgs.all()) == [orgs.county_env]
    html = client.get(desk(appeal.tracking_no)).content.decode()
    assert "派至黄州区城市管理执法局，协办：黄冈市生态环境局黄州分局" in html
    assert "请现场核实" in html  # internal note, staff only


def test_dispatch_to_an_org_out_of_scope_is_an_error_at_the_field(people, orgs):
    appeal = accepted(people)
    res = client_for(people.county_dispatcher).post(
        act(appeal.tracking_no, "dispatch"),
        {"version": fresh(appeal).version, "org_id": orgs.city_housing.pk, "note": "留言"},
    )
    html = res.content.decode()
    assert res.status_code == 422 and "不在您的派单范围内" in html and "留言" in html


def test_the_handler_signs_for_and_replies_with_an_attachment(people, orgs):
    appeal = assigned(people, orgs)
    client = client_for(people.handler)
    res = client.post(act(appeal.tracking_no, "sign"), {"version": fresh(appeal).version})
    assert res.status_code == 302 and fresh(appeal).state == State.IN_PROGRESS
    text = "已安排维修班组更换灯具，经复查路灯已恢复照明。"
    res = client.post(
        act(appeal.tracking_no, "reply"),
        {
            "version": fresh(appeal).version,
            "text": text,
            "internal_note": "维修单号 2026-118",
            "files": [png()],
        },
    )
    assert res.status_code == 302, res.content.decode()[:2000]
    a = fresh(appeal)
    assert a.state == State.REPLIED and a.reply_text == text
    assert a.attachments.count() == 1
    html = client.get(desk(appeal.tracking_no)).content.decode()
    assert "photo.png" in html and f"/api/v1/appeals/{appeal.tracking_no}/attachments/" in html
    assert "维修单号 2026-118" in html


def test_a_short_reply_is_refused_at_the_field_with_the_text_kept(people, orgs):
    appeal = in_progress(people, orgs)
    res = client_for(people.handler).post(
        act(appeal.tracking_no, "reply"),
        {"version": fresh(appeal).version, "text": "已处理", "internal_note": "内部说明文字"},
    )
    html = res.content.decode()
    assert res.status_code == 422
    assert "答复内容至少10个字" in html and "已处理</textarea>" in html
    assert "内部说明文字" in html
    assert fresh(appeal).state == State.IN_PROGRESS


def test_a_handler_attaches_a_file_on_its_own(people, orgs):
    appeal = in_progress(people, orgs)
    client = client_for(people.handler)
    res = client.post(f"/office/appeals/{appeal.tracking_no}/attach/", {"file": png("现场.png")})
    assert res.status_code == 302 and fresh(appeal).attachments.count() == 1
    res = client.post(f"/office/appeals/{appeal.tracking_no}/attach/", {})
    assert res.status_code == 422 and "请选择要上传的文件" in res.content.decode()


def test_return_shows_the_reason_to_the_dispatcher(people, orgs):
    appeal = assigned(people, orgs)
    res = client_for(people.handler).post(
        act(appeal.tracking_no, "return"),
        {"version": fresh(appeal).version, "reason": "该路段路灯属供电公司管理"},
    )
    assert res.status_code == 302 and fresh(appeal).state == State.RETURNED
    client = client_for(people.county_dispatcher)
    html = client.get("/office/queue/returned/").content.decode()
    assert appeal.tracking_no in html
    html = client.get(desk(appeal.tracking_no)).content.decode()
    assert "退回理由" in html and "该路段路灯属供电公司管理" in html
    assert act(appeal.tracking_no, "dispatch") in html


def test_extension_requested_and_decided(people, orgs):
    appeal = in_progress(people, orgs)
    res = client_for(people.handler).post(
        act(appeal.tracking_no, "request_extension"),
        {"version": fresh(appeal).version, "days": "abc", "reason": "需协调供电公司"},
    )
    assert res.status_code == 422 and "需协调供电公司" in res.content.decode()
    res = client_for(people.handler).post(
        act(appeal.tracking_no, "request_extension"),
        {"version": fresh(appeal).version, "days": "5", "reason": "需协调供电公司"},
    )
    assert res.status_code == 302
    dispatcher = client_for(people.county_dispatcher)
    assert appeal.tracking_no in dispatcher.get("/office/queue/extensions/").content.decode()
    res = dispatcher.post(
        act(appeal.tracking_no, "decide_extension"),
        {"version": fresh(appeal).version, "approve": "true", "note": "同意"},
    )
    assert res.status_code == 302
    assert appeal.extensions.get().status == ExtensionRequest.Status.APPROVED


def test_the_leader_supervises_from_the_desk(people, orgs):
    appeal = in_progress(people, orgs)
    client = client_for(people.leader)
    res = client.post(act(appeal.tracking_no, "supervise"), {"version": fresh(appeal).version})
    assert res.status_code == 422 and "督办意见" in res.content.decode()
    res = client.post(
        act(appeal.tracking_no, "supervise"),
        {"version": fresh(appeal).version, "note": "请三日内答复"},
    )
    assert res.status_code == 302 and fresh(appeal).supervised
    assert appeal.tracking_no in client.get("/office/queue/supervised/").content.decode()


def test_the_co_handler_gives_an_opinion(people, orgs):
    appeal = in_progress(people, orgs)
    client = client_for(people.env_handler)
    html = client.get(desk(appeal.tracking_no)).content.decode()
    assert (
        act(appeal.tracking_no, "opinion") in html and act(appeal.tracking_no, "reply") not in html
    )
    res = client.post(
        act(appeal.tracking_no, "opinion"),
        {"version": fresh(appeal).version, "text": "未发现环境污染问题。"},
    )
    assert res.status_code == 302
    assert (
        "黄冈市生态环境局黄州分局已提交协办意见"
        in client.get(desk(appeal.tracking_no)).content.decode()
    )


def test_merge_into_a_primary(people):
    primary = accepted(people)
    other = new(people, title="胜利街路灯又坏了")
    client = client_for(people.county_dispatcher)
    res = client.post(
        act(other.tracking_no, "merge"), {"version": other.version, "primary": "HG-nothing"}
    )
    assert res.status_code == 422 and "HG-nothing" in res.content.decode()
    res = client.post(
        act(other.tracking_no, "merge"), {"version": other.version, "primary": primary.tracking_no}
    )
    assert res.status_code == 302 and fresh(other).merged_into_id == primary.pk


def test_reopen_a_replied_appeal(people, orgs):
    appeal = replied(people, orgs)
    res = client_for(people.county_dispatcher).post(
        act(appeal.tracking_no, "reopen"),
        {"version": fresh(appeal).version, "reason": "群众来电反映路灯仍不亮"},
    )
    assert res.status_code == 302 and fresh(appeal).state == State.REOPENED


def test_close_before_the_rating_window_is_over_says_why(people, orgs):
    appeal = replied(people, orgs)
    res = client_for(people.county_dispatcher).post(
        act(appeal.tracking_no, "close"), {"version": fresh(appeal).version, "note": ""}
    )
    assert res.status_code == 409 and "评价期尚未结束" in res.content.decode()


def test_unknown_actions_and_get_requests_are_refused(people):
    appeal = new(people)
    client = client_for(people.county_dispatcher)
    assert client.post(act(appeal.tracking_no, "rate"), {}).status_code == 404
    assert client.get(act(appeal.tracking_no, "accept")).status_code == 405
    assert client_for(people.resident).post(act(appeal.tracking_no, "accept")).status_code == 403


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_desk_queries_do_not_grow_with_the_timeline(people, orgs):
    appeal = in_progress(people, orgs)
    client = client_for(people.handler)
    _queries(client, desk(appeal.tracking_no))  # warm the process caches
    before = _queries(client, desk(appeal.tracking_no))
    for n in range(6):
        workflow.do_opinion(appeal.pk, people.env_handler, text=f"第{n}条协办意见内容")
    assert _queries(client, desk(appeal.tracking_no)) == before <= 20


def test_the_dispatcher_sees_suggestions_and_merges_a_near_duplicate(people):
    first = new(people)
    second = new(people, title="胜利街路灯损坏了")
    client = client_for(people.county_dispatcher)
    html = client.get(desk(second.tracking_no)).content.decode()
    assert "智能建议" in html and "历史" in html  # too little history for the models
    assert "疑似重复" in html and first.tracking_no in html
    res = client.post(
        act(second.tracking_no, "merge"), {"version": second.version, "primary": first.tracking_no}
    )
    assert res.status_code == 302 and fresh(second).merged_into_id == first.pk


def test_handlers_get_no_suggestions(people, orgs):
    appeal = in_progress(people, orgs)
    html = client_for(people.handler).get(desk(appeal.tracking_no)).content.decode()
    assert "智能建议" not in html


def test_a_suggested_department_preselects_the_dispatch_form(people, orgs):
    appeal = accepted(people)
    client = client_for(people.county_dispatcher)
    html = client.get(desk(appeal.tracking_no) + f"?org={orgs.county_urban.pk}").content.decode()
    assert f'<option value="{orgs.county_urban.pk}" selected>' in html
    html = client.get(desk(appeal.tracking_no) + f"?org={orgs.city_housing.pk}").content.decode()
    assert f'<option value="{orgs.city_housing.pk}" selected>' not in html


def test_the_attachment_link_downloads_for_staff_only(people, orgs):
    appeal = in_progress(people, orgs)
    client = client_for(people.handler)
    client.post(f"/office/appeals/{appeal.tracking_no}/attach/", {"file": png()})
    html = client.get(desk(appeal.tracking_no)).content.decode()
    url = re.search(r'href="(/api/v1/appeals/[^"]+/attachments/\d+)"', html).group(1)
    assert client.get(url).status_code == 200
    assert client_for(people.city_handler).get(url).status_code == 404


def test_a_reopened_appeal_offers_the_department_that_handled_it_first(people, orgs):
    """Issue 16 item 7: a reopened appeal came back to the hub with nothing preselected."""
    appeal = replied(people, orgs)
    workflow.do_reopen(appeal.pk, people.county_dispatcher, reason="群众反映路灯仍不亮")
    html = client_for(people.county_dispatcher).get(desk(appeal.tracking_no)).content.decode()
    form = html[html.index(act(appeal.tracking_no, "dispatch")) :]
    picked = re.search(r'<option value="(\d+)" selected>', form)
    assert picked and picked.group(1) == str(orgs.county_urban.pk)
    assert "上一轮由黄州区城市管理执法局承办" in html
    co = form[form.index('name="co_org_ids"') :][:3000]
    assert (
        f'value="{orgs.county_env.pk}" checked' in co
        or f'value="{orgs.county_env.pk}" selected' in co
    )


def test_attachments_show_as_thumbnails_with_the_residents_and_the_departments_apart(people, orgs):
    """Issue 16 item 8: the desk showed links only, and one list for everybody's files."""
    from massline.appeals.services import attach_file

    appeal = in_progress(people, orgs)
    attach_file(appeal.pk, people.resident, png("现场.png"))
    client = client_for(people.handler)
    client.post(
        act(appeal.tracking_no, "reply"),
        {
            "version": fresh(appeal).version,
            "text": "已安排维修班组更换灯具，经复查路灯已恢复照明。",
            "files": [png("维修后.png")],
        },
    )
    html = client.get(desk(appeal.tracking_no)).content.decode()
    resident = html[html.index("群众提交的附件") : html.index("办理单位的附件")]
    staff = html[html.index("办理单位的附件") :][:1500]
    assert "现场" in resident and "维修后" not in resident and "<img" in resident
    assert "维修后" in staff and "<img" in staff
    page = client_for(people.resident).get(f"/appeals/{appeal.tracking_no}/").content.decode()
    assert "您提交的附件" in page and "办理单位的附件" in page
