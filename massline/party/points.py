"""Awarding points: every point is a PointEntry row with its reason, and the member's total
moves with it under the member row's lock, so total = sum of rows under concurrent awards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from massline.core.audit import audit
from massline.party import rules
from massline.party.models import PartyMember, PointEntry, PointKind, PointRule

DEFAULT_RULES: list[dict] = [
    {"kind": PointKind.LOGIN, "points": 1, "daily_cap": 1},
    {"kind": PointKind.ARTICLE, "points": 1, "daily_cap": 6, "min_seconds": 60},
    {"kind": PointKind.VIDEO, "points": 1, "daily_cap": 6, "min_seconds": 60},
    {"kind": PointKind.READING_TIME, "points": 1, "daily_cap": 8, "unit_seconds": 240},
    {"kind": PointKind.VIDEO_TIME, "points": 1, "daily_cap": 10, "unit_seconds": 300},
    {"kind": PointKind.DAILY_QUIZ, "points": 1, "perfect_points": 2, "daily_cap": 6},
    {"kind": PointKind.WEEKLY_QUIZ, "points": 6, "perfect_points": 8, "daily_cap": 8},
    {"kind": PointKind.EXAM, "points": 8, "perfect_points": 10, "daily_cap": 10},
]
"""学习强国's published 2019 table: login 1/day; each article 1, cap 6; each video 1, cap 6;
reading time 1 per 4 min, cap 8; video time 1 per 5 min, cap 10; daily quiz 2 if perfect else
1, cap 6; weekly quiz 8/6; special exam 10/8."""


def seed_rules() -> int:
    """Create the default rows that are missing; existing (edited) rows are left alone."""
    made = 0
    for row in DEFAULT_RULES:
        _, new = PointRule.objects.get_or_create(kind=row["kind"], defaults=row)
        made += new
    return made


def rule_for(kind: str) -> PointRule | None:
    """The kind's active rule; the default table is laid down if there is no table at all (a
    flushed database loses the migration's rows)."""
    if not PointRule.objects.exists():
        seed_rules()
    return PointRule.objects.filter(kind=kind, active=True).first()


@dataclass(frozen=True)
class Award:
    points: int
    capped: bool
    entry: PointEntry | None


def today_points(member: PartyMember, kind: str, day) -> int:
    found = PointEntry.objects.filter(member=member, kind=kind, day=day).aggregate(n=Sum("points"))
    return int(found["n"] or 0)


def award(
    member: PartyMember,
    kind: str,
    points: int,
    *,
    reason: str,
    ref: str = "",
    now: datetime | None = None,
) -> Award:
    """Give `member` up to `points` of `kind`, within the kind's daily cap (Asia/Shanghai day).

    Once per `ref` (an article read twice earns once). Nothing is written when the cap or the
    ref leaves nothing to give. Joins the caller's transaction."""
    now = now or timezone.now()
    rule = rule_for(kind)
    if rule is None or points <= 0:
        return Award(0, False, None)
    day = rules.points_day(now)
    with transaction.atomic():
        locked = PartyMember.objects.select_for_update(of=("self",)).get(pk=member.pk)
        if ref and PointEntry.objects.filter(member=locked, kind=kind, ref=ref).exists():
            return Award(0, False, None)
        given = rules.capped(points, rule.daily_cap, today_points(locked, kind, day))
        if given <= 0:
            return Award(0, True, None)
        try:
            with transaction.atomic():
                entry = PointEntry.objects.create(
                    member=locked,
                    kind=kind,
                    points=given,
                    reason=reason[:200],
                    ref=ref,
                    day=day,
                    created_at=now,
                )
        except IntegrityError:  # the same ref awarded by a racing request that held no lock
            return Award(0, False, None)
        locked.points_total += given
        locked.save(update_fields=["points_total"])
        member.points_total = locked.points_total
        audit("party.points", target=locked, kind=kind, points=given, reason=reason, ref=ref)
    return Award(given, given < points, entry)


def award_login(member: PartyMember, now: datetime | None = None) -> Award:
    now = now or timezone.now()
    day = rules.points_day(now)
    return award(member, PointKind.LOGIN, 1, reason="每日登录", ref=f"login:{day}", now=now)
