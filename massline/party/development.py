"""发展党员 as a tracked pipeline with the required intervals, and 组织关系转接 between
branches with both branches' confirmation. Every step a row and an audit event."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from massline.core.audit import audit
from massline.core.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from massline.notices.services import notify
from massline.orgs.models import Org, OrgKind, Role
from massline.orgs.staff import members as org_members
from massline.party import rules
from massline.party.models import (
    MemberStatus,
    PartyMember,
    StageStep,
    Transfer,
    TransferStatus,
)
from massline.party.policy import policy

DATE_FIELDS = {
    "applicant": "applied_on",
    "activist": "activist_on",
    "candidate": "candidate_on",
    "probationary": "joined_on",
    "full": "full_on",
}
DUE_NOTICE_DAYS = 30


def dates_of(member: PartyMember) -> dict[str, date | None]:
    return {stage: getattr(member, f) for stage, f in DATE_FIELDS.items()}


def next_stage(member: PartyMember) -> str | None:
    at = rules.STAGE_ORDER.index(member.stage)
    return rules.STAGE_ORDER[at + 1] if at + 1 < len(rules.STAGE_ORDER) else None


def advance(actor, member_id: int, stage: str, on: date, note: str = "") -> PartyMember:
    """Move a member to the next stage on `on`, if the intervals allow it."""
    with transaction.atomic():
        member = (
            PartyMember.objects.select_for_update(of=("self",))
            .select_related("branch")
            .get(pk=member_id)
        )
        if not policy(actor).can_manage_branch(member.branch):
            raise NotAllowed("只有本支部书记可以记录发展党员的步骤。")
        if stage != next_stage(member):
            raise IllegalTransition(
                f"{member.name}现为{member.get_stage_display()}，下一步不是这个阶段。",
                state=member.stage,
            )
        if on > rules.points_day(timezone.now()):
            raise InvalidInput("日期不能晚于今天。", field="on")
        problem = rules.step_problem(stage, on, dates_of(member))
        if problem:
            raise InvalidInput(problem, field="on")
        setattr(member, DATE_FIELDS[stage], on)
        member.stage = stage
        member.save(update_fields=[DATE_FIELDS[stage], "stage"])
        StageStep.objects.create(
            member=member, stage=stage, on=on, note=note[:200], recorded_by=actor
        )
        audit("party.stage", actor=actor, target=member, stage=stage, on=str(on))
    return member


def due_steps(branch: Org, today: date, within: int = DUE_NOTICE_DAYS):
    """(member, stage, day) of steps falling due within `within` days (or already due)."""
    out = []
    for m in PartyMember.objects.filter(branch=branch, stage__in=("activist", "probationary")):
        found = rules.next_due(m.stage, dates_of(m))
        if found and found[1] <= today + timedelta(days=within):
            out.append((m, found[0], found[1]))
    return sorted(out, key=lambda row: row[2])


def remind(now: datetime) -> int:
    today = rules.points_day(now)
    sent = 0
    labels = {"candidate": "可列为发展对象", "full": "预备期满，应讨论转正"}
    for branch in Org.objects.filter(
        kind=OrgKind.PARTY_BRANCH, party_members__isnull=False
    ).distinct():
        steps = due_steps(branch, today)
        if not steps:
            continue
        secretaries = org_members(branch, Role.PARTY_SECRETARY)
        for member, stage, day in steps:
            sent += len(
                notify(
                    secretaries,
                    key=f"party.stage_due:{member.pk}:{stage}",
                    title=f"{member.name}{day:%Y年%m月%d日}起{labels[stage]}",
                    link=reverse("party:development", args=[branch.pk, member.pk]),
                    level="warning",
                    now=now,
                )
            )
    return sent


def release(actor, member_id: int, to_branch: Org, reason: str, now: datetime | None = None):
    """The member's branch releases them to `to_branch` (组织关系转出)."""
    now = now or timezone.now()
    if to_branch.kind != OrgKind.PARTY_BRANCH:
        raise InvalidInput("请选择转入的党支部。", field="to_branch")
    if not reason.strip():
        raise InvalidInput("请填写转接原因。", field="reason")
    with transaction.atomic():
        member = (
            PartyMember.objects.select_for_update(of=("self",))
            .select_related("branch")
            .get(pk=member_id)
        )
        if not policy(actor).can_manage_branch(member.branch):
            raise NotAllowed("只有党员所在支部的书记可以办理转出。")
        if to_branch.pk == member.branch_id:
            raise InvalidInput("转入支部不能是党员现在的支部。", field="to_branch")
        if Transfer.objects.filter(member=member, status=TransferStatus.RELEASED).exists():
            raise IllegalTransition("这名党员已有一笔待接收的转接。", state="released")
        transfer = Transfer.objects.create(
            member=member,
            from_branch=member.branch,
            to_branch=to_branch,
            status=TransferStatus.RELEASED,
            reason=reason.strip()[:200],
            released_by=actor,
            released_at=now,
        )
        audit("party.transfer_released", actor=actor, target=transfer, to=to_branch.pk)
        notify(
            org_members(to_branch, Role.PARTY_SECRETARY),
            key=f"party.transfer:{transfer.pk}",
            title=f"{member.name}的组织关系转入本支部，待接收",
            link=reverse("party:roster", args=[to_branch.pk]),
            now=now,
        )
    return transfer


def answer(actor, transfer_id: int, accept: bool, note: str = "", now: datetime | None = None):
    """The receiving branch accepts (the member moves) or refuses (the member stays)."""
    now = now or timezone.now()
    with transaction.atomic():
        transfer = (
            Transfer.objects.select_for_update(of=("self",))
            .select_related("to_branch", "member")
            .filter(pk=transfer_id)
            .first()
        )
        if transfer is None:
            raise NotFound("没有这笔转接。")
        if not policy(actor).can_manage_branch(transfer.to_branch):
            raise NotAllowed("只有转入支部的书记可以接收。")
        if transfer.status != TransferStatus.RELEASED:
            raise IllegalTransition("这笔转接已经办结。", state=transfer.status)
        if not accept and not note.strip():
            raise InvalidInput("请写明不接收的原因。", field="note")
        member = PartyMember.objects.select_for_update(of=("self",)).get(pk=transfer.member_id)
        transfer.status = TransferStatus.RECEIVED if accept else TransferStatus.REFUSED
        transfer.answered_by = actor
        transfer.answered_at = now
        transfer.answer_note = note.strip()[:200]
        transfer.save()
        if accept:
            member.branch = transfer.to_branch
            member.status = MemberStatus.ACTIVE
            member.save(update_fields=["branch", "status"])
        audit("party.transfer_answered", actor=actor, target=transfer, accept=accept)
    return transfer
