"""The dispatcher's suggestion: category, department and merge candidates from the history."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from massline.appeals import suggestions
from massline.appeals.models import Appeal, Category, State
from massline.orgs.models import Level, Org, OrgKind

STREETLIGHT = [
    "{place}路灯不亮了，晚上一片漆黑",
    "{place}的路灯坏了好几盏，夜里行人看不清路",
    "{place}路灯灯杆倾斜，灯泡损坏一直没人修",
    "{place}一排路灯整夜熄灭，请尽快维修照明",
    "{place}路灯白天亮晚上不亮，照明时间设置有误",
]
NOISE = [
    "{place}工地夜间施工噪音扰民，吵得睡不着",
    "{place}广场舞音响声音太大，噪音严重扰民",
    "{place}餐馆排风机噪声很大，深夜也不停",
    "{place}酒吧音乐噪音一直到凌晨，居民无法休息",
    "{place}装修电钻噪声从早到晚，影响老人休息",
]
TAXI = [
    "{place}出租车司机拒载还绕路多收费",
    "{place}网约车司机中途加价，平台不处理投诉",
    "{place}出租车不打表一口价，乘客权益受损",
    "{place}网约车无证营运，车辆和司机信息不符",
    "{place}出租车司机态度恶劣，拒绝按计价器收费",
]
PLACES = ["东湖街道", "考棚街", "胜利街", "赤壁大道", "新港路", "黄州大道", "宝塔路", "八一路"]

NEW_STREETLIGHT = "宝塔路小区门口路灯不亮", "宝塔路小区门口的路灯已经坏了一个月，晚上漆黑一片"


@pytest.fixture(autouse=True)
def engine(monkeypatch):
    """A fresh engine per test: rebuild as soon as the history grows, no background thread."""
    fresh = suggestions.Engine(min_history=20, check_every=0, background=False)
    monkeypatch.setattr(suggestions, "ENGINE", fresh)
    return fresh


def _category(*names):
    """The seeded category (made again where a transactional test flushed the seed)."""
    node = None
    for level, name in enumerate(names, start=1):
        node, _ = Category.objects.get_or_create(name=name, parent=node, defaults={"level": level})
    return node


@pytest.fixture
def topics(orgs):
    transport = Org.objects.create(
        name="黄州区交通运输局",
        kind=OrgKind.DEPARTMENT,
        level=Level.COUNTY,
        region=orgs.county.region,
        parent=orgs.county,
    )
    return {
        "streetlight": (
            STREETLIGHT,
            _category("城乡建设", "城市建设和市政管理", "城市公共设施"),
            orgs.county_urban,
        ),
        "noise": (NOISE, _category("环境保护", "环境污染", "噪音污染"), orgs.county_env),
        "taxi": (TAXI, _category("交通运输", "出租车管理", "网约车问题"), transport),
    }


_numbers = itertools.count(1)


def _appeal(people, places, orgs, title, body, *, category=None, lead=None, state=None, days=5):
    n = next(_numbers)
    return Appeal.objects.create(
        tracking_no=f"TS{n:08d}",
        kind="complaint",
        title=title[:100],
        body=body,
        category=category,
        region=places.donghu,
        submitted_by=people.resident,
        hub=orgs.county_hub,
        lead_org=lead,
        state=state or (State.CLOSED if lead else State.SUBMITTED),
        created_at=timezone.now() - timedelta(days=days),
    )


def _history(people, places, orgs, topics, per_topic=15, offset=0):
    made = []
    for templates, category, dept in topics.values():
        for i in range(per_topic):
            place = PLACES[(i + offset) % len(PLACES)]
            text = templates[(i + offset) % len(templates)].format(place=place)
            body = f"{text}。已经反映多次，希望有关部门第{i + offset + 1}次能给个说法，谢谢。"
            made.append(
                _appeal(people, places, orgs, text, body, category=category, lead=dept, days=10 + i)
            )
    return made


@pytest.fixture
def history(people, places, orgs, topics):
    return _history(people, places, orgs, topics)


def test_streetlight_appeal_gets_its_category_and_the_urban_department(
    people, places, orgs, topics, history
):
    appeal = _appeal(people, places, orgs, *NEW_STREETLIGHT)
    got = suggestions.suggest(appeal, people.county_dispatcher)
    assert got is not None
    assert got.reason == ""
    assert len(got.categories) == 3
    assert got.categories[0].category == topics["streetlight"][1]
    assert got.categories[0].names == ("城乡建设", "城市建设和市政管理", "城市公共设施")
    assert got.categories[0].confidence > got.categories[1].confidence
    assert got.departments[0].org == orgs.county_urban
    assert {c.org for c in got.departments} <= {
        orgs.county_urban,
        orgs.county_env,
        topics["taxi"][2],
    }
    assert 0 < got.departments[0].confidence <= 1
    assert got.trained_at is not None


def test_departments_are_only_those_the_hub_may_dispatch_to(people, places, orgs, topics, history):
    appeal = _appeal(people, places, orgs, *NEW_STREETLIGHT)
    appeal.hub = orgs.macheng_hub
    appeal.save()
    got = suggestions.suggest(appeal, people.macheng_dispatcher)
    assert got is not None
    assert got.categories  # the category does not depend on the hub
    assert got.departments == ()  # 黄州区's departments are not 麻城市's to dispatch to


def test_near_copy_of_an_open_appeal_is_a_merge_candidate_and_unrelated_is_not(
    people, places, orgs, topics, history
):
    body = (
        "考棚街与胜利街交叉口的工地连续一周每晚十一点后仍在施工，电锯和搅拌机的噪音很大，"
        "老人小孩无法休息，请环保部门尽快处理。"
    )
    original = _appeal(people, places, orgs, "考棚街工地夜间施工噪音扰民", body, days=1)
    unrelated = _appeal(
        people,
        places,
        orgs,
        "赤壁大道公交站台广告牌破损",
        "赤壁大道公交站台的广告牌玻璃破了，碎片掉在候车的地方，担心伤到等车的乘客。",
        days=1,
    )
    copy = _appeal(
        people,
        places,
        orgs,
        "考棚街工地夜间施工噪音扰民！",
        "您好，" + body.replace("一周", "两周") + "谢谢！",
    )
    got = suggestions.suggest(copy, people.county_dispatcher)
    found = {d.tracking_no: d for d in got.duplicates}
    assert original.tracking_no in found
    assert found[original.tracking_no].title == original.title
    assert found[original.tracking_no].similarity >= 0.6
    assert unrelated.tracking_no not in found
    assert copy.tracking_no not in found
    assert len(got.duplicates) <= 5


def test_appeals_of_another_hub_or_merged_are_no_candidates(people, places, orgs, history):
    body = "新港路菜市场门口每天早上五点就有货车卸货，喇叭声和吆喝声很大，周边居民都被吵醒。"
    other_hub = _appeal(people, places, orgs, "新港路菜市场清晨卸货扰民", body, days=1)
    other_hub.hub = orgs.macheng_hub
    other_hub.save()
    mine = _appeal(people, places, orgs, "新港路菜市场清晨卸货扰民", body)
    got = suggestions.suggest(mine, people.county_dispatcher)
    assert got.duplicates == ()


@pytest.mark.parametrize("who", ["resident", "handler", "env_handler", "analyst"])
def test_no_suggestion_for_residents_handlers_or_analysts(people, places, orgs, history, who):
    appeal = _appeal(people, places, orgs, *NEW_STREETLIGHT)
    assert suggestions.suggest(appeal, getattr(people, who)) is None


def test_admin_and_city_dispatcher_get_one(people, places, orgs, history):
    appeal = _appeal(people, places, orgs, *NEW_STREETLIGHT)
    assert suggestions.suggest(appeal, people.admin) is not None
    assert suggestions.suggest(appeal, people.city_dispatcher) is not None


def test_empty_history_gives_an_empty_answer_with_a_reason(people, places, orgs):
    appeal = _appeal(people, places, orgs, *NEW_STREETLIGHT)
    got = suggestions.suggest(appeal, people.county_dispatcher)
    assert got is not None
    assert got.is_empty
    assert "历史数据不足" in got.reason
    assert got.categories == got.departments == got.duplicates == ()


def test_a_failing_model_gives_a_reason_not_an_error(people, places, orgs, history, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(suggestions.CategoryClassifier, "fit", broken)
    appeal = _appeal(people, places, orgs, *NEW_STREETLIGHT)
    got = suggestions.suggest(appeal, people.county_dispatcher)
    assert got.categories == ()
    assert "分类模型训练失败" in got.reason
    assert got.departments  # the other part still answers


def test_model_is_rebuilt_after_the_history_grows(people, places, orgs, topics, engine):
    _history(people, places, orgs, topics, per_topic=7)
    appeal = _appeal(people, places, orgs, *NEW_STREETLIGHT)
    first = suggestions.suggest(appeal, people.county_dispatcher)
    assert engine.trainings == 1
    assert first.categories
    suggestions.suggest(appeal, people.county_dispatcher)
    assert engine.trainings == 1  # nothing new, nothing rebuilt
    _history(people, places, orgs, topics, per_topic=3, offset=7)  # 21 → 30 labelled: +43 %
    again = suggestions.suggest(appeal, people.county_dispatcher)
    assert engine.trainings == 2
    assert again.trained_at > first.trained_at


def test_staleness_is_checked_at_most_every_check_every_seconds(
    people, places, orgs, topics, engine
):
    engine.check_every = 3600
    _history(people, places, orgs, topics, per_topic=7)
    appeal = _appeal(people, places, orgs, *NEW_STREETLIGHT)
    suggestions.suggest(appeal, people.county_dispatcher)
    _history(people, places, orgs, topics, per_topic=7, offset=7)
    suggestions.suggest(appeal, people.county_dispatcher)
    assert engine.trainings == 1


def test_warm_suggestion_costs_few_queries(
    people, places, orgs, history, django_assert_max_num_queries
):
    appeal = _appeal(people, places, orgs, *NEW_STREETLIGHT)
    suggestions.suggest(appeal, people.county_dispatcher)
    appeal = Appeal.objects.select_related("hub", "lead_org", "region").get(pk=appeal.pk)
    with django_assert_max_num_queries(6):
        got = suggestions.suggest(appeal, people.county_dispatcher)
    assert got.categories


@pytest.mark.django_db(transaction=True)
def test_background_training_answers_once_the_first_model_is_ready(people, places, orgs, topics):
    """The default engine trains in its own thread; the first page waits a bounded time."""
    engine = suggestions.Engine(min_history=20, check_every=0, first_wait=0.0)
    _history(people, places, orgs, topics, per_topic=7)
    appeal = _appeal(people, places, orgs, *NEW_STREETLIGHT)
    first = engine.suggest(appeal)
    assert first.categories == ()
    assert "模型训练中" in first.reason
    engine._first.wait(120)
    again = engine.suggest(appeal)
    assert again.categories[0].category == topics["streetlight"][1]
    assert again.departments[0].org == orgs.county_urban


def test_one_countys_history_teaches_the_department_of_another(
    people, places, orgs, topics, history
):
    """The model learns the kind of org (城市管理执法局), the hub's own one is suggested."""
    macheng_urban = Org.objects.create(
        name="麻城市城市管理执法局",
        kind=OrgKind.DEPARTMENT,
        level=Level.COUNTY,
        region=places.macheng,
        parent=orgs.macheng,
    )
    appeal = _appeal(people, places, orgs, *NEW_STREETLIGHT)
    appeal.hub, appeal.region = orgs.macheng_hub, places.macheng
    appeal.save()
    got = suggestions.suggest(appeal, people.macheng_dispatcher)
    assert [c.org for c in got.departments] == [macheng_urban]
