"""The ledger: every point a row with its reason, caps per Beijing day, total = sum of rows."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import Sum

from massline.party.models import PartyMember, PointEntry, PointKind, PointRule
from massline.party.points import award, award_login


def _sum(member):
    return PointEntry.objects.filter(member=member).aggregate(n=Sum("points"))["n"] or 0


def test_article_points_stop_at_the_daily_cap_and_start_again_after_beijing_midnight(party):
    m = party.record
    late = datetime(2026, 12, 7, 15, 50, tzinfo=UTC)  # 23:50 in Beijing
    given = [
        award(m, PointKind.ARTICLE, 1, reason=f"读文章{i}", ref=f"lesson:{i}", now=late).points
        for i in range(8)
    ]
    assert given == [1] * 6 + [0, 0]
    next_day = datetime(2026, 12, 7, 16, 5, tzinfo=UTC)  # 00:05 the next day in Beijing
    assert (
        award(m, PointKind.ARTICLE, 1, reason="读文章9", ref="lesson:9", now=next_day).points == 1
    )
    m.refresh_from_db()
    assert m.points_total == 7 == _sum(m)
    assert PointEntry.objects.filter(member=m, reason="读文章0").exists()


def test_the_same_article_earns_once(party):
    m = party.record
    assert award(m, PointKind.ARTICLE, 1, reason="a", ref="lesson:1").points == 1
    assert award(m, PointKind.ARTICLE, 1, reason="a", ref="lesson:1").points == 0
    assert PointEntry.objects.filter(member=m).count() == 1


def test_login_earns_one_point_a_day(party):
    m = party.record
    day = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert award_login(m, day).points == 1
    assert award_login(m, day).points == 0
    assert award_login(m, datetime(2026, 12, 8, 1, 0, tzinfo=UTC)).points == 1


def test_an_edited_rule_applies_and_a_switched_off_one_gives_nothing(party):
    PointRule.objects.filter(kind=PointKind.ARTICLE).update(daily_cap=2)
    m = party.record
    assert [award(m, "article", 1, reason="x", ref=f"l{i}").points for i in range(3)] == [1, 1, 0]
    PointRule.objects.filter(kind=PointKind.LOGIN).update(active=False)
    assert award_login(m).points == 0


@pytest.mark.django_db(transaction=True)
def test_the_total_equals_the_ledger_under_concurrent_awards(party):
    """Eight threads award at once; with the member row locked none of them is lost and the cap
    holds (reading time: cap 8, so 8 of the 16 awards get through)."""
    member = party.record
    barrier = threading.Barrier(8)
    errors = []

    def work(i):
        try:
            barrier.wait()
            for j in range(2):
                award(
                    PartyMember.objects.get(pk=member.pk),
                    PointKind.READING_TIME,
                    1,
                    reason=f"线程{i}-{j}",
                )
                award(
                    PartyMember.objects.get(pk=member.pk),
                    PointKind.LOGIN if i == 0 and j == 0 else PointKind.VIDEO,
                    1,
                    reason=f"视频{i}-{j}",
                    ref=f"v{i}-{j}",
                )
        except Exception as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    member.refresh_from_db()
    assert member.points_total == _sum(member)
    by_kind = dict(
        PointEntry.objects.filter(member=member)
        .values_list("kind")
        .annotate(n=Sum("points"))
        .values_list("kind", "n")
    )
    assert by_kind["reading_time"] == 8
    assert by_kind["video"] == 6
    assert by_kind["login"] == 1
