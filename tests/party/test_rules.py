"""The pure arithmetic: caps by Asia/Shanghai day, credited time, scoring, timing, ranks."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from massline.party import rules


def test_points_day_turns_at_beijing_midnight_not_utc():
    before = datetime(2026, 12, 7, 15, 59, tzinfo=UTC)  # 23:59 in Beijing
    after = datetime(2026, 12, 7, 16, 1, tzinfo=UTC)  # 00:01 the next day in Beijing
    assert str(rules.points_day(before)) == "2026-12-07"
    assert str(rules.points_day(after)) == "2026-12-08"
    start, end = rules.day_bounds(rules.points_day(after))
    assert start == datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
    assert end - start == timedelta(days=1)


@pytest.mark.parametrize(
    ("points", "cap", "already", "given"),
    [(1, 6, 0, 1), (1, 6, 5, 1), (1, 6, 6, 0), (2, 6, 5, 1), (3, 8, 9, 0), (0, 6, 0, 0)],
)
def test_an_award_is_cut_to_what_the_daily_cap_leaves(points, cap, already, given):
    assert rules.capped(points, cap, already) == given


def test_a_heartbeat_earns_the_time_since_the_last_one_up_to_one_and_a_half_intervals():
    t = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert rules.credited_seconds(t, t + timedelta(seconds=30), 30) == 30
    assert rules.credited_seconds(t, t + timedelta(seconds=5), 30) == 5
    assert rules.credited_seconds(t, t + timedelta(minutes=20), 30) == 45
    assert rules.credited_seconds(t, t - timedelta(seconds=5), 30) == 0


def test_time_earns_one_point_per_whole_unit():
    assert rules.time_points(239, 240, 1) == 0
    assert rules.time_points(480, 240, 1) == 2
    assert rules.time_points(100, 0, 1) == 0


def test_a_perfect_quiz_earns_more_a_partly_right_one_less_and_none_right_nothing():
    assert rules.quiz_points(5, 5, 1, 2) == 2
    assert rules.quiz_points(3, 5, 1, 2) == 1
    assert rules.quiz_points(0, 5, 1, 2) == 0


@pytest.mark.parametrize(
    ("kind", "answer", "given", "ok"),
    [
        ("single", ["B"], ["B"], True),
        ("single", ["B"], ["A"], False),
        ("single", ["B"], ["B", "C"], False),
        ("multiple", ["A", "C", "D"], ["D", "A", "C"], True),
        ("multiple", ["A", "C", "D"], ["A", "C"], False),
        ("multiple", ["A", "C"], [], False),
        ("judge", ["对"], ["对"], True),
        ("judge", ["对"], ["错"], False),
        ("fill", ["1921"], ["１９２１"], True),
        ("fill", ["为人民服务|全心全意为人民服务"], ["全心全意 为人民服务"], True),
        ("fill", ["中国共产党", "1921"], ["中国共产党", "1927"], False),
        ("fill", ["中国共产党", "1921"], ["中国共产党"], False),
    ],
)
def test_every_question_kind_is_scored(kind, answer, given, ok):
    assert rules.is_correct(kind, answer, given) is ok


def test_a_paper_shuffles_questions_and_options_and_maps_the_picked_letters_back():
    rng = random.Random(7)
    drawn = rules.paper([(1, 4), (2, 4), (3, 2), (4, 0)], 3, rng)
    assert len({s.question for s in drawn}) == 3
    for s in drawn:
        assert sorted(s.order) == list(range(len(s.order)))
    order = (2, 0, 3, 1)  # shown A is the question's C, shown B its A …
    assert rules.to_key(["A", "B"], order) == ["A", "C"]
    assert rules.to_key(["Z"], order) == []


def test_an_exam_sitting_ends_after_its_duration_or_when_the_exam_closes():
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert rules.exam_due(start, 30, start + timedelta(hours=2)) == start + timedelta(minutes=30)
    assert rules.exam_due(start, 30, start + timedelta(minutes=10)) == start + timedelta(minutes=10)
    due = start + timedelta(minutes=30)
    assert rules.in_time(due, due + timedelta(seconds=29))
    assert not rules.in_time(due, due + timedelta(seconds=31))


def test_ties_share_a_rank():
    assert rules.ranks([30, 20, 20, 10]) == [1, 2, 2, 4]
    assert rules.ranks([]) == []
