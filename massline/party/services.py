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
        member = (
            PartyMember.objects.select_for_update(of=("self",))
            .select_related("branch")
            .get(pk=member_id)
        )
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


def seat(actor, branch: Org, member: PartyMember, post: str, term_start, term_end):
    """Seat a member on the branch committee for a term (支部委员会换届 or a by-election)."""
    from massline.core.errors import InvalidInput
    from massline.party.models import CommitteeSeat

    if not policy(actor).can_manage_branch(branch):
        raise NotAllowed("只有本支部书记可以登记支委会。")
    if member.branch_id != branch.pk or not member.is_party_member:
        raise InvalidInput("委员须是本支部的党员。", field="member")
    if term_end <= term_start:
        raise InvalidInput("任期届满日期须晚于任期开始日期。", field="term_end")
    if (term_end - term_start).days > 5 * 366:
        raise InvalidInput("支部委员会每届任期三年至五年。", field="term_end")
    with transaction.atomic():
        row = CommitteeSeat.objects.create(
            branch=branch, member=member, post=post, term_start=term_start, term_end=term_end
        )
        audit("party.seat", actor=actor, target=row, post=post, member=member.pk)
    return row
