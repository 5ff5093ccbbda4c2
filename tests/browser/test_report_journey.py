"""监督举报 in a real Chromium on a phone (320 px wide, the narrowest the site supports): an
anonymous report, its 查询码, a wrong and a right password, adding material; then the
纪检监察 handler's desk with the sealed reporter. axe-core on every page."""

import re

import pytest
from playwright.sync_api import expect

from massline.appeals import workflow
from massline.appeals.models import Appeal
from tests.appeals.conftest import jw  # noqa: F401  (the 纪检监察 orgs and their people)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "举报查询Pass-2026"
NARROW = {"width": 320, "height": 700}


def no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways"


def test_an_anonymous_reporter_reports_and_follows_the_case_on_a_phone(
    open_page,
    axe,
    snap,
    orgs,
    people,
    jw,  # noqa: F811
):
    phone = open_page("phone", viewport=NARROW)
    phone.goto("/")
    phone.get_by_role("link", name="监督举报（可匿名）").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("监督举报")
    axe(phone)
    phone.get_by_label("被反映单位").select_option(label=orgs.county_urban.name)
    phone.get_by_label("标题").fill("城管执法中队长向商户索要财物")
    phone.get_by_label("举报内容").fill(
        "黄州区城管执法中队王某某多次向东湖街道商户索要烟酒和现金，不给就罚款。"
    )
    phone.get_by_label("问题发生地").select_option("421102001")
    phone.get_by_label("查询密码", exact=True).fill(PASSWORD)
    phone.get_by_label("再次输入查询密码").fill(PASSWORD)
    no_sideways_scroll(phone)
    snap(phone, "report-filled")
    phone.get_by_role("button", name="提交举报").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("举报已提交")
    code = phone.locator("[data-code]").inner_text().strip()
    assert re.fullmatch(r"([2-9A-HJ-NP-Z]{4}-){3}[2-9A-HJ-NP-Z]{4}", code)
    no_sideways_scroll(phone)
    axe(phone)
    appeal = Appeal.objects.get()
    assert appeal.sealed and not appeal.is_public and appeal.discipline_org == jw.county

    phone.get_by_role("link", name="凭查询码查看进度").click()
    phone.get_by_label("查询码").fill(code)
    phone.get_by_label("查询密码").fill("wrong-password")
    phone.get_by_role("button", name="查询").click()
    expect(phone.get_by_text("查询码或密码不正确，请核对后再查。")).to_be_visible()
    axe(phone)
    phone.get_by_label("查询码").fill(code.lower())
    phone.get_by_label("查询密码").fill(PASSWORD)
    phone.get_by_role("button", name="查询").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("城管执法中队长向商户索要财物")
    no_sideways_scroll(phone)
    axe(phone)
    phone.get_by_role("textbox", name="补充材料").fill("补充：索要发生在11月3日晚上八点左右。")
    phone.get_by_role("button", name="提交补充材料").click()
    expect(phone.get_by_text("补充材料已提交。")).to_be_visible()
    expect(phone.get_by_text("补充：索要发生在11月3日晚上八点左右。")).to_be_visible()
    snap(phone, "report-case")
    axe(phone)

    d = people.county_dispatcher
    workflow.perform("accept", appeal.pk, d)
    workflow.perform("dispatch", appeal.pk, d, {"org_id": jw.county.pk})
    desk = open_page("desktop", user=jw.handler)
    desk.goto(f"/office/appeals/{appeal.tracking_no}/")
    expect(desk.get_by_text("严格保密，本次查看已记录")).to_be_visible()
    expect(desk.locator("dd", has_text="匿名举报")).to_be_visible()
    axe(desk)
