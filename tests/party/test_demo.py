"""The 掌上党建 demo, loaded with the whole demo: every stage, a bank of 100+ questions,
courses, study history whose totals equal their ledgers, and the two demo logins linked."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import Sum
from django.test import Client, override_settings

from massline.demo.loader import load_demo
from massline.party.models import (
    Attempt,
    CommitteeSeat,
    Lesson,
    PartyMember,
    PointEntry,
    Question,
    Stage,
)

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic(), hasher:
        yield load_demo(seed=7, count=40, now=NOW)
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_the_home_branch_has_people_at_every_stage_and_the_demo_logins(demo):
    home = PartyMember.objects.get(user__username="member_yujiawan").branch
    assert home.name == "余家湾社区第一党支部"
    stages = set(PartyMember.objects.filter(branch=home).values_list("stage", flat=True))
    assert stages == set(Stage.values)
    secretary = PartyMember.objects.get(user__username="secretary_yujiawan")
    assert secretary.branch == home
    assert CommitteeSeat.objects.filter(branch=home, member=secretary, post="secretary").exists()


def test_the_bank_holds_over_a_hundred_questions_of_every_kind(demo):
    assert Question.objects.count() >= 100
    assert set(Question.objects.values_list("kind", flat=True)) == {
        "single", "multiple", "judge", "fill",
    }  # fmt: skip
    assert Question.objects.values("stem").distinct().count() == Question.objects.count()


def test_every_total_equals_its_ledger_and_no_daily_cap_is_passed(demo):
    for m in PartyMember.objects.filter(points_total__gt=0):
        assert m.points_total == PointEntry.objects.filter(member=m).aggregate(n=Sum("points"))["n"]
    assert PartyMember.objects.filter(points_total__gt=0).count() >= 10
    per_day = (
        PointEntry.objects.filter(kind="article")
        .values("member", "day")
        .annotate(n=Sum("points"))
        .order_by("-n")
        .first()
    )
    assert per_day["n"] <= 6
    assert Attempt.objects.filter(submitted_at__isnull=False).count() > 20
    assert Lesson.objects.filter(kind="video").exists()


def test_the_demo_secretary_lands_on_the_branch_dashboard(demo):
    c = Client()
    from massline.accounts.models import User

    c.force_login(User.objects.get(username="secretary_yujiawan"))
    res = c.get("/office/", follow=True)
    body = res.content.decode()
    assert "支部工作台" in body
    home = PartyMember.objects.get(user__username="secretary_yujiawan").branch
    board = c.get(f"/party/branch/{home.pk}/").content.decode()
    assert "请准备换届" in board


def test_the_demo_has_held_meetings_with_minutes_and_one_about_to_start(demo):
    from massline.party.models import Attendance, Meeting

    home = PartyMember.objects.get(user__username="secretary_yujiawan").branch
    held = Meeting.objects.filter(branch=home, status="held")
    assert held.count() >= 8 and all(m.minutes for m in held)
    assert Attendance.objects.filter(meeting__branch=home).count() > 20
    assert Meeting.objects.filter(branch=home, status="scheduled", starts_at__gt=NOW).exists()
    assert Meeting.objects.filter(branch__name="余家湾社区第二党支部", status="held").exists()


def test_the_demo_has_dues_paid_and_in_arrears(demo):
    from massline.party.models import DuesRecord

    home = PartyMember.objects.get(user__username="secretary_yujiawan").branch
    records = DuesRecord.objects.filter(member__branch=home)
    assert records.filter(paid_at__isnull=False).count() > 20
    owing = records.filter(paid_at__isnull=True, month__lt=NOW.date().replace(day=1))
    assert owing.values("member").distinct().count() == 2


def test_the_demo_has_wishes_in_every_state_and_members_reported_to_the_community(demo):
    from massline.party.models import CommunityReport, Wish, WishStatus

    assert set(Wish.objects.values_list("status", flat=True)) == set(WishStatus.values)
    assert Wish.objects.filter(escalated_at__isnull=False).exists()
    home = PartyMember.objects.get(user__username="secretary_yujiawan").branch
    assert CommunityReport.objects.filter(community=home, services__isnull=False).exists()
