"""Reads for the party pages: the branch dashboard, leaderboards, a member's day."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from massline.orgs.models import Org
from massline.party import rules
from massline.party.models import (
    Attempt,
    AttemptKind,
    CommitteeSeat,
    CommunityReport,
    DuesRecord,
    MemberStatus,
    PartyMember,
    PointEntry,
    PointKind,
    PointRule,
    Stage,
    Wish,
)
from massline.party.points import rule_for

OFFERED = [k for k in PointKind.values if k != PointKind.WEEKLY_QUIZ]
"""The kinds this platform awards today (its weekly quiz is not built yet; the rule row stays
configurable for when it is)."""

TERM_WARNING_DAYS = 90
"""A committee whose term ends within this many days is due for 换届."""


@dataclass(frozen=True)
class Progress:
    kind: str
    label: str
    points: int
    cap: int


def today(member: PartyMember, now: datetime | None = None) -> list[Progress]:
    """The member's points of each kind today against its cap, as 学习强国's 我的积分 shows."""
    now = now or timezone.now()
    rule_for(PointKind.LOGIN)  # lays down the default table on a fresh database
    day = rules.points_day(now)
    got = dict(
        PointEntry.objects.filter(member=member, day=day)
        .values_list("kind")
        .annotate(n=Sum("points"))
        .values_list("kind", "n")
    )
    return [
        Progress(r.kind, r.get_kind_display(), int(got.get(r.kind, 0)), r.daily_cap)
        for r in PointRule.objects.filter(active=True, kind__in=OFFERED)
    ]


@dataclass(frozen=True)
class Ranked:
    rank: int
    member: PartyMember
    points: int


def leaderboard(members, limit: int = 50) -> list[Ranked]:
    """Members by total points, high to low; ties share a rank."""
    rows = list(
        members.filter(stage__in=(Stage.PROBATIONARY, Stage.FULL))
        .exclude(status=MemberStatus.TRANSFERRED)
        .select_related("branch")
        .order_by("-points_total", "name", "pk")[:limit]
    )
    ranks = rules.ranks([m.points_total for m in rows])
    return [Ranked(r, m, m.points_total) for r, m in zip(ranks, rows, strict=True)]


def month_start(now: datetime) -> date:
    return rules.points_day(now).replace(day=1)


@dataclass(frozen=True)
class Term:
    seat: CommitteeSeat
    days_left: int

    @property
    def due(self) -> bool:
        return self.days_left <= TERM_WARNING_DAYS


@dataclass
class Dashboard:
    branch: Org
    month: date
    by_stage: list[tuple[str, int]]
    members: int
    committee: list[Term]
    studied: int
    points_month: int
    quizzes_month: int
    quiz_takers: int
    mean_quiz_score: int | None
    top: list[Ranked]
    dues_billed: int
    dues_paid: int
    dues_arrears: int
    wishes_fulfilled: int
    wishes_open: int
    reported_out: int
    reported_in: int


def dashboard(branch: Org, now: datetime | None = None) -> Dashboard:
    """The secretary's figures for one branch; each counts what its label says, this month
    being the Asia/Shanghai calendar month so far."""
    now = now or timezone.now()
    day = rules.points_day(now)
    month = day.replace(day=1)
    roll = PartyMember.objects.filter(branch=branch).exclude(status=MemberStatus.TRANSFERRED)
    stages = Counter(roll.values_list("stage", flat=True))
    seats = CommitteeSeat.objects.filter(branch=branch, term_end__gte=day).select_related("member")
    points = PointEntry.objects.filter(member__branch=branch, day__gte=month)
    start, _ = rules.day_bounds(month)
    quizzes = Attempt.objects.filter(
        member__branch=branch,
        kind=AttemptKind.DAILY,
        submitted_at__isnull=False,
        started_at__gte=start,
    )
    this_month = DuesRecord.objects.filter(member__in=roll, month=month)
    q = quizzes.aggregate(n=Count("pk"), takers=Count("member", distinct=True), score=Sum("score"))
    return Dashboard(
        branch=branch,
        month=month,
        by_stage=[(label, stages.get(value, 0)) for value, label in Stage.choices],
        members=stages.get(Stage.PROBATIONARY, 0) + stages.get(Stage.FULL, 0),
        committee=[Term(s, (s.term_end - day).days) for s in seats],
        studied=points.exclude(kind=PointKind.LOGIN).values("member").distinct().count(),
        points_month=int(points.aggregate(n=Sum("points"))["n"] or 0),
        quizzes_month=q["n"],
        quiz_takers=q["takers"],
        mean_quiz_score=round(q["score"] / q["n"]) if q["n"] else None,
        top=leaderboard(PartyMember.objects.filter(branch=branch), limit=5),
        dues_billed=this_month.count(),
        dues_paid=this_month.filter(paid_at__isnull=False).count(),
        dues_arrears=DuesRecord.objects.filter(
            member__in=roll, month__lt=month, paid_at__isnull=True
        )
        .values("member")
        .distinct()
        .count(),
        wishes_fulfilled=Wish.objects.filter(
            branch=branch, fulfilled_at__gte=start, status__in=("fulfilled", "thanked")
        ).count(),
        wishes_open=Wish.objects.filter(
            branch=branch, status__in=("submitted", "published", "claimed")
        ).count(),
        reported_out=CommunityReport.objects.filter(member__in=roll, active=True)
        .values("member")
        .distinct()
        .count(),
        reported_in=CommunityReport.objects.filter(community=branch, active=True).count(),
    )


def terms_ending(now: datetime | None = None, within: int = TERM_WARNING_DAYS):
    """Committee seats whose term ends within `within` days: the 换届 reminders."""
    day = rules.points_day(now or timezone.now())
    return CommitteeSeat.objects.filter(
        term_end__gte=day, term_end__lte=day + timedelta(days=within)
    ).select_related("branch", "member")


def branch_summary(branches) -> list[dict]:
    """One line per branch for the committee above: members and study this month."""
    month = rules.points_day(timezone.now()).replace(day=1)
    members = dict(
        PartyMember.objects.filter(branch__in=branches, stage__in=(Stage.PROBATIONARY, Stage.FULL))
        .exclude(status=MemberStatus.TRANSFERRED)
        .values_list("branch")
        .annotate(n=Count("pk"))
        .values_list("branch", "n")
    )
    points = dict(
        PointEntry.objects.filter(member__branch__in=branches, day__gte=month)
        .values_list("member__branch")
        .annotate(n=Sum("points"))
        .values_list("member__branch", "n")
    )
    return [
        {"branch": b, "members": members.get(b.pk, 0), "points": int(points.get(b.pk, 0) or 0)}
        for b in branches
    ]


def recent_points(member: PartyMember, limit: int = 30):
    return PointEntry.objects.filter(member=member)[:limit]


def my_attempts(member: PartyMember, limit: int = 10):
    return Attempt.objects.filter(member=member, submitted_at__isnull=False).select_related("exam")[
        :limit
    ]


def visible_exams(member: PartyMember, now: datetime | None = None):
    from massline.party.models import Exam

    now = now or timezone.now()
    orgs = [int(p) for p in member.branch.path.split("/") if p]
    return Exam.objects.filter(org_id__in=orgs, closes_at__gt=now - timedelta(days=30)).filter(
        ~Q(opens_at__gt=now + timedelta(days=30))
    )


@dataclass(frozen=True)
class QuestionResult:
    question_id: int
    stem: str
    answered: int
    correct: int


@dataclass(frozen=True)
class ExamResults:
    sittings: list  # Attempt rows, submitted, best first per member
    takers: int
    passed: int
    mean: int | None
    questions: list[QuestionResult]


def exam_results(exam, branches) -> ExamResults:
    """An exam's submitted sittings in `branches`, and how each question was answered."""
    from massline.party.models import Answer

    sittings = list(
        Attempt.objects.filter(exam=exam, member__branch__in=branches, submitted_at__isnull=False)
        .select_related("member__branch")
        .order_by("member__branch_id", "member__name", "-score")
    )
    best: dict[int, Attempt] = {}
    for s in sittings:
        if s.member_id not in best or s.score > best[s.member_id].score:
            best[s.member_id] = s
    rows = (
        Answer.objects.filter(attempt__in=sittings)
        .values("question_id", "question__stem")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(correct=True)))
        .order_by("question_id")
    )
    return ExamResults(
        sittings=sittings,
        takers=len(best),
        passed=sum(1 for s in best.values() if s.passed),
        mean=round(sum(s.score for s in best.values()) / len(best)) if best else None,
        questions=[
            QuestionResult(r["question_id"], r["question__stem"], r["n"], r["ok"]) for r in rows
        ],
    )
