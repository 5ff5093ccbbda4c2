"""建言献策: members write to their party organisation, whose secretary answers."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from massline.core.audit import audit
from massline.core.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from massline.notices.services import notify
from massline.orgs.models import Org, Role
from massline.orgs.staff import ancestors
from massline.orgs.staff import members as org_members
from massline.party.models import PARTY_KINDS, PartyMember, Suggestion
from massline.party.policy import policy


def targets(member: PartyMember) -> list[Org]:
    """The member's branch and the party organisations above it, nearest first."""
    return [o for o in ancestors(member.branch) if o.kind in PARTY_KINDS][:4]


def send(member: PartyMember, org: Org, title: str, body: str, now: datetime | None = None):
    now = now or timezone.now()
    if org.pk not in {o.pk for o in targets(member)}:
        raise InvalidInput("只能提交给本支部或上级党组织。", field="org")
    if not title.strip():
        raise InvalidInput("请填写标题。", field="title")
    if not body.strip():
        raise InvalidInput("请填写内容。", field="body")
    with transaction.atomic():
        row = Suggestion.objects.create(
            member=member, org=org, title=title.strip(), body=body.strip(), created_at=now
        )
        audit("party.suggestion_sent", target=row, org=org.pk)
        notify(
            org_members(org, Role.PARTY_SECRETARY),
            key=f"party.suggestion:{row.pk}",
            title=f"党员建言：{row.title}",
            link=reverse("party:suggestion", args=[row.pk]),
            now=now,
        )
    return row


def can_answer(user, suggestion: Suggestion) -> bool:
    rules = policy(user)
    return rules.is_admin or any(o.pk == suggestion.org_id for o in rules.secretary_orgs)


def reply(actor, suggestion_id: int, answer: str, now: datetime | None = None) -> Suggestion:
    now = now or timezone.now()
    if not answer.strip():
        raise InvalidInput("请填写答复。", field="answer")
    with transaction.atomic():
        row = Suggestion.objects.select_for_update(of=("self",)).filter(pk=suggestion_id).first()
        if row is None:
            raise NotFound("没有这条建议。")
        if not can_answer(actor, row):
            raise NotAllowed("只有收到建议的党组织书记可以答复。")
        if row.answered_at is not None:
            raise IllegalTransition("这条建议已经答复。", state="answered")
        row.answer, row.answered_by, row.answered_at = answer.strip(), actor, now
        row.save(update_fields=["answer", "answered_by", "answered_at"])
        audit("party.suggestion_answered", actor=actor, target=row)
        member = PartyMember.objects.select_related("user").get(pk=row.member_id)
        if member.user_id:
            notify(
                [member.user],
                key=f"party.suggestion:{row.pk}:answered",
                title=f"您的建议已答复：{row.title}",
                link=reverse("party:suggestion", args=[row.pk]),
                now=now,
            )
    return row
