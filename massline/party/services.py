"""Writes on member records, each in one transaction with an audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from massline.core.audit import audit
from massline.core.errors import NotAllowed
from massline.orgs.models import Org
from massline.party.models import PartyMember
from massline.party.policy import policy

MEMBER_FIELDS = (
    "name", "gender", "stage", "applied_on", "activist_on", "candidate_on", "joined_on",
    "full_on", "post", "status", "phone",
)  # fmt: skip


def add_member(actor, branch: Org, data: dict[str, Any]) -> PartyMember:
    if not policy(actor).can_manage_branch(branch):
        raise NotAllowed("只有本支部书记可以登记党员。")
    with transaction.atomic():
        member = PartyMember.objects.create(
            branch=branch, **{k: data[k] for k in MEMBER_FIELDS if k in data}
        )
        audit("party.member_added", actor=actor, target=member, branch=branch.pk)
    return member


def update_member(actor, member_id: int, data: dict[str, Any]) -> PartyMember:
    with transaction.atomic():
        member = PartyMember.objects.select_for_update().select_related("branch").get(pk=member_id)
        if not policy(actor).can_manage_branch(member.branch):
            raise NotAllowed("只有本支部书记可以修改党员信息。")
        changed = {}
        for k in MEMBER_FIELDS:
            if k in data and getattr(member, k) != data[k]:
                changed[k] = [str(getattr(member, k) or ""), str(data[k] or "")]
                setattr(member, k, data[k])
        if changed:
            member.save(update_fields=list(changed))
            audit("party.member_changed", actor=actor, target=member, changed=changed)
    return member
