"""The 考核 pages as their readers see them: who may read which unit, periods typed wrong,
numbers that lead to their appeals, the XLSX holding the page's figures, the public page
without personal data, and queries that do not grow with the appeals."""

from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from massline.assessment import figures, rollup
from massline.orgs.models import Membership, Role
from tests.assessment.conftest import REPLY

OCT = date(2026, 10, 1)


def at(month, day, hour=9):
    return timezone.make_aware(datetime(2026, month, day, hour))


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def october(book, orgs, people):
    """Three appeals answered by 城管 in October, one late; one rated; a phone in a title."""
    made = []
    for day, late in ((12, False), (13, True), (14, False)):
        a = book.new(at(10, day, 8))
        book.dispatch(a, at(10, day, 9))
        book.do("sign", a, "h", at(10, day, 10))
        book.do("reply", a, "h", at(10, day + (5 if late else 1), 10), text=REPLY)
        made.append(a)
    book.do("rate", made[0], "r", at(10, 20, 20), verdict="satisfied", resolved=True)
    made[2].title = "路灯不亮请联系13912345678"
    made[2].save()
    rollup.rebuild(at(11, 20))
    return made


def test_a_city_leader_reads_the_city_and_every_county_under_it(october, people, orgs):
    c = signed_in(people.leader)
    page = c.get("/office/assessment/", {"period": "2026-10"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "黄冈市人民政府 · 2026年10月考核" in text
    assert "按时办结率" in text and "66.7%" in text  # two of three replies on time
    county = c.get("/office/assessment/", {"org": orgs.county.pk, "period": "2026-10"})
    assert county.status_code == 200 and "黄州区城市管理执法局" in county.content.decode()


def test_a_handler_reads_only_their_own_department(october, people, orgs):
    c = signed_in(people.handler)
    own = c.get("/office/assessment/", {"period": "2026-10"})
    assert own.status_code == 200 and "黄州区城市管理执法局 · 2026年10月" in own.content.decode()
    assert c.get("/office/assessment/", {"org": orgs.county.pk}).status_code == 404
    assert c.get("/office/assessment/", {"org": "x"}).status_code == 404


def test_residents_get_the_403_page_and_visitors_the_login_page(october, people):
    assert signed_in(people.resident).get("/office/assessment/").status_code == 403
    res = Client().get("/office/assessment/")
    assert res.status_code == 302 and res["Location"].startswith("/login/")


def test_a_period_typed_wrong_is_named_and_the_default_shown(october, people):
    page = signed_in(people.leader).get("/office/assessment/", {"period": "2026-13"})
    text = page.content.decode()
    assert page.status_code == 200 and "考核期间格式应为" in text
    backwards = signed_in(people.leader).get(
        "/office/assessment/", {"start": "2026-10-20", "end": "2026-10-01"}
    )
    assert "结束日期不能早于开始日期" in backwards.content.decode()
    xlsx = signed_in(people.leader).get("/office/assessment/report.xlsx", {"period": "abc"})
    assert xlsx.status_code == 422 and "考核期间格式" in xlsx.content.decode()


def test_a_number_leads_to_the_appeals_behind_it_masked_for_an_analyst(october, people, orgs):
    args = {"org": orgs.county_urban.pk, "period": "2026-10", "figure": "on_time_late"}
    page = signed_in(people.leader).get("/office/assessment/appeals/", args)
    text = page.content.decode()
    assert page.status_code == 200 and october[1].tracking_no in text
    assert october[0].tracking_no not in text
    args["figure"] = "on_time"
    analyst = signed_in(people.analyst).get("/office/assessment/appeals/", args).content.decode()
    assert all(a.tracking_no in analyst for a in october)
    assert "13912345678" not in analyst and "139****5678" in analyst
    leader = signed_in(people.leader).get("/office/assessment/appeals/", args).content.decode()
    assert "13912345678" in leader
    args["figure"] = "nonsense"
    assert signed_in(people.leader).get("/office/assessment/appeals/", args).status_code == 404


def test_the_xlsx_report_holds_the_pages_figures_as_numbers(october, people, orgs, settings):
    settings.ASSESSMENT_MIN_CASES = 3  # 城管 received three: ranked
    res = signed_in(people.leader).get(
        "/office/assessment/report.xlsx", {"org": orgs.county.pk, "period": "2026-10"}
    )
    assert res.status_code == 200
    assert res["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(res.content))
    assert wb.sheetnames == ["总体情况", "部门排名", "月度趋势", "直接答复", "指标说明"]
    ranking = wb["部门排名"]
    assert ranking.freeze_panes == "B2"
    head = [c.value for c in ranking[1]]
    row = next(
        r for r in ranking.iter_rows(min_row=2, values_only=True) if r[1] == "黄州区城市管理执法局"
    )
    got = dict(zip(head, row, strict=True))
    expected = figures.figures_for([orgs.county_urban], figures.month_period(OCT), orgs.county)[
        orgs.county_urban.pk
    ]
    assert got["按时办结率"] == pytest.approx(expected.rates["on_time"]) == pytest.approx(2 / 3)
    assert got["综合得分"] == expected.score and isinstance(got["收件"], int)
    assert ranking.cell(row=2, column=head.index("按时办结率") + 1).number_format == "0.0%"


def test_an_org_named_like_a_formula_is_plain_text_in_the_xlsx(october, people, orgs):
    """Issue 15 finding 6: an org renamed =HYPERLINK(…) became a live link in the report."""
    evil = '=HYPERLINK("http://evil.example","交通")'
    orgs.county_urban.name = evil
    orgs.county_urban.save()
    res = signed_in(people.leader).get(
        "/office/assessment/report.xlsx", {"org": orgs.county.pk, "period": "2026-10"}
    )
    wb = load_workbook(BytesIO(res.content))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    named = [c for c in cells if c.value == evil]
    assert named and all(c.data_type == "s" for c in named)
    assert any(isinstance(c.value, float) for c in cells)


def test_the_public_page_ranks_departments_without_personal_data(october, people, orgs, settings):
    settings.MASSLINE_REGION = "421100"
    settings.ASSESSMENT_MIN_CASES = 1
    with time_machine.travel(at(11, 20), tick=False):
        page = Client().get("/transparency/", {"month": "2026-10"})
        wrong = Client().get("/transparency/", {"month": "2025-10"})
        typo = Client().get("/transparency/", {"month": "十月"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "黄州区人民政府" in text and "2026年10月" in text
    for secret in ("13912345678", "张三丰", "孙承办", october[0].tracking_no):
        assert secret not in text
    assert wrong.status_code == 200 and "只能查看最近12个月" in wrong.content.decode()
    assert "考核期间格式应为" in typo.content.decode()


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_the_overview_takes_the_same_queries_however_many_appeals(book, people, orgs):
    c = signed_in(people.leader)
    params = {"period": "2026-10"}

    def add(n):
        for _ in range(n):
            a = book.new(at(10, 12, 8))
            book.dispatch(a, at(10, 12, 9))
        rollup.rebuild(at(11, 20))

    add(1)
    _queries(c, "/office/assessment/", params)
    one = _queries(c, "/office/assessment/", params)
    add(6)
    assert _queries(c, "/office/assessment/", params) == one
    behind = {"org": orgs.county_urban.pk, "period": "2026-10", "figure": "received"}
    few = _queries(c, "/office/assessment/appeals/", behind)
    add(4)
    assert _queries(c, "/office/assessment/appeals/", behind) == few


def test_a_leader_supervises_a_group_of_overdue_appeals_at_once(book, people, orgs):
    now = timezone.now()
    late = []
    for _ in range(2):
        a = book.new(now - timedelta(days=40))
        book.dispatch(a, now - timedelta(days=40))
        late.append(a)
    Membership.objects.create(user=people.leader, org=orgs.county, role=Role.LEADER)
    c = signed_in(people.leader)
    page = c.get("/office/supervision/")
    assert page.status_code == 200 and late[0].tracking_no in page.content.decode()
    missing = c.post("/office/supervision/", {"title": "", "note": "请本周内办结"})
    assert missing.status_code == 422 and "请至少选择一件诉求" in missing.content.decode()
    no_title = c.post(
        "/office/supervision/", {"appeals": [late[0].tracking_no], "title": "", "note": "x"}
    )
    assert no_title.status_code == 422 and "请填写督办事项" in no_title.content.decode()
    res = c.post(
        "/office/supervision/",
        {"appeals": [a.tracking_no for a in late], "title": "路灯维修超期", "note": "请本周内办结"},
    )
    assert res.status_code == 302
    for a in late:
        a.refresh_from_db()
        assert a.supervised
        assert a.events.get(action="supervise").data["case"]
    assert people.handler.notices.filter(level="supervision").count() == 2
    assert "路灯维修超期" in c.get("/office/supervision/").content.decode()
    assert signed_in(people.handler).get("/office/supervision/").status_code == 403


def test_the_public_page_and_the_notices_speak_english_when_chosen(october, people, settings):
    settings.MASSLINE_REGION = "421100"
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    res = c.get("/transparency/")
    page = res.content.decode()
    assert res.status_code == 200, page[:500]
    assert "How appeals are handled" in page and "Satisfaction rate" in page
    staff = signed_in(people.handler)
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "No notices yet" in staff.get("/notices/").content.decode()


def test_supervision_is_a_leaders_not_an_administrators(book, people):
    a = book.new(timezone.now() - timedelta(days=40))
    book.dispatch(a, timezone.now() - timedelta(days=40))
    admin = signed_in(people.admin)
    assert admin.get("/office/supervision/").status_code == 403
    res = admin.post(
        "/office/supervision/",
        {"appeals": [a.tracking_no], "title": "平台督办", "note": "请尽快答复群众"},
    )
    assert res.status_code == 403
    a.refresh_from_db()
    assert not a.supervised


def test_the_supervision_form_answers_alike_for_unknown_and_out_of_reach_appeals(
    book, people, orgs
):
    """Issue 15 finding 5: another county's private appeal gave 500, a public one 403 and an
    unknown number 422, so the codes told whether a private appeal exists."""
    from massline.appeals.actions import AppealIn
    from massline.appeals.services import submit_appeal
    from tests.conftest import SAMPLE, _user

    elsewhere = {**SAMPLE, "region_code": "421181"}
    private = submit_appeal(people.resident, AppealIn(**elsewhere, is_public=False))[0]
    public = submit_appeal(people.resident, AppealIn(**elsewhere))[0]
    county_leader = _user("hz_leader", "黄州区长", org=orgs.county, role=Role.LEADER)
    c = signed_in(county_leader)
    answers = []
    for number in (private.tracking_no, public.tracking_no, "HG20991231-999999"):
        res = c.post(
            "/office/supervision/", {"appeals": [number], "title": "督办", "note": "请尽快办理"}
        )
        page = res.content.decode()
        answers.append((res.status_code, "不存在，或不在您督办的范围内" in page))
        assert private.title not in page
    assert answers == [(422, True)] * 3
    private.refresh_from_db()
    assert not private.supervised
