"""The daily quiz and timed exams through HTTP."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from massline.party import quiz
from massline.party.models import Attempt, Exam, PointEntry, Question
from massline.party.rules import LETTERS


def _right_letters(attempt):
    """What a member who knows every answer ticks, in the letters as shown."""
    out = {}
    for s in quiz.shown(attempt):
        q = s.question
        order = [LETTERS[i] for i in range(len(s.options))]
        shown_to_own = {order[i]: LETTERS[j] for i, j in enumerate(_order(attempt, q.pk))}
        out[f"q{q.pk}"] = [shown for shown, own in shown_to_own.items() if own in q.answer]
    return out


def _order(attempt, pk):
    return next(d["o"] for d in attempt.paper if d["q"] == pk)


def test_a_perfect_daily_quiz_earns_two_points_and_shows_the_result(party, client_for, questions):
    c = client_for(party.member)
    res = c.post("/party/quiz/")
    attempt = Attempt.objects.get(member=party.record)
    assert res["Location"] == f"/party/quiz/{attempt.pk}/"
    assert attempt.total == 5
    res = c.post(res["Location"], _right_letters(attempt))
    assert res.status_code == 302
    body = c.get(res["Location"]).content.decode()
    assert "答对 5/5 题，得 100 分" in body
    assert PointEntry.objects.get(member=party.record, kind="daily_quiz").points == 2


def test_a_quiz_sent_with_no_answers_is_refused_and_can_be_answered_after(
    party, client_for, questions
):
    c = client_for(party.member)
    url = c.post("/party/quiz/")["Location"]
    res = c.post(url, {})
    assert res.status_code == 422 and "请至少回答一道题" in res.content.decode()
    attempt = Attempt.objects.get(member=party.record)
    assert attempt.submitted_at is None
    first = attempt.paper[0]["q"]
    c.post(url, {f"q{first}": ["A", "B", "C", "D"][:1]})
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None


def test_the_daily_quiz_does_not_repeat_questions_within_the_window(party, client_for, questions):
    member = party.record
    seen = set()
    for _ in range(2):
        a = quiz.start_daily(member)
        seen |= {d["q"] for d in a.paper}
    assert len(seen) == 10
    third = quiz.start_daily(member)
    assert {d["q"] for d in third.paper}.isdisjoint(seen)
    assert len(third.paper) == 2
    c = client_for(party.member)
    res = c.post("/party/quiz/", follow=True)
    assert "您都已答过" in res.content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert len(quiz.start_daily(member).paper) == 5


def test_an_exam_submitted_after_its_time_scores_nothing(party, client_for, questions):
    now = timezone.now()
    exam = Exam.objects.create(
        org=party.community,
        title="党史知识测试",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=1),
        duration_minutes=10,
        question_count=5,
        pass_mark=60,
        attempts_allowed=1,
    )
    c = client_for(party.member)
    url = c.post(f"/party/exams/{exam.pk}/start/")["Location"]
    attempt = Attempt.objects.get(exam=exam)
    assert attempt.due_at == attempt.started_at + timedelta(minutes=10)
    with time_machine.travel(now + timedelta(minutes=11)):
        c.post(url, _right_letters(attempt))
    attempt.refresh_from_db()
    assert attempt.timed_out and attempt.score == 0 and not attempt.passed
    assert "超过答题时间交卷，不计分" in c.get(url).content.decode()
    res = c.post(f"/party/exams/{exam.pk}/start/", follow=True)
    assert "您已用完" in res.content.decode()


def test_an_exam_in_time_is_scored_and_a_pass_earns_exam_points(party, client_for, questions):
    now = timezone.now()
    exam = Exam.objects.create(
        org=party.street, title="党章测试", opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(hours=1), duration_minutes=30, question_count=4,
    )  # fmt: skip
    c = client_for(party.member)
    url = c.post(f"/party/exams/{exam.pk}/start/")["Location"]
    attempt = Attempt.objects.get(exam=exam)
    c.post(url, _right_letters(attempt))
    attempt.refresh_from_db()
    assert attempt.score == 100 and attempt.passed
    assert PointEntry.objects.get(member=party.record, kind="exam").points == 10


def test_multiple_choice_and_fill_in_are_scored_from_the_form(party, client_for):
    multi = Question.objects.create(
        kind="multiple",
        stem="“四个自信”包括",
        options=["道路自信", "理论自信", "制度自信", "文化自信", "经济自信"],
        answer=["A", "B", "C", "D"],
    )
    fill = Question.objects.create(
        kind="fill", stem="党的根本宗旨是____。", answer=["全心全意为人民服务"]
    )
    c = client_for(party.member)
    url = c.post("/party/quiz/")["Location"]
    attempt = Attempt.objects.get(member=party.record)
    letters = _right_letters(attempt)
    letters[f"q{fill.pk}"] = ["全心全意为人民服务"]
    c.post(url, letters)
    answers = {a.question_id: a.correct for a in attempt.answers.all()}
    assert answers == {multi.pk: True, fill.pk: True}


def test_exam_results_per_branch_as_a_page_and_an_xlsx(party, client_for, questions):
    from io import BytesIO

    from openpyxl import load_workbook

    now = timezone.now()
    exam = Exam.objects.create(
        org=party.community, title="党史测试", opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(hours=1), duration_minutes=30, question_count=3,
    )  # fmt: skip
    for record in (party.record, party.other_record):
        attempt = quiz.start_exam(record, exam)
        answers = {int(k[1:]): v for k, v in _right_letters(attempt).items()}
        quiz.submit(record, attempt.pk, answers)
    mine = client_for(party.secretary).get(f"/party/exams/{exam.pk}/results/").content.decode()
    assert "方党员" in mine and "王党员" not in mine
    above = client_for(party.committee).get(f"/party/exams/{exam.pk}/results/").content.decode()
    assert "方党员" in above and "王党员" in above
    xlsx = client_for(party.committee).get(f"/party/exams/{exam.pk}/results/?format=xlsx")
    wb = load_workbook(BytesIO(xlsx.content))
    assert wb["成绩"].max_row == 3 and wb["逐题"].max_row == 7
    assert client_for(party.member).get(f"/party/exams/{exam.pk}/results/").status_code == 403
