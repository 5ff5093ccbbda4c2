"""掌上党建 on a phone: a member studies an article (the page's heartbeat earns the point, the
daily cap holds), takes the daily quiz; the secretary reads the branch dashboard. axe-core on
every page visited."""

import re

import pytest
from playwright.sync_api import expect

from massline.party.models import Course, Lesson, PointEntry, PointRule
from tests.party import conftest as party_fixtures

party = party_fixtures.party
questions = party_fixtures.questions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quick_study(settings):
    """Beats every second and a minimum reading time of two seconds, so the journey is short;
    a daily cap of one article, so the second article meets it."""
    settings.PARTY_HEARTBEAT_SECONDS = 1
    PointRule.objects.filter(kind__in=["article", "video"]).update(min_seconds=2, daily_cap=1)


def test_a_member_studies_takes_the_daily_quiz_and_the_secretary_sees_it(
    open_page,
    party,
    questions,
    quick_study,
    axe,
    snap,
):
    course = Course.objects.create(org=party.community, title="学党章 守党规")
    first = Lesson.objects.create(
        course=course, kind="article", title="党章为什么是党的总规矩", body="党章是党的根本大法。"
    )
    Lesson.objects.create(course=course, kind="article", title="党员的八项义务", body="八项义务。")
    page = open_page("phone", party.member)
    page.goto("/office/")
    expect(page).to_have_url(re.compile(r"/party/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("掌上党建")
    expect(page.get_by_text("今日登录，积分 +1")).to_be_visible()
    snap(page, "member-home")
    axe(page)

    page.get_by_role("link", name=re.compile("^学习")).click()
    axe(page)
    page.get_by_role("link", name="党章为什么是党的总规矩").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("本次已得 1 分", timeout=8_000)
    snap(page, "article-point")
    axe(page)
    assert PointEntry.objects.get(member=party.record, kind="article").reason == (
        "阅读文章《党章为什么是党的总规矩》"
    )

    page.goto("/party/study/")
    page.get_by_role("link", name="党员的八项义务").click()
    expect(page.get_by_role("status")).to_contain_text("今日该项积分已达上限", timeout=8_000)
    assert PointEntry.objects.filter(member=party.record, kind="article").count() == 1
    assert first.sessions.get().seconds >= 2

    page.goto("/party/quiz/")
    axe(page)
    page.get_by_role("button", name="开始答题").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("每日答题")
    for fieldset in page.locator("fieldset").all():
        fieldset.get_by_label(re.compile("1921年")).check()
    snap(page, "quiz")
    axe(page)
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_role("status")).to_contain_text("答对 5/5 题，得 100 分")
    axe(page)
    page.goto("/party/points/")
    expect(page.get_by_role("cell", name="每日答题答对 5/5 题")).to_be_visible()
    axe(page)

    boss = open_page("phone", party.secretary)
    boss.goto("/party/")
    boss.get_by_role("link", name=re.compile("支部工作台")).click()
    expect(boss.get_by_role("heading", level=1)).to_have_text("余家湾第一支部")
    board = boss.locator(".stats")
    expect(board.locator(".stat", has_text="本月每日答题次数（1 人参加）")).to_contain_text("1")
    expect(board.locator(".stat", has_text="本月有学习积分的人数")).to_contain_text("1")
    snap(boss, "secretary-dashboard")
    axe(boss)


def test_a_member_checks_in_claims_and_fulfils_a_wish_and_the_secretary_sees_the_gaps(
    open_page, party, axe, snap
):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from massline.party import dues, meetings, wishes

    meeting = meetings.schedule(
        party.secretary, party.first, kind=meetings.kinds().get(code="theme_day"),
        title="主题党日：走访独居老人", starts_at=timezone.now() + timedelta(minutes=10),
        place="党群服务中心",
    )  # fmt: skip
    wish = wishes.post(party.resident, party.first, title="想要一副拐杖", body="腿脚不便。")
    wishes.review(party.secretary, wish.pk, True)
    dues.set_base(party.secretary, party.record, "salaried", Decimal(4000))
    dues.bill(party.first, dues.month_of(timezone.now()).replace(day=1) - timedelta(days=40))

    page = open_page("phone", party.member)
    page.goto("/party/")
    page.get_by_role("link", name=re.compile("^会议签到")).click()
    page.get_by_label("签到码").fill(meeting.checkin_code)
    axe(page)
    page.get_by_role("button", name="签到").click()
    expect(page.get_by_role("status").first).to_contain_text("签到成功")
    expect(page.get_by_text("出席", exact=True)).to_be_visible()
    snap(page, "checked-in")
    axe(page)

    page.goto("/party/wishes/")
    page.get_by_role("link", name="想要一副拐杖").click()
    axe(page)
    page.get_by_role("button", name="我来认领").click()
    expect(page.get_by_role("status").first).to_contain_text("已认领")
    page.get_by_label("实现情况").fill("已送去拐杖，并教会使用。")
    page.get_by_role("button", name="心愿已实现").click()
    expect(page.get_by_role("heading", name="实现情况")).to_be_visible()
    snap(page, "wish-fulfilled")
    axe(page)

    boss = open_page("phone", party.secretary)
    boss.goto(f"/party/branch/{party.first.pk}/meetings/")
    table = boss.locator("table", has=boss.get_by_text("本期落实情况"))
    expect(table.locator("tr", has_text="主题党日")).to_contain_text("待召开")
    snap(boss, "compliance")
    axe(boss)
    boss.goto(f"/party/branch/{party.first.pk}/dues/")
    expect(boss.locator("tr", has_text="方党员")).to_contain_text("1 个月，40.00 元")
    snap(boss, "dues-arrears")
    axe(boss)


def test_the_secretarys_other_pages_read_on_a_phone_and_are_axe_clean(open_page, party, axe):
    from datetime import date, timedelta

    from django.utils import timezone

    from massline.party import meetings, suggestions
    from massline.party.models import Exam, PartyMember

    seeker = PartyMember.objects.create(
        branch=party.first, name="积极分子丙", stage="activist", applied_on=date(2024, 1, 1),
        activist_on=date(2024, 3, 1),
    )  # fmt: skip
    meeting = meetings.schedule(
        party.secretary, party.first, kind=meetings.kinds().get(code="committee"),
        title="支委会", starts_at=timezone.now() + timedelta(days=1), place="党群服务中心",
    )  # fmt: skip
    now = timezone.now()
    exam = Exam.objects.create(
        org=party.community, title="党章测试", opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1), duration_minutes=20, question_count=5,
    )  # fmt: skip
    row = suggestions.send(party.record, party.first, "楼道照明", "建议党员认领楼栋照明巡查。")
    page = open_page("phone", party.secretary)
    first = party.first.pk
    for url, heading in [
        (f"/party/branch/{first}/members/", "党员名册"),
        (f"/party/branch/{first}/members/{seeker.pk}/development/", "积极分子丙"),
        (f"/party/branch/{first}/transfers/", "组织关系转接"),
        (f"/party/branch/{first}/meetings/", "三会一课"),
        (f"/party/meetings/{meeting.pk}/", "支委会"),
        (f"/party/branch/{first}/wishes/", "本社区微心愿"),
        (f"/party/branch/{first}/reports/", "到本社区报到的党员"),
        ("/party/bank/", "题库"),
        (f"/party/exams/{exam.pk}/results/", "党章测试"),
        (f"/party/suggestions/{row.pk}/", "楼道照明"),
        ("/party/leaderboard/", "积分排行"),
    ]:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        axe(page)
    resident = open_page("phone", party.resident)
    for url in ("/party/wishes/", "/party/wishes/new/"):
        resident.goto(url)
        axe(resident)
