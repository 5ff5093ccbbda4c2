"""信息发布, 政策解读 and 辟谣: linked interpretations, categories and search, the Atom feed,
questions under a document answered by the org, a rumour and its refutation."""

import xml.etree.ElementTree as ET

import pytest
import time_machine

from massline.consult import services
from massline.consult.models import Category, Inquiry
from massline.core.models import AuditEvent
from massline.notices.models import Notice
from tests.consult.conftest import at

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def documents(world, orgs):
    housing = Category.objects.create(name="住房城建", position=1)
    policy = services.publish(
        world.officer,
        org=orgs.city_housing,
        kind="policy",
        title="黄冈市住房公积金贷款管理办法",
        doc_number="黄政规〔2026〕5号",
        body="第一条 缴存职工购买自住住房的，可以申请公积金贷款。\n第二条 最高额度为70万元。",
        category=housing,
        now=at(2026, 11, 2),
    )
    reading = services.publish(
        world.officer,
        org=orgs.city_housing,
        kind="interpretation",
        title="一图读懂《黄冈市住房公积金贷款管理办法》",
        body="新办法把贷款最高额度从60万元提高到70万元，二孩以上家庭还可上浮10万元。",
        interprets=policy,
        category=housing,
        now=at(2026, 11, 3),
    )
    rumour = services.publish(
        world.officer,
        org=orgs.city_housing,
        kind="refutation",
        title="“黄冈公积金明年停贷”不实",
        rumour="网传黄冈市住房公积金中心资金紧张，2027年1月起暂停发放公积金贷款。",
        body="经核实，该说法不实。我市住房公积金运行平稳，贷款正常受理发放。",
        now=at(2026, 11, 4),
    )
    return policy, reading, rumour


def test_a_document_and_its_interpretation_link_to_each_other(documents, as_user):
    policy, reading, _ = documents
    doc_page = as_user().get(f"/news/{policy.pk}/").content.decode()
    assert f'href="/news/{reading.pk}/"' in doc_page and "黄政规〔2026〕5号" in doc_page
    reading_page = as_user().get(f"/news/{reading.pk}/").content.decode()
    assert f'href="/news/{policy.pk}/"' in reading_page


def test_an_interpretation_must_name_its_document(world, orgs):
    from massline.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="政策解读须选择所解读的政策文件。"):
        services.publish(
            world.officer, org=orgs.city_housing, kind="interpretation", title="解读", body="正文"
        )


def test_the_list_searches_and_filters_by_kind_and_category(documents, as_user):
    policy, _, rumour = documents
    found = as_user().get("/news/", {"q": "停贷"}).content.decode()
    assert rumour.title in found and policy.title not in found
    by_kind = as_user().get("/news/", {"kind": "policy"}).content.decode()
    assert policy.title in by_kind and "一图读懂" not in by_kind
    category = Category.objects.get(name="住房城建")
    by_category = as_user().get("/news/", {"category": category.pk}).content.decode()
    assert "共 2 条" in by_category and rumour.title not in by_category


def test_a_rumour_and_its_refutation_are_shown_apart(documents, as_user):
    rumour = documents[2]
    page = as_user().get(f"/news/{rumour.pk}/").content.decode()
    assert (
        page.index("网传说法")
        < page.index("资金紧张")
        < page.index("真相")
        < page.index("运行平稳")
    )


def test_the_atom_feed_lists_the_latest_publications(documents, as_user):
    res = as_user().get("/news/feed/")
    assert res.status_code == 200 and res["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(res.content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles[0] == "【辟谣】“黄冈公积金明年停贷”不实"
    assert "【政策文件】黄冈市住房公积金贷款管理办法" in titles


def test_a_question_under_a_document_is_public_once_the_org_answers_it(world, documents, as_user):
    policy = documents[0]
    resident = as_user(world.people.resident)
    empty = resident.post(f"/news/{policy.pk}/ask/", {"body": ""})
    assert empty.status_code == 422 and "请填写问题。" in empty.content.decode()
    res = resident.post(
        f"/news/{policy.pk}/ask/",
        {"body": "我是张三丰，电话13912345678，异地缴存可以在黄冈贷款吗？"},
    )
    assert res.status_code == 302
    inquiry = Inquiry.objects.get()
    assert (
        "异地缴存"
        not in as_user(world.people.neighbour).get(f"/news/{policy.pk}/").content.decode()
    )
    assert "待答复" in resident.get(f"/news/{policy.pk}/").content.decode()
    assert Notice.objects.filter(recipient=world.officer).exists()

    refused = as_user(world.people.neighbour).post(
        f"/news/{policy.pk}/answer/{inquiry.pk}/", {"answer": "可以"}
    )
    assert refused.status_code == 403
    officer = as_user(world.officer)
    blank = officer.post(f"/news/{policy.pk}/answer/{inquiry.pk}/", {"answer": ""})
    assert blank.status_code == 422 and "请填写答复。" in blank.content.decode()
    officer.post(
        f"/news/{policy.pk}/answer/{inquiry.pk}/",
        {"answer": "可以。异地缴存职工在黄冈购房，凭异地缴存证明即可申请。"},
    )
    public = as_user().get(f"/news/{policy.pk}/").content.decode()
    assert "异地缴存可以在黄冈贷款吗" in public and "凭异地缴存证明即可申请" in public
    assert "13912345678" not in public and "张三丰" not in public
    told = Notice.objects.get(recipient=world.people.resident)
    assert "已答复" in told.title and told.link.endswith(f"#i-{inquiry.pk}")
    assert AuditEvent.objects.filter(action="publication.answered").count() == 1
    again = officer.post(f"/news/{policy.pk}/answer/{inquiry.pk}/", {"answer": "再答"})
    assert again.status_code == 409


def test_an_office_publishes_a_refutation_and_the_missing_rumour_is_named(world, as_user, orgs):
    officer = as_user(world.officer)
    form = {
        "org": str(orgs.city_housing.pk),
        "kind": "refutation",
        "title": "“城区老旧小区明年全部拆迁”不实",
        "body": "经核实，我市没有此类计划。",
    }
    bad = officer.post("/news/new/", form)
    assert bad.status_code == 422 and "请填写谣言内容。" in bad.content.decode()
    res = officer.post("/news/new/", {**form, "rumour": "网传城区老旧小区明年全部拆迁。"})
    assert res.status_code == 302
    assert "明年全部拆迁" in as_user().get(res["Location"]).content.decode()
    assert as_user(world.people.resident).get("/news/new/").status_code == 403


def test_a_publication_dated_ahead_stays_hidden_until_its_time(world, orgs, as_user):
    pub = services.publish(
        world.officer, org=orgs.city_housing, kind="announcement", title="元旦交通管制通告",
        body="12月31日20时起东坡大道临时交通管制。", now=at(2026, 12, 30, 9),
    )  # fmt: skip
    with time_machine.travel(at(2026, 12, 29), tick=False):
        assert as_user().get(f"/news/{pub.pk}/").status_code == 404
        assert "元旦交通管制通告" not in as_user().get("/news/").content.decode()
        assert as_user(world.officer).get(f"/news/{pub.pk}/").status_code == 200
    with time_machine.travel(at(2026, 12, 30, 10), tick=False):
        assert as_user().get(f"/news/{pub.pk}/").status_code == 200
