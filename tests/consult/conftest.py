"""A draft of 黄冈市 put to consultation, and the people who read it, comment and run it."""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from massline.consult import services
from massline.orgs.models import Membership, Role
from tests.browser.conftest import (  # noqa: F401 — the browser tests' fixtures, shared
    axe,
    browser,
    login,
    open_page,
    phone,
    pytest_runtest_makereport,
    snap,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

DRAFT = """第一条 为规范黄冈市城区养犬行为，保障公民人身安全，制定本办法。
第二条 本市城区范围内养犬，实行登记制度。
养犬人应当自取得犬只之日起三十日内办理养犬登记。
第三条 携犬出户应当束犬链，犬链长度不超过一点五米。
第四条 本办法自公布之日起施行。"""


def at(y, m, d, hh=10, mm=0, ss=0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


@pytest.fixture
def as_user():
    def _client(user=None):
        c = Client()
        if user is not None:
            c.force_login(user, backend="massline.accounts.backends.PhoneOrUsernameBackend")
        return c

    return _client


@pytest.fixture
def verified(people):
    """The residents have verified their phones (as registration by SMS code does)."""
    for u in (people.resident, people.neighbour):
        u.phone_verified_at = at(2026, 1, 5)
        u.save(update_fields=["phone_verified_at"])
    return people


@pytest.fixture
def housing_officer(orgs):
    from massline.accounts.models import User

    user = User.objects.create_user(username="hg_fagui", password="x", real_name="何法规")
    Membership.objects.create(user=user, org=orgs.city_housing, role=Role.HANDLER)
    return user


@pytest.fixture
def draft(housing_officer, orgs):
    """consult(**overrides): a draft of 黄冈市住建局 open 2026-12-01 to 2026-12-15."""

    def _make(**overrides):
        fields = dict(
            org=orgs.city_housing,
            title="黄冈市城区养犬管理办法（征求意见稿）",
            summary="为回应群众对文明养犬的关切，起草了本办法，现公开征求意见。",
            text=DRAFT,
            first_day=date(2026, 12, 1),
            last_day=date(2026, 12, 15),
        )
        fields.update(overrides)
        return services.create_consultation(housing_officer, **fields)

    return _make


def paragraphs(c):
    """The paragraph ids of the latest revision, in reading order."""
    revision = c.revisions.order_by("-number").first()
    return [t.paragraph_id for t in revision.texts.order_by("position")]


@pytest.fixture
def world(verified, orgs, housing_officer):
    return SimpleNamespace(people=verified, orgs=orgs, officer=housing_officer)
