"""The demo's consultations: one closed with its 采纳情况 public, open ones to comment on."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import Client, override_settings

from massline.consult.models import CommentStatus, Consultation
from massline.demo.loader import load_demo

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic(), fast:
        yield load_demo(seed=7, count=40, now=NOW)
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_the_demo_has_a_closed_consultation_whose_every_comment_was_answered(demo):
    closed = Consultation.objects.get(report_published_at__isnull=False)
    published = closed.comments.filter(status=CommentStatus.PUBLISHED)
    assert published.count() >= 8
    assert not published.filter(decision__isnull=True).exists()
    assert {d.outcome for d in closed.decisions.all()} == {"adopted", "partly", "not_adopted"}
    assert closed.revisions.count() >= 2
    page = Client().get(f"/consult/{closed.pk}/report/").content.decode()
    assert "已修改" in page and "新增" in page and "删除" in page
    progress = Client().get(f"/consult/{closed.pk}/progress/").content.decode()
    assert "已完成 2 / 4 个落实节点" in progress


def test_the_demo_has_open_consultations_for_the_public_residents_and_a_party_branch(demo):
    audiences = set(
        Consultation.objects.filter(opens_at__lte=NOW, closes_at__gt=NOW).values_list(
            "audience", flat=True
        )
    )
    assert audiences == {"public", "residents", "party"}
    listing = Client().get("/consult/").content.decode()
    assert "电动自行车停放充电管理办法" in listing
    assert "主题党日活动安排" not in listing


def test_the_demo_has_a_survey_with_answers_and_public_results(demo):
    from massline.consult.models import Survey

    survey = Survey.objects.get()
    assert survey.responses.count() >= 40
    page = Client().get(f"/consult/surveys/{survey.pk}/results/").content.decode()
    assert "共 46 份答卷" in page and "高频词" in page


def test_the_demo_has_announcements_documents_with_interpretations_and_refutations(demo):
    from massline.consult.models import Publication

    kinds = set(Publication.objects.values_list("kind", flat=True))
    assert kinds == {"announcement", "policy", "interpretation", "refutation"}
    assert not Publication.objects.filter(kind="policy", interpretations__isnull=True).exists()
    page = Client().get("/news/").content.decode()
    assert "加装电梯" in page and "系谣言" in page


def test_the_demo_has_an_archived_interview_with_its_transcript(demo):
    from massline.consult.models import Interview

    archived = Interview.objects.get(ends_at__lt=NOW)
    page = Client().get(f"/consult/interviews/{archived.pk}/").content.decode()
    assert "访谈实录" in page and page.count('class="qa"') == 6
