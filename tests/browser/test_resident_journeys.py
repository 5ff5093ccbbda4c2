"""Residents' journeys in a real Chromium: register and submit on a phone, rate a reply, a form
error, personal data never shown in public; axe-core on every page visited. The last test saves
the pages' screenshots (phone and desktop) under var/screenshots/residents/."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from massline.accounts.sms import MemoryBackend
from massline.appeals import services, workflow
from massline.appeals.actions import AppealIn
from massline.appeals.models import Appeal, Category, State
from tests.browser import support
from tests.conftest import SAMPLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = support.ROOT / "var" / "screenshots" / "residents"
REPLY = "经现场核查，已责令施工单位夜间22时后停止作业，并安排执法人员每晚巡查，请您继续监督。"


def png(tmp_path: Path) -> Path:
    path = tmp_path / "现场照片.png"
    buf = BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return path


def submit_as(user, **overrides) -> Appeal:
    appeal, _ = services.submit_appeal(user, AppealIn(**{**SAMPLE, **overrides}))
    return appeal


def to_reply(appeal, people, orgs) -> None:
    d, h = people.county_dispatcher, people.handler
    workflow.perform("accept", appeal.pk, d)
    workflow.perform("dispatch", appeal.pk, d, {"org_id": orgs.county_urban.pk})
    workflow.perform("sign", appeal.pk, h)
    workflow.perform("reply", appeal.pk, h, {"text": REPLY})


def no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways"


def test_1_a_resident_registers_and_submits_on_a_phone(phone, axe, snap, orgs, tmp_path):
    phone.goto("/")
    axe(phone)
    phone.get_by_role("link", name="我要留言").first.click()
    expect(phone).to_have_url(re.compile(r"/login/\?next=/submit/"))
    axe(phone)
    phone.get_by_role("link", name="没有账号？用手机号注册").click()
    axe(phone)

    phone.get_by_label("手机号").first.fill("13911112222")
    phone.get_by_role("button", name="发送验证码").click()
    expect(phone.get_by_text("验证码已发送，10分钟内有效。")).to_be_visible()
    code = re.search(r"验证码(\d{6})", MemoryBackend.outbox[-1][1]).group(1)
    step2 = phone.locator("form").filter(has=phone.get_by_label("短信验证码"))
    expect(step2.get_by_label("手机号")).to_have_value("13911112222")
    step2.get_by_label("短信验证码").fill(code)
    step2.get_by_label("真实姓名").fill("刘晓红")
    step2.get_by_label("设置密码").fill("honghong-2026")
    snap(phone, "register")
    axe(phone)
    step2.get_by_role("button", name="注册并登录").click()

    expect(phone).to_have_url(re.compile(r"/submit/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("我要留言")
    axe(phone)
    phone.get_by_label("留言类型").select_option("complaint")
    phone.get_by_label("标题").fill("小区门口路灯坏了一个月")
    phone.get_by_label("内容", exact=True).fill(
        "东湖街道考棚街小区门口的三盏路灯坏了一个多月，晚上很黑，老人出门容易摔倒，请尽快修复。"
    )
    # the region picker's type-ahead filter: typing a town picks it
    phone.get_by_label("筛选所在地区").fill("东湖")
    expect(phone.get_by_label("所在地区", exact=True)).to_have_value("421102001")
    # the draft survives a reload (a lost connection on the phone), with its idempotency key:
    # a form sent before the connection dropped is not created twice when sent again
    key = phone.locator("input[name=idempotency_key]")
    first_key = key.input_value()
    phone.reload()
    expect(key).to_have_value(first_key)
    expect(phone.get_by_text("已恢复上次未提交的草稿。")).to_be_visible()
    expect(phone.get_by_label("标题")).to_have_value("小区门口路灯坏了一个月")
    expect(phone.get_by_label("所在地区", exact=True)).to_have_value("421102001")

    phone.get_by_label("附件").set_input_files(str(png(tmp_path)))
    expect(phone.locator("[data-previews] img")).to_have_count(1)
    no_sideways_scroll(phone)
    snap(phone, "submit-filled")
    axe(phone)
    phone.get_by_role("button", name="提交留言").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("提交成功")
    number = phone.locator("[data-tracking-no]").inner_text().strip()
    assert re.fullmatch(r"HG\d{8}-\d{6}", number)
    snap(phone, "submitted")
    axe(phone)
    assert phone.evaluate("() => localStorage.getItem('massline-draft-appeal')") is None
    appeal = Appeal.objects.get(tracking_no=number)
    assert appeal.submitted_by.real_name == "刘晓红" and appeal.attachments.count() == 1

    phone.get_by_role("link", name="我的留言").first.click()
    expect(phone.get_by_role("link", name="小区门口路灯坏了一个月")).to_be_visible()
    expect(phone.get_by_text(number)).to_be_visible()
    expect(phone.locator(".badge.state-submitted")).to_have_text("待受理")
    axe(phone)
    phone.get_by_role("link", name="小区门口路灯坏了一个月").click()
    expect(phone.locator(".timeline__title").first).to_have_text("已提交")
    expect(phone.locator(".thumbs img")).to_have_count(1)
    axe(phone)


def test_4_the_resident_sees_the_reply_rates_it_dissatisfied_and_it_reopens(
    phone, login, axe, snap, people, orgs
):
    appeal = submit_as(people.resident)
    to_reply(appeal, people, orgs)
    login(phone, people.resident)
    phone.goto("/mine/")
    expect(phone.locator(".badge.state-replied")).to_have_text("已答复")
    axe(phone)
    phone.get_by_role("link", name=SAMPLE["title"]).click()
    titles = phone.locator(".timeline__title")
    expect(titles).to_have_text(["已答复", "已签收", "已派单", "已受理", "已提交"])
    expect(phone.get_by_text("派至黄州区城市管理执法局")).to_be_visible()
    expect(phone.get_by_role("heading", name="黄州区城市管理执法局 的答复")).to_be_visible()
    expect(phone.locator(".reply")).to_contain_text("已责令施工单位")
    axe(phone)

    rate = phone.locator("#rate")
    rate.get_by_role("radio", name="不满意").check()
    rate.get_by_role("radio", name="未解决").check()
    rate.get_by_label("意见（选填）").fill("昨晚十一点后还在施工。")
    snap(phone, "rating")
    rate.get_by_role("button", name="提交评价").click()

    expect(phone.get_by_text("感谢您的评价。")).to_be_visible()
    expect(phone.locator(".appeal__badges .badge").first).to_have_text("重办")
    expect(phone.locator(".timeline__title").first).to_have_text("重新办理")
    expect(phone.locator("#rate")).to_have_count(0)
    snap(phone, "reopened")
    axe(phone)
    appeal.refresh_from_db()
    assert appeal.state == State.REOPENED and appeal.round == 2


def test_5_a_form_error_keeps_the_typed_text_and_names_the_field(desktop, login, axe, people):
    login(desktop, people.resident)
    desktop.goto("/submit/")
    desktop.get_by_label("留言类型").select_option("suggestion")
    desktop.get_by_label("标题").fill("路灯")
    body = "建议在考棚街增加路灯，晚上太黑了，老人孩子出门不安全。"
    desktop.get_by_label("内容", exact=True).fill(body)
    desktop.get_by_label("所在地区", exact=True).select_option("421102001")
    desktop.get_by_text("不公开（仅本人和办理部门可见）").click()
    desktop.get_by_role("button", name="提交留言").click()

    problems = desktop.locator("#form-problems")
    expect(problems).to_contain_text("标题")
    expect(problems).to_contain_text("标题至少4个字")
    title = desktop.get_by_label("标题")
    expect(title).to_have_value("路灯")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(desktop.locator(".field--error .field__error")).to_have_text("标题至少4个字")
    expect(desktop.get_by_label("内容", exact=True)).to_have_value(body)
    expect(desktop.get_by_label("留言类型")).to_have_value("suggestion")
    expect(desktop.get_by_label("所在地区", exact=True)).to_have_value("421102001")
    expect(desktop.get_by_text("不公开（仅本人和办理部门可见）")).to_be_visible()
    assert desktop.locator("input[name=is_public][value='0']").is_checked()
    axe(desktop)
    assert not Appeal.objects.exists()

    title.fill("建议考棚街增加路灯")
    desktop.get_by_role("button", name="提交留言").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("提交成功")
    assert Appeal.objects.get().is_public is False


def test_6_phone_and_id_numbers_never_appear_in_public(open_page, axe, people, orgs):
    phone_no, id_no = "13987654321", "42110219850312451X"
    appeal = submit_as(
        people.resident,
        title=f"请联系我{phone_no}处理噪音",
        body=f"我是业主，身份证{id_no}，电话{phone_no}，工地夜间施工噪音太大，请尽快处理。",
    )
    to_reply(appeal, people, orgs)
    page = open_page("phone")
    for path in ("/", "/board/", f"/appeals/{appeal.tracking_no}/"):
        page.goto(path)
        text = page.locator("main").inner_text() + page.title()
        html = "".join(
            page.locator("main article").evaluate_all("els => els.map(e => e.outerHTML)")
        )
        assert phone_no not in text + html and id_no not in text + html, path
        axe(page)
    for q in (phone_no, id_no):  # searching the public board for them finds nothing
        page.goto(f"/board/?q={q}")
        expect(page.locator(".appeal-card")).to_have_count(0)
        expect(page.get_by_text("没有符合条件的留言")).to_be_visible()
    page.goto("/board/")
    expect(page.get_by_text("处理噪音").first).to_be_visible()
    page.goto(f"/appeals/{appeal.tracking_no}/")
    expect(page.locator(".appeal__body")).to_contain_text("139****4321")
    # the resident reads the original
    login_page = open_page("phone", user=people.resident)
    login_page.goto(f"/appeals/{appeal.tracking_no}/")
    expect(login_page.locator(".appeal__body")).to_contain_text(id_no)


def test_the_pages_screenshots_on_a_phone_and_a_desktop(open_page, axe, people, orgs, tmp_path):
    """Saves var/screenshots/residents/<page>-<device>.png for the people who look at them."""
    replied = submit_as(people.resident)
    to_reply(replied, people, orgs)
    submit_as(
        people.resident,
        kind="suggestion",
        title="建议在东湖公园增加健身器材",
        body="东湖公园健身器材太少，早上锻炼的老人要排队，建议增加几组适合老人的器材。",
    )
    other = submit_as(people.neighbour, kind="consultation", title="咨询新生儿医保办理流程")
    workflow.perform("accept", other.pk, people.county_dispatcher)
    SCREENS.mkdir(parents=True, exist_ok=True)
    for device in ("phone", "desktop"):
        page = open_page(device, user=people.resident)
        for name, path in (
            ("home", "/"),
            ("submit", "/submit/"),
            ("mine", "/mine/"),
            ("appeal", f"/appeals/{replied.tracking_no}/"),
            ("board", "/board/"),
        ):
            page.goto(path)
            no_sideways_scroll(page)
            axe(page)
            page.screenshot(path=str(SCREENS / f"{name}-{device}.png"), full_page=True)


def test_submitting_works_without_javascript(open_page, people):
    """(axe needs JavaScript in the page: these pages are checked with it in the journeys.)"""
    top = Category.objects.create(name="城乡建设（测试）", level=1)
    mid = Category.objects.create(name="供水供电", level=2, parent=top)
    leaf = Category.objects.create(name="停水", level=3, parent=mid)
    page = open_page("phone", user=people.resident, java_script_enabled=False)
    page.goto("/submit/")
    expect(page.locator(".picker-filter")).to_have_count(0)  # the plain <select>s
    page.get_by_label("留言类型").select_option("help")
    page.get_by_label("标题").fill("独居老人家中停水求助")
    page.get_by_label("内容", exact=True).fill(
        "东湖街道考棚街3号独居老人家里停水两天了，请帮忙联系维修。"
    )
    page.get_by_label("事项分类").select_option(label="供水供电 › 停水")
    page.get_by_label("所在地区", exact=True).select_option(label="东湖街道")
    page.get_by_role("button", name="提交留言").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("提交成功")
    appeal = Appeal.objects.get()
    assert appeal.kind == "help" and appeal.region.code == "421102001"
    assert appeal.category == leaf


def test_lookup_account_reset_and_a_failed_login_pass_axe(open_page, axe, people, orgs):
    appeal = submit_as(people.resident, is_public=False)
    page = open_page("phone")
    page.goto("/login/")
    page.get_by_label("手机号或用户名").fill("13800000001")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").last.click()
    expect(page.locator(".field__error")).to_have_text("账号或密码不正确。")
    expect(page.get_by_label("手机号或用户名")).to_have_value("13800000001")
    axe(page)
    page.goto("/password-reset/")
    axe(page)
    page.goto("/")
    page.get_by_label("留言编号").fill(appeal.tracking_no)
    page.get_by_label("留言时的手机号").fill("13800000001")
    page.get_by_role("button", name="查询", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SAMPLE["title"])
    expect(page.locator(".appeal__body")).not_to_contain_text("13912345678")
    axe(page)
    mine = open_page("phone", user=people.resident)
    mine.goto("/account/")
    expect(mine.get_by_text("张三丰")).to_have_count(2)  # the header and the page
    axe(mine)
