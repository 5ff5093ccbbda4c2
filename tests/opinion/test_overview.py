"""The 舆情 overview of an org subtree and period: every figure is what a SQL count gives, every
number leads to the appeals behind it, the subtree is respected and analysts read masked text."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Avg
from django.test import Client
from django.utils import timezone

from massline.appeals.models import Appeal
from massline.opinion.models import NEGATIVE, Keyword
from massline.orgs.models import Membership, Role
from tests.opinion.conftest import make_appeal

MASKED_PHONE = "139****5678"


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _period():
    today = timezone.localdate()
    return {"start": f"{today - timedelta(days=60):%Y-%m-%d}", "end": f"{today:%Y-%m-%d}"}


@pytest.fixture
def analysed(trained, people, places, orgs, topics):
    """The history, a 麻城 appeal outside 黄州区, and an urgent appeal naming a phone number."""
    make_appeal(
        people,
        places.macheng,
        orgs.macheng_hub,
        "麻城市路灯不亮",
        "麻城市龙池桥路灯不亮了，晚上一片漆黑。",
        days=3,
    )
    urgent = make_appeal(
        people,
        places.donghu,
        orgs.county_hub,
        "老人已摔倒，请联系13912345678",
        "黄州区东湖街道考棚街楼道灯坏了，隔壁老人已摔倒，腿动不了，家属电话13912345678。",
        days=1,
        kind="help",
    )
    call_command("analyse-backlog", "--since", "2000-01-01")
    return urgent


def _behind_count(client, href):
    page = client.get(href.replace("&amp;", "&"))
    assert page.status_code == 200
    return int(re.search(r"（(\d+)）", page.content.decode()).group(1))


def test_the_city_analyst_sees_figures_equal_to_sql_counts_and_each_number_leads_to_its_appeals(
    analysed, people, orgs
):
    c = _client(people.analyst)
    res = c.get("/office/opinion/", {"org": orgs.city.pk, **_period()})
    assert res.status_code == 200
    view = res.context["view"]
    start = timezone.localdate() - timedelta(days=60)
    in_period = Appeal.objects.filter(created_at__date__gte=start, merged_into__isnull=True)
    assert view.total == in_period.count() == 47
    assert view.analysed == 47 and view.pending == 0 and view.failed == 0
    assert sum(s.total for s in view.by_kind) == view.total
    assert {s.label: s.total for s in view.by_kind} == {"投诉": 46, "求助": 1}
    assert sum(s.total for s in view.by_category) == view.total
    assert view.urgent == in_period.filter(analysis__urgency__gt=0).count() >= 1
    assert view.negative == in_period.filter(analysis__negativity__gte=NEGATIVE).count()
    assert sum(view.analysed_by_day) == view.analysed
    for day, n, mean in zip(
        view.days, view.analysed_by_day, view.mean_negativity_by_day, strict=True
    ):
        if n:
            on_day = in_period.filter(created_at__date=day)
            sql = on_day.aggregate(m=Avg("analysis__negativity"))["m"]
            assert n == on_day.count() and mean == round(sql, 3)
    for word, n in view.keywords:
        assert n == Keyword.objects.filter(word=word, analysis__appeal__in=in_period).count()
    html = res.content.decode()
    links = re.findall(r'href="(/office/opinion/appeals/\?[^"]+)">(\d+)</a>', html)
    assert len(links) > 20
    for href, number in links[:40]:
        assert _behind_count(c, href) == int(number), href


def test_hot_topics_show_hotness_parts_places_and_samples(analysed, people, orgs):
    res = _client(people.analyst).get("/office/opinion/", {"org": orgs.city.pk, **_period()})
    topics = res.context["view"].topics
    assert topics, "the history's three matters make topics"
    top = topics[0]
    assert top.size >= 2 and top.hotness == pytest.approx(sum(top.parts.values()), abs=0.05)
    assert top.places and top.samples
    assert top.size == Appeal.objects.filter(analysis__topic=top.topic).count()


def test_a_county_analyst_reads_the_county_only(analysed, people, orgs):
    Membership.objects.create(user=people.neighbour, org=orgs.county, role=Role.ANALYST)
    c = _client(people.neighbour)
    res = c.get("/office/opinion/", _period())
    assert res.status_code == 200
    view = res.context["view"]
    assert view.unit == orgs.county
    assert view.total == 46  # not 麻城市's appeal
    assert "麻城市路灯不亮" not in res.content.decode()
    assert c.get("/office/opinion/", {"org": orgs.city.pk}).status_code == 404
    assert c.get("/office/opinion/appeals/", {"org": orgs.macheng.pk}).status_code == 404


def test_an_analyst_reads_masked_text_and_the_leader_the_original(analysed, people, orgs):
    analyst = _client(people.analyst).get("/office/opinion/", _period()).content.decode()
    assert MASKED_PHONE in analyst and "13912345678" not in analyst
    assert "紧急" in analyst and "老人已摔倒" in analyst
    listing = _client(people.analyst).get("/office/opinion/appeals/", {"urgent": "1", **_period()})
    assert MASKED_PHONE in listing.content.decode()
    assert "13912345678" not in listing.content.decode()
    leader = _client(people.leader).get("/office/opinion/", _period()).content.decode()
    assert "13912345678" in leader


def test_residents_and_handlers_are_refused_and_visitors_sent_to_log_in(analysed, people):
    assert _client(people.resident).get("/office/opinion/").status_code == 403
    assert _client(people.handler).get("/office/opinion/").status_code == 403
    res = Client().get("/office/opinion/")
    assert res.status_code == 302 and "/login/" in res["Location"]


def test_a_bad_period_is_named_and_the_default_period_shown(analysed, people):
    res = _client(people.analyst).get("/office/opinion/", {"start": "2026-13-01", "end": "x"})
    assert res.status_code == 200
    assert res.context["error"]
    assert 'role="alert"' in res.content.decode()


def test_the_api_gives_the_same_figures_to_the_analyst_and_refuses_a_resident(
    analysed, people, orgs, api
):
    page = _client(people.analyst).get("/office/opinion/", {"org": orgs.county.pk, **_period()})
    view = page.context["view"]
    res = api(people.analyst).get("/api/v1/opinion/overview", org=orgs.county.pk, **_period())
    assert res.status_code == 200, res.content
    data = res.json()
    assert data["total"] == view.total == 46
    assert [(s["label"], s["total"]) for s in data["by_category"]] == [
        (s.label, s.total) for s in view.by_category
    ]
    assert [tuple(k) for k in data["keywords"]] == view.keywords
    assert [t["id"] for t in data["topics"]] == [t.topic.pk for t in view.topics]
    assert api(people.resident).get("/api/v1/opinion/overview").status_code == 403
    outside = api(people.analyst).get("/api/v1/opinion/overview", org=10**12)
    assert outside.status_code == 404
    bad = api(people.analyst).get("/api/v1/opinion/overview", start="2026-01-01")
    assert bad.status_code == 422 and bad.json()["field"] == "end"
