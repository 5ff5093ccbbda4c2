"""征求意见 in a real Chromium on a phone: a resident comments on one paragraph, and once the
window has closed and the org has answered, follows the notice to the 采纳情况 report."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from massline.consult import services
from massline.consult.models import Comment, Consultation
from tests.consult.conftest import paragraphs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways"


def test_a_resident_comments_on_a_paragraph_and_later_reads_the_adoption_report(
    phone, login, axe, snap, world, draft
):
    today = timezone.localdate()
    c = draft(first_day=today - timedelta(days=1), last_day=today + timedelta(days=7))
    leash = paragraphs(c)[3]
    login(phone, world.people.resident)
    phone.goto("/consult/")
    axe(phone)
    phone.get_by_role("link", name="黄冈市城区养犬管理办法（征求意见稿）").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "黄冈市城区养犬管理办法（征求意见稿）"
    )
    no_sideways_scroll(phone)
    axe(phone)
    paragraph = phone.locator(f"#p-{leash}")
    paragraph.get_by_text("意见 0 条").click()
    paragraph.get_by_label("对本段的意见").fill("犬链一点五米太短，大型犬不方便，建议放宽到两米。")
    snap(phone, "comment on a paragraph")
    axe(phone)
    paragraph.get_by_role("button", name="提交意见").click()
    expect(phone.get_by_text("意见已发表，感谢您的参与。")).to_be_visible()
    expect(phone).to_have_url(re.compile(rf"#p-{leash}$"))
    paragraph = phone.locator(f"#p-{leash}")
    paragraph.get_by_text("意见 1 条").click()
    expect(paragraph.get_by_text("犬链一点五米太短")).to_be_visible()
    expect(paragraph.get_by_text("张**")).to_be_visible()
    no_sideways_scroll(phone)

    comment = Comment.objects.get(consultation=c)
    Consultation.objects.filter(pk=c.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    services.decide(
        world.officer, c.pk, comment_ids=[comment.pk], title="放宽犬链长度",
        outcome="adopted", reason="犬链长度改为不超过二米。",
    )  # fmt: skip
    services.revise(
        world.officer,
        c.pk,
        texts={leash: "第三条 携犬出户应当束犬链，犬链长度不超过二米。"},
        note="采纳群众关于犬链长度的意见。",
    )
    services.publish_report(world.officer, c.pk, summary="共收到意见1条，已采纳。")

    phone.goto("/")
    phone.get_by_role("link", name=re.compile("通知")).click()
    axe(phone)
    phone.get_by_role("link", name=re.compile("采纳情况已公布")).click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("意见采纳情况")
    row = phone.locator(".compare__row.change-changed")
    expect(row).to_contain_text("不超过一点五米")
    expect(row).to_contain_text("不超过二米")
    expect(phone.locator(".decision")).to_contain_text("采纳")
    snap(phone, "adoption report")
    no_sideways_scroll(phone)
    axe(phone)


def test_a_resident_answers_a_survey_on_a_phone(phone, login, axe, snap, world, orgs):
    today = timezone.localdate()
    s = services.create_survey(
        world.officer,
        org=orgs.city_housing,
        title="黄冈城区文明养犬情况调查",
        first_day=today - timedelta(days=1),
        last_day=today + timedelta(days=10),
        questions=[
            {"kind": "single", "text": "您是否养犬？", "options": ["是", "否"], "skip": {"1": 3}},
            {"kind": "multiple", "text": "您遛狗的时段", "options": ["早上", "傍晚", "深夜"]},
            {
                "kind": "matrix",
                "text": "您对以下措施的态度",
                "rows": ["强制拴绳", "限制大型犬"],
                "options": ["支持", "中立", "反对"],
            },
            {"kind": "rating", "text": "您对小区养犬秩序的满意程度", "scale": 5},
            {"kind": "region", "text": "您居住在哪里？"},
        ],
    )
    login(phone, world.people.resident)
    phone.goto(f"/consult/surveys/{s.pk}/")
    axe(phone)
    walks = phone.locator("#q2")
    expect(walks).to_be_visible()
    phone.get_by_label("否").check()
    expect(walks).to_be_hidden()
    phone.get_by_label("是").check()
    expect(walks).to_be_visible()
    walks.get_by_label("傍晚").check()
    leash = phone.get_by_role("group", name="强制拴绳")
    leash.get_by_label("支持").check()
    phone.get_by_role("group", name="限制大型犬").get_by_label("中立").check()
    phone.locator("#q4").get_by_label("4").check()
    phone.locator("#q5").locator("select").select_option(label="　东湖街道")
    no_sideways_scroll(phone)
    snap(phone, "survey filled in")
    axe(phone)
    phone.get_by_role("button", name="提交答卷").click()
    expect(phone.get_by_text("答卷已提交，感谢您的参与！")).to_be_visible()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("调查结果")
    expect(phone.locator("#r4")).to_contain_text("4.00")
    expect(phone.locator("#r1 svg").first).to_be_visible()
    no_sideways_scroll(phone)
    snap(phone, "results")
    axe(phone)


def test_a_resident_reads_an_interpretation_and_asks_under_the_document(
    phone, login, axe, snap, world, orgs
):
    document = services.publish(
        world.officer,
        org=orgs.city_housing,
        kind="policy",
        title="黄冈市城区既有住宅加装电梯实施办法",
        doc_number="黄政规〔2026〕8号",
        body="第一条 为改善既有住宅居住条件，制定本办法。\n第四条 每台补助15万元。",
    )
    services.publish(
        world.officer,
        org=orgs.city_housing,
        kind="interpretation",
        title="五问五答：读懂加装电梯实施办法",
        body="每台补助15万元，业主还可以提取住房公积金。",
        interprets=document,
    )
    login(phone, world.people.resident)
    phone.goto("/news/?kind=interpretation")
    axe(phone)
    phone.get_by_role("link", name="五问五答：读懂加装电梯实施办法").click()
    axe(phone)
    phone.get_by_role("link", name="黄冈市城区既有住宅加装电梯实施办法").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("黄冈市城区既有住宅加装电梯实施办法")
    phone.get_by_label("我要提问").fill("提取公积金加装电梯需要准备哪些材料？")
    snap(phone, "asking")
    phone.get_by_role("button", name="提交问题").click()
    expect(phone.get_by_text("问题已提交，发布单位答复后公开。")).to_be_visible()
    expect(phone.locator(".inquiry")).to_contain_text("待答复")
    no_sideways_scroll(phone)
    axe(phone)


def test_a_leader_answers_an_interview_question_live_while_a_resident_watches(
    open_page, axe, snap, world, orgs
):
    now = timezone.now()
    interview = services.schedule_interview(
        world.officer,
        org=orgs.city_housing,
        title="老旧小区改造，居民关心的事",
        guests="黄冈市住房和城乡建设局局长 何法规",
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(hours=1),
    )
    resident = open_page("phone", world.people.resident)
    resident.goto(f"/consult/interviews/{interview.pk}/")
    axe(resident)
    resident.get_by_label("我要提问").fill("我们小区加装电梯，一楼不同意怎么办？")
    resident.get_by_role("button", name="提交问题").click()
    expect(resident.get_by_text("问题已提交，主持人选用后由嘉宾回答。")).to_be_visible()

    leader = open_page("desktop", world.officer)
    leader.goto(f"/consult/interviews/{interview.pk}/host/")
    axe(leader)
    leader.get_by_role("button", name="选用", exact=True).click()
    expect(resident.locator("#live")).to_contain_text("已选问题，等待回答")
    leader.get_by_label("嘉宾回答").fill("社区会组织协商，设计单位出具采光评估，低层住户可少出资。")
    leader.get_by_role("button", name="发布回答").click()
    expect(resident.locator("#live .qa")).to_contain_text("低层住户可少出资")
    expect(resident.locator("#live .qa")).to_contain_text("何法规")
    snap(resident, "answer arrived live")
    no_sideways_scroll(resident)
    axe(resident)
