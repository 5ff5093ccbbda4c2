"""考核 in a real browser, on the demo's own history: an overdue appeal raises a notice for its
handler, the city's leader supervises it from the 督办 page, and the ranking shows the
department's overdue work in red. axe-core on every page; screenshots in
var/screenshots/assessment/."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from massline.assessment.models import LedgerStep, StepKind
from massline.demo.loader import load_demo
from massline.orgs.staff import handlers_of
from tests.browser import support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = support.ROOT / "var" / "screenshots" / "assessment"
BRAND_RED = "rgb(183, 28, 28)"


def screen(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


@pytest.fixture
def demo():
    """The demo of 40 appeals (its mandatory courses include overdue ones), ledger built and
    reminders given as `massline demo` does."""
    load_demo(seed=2026, count=40)
    late = (
        LedgerStep.objects.filter(
            kind=StepKind.REPLY,
            ended_at__isnull=True,
            due_at__lt=timezone.now(),
            appeal__supervised=False,
            org__kind="department",
        )
        .select_related("appeal", "org", "org__parent")
        .first()
    )
    assert late is not None, "the demo has an overdue appeal held by a department"
    return late


def test_an_overdue_appeal_notifies_its_handler_the_leader_supervises_it_and_it_shows_red(
    demo, open_page, axe, snap
):
    from massline.accounts.models import User

    appeal, dept = demo.appeal, demo.org
    handler = handlers_of(dept)[0]
    page = open_page("phone", handler)
    page.goto("/office/")
    bell = page.locator(".notice-bell")
    expect(bell).to_contain_text(re.compile(r"通知\s*未读\s*\d+"))
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("通知")
    item = page.locator(".notice-item", has_text=appeal.tracking_no).first
    expect(item).to_contain_text("超期")
    snap(page, "notices")
    screen(page, "notices-phone")
    axe(page)
    item.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/office/appeals/{appeal.tracking_no}/$"))
    expect(page.locator(".office-timeline")).to_contain_text("已提醒")
    axe(page)

    leader = User.objects.get(username="leader_city")
    desk = open_page("desktop", leader)
    desk.goto("/office/")
    desk.get_by_role("link", name="督办", exact=True).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("督办")
    axe(desk)
    desk.get_by_label(re.compile(appeal.tracking_no)).check()
    desk.get_by_label("督办事项").fill("超期件集中督办")
    desk.get_by_label("督办意见").fill("请三个工作日内答复群众并报送办理情况")
    snap(desk, "supervise-form")
    desk.get_by_role("button", name="督办选中的诉求").click()
    expect(desk.get_by_role("status")).to_contain_text("已督办 1 件")
    expect(desk.locator("article", has_text="超期件集中督办")).to_contain_text(appeal.tracking_no)
    axe(desk)
    appeal.refresh_from_db()
    assert appeal.supervised
    assert handler.notices.filter(level="supervision", title__contains=appeal.tracking_no)

    desk.goto("/office/")
    desk.get_by_role("link", name="考核与排名").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("黄冈市人民政府")
    axe(desk)
    if dept.parent.kind == "government" and dept.parent.name != "黄冈市人民政府":
        desk.get_by_role("link", name=dept.parent.name, exact=True).first.click()
        expect(desk.get_by_role("heading", level=1)).to_contain_text(dept.parent.name)
    row = desk.locator(  # ranked, or apart with too few appeals received to be ranked
        ".kaohe-ranking tr, .kaohe-unranked tr",
        has=desk.get_by_role("link", name=dept.name, exact=True),
    )
    late_cell = row.locator("td.kaohe-late")
    expect(late_cell).to_be_visible()
    assert int(late_cell.inner_text()) >= 1
    expect(late_cell.locator("a")).to_have_css("color", BRAND_RED)
    snap(desk, "ranking")
    screen(desk, "ranking-desktop")
    axe(desk)
    late_cell.locator("a").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("当前超期")
    expect(desk.locator("table")).to_contain_text(appeal.tracking_no)
    axe(desk)
