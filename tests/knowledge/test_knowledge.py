"""知识库 and 直接答复: the dispatcher finds the hub's answer on the desk and answers a 咨询
with it; the resident is told and may rate it; no department is charged for it; the
resident's submit page offers the same answers while they type."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from massline.appeals import services, workflow
from massline.appeals.actions import AppealIn
from massline.appeals.models import Appeal, State
from massline.assessment import rollup
from massline.assessment.models import Outcome, StepKind
from massline.core.models import AuditEvent
from massline.knowledge.models import Entry
from massline.notices.models import Notice
from tests.office.helpers import client_for, new

pytestmark = pytest.mark.django_db

CARD = "社保卡遗失请先拨打12333挂失，再带身份证到市民之家社保窗口补办，现场制卡约20分钟。"


@pytest.fixture
def entries(orgs):
    return {
        "card": Entry.objects.create(
            title="社保卡丢了怎么补办",
            answer=CARD,
            keywords="社保卡 社会保障卡 补卡 挂失",
            org=orgs.city_hub,
        ),
        "county": Entry.objects.create(
            title="黄州区政务服务中心办事时间",
            answer="黄州区政务服务中心工作日上午9点至12点、下午1点半至5点半办公。",
            keywords="办事时间 上班时间",
            org=orgs.county_hub,
        ),
        "macheng": Entry.objects.create(
            title="麻城市社保卡补办地点",
            answer="麻城市社保卡在市政务服务中心二楼补办，工作日办理。",
            keywords="社保卡 补办",
            org=orgs.macheng_hub,
        ),
        "expired": Entry.objects.create(
            title="社保卡换发旧政策",
            answer="旧版社保卡换发已于去年截止，请按新规定办理社保卡补卡。",
            keywords="社保卡 换卡",
            org=orgs.city_hub,
            valid_until=timezone.localdate() - timedelta(days=1),
        ),
        "private": Entry.objects.create(
            title="社保卡补办内部口径",
            answer="内部口径：社保卡补办一律引导至合作银行网点，不在窗口排队。",
            keywords="社保卡 补卡",
            org=orgs.city_hub,
            is_public=False,
        ),
    }


def consultation(people, title="我的社保卡丢了，去哪里补办") -> Appeal:
    data = AppealIn(
        kind="consultation",
        title=title,
        body="上周在菜市场把社保卡弄丢了，想问一下要带什么材料、到哪里补办社保卡。",
        region_code="421102001",
    )
    return services.submit_appeal(people.resident, data)[0]


def desk(no: str, query: str = "") -> str:
    return f"/office/appeals/{no}/{query}"


def test_the_desk_lists_the_entries_of_the_dispatchers_area_matching_the_consultation(
    people, entries
):
    appeal = consultation(people)
    html = client_for(people.county_dispatcher).get(desk(appeal.tracking_no)).content.decode()
    assert "知识库" in html and "社保卡丢了怎么补办" in html
    assert "麻城市社保卡补办地点" not in html
    assert "社保卡换发旧政策" not in html
    assert f"?kb={entries['card'].pk}" in html


def test_the_dispatcher_searches_the_knowledge_base_from_the_desk(people, entries):
    appeal = consultation(people)
    client = client_for(people.county_dispatcher)
    html = client.get(desk(appeal.tracking_no, "?kb_q=办事时间")).content.decode()
    assert "黄州区政务服务中心办事时间" in html
    html = client_for(people.macheng_dispatcher).get("/knowledge/?q=办事时间").content.decode()
    assert "黄州区政务服务中心办事时间" in html  # public, but not on another county's desk


def test_choosing_an_entry_fills_the_direct_answer_form_with_its_answer(people, entries):
    appeal = consultation(people)
    res = client_for(people.county_dispatcher).get(
        desk(appeal.tracking_no, f"?kb={entries['card'].pk}")
    )
    html = res.content.decode()
    assert f"/office/appeals/{appeal.tracking_no}/do/direct_answer/" in html
    assert f"{CARD}</textarea>" in html


def test_a_direct_answer_replies_at_the_hub_tells_the_resident_and_may_be_rated(
    people, orgs, entries, api
):
    appeal = consultation(people)
    client = client_for(people.county_dispatcher)
    res = client.post(
        f"/office/appeals/{appeal.tracking_no}/do/direct_answer/",
        {"version": appeal.version, "text": CARD + "如有疑问请致电12333。", "internal_note": ""},
    )
    assert res.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == State.REPLIED and appeal.reply_org == orgs.county_hub
    assert appeal.lead_org is None
    told = Notice.objects.get(recipient=people.resident, title__startswith="已答复")
    assert "已直接答复您的咨询" in told.body
    page = client_for(people.resident).get(f"/appeals/{appeal.tracking_no}/").content.decode()
    assert "12333挂失" in page
    rated = api(people.resident).post(
        f"/api/v1/appeals/{appeal.tracking_no}/rate", {"verdict": "satisfied", "resolved": True}
    )
    assert rated.status_code == 200 and rated.json()["state"] == State.CLOSED


def test_a_too_short_direct_answer_is_a_form_error_at_the_field(people, entries):
    appeal = consultation(people)
    res = client_for(people.county_dispatcher).post(
        f"/office/appeals/{appeal.tracking_no}/do/direct_answer/",
        {"version": appeal.version, "text": "去补办"},
    )
    assert res.status_code == 422 and "答复内容至少10个字" in res.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).state == State.SUBMITTED


def test_a_complaint_cannot_be_answered_directly(people, api):
    appeal = new(people)
    client = client_for(people.county_dispatcher)
    html = client.get(desk(appeal.tracking_no)).content.decode()
    assert "/do/direct_answer/" not in html
    res = api(people.county_dispatcher).post(
        f"/api/v1/appeals/{appeal.tracking_no}/direct-answer",
        {"text": "这是一个投诉，不能由派单中心直接答复。"},
    )
    assert res.status_code == 409 and "只有咨询类诉求" in res.json()["message"]


def test_no_department_is_charged_for_a_direct_answer(people, orgs, entries):
    appeal = consultation(people)
    workflow.do_accept(appeal.pk, people.county_dispatcher)
    workflow.do_direct_answer(appeal.pk, people.county_dispatcher, text=CARD)
    steps = rollup.ledgers([appeal.pk], timezone.now())[appeal.pk]
    assert [(s.kind, s.org_id, s.outcome) for s in steps] == [
        (StepKind.DISPATCH, orgs.county_hub.pk, Outcome.DONE)
    ]
    assert steps[0].on_time is True


def test_the_submit_page_offers_public_answers_as_the_resident_types(people, entries):
    client = client_for(people.resident)
    page = client.get("/submit/").content.decode()
    assert 'hx-get="/knowledge/"' in page and 'href="/knowledge/"' in page
    part = client.get("/knowledge/", {"title": "社保卡丢了"}, headers={"HX-Request": "true"})
    html = part.content.decode()
    assert "<html" not in html and "社保卡丢了怎么补办" in html
    assert "内部口径" not in html and "旧政策" not in html
    plain = client.get("/knowledge/", {"q": "社保卡丢了", "region_code": "421102001"})
    assert "社保卡丢了怎么补办" in plain.content.decode()
    assert "麻城市社保卡补办地点" not in plain.content.decode()


def test_an_administrators_edit_of_an_entry_is_audited(people, orgs):
    client = client_for(people.admin)
    res = client.post(
        "/admin/knowledge/entry/add/",
        {
            "title": "公积金怎么提取",
            "answer": "通过黄冈住房公积金中心网上服务大厅办理提取。",
            "org": orgs.city_hub.pk,
            "keywords": "公积金 提取",
            "is_public": "on",
            "valid_from": "",
            "valid_until": "",
            "reviewed_at": date.today().isoformat(),
        },
    )
    assert res.status_code == 302, res.content.decode()[:2000]
    entry = Entry.objects.get(title="公积金怎么提取")
    assert AuditEvent.objects.filter(action="knowledge.entry_saved").exists()
    assert entry.updated_by == people.admin


def test_the_assessment_page_and_xlsx_count_the_hubs_direct_answers_apart(people, orgs):
    appeal = consultation(people)
    workflow.do_direct_answer(appeal.pk, people.county_dispatcher, text=CARD)
    month = f"{timezone.localdate():%Y-%m}"
    leader = client_for(people.leader)
    page = leader.get("/office/assessment/", {"org": orgs.county.pk, "period": month})
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'直接答复</th><td class="num">1</td>', html)
    xlsx = leader.get("/office/assessment/report.xlsx", {"org": orgs.county.pk, "period": month})
    sheet = load_workbook(BytesIO(xlsx.content))["直接答复"]
    assert sheet.cell(2, 2).value == 1
    other = leader.get("/office/assessment/", {"org": orgs.macheng.pk, "period": month})
    assert re.search(r'直接答复</th><td class="num">0</td>', other.content.decode())


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("身份证丢了在哪里补", "身份证丢了怎么补办"),
        ("想用公积金还房贷", "住房公积金怎么提取用于还房贷"),
        ("去外地看病医保怎么报销", "异地就医怎么备案"),
        ("市民之家周六上班吗", "黄冈市民之家办事时间和地点"),
    ],
)
def test_the_demo_knowledge_base_answers_what_residents_type(typed, first, people, orgs):
    from massline.appeals.models import Category
    from massline.appeals.taxonomy import load_taxonomy
    from massline.knowledge import demo

    load_taxonomy(Category)
    assert demo.load(hub=orgs.city_hub, now=timezone.now()) >= 20
    html = client_for().get("/knowledge/", {"q": typed, "region_code": "421102001"})
    titles = re.findall(r"<summary>([^<]+)</summary>", html.content.decode())
    assert titles and titles[0] == first
