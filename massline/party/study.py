"""Study time from heartbeats: the lesson page posts a beat every HEARTBEAT seconds while it is
visible; each beat is credited the real time since the previous one (capped), added to the
session and to the member's day, and turns into points by the rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from massline.core.errors import NotFound
from massline.party import rules
from massline.party.models import (
    Lesson,
    LessonKind,
    PartyMember,
    PointKind,
    StudyDay,
    StudySession,
)
from massline.party.points import Award, award, rule_for, today_points


def heartbeat_seconds() -> int:
    return int(getattr(settings, "PARTY_HEARTBEAT_SECONDS", 30))


def start_session(member: PartyMember, lesson: Lesson, now: datetime | None = None) -> StudySession:
    now = now or timezone.now()
    return StudySession.objects.create(
        member=member, lesson=lesson, started_at=now, last_beat_at=now
    )


@dataclass(frozen=True)
class Beat:
    credited: int
    seconds: int
    points: int
    capped: bool


def _kinds(lesson: Lesson) -> tuple[str, str]:
    if lesson.kind == LessonKind.VIDEO:
        return PointKind.VIDEO, PointKind.VIDEO_TIME
    return PointKind.ARTICLE, PointKind.READING_TIME


def beat(
    member: PartyMember, session_id: int, now: datetime | None = None, *, resume: bool = False
) -> Beat:
    """Credit one heartbeat of the member's session and award what it earned. A page that
    becomes visible again beats with `resume`: the clock restarts and the hidden time earns
    nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        PartyMember.objects.select_for_update(of=("self",)).filter(
            pk=member.pk
        ).first()  # one beat at a time
        session = (
            StudySession.objects.select_for_update(of=("self",))
            .select_related("lesson")
            .filter(pk=session_id, member=member)
            .first()
        )
        if session is None:
            raise NotFound("没有这次学习记录，请重新打开页面。", field="session")
        credit = (
            0 if resume else rules.credited_seconds(session.last_beat_at, now, heartbeat_seconds())
        )
        session.last_beat_at = max(session.last_beat_at, now)
        session.seconds += credit
        session.save(update_fields=["last_beat_at", "seconds"])
        item_kind, time_kind = _kinds(session.lesson)
        day = rules.points_day(now)
        studied, _ = StudyDay.objects.select_for_update(of=("self",)).get_or_create(
            member=member, day=day, kind=time_kind
        )
        studied.seconds += credit
        studied.save(update_fields=["seconds"])
        results: list[Award] = []
        item_rule = rule_for(item_kind)
        if item_rule is not None and session.seconds >= (item_rule.min_seconds or 0):
            label = "阅读文章" if item_kind == PointKind.ARTICLE else "观看视频"
            results.append(
                award(
                    member,
                    item_kind,
                    item_rule.points,
                    reason=f"{label}《{session.lesson.title}》",
                    ref=f"lesson:{session.lesson_id}",
                    now=now,
                )
            )
        time_rule = rule_for(time_kind)
        if time_rule is not None and time_rule.unit_seconds:
            earned = rules.time_points(studied.seconds, time_rule.unit_seconds, time_rule.points)
            owed = earned - today_points(member, time_kind, day)
            if owed > 0:
                results.append(
                    award(
                        member,
                        time_kind,
                        owed,
                        reason=f"学习时长（{studied.seconds // 60} 分钟）",
                        now=now,
                    )
                )
    return Beat(
        credited=credit,
        seconds=session.seconds,
        points=sum(r.points for r in results),
        capped=any(r.capped for r in results),
    )


def lesson_for(member: PartyMember, lesson_id: int) -> Lesson:
    lesson = (
        Lesson.objects.select_related("course", "course__org")
        .filter(pk=lesson_id, course__published=True)
        .first()
    )
    if lesson is None or not member.branch.path.startswith(lesson.course.org.path):
        raise NotFound("没有这篇学习内容。")
    return lesson
