"""A history the models learn from (street lights, noise, taxis across 东湖街道 and 麻城市), the
engine's per-process state emptied around each test, and model files in the test's folder."""

import itertools
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from massline.appeals.models import Appeal, Category, State
from massline.opinion.engine import RUNTIME
from massline.orgs.models import Level, Org, OrgKind, Region

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
STREETS = ["考棚街", "胜利街", "赤壁大道", "新港路", "黄州大道", "宝塔路", "八一路", "青砖湖路"]


@pytest.fixture(autouse=True)
def _engine_state(settings, tmp_path):
    settings.OPINION_MODEL_DIR = tmp_path / "models"
    RUNTIME.clear()
    yield
    RUNTIME.clear()


def category(*names):
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
            category("城乡建设", "城市建设和市政管理", "城市公共设施"),
            orgs.county_urban,
        ),
        "noise": (NOISE, category("环境保护", "环境污染", "噪音污染"), orgs.county_env),
        "taxi": (TAXI, category("交通运输", "出租车管理", "网约车问题"), transport),
    }


_numbers = itertools.count(1)


def make_appeal(
    people, region, hub, title, body, *, category=None, lead=None, days=5, kind="complaint", by=None
):
    n = next(_numbers)
    return Appeal.objects.create(
        tracking_no=f"OP{n:08d}",
        kind=kind,
        title=title[:100],
        body=body,
        category=category,
        region=region,
        submitted_by=by or people.resident,
        contact_name=(by or people.resident).real_name,
        hub=hub,
        lead_org=lead,
        state=State.CLOSED if lead else State.SUBMITTED,
        created_at=timezone.now() - timedelta(days=days),
    )


@pytest.fixture
def history(people, places, orgs, topics):
    """45 closed appeals of 黄州区, each with its category and the department that handled it."""
    made = []
    for templates, cat, dept in topics.values():
        for i in range(15):
            text = templates[i % len(templates)].format(place=STREETS[i % len(STREETS)])
            body = f"{text}。已经反映多次，希望有关部门第{i + 1}次能给个说法。"
            made.append(
                make_appeal(
                    people,
                    places.donghu,
                    orgs.county_hub,
                    text,
                    body,
                    category=cat,
                    lead=dept,
                    days=20 + i,
                )
            )
    return made


@pytest.fixture
def trained(history):
    call_command("train-models", "--activate")
    return history


def run_worker():
    call_command("worker", "--batch", "--no-scheduler")


@pytest.fixture
def chibi(places):
    """A second street of 黄州区 beside 东湖街道: neither contains the other."""
    return Region.objects.create(
        code="421102002", name="赤壁街道", level=Level.TOWNSHIP, parent=places.huangzhou
    )
