"""Who sees and manages what in 掌上党建: the one policy that views, API and querysets ask.

- A member (a 党员 or 党组织书记 membership of a party organisation; their PartyMember record
  linked to the account holds their study, points and dues) sees their own branch.
- A secretary (党组织书记 membership) of a branch manages that branch only.
- A secretary of a 党委 or 党总支 sees every branch under it, and manages none of them.
- A platform administrator sees and manages all.
- Anyone else (residents) sees nothing here but the public wish wall.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q, QuerySet

from massline.orgs.models import Org, OrgKind, Role
from massline.orgs.staff import is_platform_admin, memberships
from massline.party.models import PARTY_KINDS, PartyMember


@dataclass
class PartyPolicy:
    user: object
    is_admin: bool = False
    member: PartyMember | None = None
    member_orgs: list[Org] = field(default_factory=list)
    secretary_orgs: list[Org] = field(default_factory=list)

    @property
    def is_member(self) -> bool:
        return self.member is not None

    @property
    def takes_part(self) -> bool:
        """Has party pages at all."""
        return self.is_admin or bool(self.member or self.member_orgs or self.secretary_orgs)

    @cached_property
    def managed(self) -> list[Org]:
        return [o for o in self.secretary_orgs if o.kind == OrgKind.PARTY_BRANCH]

    @cached_property
    def _seen_q(self) -> Q:
        q = Q(pk__in=[o.pk for o in [*self.member_orgs, *self.secretary_orgs]])
        if self.member is not None:
            q |= Q(pk=self.member.branch_id)
        for org in self.secretary_orgs:
            if org.kind != OrgKind.PARTY_BRANCH:
                q |= Q(path__startswith=org.path)
        return q

    def branches(self) -> QuerySet[Org]:
        qs = Org.objects.filter(kind=OrgKind.PARTY_BRANCH, is_active=True)
        return qs if self.is_admin else qs.filter(self._seen_q)

    def overseen(self) -> list[Org]:
        """The 党委/党总支 whose branches this user reads as the committee above them."""
        if self.is_admin:
            return list(Org.objects.filter(kind__in=PARTY_KINDS[:2], parent__isnull=True))
        return [o for o in self.secretary_orgs if o.kind != OrgKind.PARTY_BRANCH]

    def can_view_branch(self, branch: Org) -> bool:
        return branch.kind == OrgKind.PARTY_BRANCH and self.branches().filter(pk=branch.pk).exists()

    def can_manage_branch(self, branch: Org) -> bool:
        return branch.kind == OrgKind.PARTY_BRANCH and (
            self.is_admin or any(o.pk == branch.pk for o in self.managed)
        )

    def can_manage_content(self) -> bool:
        """Courses, the question bank and exams: a secretary of any party organisation."""
        return self.is_admin or bool(self.secretary_orgs)

    def members(self) -> QuerySet[PartyMember]:
        return PartyMember.objects.filter(branch__in=self.branches())

    def can_view_member(self, member: PartyMember) -> bool:
        if self.member is not None and self.member.pk == member.pk:
            return True
        return self.can_view_branch(member.branch)


def policy(user) -> PartyPolicy:
    """The policy of one user, read once per user object."""
    cached = getattr(user, "_party_policy", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False):
        return PartyPolicy(user)
    found = memberships(user)
    party = [m for m in found if m.org.kind in PARTY_KINDS]
    member = None
    if party:  # residents and other staff cost no query here (memberships are cached)
        member = PartyMember.objects.filter(user=user).select_related("branch").first()
    rules = PartyPolicy(
        user,
        is_admin=is_platform_admin(user),
        member=member,
        member_orgs=[m.org for m in party if m.role == Role.PARTY_MEMBER],
        secretary_orgs=[m.org for m in party if m.role == Role.PARTY_SECRETARY],
    )
    user._party_policy = rules
    return rules
