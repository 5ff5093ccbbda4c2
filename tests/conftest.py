"""Personas and a small real org tree: 黄冈市 with 黄州区 and 麻城市, hubs and departments."""

from types import SimpleNamespace

import pytest
from django.test import Client

from massline.accounts.auth import TOKENS
from massline.accounts.models import ApiToken, User
from massline.accounts.sms import MemoryBackend
from massline.appeals.figures import HOME as HOME_FIGURES
from massline.appeals.services import PLACES
from massline.appeals.suggestions import ENGINE as SUGGESTIONS
from massline.core import calendar
from massline.core.calendar import clear_calendar_cache
from massline.orgs.models import Level, Membership, Org, OrgKind, Region, Role
from massline.orgs.staff import WITHOUT_MEMBERSHIPS

PASSWORD = "demo-pass-2026"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_BACKEND = "massline.accounts.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    _forget_calendar()
    yield
    _forget_calendar()


def _forget_calendar():
    """Also the flag a calendar edit leaves until its transaction commits: a test's transaction
    never commits, and the flag would make later tests rebuild the calendar with queries."""
    calendar._thread.dirty = False
    clear_calendar_cache()


@pytest.fixture(autouse=True)
def _empty_process_caches():
    """A flushed table sends no signal: no test may see rows cached by the one before."""
    for cache in (TOKENS, WITHOUT_MEMBERSHIPS, PLACES, SUGGESTIONS, HOME_FIGURES):
        cache.clear()
    yield
    for cache in (TOKENS, WITHOUT_MEMBERSHIPS, PLACES, SUGGESTIONS, HOME_FIGURES):
        cache.clear()


def _region(code, name, level, parent=None):
    return Region.objects.create(code=code, name=name, level=level, parent=parent)


def _org(name, kind, level, region, parent=None):
    return Org.objects.create(name=name, kind=kind, level=level, region=region, parent=parent)


@pytest.fixture
def places(db):
    china = _region("100000", "中华人民共和国", Level.CENTRAL)
    hubei = _region("420000", "湖北省", Level.PROVINCE, china)
    huanggang = _region("421100", "黄冈市", Level.CITY, hubei)
    huangzhou = _region("421102", "黄州区", Level.COUNTY, huanggang)
    donghu = _region("421102001", "东湖街道", Level.TOWNSHIP, huangzhou)
    macheng = _region("421181", "麻城市", Level.COUNTY, huanggang)
    return SimpleNamespace(
        china=china,
        hubei=hubei,
        huanggang=huanggang,
        huangzhou=huangzhou,
        donghu=donghu,
        macheng=macheng,
    )


@pytest.fixture
def orgs(places):
    p = places
    city = _org("黄冈市人民政府", OrgKind.GOVERNMENT, Level.CITY, p.huanggang)
    county = _org("黄州区人民政府", OrgKind.GOVERNMENT, Level.COUNTY, p.huangzhou, city)
    macheng = _org("麻城市人民政府", OrgKind.GOVERNMENT, Level.COUNTY, p.macheng, city)
    return SimpleNamespace(
        city=city,
        city_hub=_org(
            "黄冈市12345政务服务便民热线中心", OrgKind.HUB, Level.CITY, p.huanggang, city
        ),
        city_housing=_org(
            "黄冈市住房和城乡建设局", OrgKind.DEPARTMENT, Level.CITY, p.huanggang, city
        ),
        city_transport=_org("黄冈市交通运输局", OrgKind.DEPARTMENT, Level.CITY, p.huanggang, city),
        county=county,
        county_hub=_org("黄州区12345热线中心", OrgKind.HUB, Level.COUNTY, p.huangzhou, county),
        county_urban=_org(
            "黄州区城市管理执法局", OrgKind.DEPARTMENT, Level.COUNTY, p.huangzhou, county
        ),
        county_env=_org(
            "黄冈市生态环境局黄州分局", OrgKind.DEPARTMENT, Level.COUNTY, p.huangzhou, county
        ),
        macheng=macheng,
        macheng_hub=_org("麻城市12345热线中心", OrgKind.HUB, Level.COUNTY, p.macheng, macheng),
        branch=_org("东湖街道社区党支部", OrgKind.PARTY_BRANCH, Level.TOWNSHIP, p.donghu, county),
    )


def _user(username, real_name, phone=None, org=None, role=None, **extra):
    user = User.objects.create_user(
        username=username, password=PASSWORD, real_name=real_name, phone=phone, **extra
    )
    if org is not None:
        Membership.objects.create(user=user, org=org, role=role)
    return user


@pytest.fixture
def people(orgs):
    o = orgs
    return SimpleNamespace(
        resident=_user("13800000001", "张三丰", phone="13800000001"),
        neighbour=_user("13800000002", "李四", phone="13800000002"),
        county_dispatcher=_user("hz_dispatch", "王派单", org=o.county_hub, role=Role.DISPATCHER),
        city_dispatcher=_user("hg_dispatch", "赵总台", org=o.city_hub, role=Role.DISPATCHER),
        macheng_dispatcher=_user("mc_dispatch", "钱派单", org=o.macheng_hub, role=Role.DISPATCHER),
        handler=_user("hz_urban", "孙承办", org=o.county_urban, role=Role.HANDLER),
        env_handler=_user("hz_env", "周环保", org=o.county_env, role=Role.HANDLER),
        city_handler=_user("hg_housing", "吴住建", org=o.city_housing, role=Role.HANDLER),
        transport_handler=_user("hg_transport", "郑交通", org=o.city_transport, role=Role.HANDLER),
        leader=_user("hg_leader", "冯市长", org=o.city, role=Role.LEADER),
        analyst=_user("hg_analyst", "陈分析", org=o.city, role=Role.ANALYST),
        admin=_user("admin", "管理员", is_superuser=True, is_staff=True),
    )


class Api:
    """Real HTTP through Django's test client, authenticated with a bearer token."""

    def __init__(self, user=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            _, raw = ApiToken.issue(user, "test")
            self.headers["Authorization"] = f"Bearer {raw}"

    def get(self, path, **params):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path, data=None, headers=None):
        return self.client.post(
            path,
            data or {},
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )


@pytest.fixture
def api(people):
    cache = {}

    def as_user(user=None):
        key = user.pk if user else None
        if key not in cache:
            cache[key] = Api(user)
        return cache[key]

    return as_user


SAMPLE = {
    "kind": "complaint",
    "title": "东湖街道考棚街夜间施工噪音扰民",
    "body": (
        "考棚街工地连续一周每晚十一点后仍在施工，噪音很大，老人小孩无法休息，"
        "请尽快处理。联系电话13912345678。"
    ),
    "region_code": "421102001",
    "location": "考棚街与胜利街交叉口",
}


@pytest.fixture
def submit(api, people):
    def _submit(user=None, **overrides):
        res = api(user or people.resident).post("/api/v1/appeals", {**SAMPLE, **overrides})
        assert res.status_code == 201, res.content.decode()
        return res.json()

    return _submit
