"""What a 考核 officer checks by hand (issue 16 item 12): 收件 counts the appeals a unit got,
re-sends and reopenings included, each appeal once per unit and period, a government's too;
a past month's ranking does not move with today's work, tied units share a rank and a board,
and units with too few appeals stand apart unranked. Every figure is worked out below."""

import re
from datetime import date, datetime
from io import BytesIO

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from massline.assessment import figures, rollup
from massline.assessment.models import OrgMonth
from tests.assessment.conftest import REPLY
from tests.assessment.histories import EXPECTED, tied_october

NOW = timezone.make_aware(datetime(2026, 11, 20, 12))


def at(month, day, hour=9, minute=0):
    return timezone.make_aware(datetime(2026, month, day, hour, minute))


def month(m):
    return figures.month_period(date(2026, m, 1))


def of(org, period, root, now=NOW):
    return figures.figures_for([org], period, root, now=now)[org.pk]


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _org_months():
    return sorted(
        (r.org_id, r.month, tuple(getattr(r, f) for f in rollup.SUMS))
        for r in OrgMonth.objects.all()
    )


@pytest.fixture
def resent(book, orgs):
    """Four October appeals of 黄州区 that reach 城管 in every way but the first dispatch.

    A: to 生态环境, returned, re-sent by the hub to 城管;
    B: to 城管, answered, reopened by a dissatisfied rating, re-sent to 城管 the same month;
    C: to 城管 in October, reopened and re-sent to 城管 in November;
    D: to 生态环境, transferred by the hub to 城管.
    """
    a = book.new(at(10, 12, 8))
    book.dispatch(a, at(10, 12, 9), org=orgs.county_env)
    book.do("return", a, "env", at(10, 12, 15), reason="井盖属城管局管养，不属本单位职责")
    rollup.refresh(at(10, 12, 16))  # a refresh half-way: the end must still equal a rebuild
    book.do("dispatch", a, "d", at(10, 13, 9), org_id=orgs.county_urban.pk)
    book.do("sign", a, "h", at(10, 13, 10))
    book.do("reply", a, "h", at(10, 14, 10), text=REPLY)

    b = book.new(at(10, 12, 8))
    book.dispatch(b, at(10, 12, 9))
    book.do("sign", b, "h", at(10, 12, 10))
    book.do("reply", b, "h", at(10, 13, 10), text=REPLY)
    book.do("rate", b, "r", at(10, 13, 20), verdict="dissatisfied", resolved=False)
    book.do("dispatch", b, "d", at(10, 14, 9), org_id=orgs.county_urban.pk)
    book.do("sign", b, "h", at(10, 14, 10))
    book.do("reply", b, "h", at(10, 15, 10), text=REPLY + "复查后已修复。")

    c = book.new(at(10, 26, 8))
    book.dispatch(c, at(10, 26, 9))
    book.do("sign", c, "h", at(10, 26, 10))
    book.do("reply", c, "h", at(10, 27, 10), text=REPLY)
    book.do("rate", c, "r", at(11, 2, 20), verdict="dissatisfied", resolved=False)
    book.do("dispatch", c, "d", at(11, 3, 9), org_id=orgs.county_urban.pk)
    book.do("sign", c, "h", at(11, 3, 10))
    book.do("reply", c, "h", at(11, 4, 10), text=REPLY + "复查后已修复。")

    d = book.new(at(10, 19, 8))
    book.dispatch(d, at(10, 19, 9), org=orgs.county_env)
    book.do("transfer", d, "d", at(10, 20, 9), org_id=orgs.county_urban.pk)
    rollup.refresh(NOW)
    return [a, b, c, d]


def test_received_counts_an_appeal_resent_after_a_return_or_a_reopening_once_per_unit(resent, orgs):
    u, env = orgs.county_urban, orgs.county_env
    # 城管 in October: A (re-sent after 生态环境 returned it), B (new, then reopened: once),
    # C (new), D (transferred in) = 4
    assert of(u, month(10), orgs.county).count("received") == 4
    # in November only C came back to it, after its reopening
    assert of(u, month(11), orgs.county).count("received") == 1
    # over the quarter each appeal once: A, B, C, D (C came in October and November)
    assert of(u, figures.quarter_period(2026, 4), orgs.county).count("received") == 4
    assert of(u, figures.year_period(2026), orgs.county).count("received") == 4
    # 20 Oct – 10 Nov: D transferred in on the 20th, C new on 26 Oct and back on 3 Nov = 2
    days = figures.custom_period(date(2026, 10, 20), date(2026, 11, 10))
    assert of(u, days, orgs.county).count("received") == 2
    assert of(orgs.county, days, orgs.city).count("received") == 2
    # 生态环境 got A and D; its one return is one return of two received
    e = of(env, month(10), orgs.county)
    assert (e.count("received"), e.count("returns"), e.rates["return_rate"]) == (2, 1, 0.5)


def test_a_government_counts_appeals_not_steps_and_its_drill_down_lists_each_once(
    resent, orgs, people
):
    # 黄州区: A went to two departments, D too, B twice to one: still 4 appeals
    county = of(orgs.county, month(10), orgs.city)
    assert county.count("received") == 4
    assert of(orgs.county, figures.quarter_period(2026, 4), orgs.city).count("received") == 4
    # the trend's months, from the monthly rows: October 4, November C alone; the city alike
    months = [date(2026, 10, 1), date(2026, 11, 1)]
    table = figures.monthly([orgs.county, orgs.city, orgs.county_env], months, orgs.city)
    got = {(k[0], k[1].month): f.count("received") for k, f in table.items()}
    assert got == {
        (orgs.county.pk, 10): 4, (orgs.county.pk, 11): 1,
        (orgs.city.pk, 10): 4, (orgs.city.pk, 11): 1,
        (orgs.county_env.pk, 10): 2, (orgs.county_env.pk, 11): 0,
    }  # fmt: skip
    args = {"org": orgs.county.pk, "period": "2026-10", "figure": "received"}
    page = signed_in(people.leader).get("/office/assessment/appeals/", args)
    text = page.content.decode()
    assert page.status_code == 200 and "（4）" in text
    assert "每件诉求在本单位及下属单位每个考核期只计一次" in text  # what the 4 counts
    for a in resent:
        assert len(re.findall(rf">{a.tracking_no}<", text)) == 1


def test_the_rollup_refreshed_along_the_way_equals_a_rebuild(resent, orgs):
    refreshed = _org_months()
    rollup.rebuild(NOW)
    assert _org_months() == refreshed
    assert of(orgs.county_urban, month(10), orgs.county).count("received") == 4


@pytest.fixture
def october(orgs, people, settings):
    settings.ASSESSMENT_MIN_CASES = 2
    made = tied_october(orgs, people)
    rollup.rebuild(NOW)
    return made


def _ranks(rows):
    return {r.org.pk: (r.rank, r.honour, r.figures.score) for r in rows}


def test_tied_units_share_a_rank_and_a_board_and_no_score_is_on_both_boards(october, orgs):
    got = _ranks(figures.ranking(orgs.county, "departments", month(10), now=NOW))
    want = {october.units[k].pk: v for k, v in EXPECTED.items()}
    assert got == want


def test_a_past_months_ranking_does_not_move_when_a_unit_falls_behind_today(october, orgs, book):
    before = figures.ranking(orgs.county, "departments", month(10), now=NOW)
    late = book.new(at(11, 23, 8))
    book.dispatch(late, at(11, 23, 9))  # 城管 never answers it: overdue by December
    later = at(12, 21, 10)
    rollup.rebuild(later)
    after = figures.ranking(orgs.county, "departments", month(10), now=later)
    assert [(r.org.pk, r.rank, r.honour) for r in after] == [
        (r.org.pk, r.rank, r.honour) for r in before
    ]
    urban = next(r for r in after if r.org == orgs.county_urban)
    assert urban.figures.overdue_now == 1 and urban.rank == 1


def _rows(html: str, table_class: str) -> list[list[str]]:
    tables = re.findall(rf'<table class="[^"]*{table_class}[^"]*">(.*?)</table>', html, re.S)
    out = []
    for t in tables:
        for tr in re.findall(r"<tbody>(.*?)</tbody>", t, re.S)[0].split("</tr>")[:-1]:
            cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)
            out.append([re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in cells])
    return out


def test_the_office_page_the_public_page_and_the_xlsx_show_the_same_shared_ranks(
    october, orgs, people, settings
):
    settings.MASSLINE_REGION = "421102"  # 黄州区's own public page
    leader = signed_in(people.leader)
    with time_machine.travel(NOW, tick=False):
        office = leader.get("/office/assessment/", {"org": orgs.county.pk, "period": "2026-10"})
        public = Client().get("/transparency/", {"month": "2026-10"})
        xlsx = leader.get(
            "/office/assessment/report.xlsx", {"org": orgs.county.pk, "period": "2026-10"}
        )
    names = {k: u.name for k, u in october.units.items()}
    want = {names[k]: (str(v[0]), v[2]) for k, v in EXPECTED.items() if v[0]}

    ranked = _rows(office.content.decode(), "kaohe-ranking")
    got = {r[1].split(" ")[0]: (r[0], float(r[2])) for r in ranked}
    assert got == want
    badges = {r[1].split(" ")[0]: r[1].split(" ")[-1] for r in ranked}
    assert {badges[names[k]] for k in ("urban", "env", "transport", "housing")} == {"红榜"}
    assert {badges[names[k]] for k in ("water", "market")} == {"黑榜"}
    apart = _rows(office.content.decode(), "kaohe-unranked")
    assert [r[0] for r in apart] == [names["labour"]]
    assert apart[0][1] == "1" and "—" in apart[0][2:]  # its count, no rates

    text = public.content.decode()
    assert "收件少于 2 件的单位不参与排名" in text
    pub = _rows(text, "kaohe-ranking")
    assert {r[1].split(" ")[0]: (r[0], float(r[2])) for r in pub} == want
    assert {r[1].split(" ")[-1] for r in pub if r[0] == "1"} == {"红榜"}
    assert {r[1].split(" ")[-1] for r in pub if r[0] in ("5", "6")} == {"黑榜"}
    assert names["labour"] in text  # shown apart, with its count

    sheet = load_workbook(BytesIO(xlsx.content))["部门排名"]
    head = [c.value for c in sheet[1]]
    rows = [dict(zip(head, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert {r["单位"]: (str(r["排名"]), r["综合得分"]) for r in rows if r["排名"]} == want
    labour = next(r for r in rows if r["单位"] == names["labour"])
    assert labour["红黑榜"] == "不参与排名" and labour["满意率"] is None and labour["收件"] == 1


def test_a_unit_with_nothing_received_in_the_month_is_not_ranked_at_100(
    october, orgs, people, book
):
    # 城管 gets an appeal on Thu 29 Oct and answers it on Mon 2 Nov (due Tue 3 Nov 09:00),
    # rated satisfied the same evening: November holds its reply and its rating, both perfect,
    # but 城管 received nothing in November — one old case is no score of 100 to rank on
    a = book.new(at(10, 29, 8))
    book.dispatch(a, at(10, 29, 9))
    book.do("sign", a, "h", at(10, 29, 10))
    book.do("reply", a, "h", at(11, 2, 10), text=REPLY)
    book.do("rate", a, "r", at(11, 2, 20), verdict="satisfied", resolved=True)
    rollup.rebuild(NOW)
    nov = figures.ranking(orgs.county, "departments", month(11), now=NOW)
    urban = next(r for r in nov if r.org == orgs.county_urban)
    assert urban.figures.count("received") == 0 and urban.figures.score == 100.0
    assert urban.rank is None and [r.rank for r in nov] == [None] * len(nov)


def test_every_figure_says_what_it_counts_beside_it_with_the_weights(
    october, orgs, people, settings
):
    settings.SATISFACTION_BASIC_WEIGHT = 0.8
    c = signed_in(people.leader)
    page = c.get("/office/assessment/", {"org": orgs.county.pk, "period": "2026-10"})
    visible = re.sub(r"<details.*?</details>", "", page.content.decode(), flags=re.S)
    for r in figures.RATES[:4]:
        assert str(r.how_text()) in visible
    assert "每件诉求在本单位及下属单位每个考核期只计一次" in visible
    assert "基本满意按 0.8 件满意计" in visible
    assert "响应率×10、解决率×45、满意率×45" in visible

    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = re.sub(
        r"<details.*?</details>",
        "",
        c.get("/office/assessment/", {"org": orgs.county.pk, "period": "2026-10"}).content.decode(),
        flags=re.S,
    )
    assert "each appeal counts once per unit and period" in en
    assert "basically satisfied counts as 0.8" in en


def test_charts_name_units_as_people_say_them(october, orgs, people):
    from massline.orgs.models import Org, OrgKind

    assert (
        figures.label(Org(name="黄梅县人民政府", short_name="黄梅政府", kind=OrgKind.GOVERNMENT))
        == "黄梅县"
    )
    assert (
        figures.label(Org(name="黄州区人民政府", short_name="黄州政府", kind=OrgKind.GOVERNMENT))
        == "黄州区"
    )
    assert (
        figures.label(
            Org(name="黄州区交通运输局", short_name="黄州交通局", kind=OrgKind.DEPARTMENT)
        )
        == "黄州交通局"
    )
    assert (
        figures.label(Org(name="黄州区水利和湖泊局", kind=OrgKind.DEPARTMENT))
        == "黄州区水利和湖泊局"
    )
    page = signed_in(people.leader).get(
        "/office/assessment/", {"org": orgs.county.pk, "period": "2026-10"}
    )
    data = re.search(r'id="kaohe-data"[^>]*>(.*?)</script>', page.content.decode(), re.S)[1]
    import json

    chart = json.loads(data)["rankings"]
    (group,) = chart.values()
    assert "黄州交通局" in group["names"] and "黄州区城市管理执法局" in group["names"]
    assert dict(zip(group["names"], group["honours"], strict=True))["黄州交通局"] == "red"


def test_an_appeal_passed_through_three_departments_is_one_appeal_for_their_government(book, orgs):
    from massline.orgs.models import Org, OrgKind

    third = Org.objects.create(
        name="黄州区交通运输局",
        kind=OrgKind.DEPARTMENT,
        level=orgs.county.level,
        region=orgs.county.region,
        parent=orgs.county,
    )
    a = book.new(at(10, 12, 8))
    book.dispatch(a, at(10, 12, 9), org=orgs.county_env)
    book.do("transfer", a, "d", at(10, 13, 9), org_id=orgs.county_urban.pk)
    rollup.refresh(at(10, 13, 12))
    book.do("transfer", a, "d", at(10, 14, 9), org_id=third.pk)
    rollup.refresh(NOW)
    # each department received it once; 黄州区 and 黄冈市 one appeal, not three: the three
    # departments in path order make two adjacent pairs, both met at 黄州区
    for unit in (orgs.county_env, orgs.county_urban, third, orgs.county, orgs.city):
        assert of(unit, month(10), orgs.city).count("received") == 1, unit.name
    row = OrgMonth.objects.get(org=orgs.county, month=date(2026, 10, 1))
    assert (row.received, row.received_shared) == (0, 2)
    refreshed = _org_months()
    rollup.rebuild(NOW)
    assert _org_months() == refreshed
