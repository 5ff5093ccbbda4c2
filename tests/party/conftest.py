"""A small party tree: 东湖街道党工委 → 余家湾社区党委 → two branches, and one person per role."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.test import Client

from massline.orgs.models import Level, Membership, Org, OrgKind, Role
from massline.party.models import Lesson, LessonKind, PartyMember, Question, Stage
from massline.party.points import seed_rules
from tests.conftest import _user


def _party_org(name, kind, region, parent=None):
    return Org.objects.create(
        name=name, kind=kind, level=Level.TOWNSHIP, region=region, parent=parent
    )


@pytest.fixture
def party(places):
    seed_rules()
    street = _party_org("东湖街道党工委", OrgKind.PARTY_COMMITTEE, places.donghu)
    community = _party_org("余家湾社区党委", OrgKind.PARTY_COMMITTEE, places.donghu, street)
    first = _party_org("余家湾第一支部", OrgKind.PARTY_BRANCH, places.donghu, community)
    second = _party_org("余家湾第二支部", OrgKind.PARTY_BRANCH, places.donghu, community)
    other = _party_org("长江社区支部", OrgKind.PARTY_BRANCH, places.donghu, street)

    def person(username, name, org, role, stage=Stage.FULL):
        user = _user(username, name, org=org, role=role)
        record = None
        if org.kind == OrgKind.PARTY_BRANCH:
            record = PartyMember.objects.create(
                branch=org, user=user, name=name, stage=stage, joined_on=date(2010, 7, 1)
            )
        return user, record

    secretary, secretary_record = person("sec1", "余书记", first, Role.PARTY_SECRETARY)
    member, record = person("mem1", "方党员", first, Role.PARTY_MEMBER)
    other_member, other_record = person("mem2", "王党员", second, Role.PARTY_MEMBER)
    other_secretary, _ = person("sec2", "李书记", second, Role.PARTY_SECRETARY)
    committee, _ = person("com1", "社区党委书记", community, Role.PARTY_SECRETARY)
    Membership.objects.create(user=secretary, org=first, role=Role.PARTY_MEMBER)
    resident = _user("13800000009", "张居民", phone="13800000009")
    return SimpleNamespace(
        street=street,
        community=community,
        first=first,
        second=second,
        other=other,
        secretary=secretary,
        secretary_record=secretary_record,
        member=member,
        record=record,
        other_member=other_member,
        other_record=other_record,
        other_secretary=other_secretary,
        committee=committee,
        resident=resident,
    )


@pytest.fixture
def client_for():
    def _client(user):
        c = Client()
        c.force_login(user, backend="massline.accounts.backends.PhoneOrUsernameBackend")
        return c

    return _client


@pytest.fixture
def article(party):
    from massline.party.models import Course

    course = Course.objects.create(org=party.community, title="学习党章")
    return Lesson.objects.create(
        course=course, kind=LessonKind.ARTICLE, title="党章总纲", body="中国共产党是……"
    )


@pytest.fixture
def questions(db):
    made = []
    for i in range(12):
        made.append(
            Question.objects.create(
                kind="single",
                stem=f"第{i}题：中国共产党成立于哪一年？",
                options=["1919年", "1921年", "1927年", "1949年"],
                answer=["B"],
                tags="党史",
            )
        )
    return made
