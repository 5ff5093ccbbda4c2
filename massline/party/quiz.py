"""The daily quiz and timed exams: drawing a paper, scoring a submission, awarding points."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from massline.core.audit import audit
from massline.core.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from massline.party import rules
from massline.party.models import (
    Answer,
    Attempt,
    AttemptKind,
    Exam,
    PartyMember,
    PointKind,
    Question,
    QuestionKind,
)
from massline.party.points import award, rule_for

DAILY_COUNT = 5


def no_repeat_days() -> int:
    return int(getattr(settings, "PARTY_QUIZ_NO_REPEAT_DAYS", 7))


@dataclass(frozen=True)
class ShownQuestion:
    """A question as its sitting shows it: options in the shown order, lettered A, B, …"""

    number: int
    question: Question
    options: list[tuple[str, str]]


def shown(attempt: Attempt) -> list[ShownQuestion]:
    items = [rules.Shown.from_json(d) for d in attempt.paper]
    found = Question.objects.in_bulk([s.question for s in items])
    out = []
    for n, s in enumerate(items, start=1):
        q = found[s.question]
        if q.kind == QuestionKind.JUDGE:
            options = [(rules.TRUE, rules.TRUE), (rules.FALSE, rules.FALSE)]
        else:
            options = [(rules.LETTERS[i], q.options[j]) for i, j in enumerate(s.order)]
        out.append(ShownQuestion(n, q, options))
    return out


def _pool(tags: str = ""):
    qs = Question.objects.filter(active=True)
    for tag in [t for t in tags.replace("，", ",").split(",") if t.strip()]:
        qs = qs.filter(tags__contains=tag.strip())
    return qs


def start_daily(
    member: PartyMember, now: datetime | None = None, seed: int | None = None
) -> Attempt:
    """A new daily quiz of DAILY_COUNT random questions, none of which the member was shown in
    the last `no_repeat_days()` days (fewer when the bank runs short of unseen ones)."""
    now = now or timezone.now()
    since = now - timedelta(days=no_repeat_days())
    seen = {
        int(d["q"])
        for paper in Attempt.objects.filter(member=member, started_at__gte=since).values_list(
            "paper", flat=True
        )
        for d in paper
    }
    pool = [
        (pk, len(options))
        for pk, options in _pool().exclude(pk__in=seen).values_list("pk", "options")
    ]
    if not pool:
        raise IllegalTransition(
            f"最近 {no_repeat_days()} 天内题库中的题目您都已答过，请明天再来。", state="exhausted"
        )
    rng = random.Random(seed)
    drawn = rules.paper(pool, DAILY_COUNT, rng)
    with transaction.atomic():
        attempt = Attempt.objects.create(
            member=member,
            kind=AttemptKind.DAILY,
            paper=[s.as_json() for s in drawn],
            started_at=now,
            total=len(drawn),
        )
        audit("party.quiz_started", target=attempt, kind=attempt.kind)
    return attempt


def exam_sittings(member: PartyMember, exam: Exam) -> int:
    return Attempt.objects.filter(member=member, exam=exam).count()


def start_exam(
    member: PartyMember, exam: Exam, now: datetime | None = None, seed: int | None = None
) -> Attempt:
    now = now or timezone.now()
    if not member.branch.path.startswith(exam.org.path):
        raise NotFound("没有这场考试。")
    if now < exam.opens_at:
        raise IllegalTransition("考试尚未开始。", state="not_open")
    if now >= exam.closes_at:
        raise IllegalTransition("考试已经结束。", state="closed")
    with transaction.atomic():
        PartyMember.objects.select_for_update(of=("self",)).get(pk=member.pk)
        open_one = Attempt.objects.filter(
            member=member, exam=exam, submitted_at__isnull=True, due_at__gt=now
        ).first()
        if open_one is not None:
            return open_one
        if exam_sittings(member, exam) >= exam.attempts_allowed:
            raise NotAllowed(f"本场考试可答 {exam.attempts_allowed} 次，您已用完。")
        pool = list(_pool(exam.tags).values_list("pk", "options"))
        drawn = rules.paper(
            [(pk, len(o)) for pk, o in pool], exam.question_count, random.Random(seed)
        )
        if not drawn:
            raise IllegalTransition("题库中没有本场考试范围的题目。", state="empty")
        attempt = Attempt.objects.create(
            member=member,
            kind=AttemptKind.EXAM,
            exam=exam,
            paper=[s.as_json() for s in drawn],
            started_at=now,
            due_at=rules.exam_due(now, exam.duration_minutes, exam.closes_at),
            total=len(drawn),
        )
        audit("party.exam_started", target=attempt, exam=exam.pk)
    return attempt


def _given(q: Question, order: tuple[int, ...], raw: list[str]) -> list[str]:
    """A form's answer to one question, as `Question.answer` states answers."""
    raw = [r.strip() for r in raw]
    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return rules.to_key([r for r in raw if r], order)
    if q.kind == QuestionKind.JUDGE:
        return [r for r in raw if r in (rules.TRUE, rules.FALSE)][:1]
    return raw


def submit(
    member: PartyMember,
    attempt_id: int,
    answers: dict[int, list[str]],
    now: datetime | None = None,
) -> Attempt:
    """Score a sitting. `answers` maps question pk → what the form sent (letters as shown, or
    the blanks' texts). A sitting sent after its time (and the grace) is scored with no
    answers and marked timed out: the server's clock, not the page's, ends an exam."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("exam")
            .filter(pk=attempt_id, member=member)
            .first()
        )
        if attempt is None:
            raise NotFound("没有这次答题。")
        if attempt.submitted_at is not None:
            raise IllegalTransition("这次答题已经交卷。", state="submitted")
        late = not rules.in_time(attempt.due_at, now)
        items = [rules.Shown.from_json(d) for d in attempt.paper]
        questions = Question.objects.in_bulk([s.question for s in items])
        if not late and not any(answers.get(s.question) for s in items):
            raise InvalidInput("请至少回答一道题再交卷。", field="answers")
        correct = 0
        rows = []
        for s in items:
            q = questions[s.question]
            given = [] if late else _given(q, s.order, answers.get(s.question, []))
            ok = bool(given) and rules.is_correct(q.kind, q.answer, given)
            correct += ok
            rows.append(Answer(attempt=attempt, question=q, given=given, correct=ok))
        Answer.objects.bulk_create(rows)
        attempt.submitted_at = now
        attempt.timed_out = late
        attempt.correct = correct
        attempt.total = len(items)
        attempt.score = rules.percent(correct, len(items))
        attempt.passed = attempt.score >= (attempt.exam.pass_mark if attempt.exam else 60)
        attempt.save()
        audit("party.quiz_submitted", target=attempt, score=attempt.score, late=late)
        _award(member, attempt, now)
    return attempt


def _award(member: PartyMember, attempt: Attempt, now: datetime) -> None:
    kind = PointKind.DAILY_QUIZ if attempt.kind == AttemptKind.DAILY else PointKind.EXAM
    rule = rule_for(kind)
    if rule is None or (attempt.exam is not None and not attempt.passed):
        return
    points = rules.quiz_points(attempt.correct, attempt.total, rule.points, rule.perfect_points)
    name = "每日答题" if attempt.exam is None else f"考试《{attempt.exam.title}》"
    ref = f"attempt:{attempt.pk}" if attempt.exam is None else f"exam:{attempt.exam_id}"
    award(
        member,
        kind,
        points,
        reason=f"{name}答对 {attempt.correct}/{attempt.total} 题",
        ref=ref,
        now=now,
    )
