"""Who may open the office pages, what the work lists show, and their query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from massline.office.selectors import dispatch_targets
from tests.office.helpers import accepted, assigned, client_for, in_progress, new

pytestmark = pytest.mark.django_db

PAGES = ["/office/", "/office/queue/new/", "/office/register/"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(url, people):
    res = client_for().get(url)
    assert res.status_code == 302
    assert f"next={url}" in res["Location"]


def test_anonymous_desk_is_a_login_redirect(people):
    appeal = new(people)
    res = client_for().get(f"/office/appeals/{appeal.tracking_no}/")
    assert res.status_code == 302


@pytest.mark.parametrize("url", PAGES)
def test_residents_get_the_403_page(url, people):
    res = client_for(people.resident).get(url)
    assert res.status_code == 403
    assert "没有权限访问此页面" in res.content.decode()


def test_a_resident_cannot_open_the_desk_of_their_own_appeal(people):
    appeal = new(people)
    res = client_for(people.resident).get(f"/office/appeals/{appeal.tracking_no}/")
    assert res.status_code == 403


def test_home_shows_the_dispatchers_queues_with_counts(people):
    new(people)
    new(people, title="考棚街井盖缺失")
    html = client_for(people.county_dispatcher).get("/office/").content.decode()
    assert 'class="office"' in html
    assert "待受理" in html and "待派单" in html and "代为登记" in html
    assert 'office-queue__count num">2<' in html
    assert "签收" not in html


def test_handler_and_leader_see_their_own_queues(people):
    html = client_for(people.handler).get("/office/").content.decode()
    assert "待签收" in html and "即将超期" in html and "待受理" not in html
    assert "代为登记" not in html
    html = client_for(people.leader).get("/office/").content.decode()
    assert "在办" in html and "督办" in html and "待签收" not in html


def test_a_staff_member_without_queues_gets_an_explanation(people):
    html = client_for(people.analyst).get("/office/").content.decode()
    assert "没有分配工作队列" in html


def test_an_empty_queue_says_so(people):
    res = client_for(people.county_dispatcher).get("/office/queue/new/")
    assert res.status_code == 200
    assert "此队列暂无诉求" in res.content.decode()


def test_a_queue_of_another_role_is_not_found(people):
    client = client_for(people.handler)
    assert client.get("/office/queue/new/").status_code == 404
    assert client.get("/office/queue/nonsense/").status_code == 404


def test_the_queue_lists_its_appeals_with_their_details(people, orgs):
    appeal = assigned(people, orgs)
    html = client_for(people.handler).get("/office/queue/to_sign/").content.decode()
    assert appeal.tracking_no in html
    assert f"/office/appeals/{appeal.tracking_no}/" in html
    assert "胜利街路灯损坏" in html and "东湖街道" in html
    assert "黄州区城市管理执法局" in html and "state-assigned" in html
    assert "签收剩" in html and "工作小时" in html


def test_other_counties_queues_stay_empty(people):
    new(people)
    html = client_for(people.macheng_dispatcher).get("/office/queue/new/").content.decode()
    assert "此队列暂无诉求" in html


def test_search_within_a_queue(people):
    one = new(people, title="胜利街路灯损坏")
    other = new(people, title="考棚街井盖缺失")
    html = client_for(people.county_dispatcher).get("/office/queue/new/?q=井盖").content.decode()
    assert other.tracking_no in html and one.tracking_no not in html


def test_the_queue_heading_counts_its_appeals_and_a_search_its_matches(people):
    for title in ("胜利街路灯损坏", "考棚街井盖缺失", "胜利街井盖松动"):
        new(people, title=title)
    client = client_for(people.county_dispatcher)
    whole = client.get("/office/queue/new/").content.decode()
    found = client.get("/office/queue/new/?q=井盖").content.decode()
    assert '<span class="muted num">（3）</span>' in whole
    assert '<span class="muted num">（2）</span>' in found
    assert 'office-tab__count num">3<' in whole and 'office-tab__count num">3<' in found


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("user", "key", "make"),
    [
        ("county_dispatcher", "new", lambda p, o: new(p)),
        ("county_dispatcher", "to_dispatch", lambda p, o: accepted(p)),
        ("handler", "to_sign", lambda p, o: assigned(p, o)),
        ("env_handler", "co_handling", lambda p, o: in_progress(p, o)),
        ("leader", "open", lambda p, o: in_progress(p, o)),
    ],
)
def test_queue_pages_take_the_same_queries_however_many_rows(people, orgs, user, key, make):
    client = client_for(getattr(people, user))
    url = f"/office/queue/{key}/"
    make(people, orgs)
    _queries(client, url)  # warm the process caches (places, calendar)
    one = _queries(client, url)
    for _ in range(5):
        make(people, orgs)
    assert _queries(client, url) == one


def test_the_org_selector_offers_only_orgs_in_scope_and_no_party_organisation(people, orgs):
    names = {o.name for o in dispatch_targets(people.county_dispatcher)}
    assert "黄州区城市管理执法局" in names and "黄冈市生态环境局黄州分局" in names
    assert "东湖街道社区党支部" not in names
    assert "黄州区12345热线中心" not in names
    assert "黄冈市住房和城乡建设局" not in names and "麻城市人民政府" not in names
    assert dispatch_targets(people.handler) == []
    city = {o.name for o in dispatch_targets(people.city_dispatcher)}
    assert "黄冈市住房和城乡建设局" in city and "黄州区城市管理执法局" in city


def test_the_office_in_english(people):
    client = client_for(people.county_dispatcher)
    client.cookies["massline_language"] = "en"
    html = client.get("/office/queue/new/").content.decode()
    assert 'lang="en"' in html and "Work lists" in html and "This list is empty." in html
