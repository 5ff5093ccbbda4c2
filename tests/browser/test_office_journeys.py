"""The back office in a real browser: dispatcher, handler, another county's handler, and two
dispatchers on one appeal at once. axe-core on every page visited; screenshots of the queue
and the desk (phone and desktop) in var/screenshots/office/."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from massline.appeals import suggestions, workflow
from massline.appeals.actions import AppealIn
from massline.appeals.models import Appeal, State
from massline.appeals.services import submit_appeal
from tests.browser import support
from tests.office.helpers import BODY, accepted, assigned, new

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = support.ROOT / "var" / "screenshots" / "office"


@pytest.fixture(autouse=True)
def engine(monkeypatch):
    """Suggestions trained in the request (no thread of their own beside the live server)."""
    monkeypatch.setattr(suggestions, "ENGINE", suggestions.Engine(check_every=0, background=False))


def screen(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def test_2_the_dispatcher_accepts_and_dispatches_with_a_co_handler(
    open_page, people, orgs, axe, snap
):
    appeal = new(people)
    new(people, title="考棚街井盖缺失无人处理")
    page = open_page("desktop", people.county_dispatcher)
    page.goto("/office/")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    axe(page)
    page.get_by_role("link", name=re.compile("待受理")).first.click()
    expect(page).to_have_url(re.compile(r"/office/queue/new/$"))
    expect(page.get_by_role("link", name="胜利街路灯损坏")).to_be_visible()
    snap(page, "queue")
    screen(page, "queue-desktop")
    axe(page)
    page.get_by_role("link", name="胜利街路灯损坏").click()
    expect(page).to_have_url(re.compile(rf"/office/appeals/{appeal.tracking_no}/$"))
    expect(page.get_by_text("13912345678")).to_be_visible()  # staff read the original
    axe(page)
    page.locator("#form-accept button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text("受理成功")
    form = page.locator("#form-dispatch")
    form.get_by_role("searchbox", name="筛选：主办单位").fill("城市管理")
    form.get_by_label("主办单位", exact=True).select_option(str(orgs.county_urban.pk))
    form.get_by_label("协办单位", exact=True).select_option(str(orgs.county_env.pk))
    form.get_by_label("派单备注").fill("请现场核实后答复")
    snap(page, "dispatch-form")
    form.locator("button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text("派单成功")
    expect(page.locator(".office-timeline")).to_contain_text(
        "派至黄州区城市管理执法局，协办：黄冈市生态环境局黄州分局"
    )
    screen(page, "desk-desktop")
    axe(page)
    a = Appeal.objects.get(pk=appeal.pk)
    assert a.state == State.ASSIGNED and a.lead_org == orgs.county_urban
    assert [o.pk for o in a.co_orgs.all()] == [orgs.county_env.pk]


def test_bulk_accept_in_the_dispatchers_inbox(open_page, people, axe):
    one, two = new(people), new(people, title="考棚街井盖缺失无人处理")
    page = open_page("desktop", people.county_dispatcher)
    page.goto("/office/queue/new/")
    page.get_by_label("全选本页").check()
    page.get_by_role("button", name="批量受理").click()
    expect(page.get_by_role("status")).to_contain_text("受理成功 2 件")
    axe(page)
    states = set(Appeal.objects.filter(pk__in=[one.pk, two.pk]).values_list("state", flat=True))
    assert states == {State.ACCEPTED}


def test_3_the_handler_signs_for_and_replies(open_page, people, orgs, axe, snap):
    appeal = assigned(people, orgs)
    page = open_page("phone", people.handler)
    page.goto("/office/queue/to_sign/")
    expect(page.get_by_role("link", name="胜利街路灯损坏")).to_be_visible()
    screen(page, "queue-phone")
    axe(page)
    page.get_by_role("link", name="胜利街路灯损坏").click()
    page.locator("#form-sign button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text("签收成功")
    form = page.locator("#form-reply")
    form.get_by_label("答复内容（公开）").fill("已短")
    form.locator("button[type=submit]").click()
    expect(form.locator(".field__error")).to_contain_text("答复内容至少10个字")
    expect(form.get_by_label("答复内容（公开）")).to_have_value("已短")
    axe(page)
    text = "已安排维修班组更换灯具，经复查胜利街路灯已恢复照明。"
    form = page.locator("#form-reply")
    form.get_by_label("答复内容（公开）").fill(text)
    form.get_by_label("办理备注（仅内部）").fill("维修单号 2026-118")
    snap(page, "reply")
    form.locator("button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text("答复成功")
    expect(page.locator(".office-desk")).to_contain_text(text)
    screen(page, "desk-phone")
    axe(page)
    assert Appeal.objects.get(pk=appeal.pk).state == State.REPLIED


def test_7_a_handler_of_another_county_gets_the_403_page(open_page, people, orgs, axe):
    appeal = assigned(people, orgs)
    page = open_page("desktop", people.city_handler)
    response = page.goto(f"/office/appeals/{appeal.tracking_no}/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("没有权限访问此页面")
    axe(page)


def test_8_two_dispatchers_act_on_one_appeal_at_once(open_page, people, orgs, axe, snap):
    appeal = accepted(people)
    first = open_page("desktop", people.county_dispatcher)
    second = open_page("desktop", people.city_dispatcher)
    url = f"/office/appeals/{appeal.tracking_no}/"
    for page in (first, second):
        page.goto(url)
        page.locator("summary", has_text="不予受理").click()
        page.locator("#form-reject").get_by_label("不予受理理由").select_option("duplicate")
    first.locator("#form-reject button[type=submit]").click()
    expect(first.get_by_role("status")).to_contain_text("不予受理成功")
    second.locator("#form-reject button[type=submit]").click()
    notice = second.get_by_role("alert")
    expect(notice).to_contain_text("此诉求已被他人处理，请刷新")
    expect(second.get_by_role("heading", level=1)).to_have_text("胜利街路灯损坏")
    snap(second, "conflict")
    axe(second)
    assert Appeal.objects.get(pk=appeal.pk).events.filter(action="reject").count() == 1


TITLES = [
    ("宝塔路小区门口路灯不亮一个月", 40),
    ("胜利街人行道井盖缺失存在隐患", 12),
    ("考棚街工地夜间施工噪音扰民", 9),
    ("东湖街道垃圾站异味严重", 3),
    ("赤壁大道公交站台破损", 0),
]


def _working_since(people, orgs, title: str, days_ago: int) -> Appeal:
    now = timezone.now() - timedelta(days=days_ago)
    data = AppealIn(kind="complaint", title=title, body=BODY, region_code="421102001")
    appeal, _ = submit_appeal(people.resident, data, now=now)
    d = people.county_dispatcher
    workflow.do_accept(appeal.pk, d, now=now)
    workflow.do_dispatch(
        appeal.pk, d, org_id=orgs.county_urban.pk, co_org_ids=[orgs.county_env.pk], now=now
    )
    workflow.do_sign(appeal.pk, people.handler, now=now)
    return appeal


def test_5_the_leader_reads_the_overdue_list_and_supervises_one(open_page, people, orgs, axe):
    rows = [_working_since(people, orgs, title, days) for title, days in TITLES]
    handler = open_page("desktop", people.handler)
    handler.goto("/office/queue/in_progress/")
    expect(handler.locator("tr.is-overdue")).to_have_count(1)
    screen(handler, "queue-desktop-deadlines")
    axe(handler)
    phone = open_page("phone", people.handler)
    phone.goto("/office/queue/in_progress/")
    screen(phone, "queue-phone-deadlines")
    axe(phone)
    page = open_page("desktop", people.leader)
    page.goto("/office/")
    page.get_by_role("link", name=re.compile("超期")).first.click()
    expect(page.get_by_role("link", name=TITLES[0][0])).to_be_visible()
    axe(page)
    page.get_by_role("link", name=TITLES[0][0]).click()
    form = page.locator("#form-supervise")
    form.get_by_label("督办意见").fill("请三个工作日内答复并报告办理情况")
    form.locator("button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text("督办成功")
    axe(page)
    page.get_by_role("link", name=re.compile("督办")).first.click()
    expect(page.get_by_role("link", name=TITLES[0][0])).to_be_visible()
    assert Appeal.objects.get(pk=rows[0].pk).supervised


def test_the_dispatcher_registers_a_call(open_page, people, axe):
    page = open_page("desktop", people.county_dispatcher)
    page.goto("/office/register/")
    axe(page)
    page.get_by_label("来源渠道").select_option("hotline")
    page.get_by_label("群众姓名").fill("刘大爷")
    page.get_by_label("群众手机号").fill("1370000")
    page.get_by_label("诉求类型").select_option("help")
    page.get_by_label("标题").fill("独居老人家中停水求助")
    page.get_by_label("内容").fill("来电称家中停水两天，独居行动不便，请帮助联系维修。")
    page.get_by_label("所在地区").select_option("421102001")
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".field--error")).to_contain_text("手机号")
    expect(page.get_by_label("内容")).to_have_value(
        "来电称家中停水两天，独居行动不便，请帮助联系维修。"
    )
    screen(page, "register-desktop-error")
    axe(page)
    page.get_by_label("群众手机号").fill("13700000009")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_role("status")).to_contain_text("已登记")
    expect(page.get_by_role("heading", level=1)).to_have_text("独居老人家中停水求助")
    expect(page.locator(".office-timeline")).to_contain_text("经12345热线反映")
    axe(page)


def test_the_suggestions_panel_on_the_desk(open_page, people, axe):
    first = new(people)
    second = new(people, title="胜利街路灯坏了两周没人修")
    page = open_page("desktop", people.county_dispatcher)
    page.goto(f"/office/appeals/{second.tracking_no}/")
    panel = page.locator(".office-suggestions")
    expect(panel).to_contain_text(first.tracking_no)
    screen(page, "desk-desktop-suggestions")
    axe(page)
    panel.get_by_role("button", name=re.compile("并入此件")).click()
    expect(page.get_by_role("status")).to_contain_text("并案成功")
    assert Appeal.objects.get(pk=second.pk).merged_into_id == first.pk


def test_the_desk_works_without_javascript(open_page, people, orgs, login):
    appeal = accepted(people)
    page = open_page("desktop", java_script_enabled=False)
    login(page, people.county_dispatcher)
    page.goto(f"/office/appeals/{appeal.tracking_no}/")
    form = page.locator("#form-dispatch")
    form.get_by_label("主办单位", exact=True).select_option(str(orgs.county_urban.pk))
    form.locator("button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text("派单成功")
    assert Appeal.objects.get(pk=appeal.pk).state == State.ASSIGNED
