"""三会一课: scheduling with a notice to members, check-in by code, leave, minutes, and each
branch's compliance per requirement and period."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import BytesIO

import segno
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from massline.core.audit import audit
from massline.core.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from massline.notices.services import notify
from massline.orgs.models import Org, Role
from massline.orgs.staff import members as org_members
from massline.party import rules
from massline.party.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MemberStatus,
    MinutesAttachment,
    PartyMember,
    Stage,
)
from massline.party.policy import policy

DEFAULT_KINDS: list[dict] = [
    {"code": "general", "name": "支部党员大会", "period": "quarter", "required": 1, "position": 1},
    {"code": "committee", "name": "支委会", "period": "month", "required": 1, "position": 2},
    {"code": "group", "name": "党小组会", "period": "month", "required": 1, "position": 3},
    {"code": "lecture", "name": "党课", "period": "quarter", "required": 1, "position": 4},
    {"code": "theme_day", "name": "主题党日", "period": "month", "required": 1, "position": 5},
    {"code": "life", "name": "组织生活会", "period": "year", "required": 1, "position": 6},
    {"code": "review", "name": "民主评议党员", "period": "year", "required": 1, "position": 7},
]
"""The frequencies of《中国共产党支部工作条例（试行）》: 支委会 and 党小组会 monthly, 党员大会
and 党课 quarterly, 主题党日 monthly, 组织生活会 and 民主评议 yearly."""

CHECKIN_BEFORE = timedelta(minutes=30)
CHECKIN_AFTER = timedelta(hours=4)
"""Check-in opens half an hour before the start and closes four hours after it."""


def seed_kinds() -> int:
    made = 0
    for row in DEFAULT_KINDS:
        _, new = MeetingKind.objects.get_or_create(code=row["code"], defaults=row)
        made += new
    return made


def kinds():
    if not MeetingKind.objects.exists():
        seed_kinds()
    return MeetingKind.objects.filter(active=True)


def roll(branch: Org):
    """Who is expected at a branch meeting: its party members who are not transferred out."""
    return PartyMember.objects.filter(
        branch=branch, stage__in=(Stage.PROBATIONARY, Stage.FULL)
    ).exclude(status=MemberStatus.TRANSFERRED)


def _code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def schedule(
    actor,
    branch: Org,
    *,
    kind: MeetingKind,
    title: str,
    starts_at: datetime,
    place: str,
    agenda: str = "",
    now: datetime | None = None,
) -> Meeting:
    now = now or timezone.now()
    if not policy(actor).can_manage_branch(branch):
        raise NotAllowed("只有本支部书记可以安排会议。")
    if not title.strip():
        raise InvalidInput("请填写会议主题。", field="title")
    if not place.strip():
        raise InvalidInput("请填写会议地点。", field="place")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            branch=branch,
            kind=kind,
            title=title.strip(),
            starts_at=starts_at,
            place=place.strip(),
            agenda=agenda,
            checkin_code=_code(),
            created_by=actor,
            created_at=now,
        )
        audit("party.meeting_scheduled", actor=actor, target=meeting, kind=kind.code)
        if starts_at > now:
            people = [m.user for m in roll(branch).select_related("user") if m.user_id]
            notify(
                people,
                key=f"party.meeting:{meeting.pk}",
                title=f"{kind.name}通知：{meeting.title}",
                body=f"{timezone.localtime(starts_at):%m月%d日 %H:%M}，{meeting.place}。"
                "不能参加的请在平台上请假。",
                link=reverse("party:meeting", args=[meeting.pk]),
                now=now,
            )
    return meeting


def _open_meeting(member: PartyMember, meeting_id: int) -> Meeting:
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .filter(pk=meeting_id, branch=member.branch)
        .first()
    )
    if meeting is None:
        raise NotFound("没有这次会议。")
    if meeting.status == MeetingStatus.CANCELLED:
        raise IllegalTransition("会议已取消。", state=meeting.status)
    return meeting


def check_in(member: PartyMember, code: str, now: datetime | None = None) -> Meeting:
    """Check the member in to their branch's meeting whose code this is, within its window."""
    now = now or timezone.now()
    code = code.strip()
    if not code.isdigit() or len(code) != 6:
        raise InvalidInput("签到码是 6 位数字。", field="code")
    with transaction.atomic():
        found = Meeting.objects.filter(
            branch=member.branch,
            checkin_code=code,
            starts_at__gte=now - CHECKIN_AFTER,
            starts_at__lte=now + CHECKIN_BEFORE,
        ).exclude(status=MeetingStatus.CANCELLED)
        meeting = found.order_by("-starts_at").first()
        if meeting is None:
            raise InvalidInput(
                "签到码不正确，或不在签到时间内（会前半小时至会后四小时）。", field="code"
            )
        meeting = _open_meeting(member, meeting.pk)
        Attendance.objects.update_or_create(
            meeting=meeting,
            member=member,
            defaults={"status": AttendanceStatus.PRESENT, "reason": "", "at": now},
        )
        audit("party.checked_in", target=meeting, member=member.pk)
    return meeting


def ask_leave(
    member: PartyMember, meeting_id: int, reason: str, now: datetime | None = None
) -> Attendance:
    now = now or timezone.now()
    if not reason.strip():
        raise InvalidInput("请填写请假事由。", field="reason")
    with transaction.atomic():
        meeting = _open_meeting(member, meeting_id)
        if meeting.status == MeetingStatus.HELD:
            raise IllegalTransition("会议已经召开，不能再请假。", state=meeting.status)
        existing = Attendance.objects.filter(meeting=meeting, member=member).first()
        if existing is not None and existing.status == AttendanceStatus.PRESENT:
            raise IllegalTransition("您已签到。", state="present")
        row, _ = Attendance.objects.update_or_create(
            meeting=meeting,
            member=member,
            defaults={"status": AttendanceStatus.LEAVE, "reason": reason.strip()[:200], "at": now},
        )
        audit("party.leave_asked", target=meeting, member=member.pk)
        secretaries = org_members(meeting.branch, Role.PARTY_SECRETARY)
        notify(
            secretaries,
            key=f"party.leave:{meeting.pk}:{member.pk}",
            title=f"{member.name} 请假：{meeting.title}",
            body=reason.strip()[:200],
            link=reverse("party:meeting", args=[meeting.pk]),
            now=now,
        )
    return row


def record_minutes(
    actor,
    meeting_id: int,
    minutes: str,
    held_on: date | None = None,
    attachment=None,
    now: datetime | None = None,
) -> Meeting:
    """The meeting was held: its minutes (and an attachment), the day it was held."""
    now = now or timezone.now()
    if not minutes.strip():
        raise InvalidInput("请填写会议记录。", field="minutes")
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("branch")
            .get(pk=meeting_id)
        )
        if not policy(actor).can_manage_branch(meeting.branch):
            raise NotAllowed("只有本支部书记可以填写会议记录。")
        if meeting.status == MeetingStatus.CANCELLED:
            raise IllegalTransition("会议已取消。", state=meeting.status)
        day = held_on or rules.points_day(meeting.starts_at)
        if day > rules.points_day(now):
            raise InvalidInput("召开日期不能晚于今天。", field="held_on")
        meeting.minutes = minutes.strip()
        meeting.held_on = day
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["minutes", "held_on", "status"])
        if attachment is not None:
            MinutesAttachment.objects.create(
                meeting=meeting, file=attachment, name=attachment.name[:120], uploaded_at=now
            )
        audit("party.minutes_recorded", actor=actor, target=meeting, held_on=str(day))
    return meeting


def qr_svg(url: str) -> bytes:
    out = BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2, title="签到二维码")
    return out.getvalue()


@dataclass(frozen=True)
class Requirement:
    kind: MeetingKind
    label: str
    standing: rules.Standing


def standings(branch: Org, today: date | None = None) -> list[Requirement]:
    """The branch's standing on each requirement in the period that holds `today`."""
    today = today or rules.points_day(timezone.now())
    out = []
    earliest = rules.period_of(today, "year")[0]
    held = list(
        Meeting.objects.filter(
            branch=branch, status=MeetingStatus.HELD, held_on__gte=earliest
        ).values_list("kind_id", "held_on")
    )
    for kind in kinds():
        start, end = rules.period_of(today, kind.period)
        days = [d for k, d in held if k == kind.pk and d is not None]
        out.append(
            Requirement(
                kind,
                rules.period_label(start, kind.period),
                rules.compliance(days, kind.required, start, end, today),
            )
        )
    return out


def previous_standings(branch: Org, today: date | None = None) -> list[Requirement]:
    """The branch's standing on each requirement in the period before the current one."""
    today = today or rules.points_day(timezone.now())
    out = []
    for kind in kinds():
        start, _ = rules.period_of(today, kind.period)
        before_start, before_end = rules.period_of(start - timedelta(days=1), kind.period)
        days = [
            d
            for d in Meeting.objects.filter(
                branch=branch,
                kind=kind,
                status=MeetingStatus.HELD,
                held_on__gte=before_start,
                held_on__lt=before_end,
            ).values_list("held_on", flat=True)
            if d is not None
        ]
        out.append(
            Requirement(
                kind,
                rules.period_label(before_start, kind.period),
                rules.compliance(days, kind.required, before_start, before_end, today),
            )
        )
    return out


def remind(now: datetime | None = None) -> int:
    """Tell each branch secretary of a requirement about to be missed (once per period) and of
    a committee term ending within 90 days (once per seat): the worker's periodic job."""
    from massline.party.selectors import terms_ending

    now = now or timezone.now()
    today = rules.points_day(now)
    sent = 0
    branches = Org.objects.filter(kind="party_branch", is_active=True, party_members__isnull=False)
    for branch in branches.distinct():
        secretaries = org_members(branch, Role.PARTY_SECRETARY)
        if not secretaries:
            continue
        for req in standings(branch, today):
            if req.standing.status != "soon":
                continue
            sent += len(
                notify(
                    secretaries,
                    key=f"party.due:{branch.pk}:{req.kind.code}:{req.label}",
                    title=f"{req.kind.name}{req.label}尚未召开，还剩 {req.standing.days_left} 天",
                    link=reverse("party:meetings", args=[branch.pk]),
                    level="warning",
                    now=now,
                )
            )
    for seat in terms_ending(now):
        secretaries = org_members(seat.branch, Role.PARTY_SECRETARY)
        sent += len(
            notify(
                secretaries,
                key=f"party.term:{seat.pk}:{seat.term_end}",
                title=f"{seat.branch.short_name or seat.branch.name}支委会任期"
                f"{seat.term_end:%Y年%m月%d日}届满，请准备换届",
                link=reverse("party:roster", args=[seat.branch_id]),
                level="warning",
                now=now,
            )
        )
    return sent
