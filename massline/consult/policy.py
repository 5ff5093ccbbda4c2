"""Who may run a consultation or survey, take part in it and read what: one place that the
pages, the API and the querysets ask.

- An org's consultations are run by its leaders, handlers and party secretaries and by those
  of the orgs above it (and platform administrators).
- Taking part needs a signed-in person with a verified phone (实名) in the audience: anyone
  (社会公众); a resident registered in the region's subtree (a 群众 membership of an org there);
  or a party member or secretary of the party organisation's subtree.
- A party audience's consultation is read only by that audience and by the people who run it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from massline.consult.models import Audience
from massline.orgs.models import Org, Role
from massline.orgs.staff import is_platform_admin, memberships

MANAGER_ROLES = frozenset({Role.LEADER, Role.HANDLER, Role.PARTY_SECRETARY, Role.ADMIN})
PARTY_ROLES = frozenset({Role.PARTY_MEMBER, Role.PARTY_SECRETARY})


class Policy:
    def __init__(self, user):
        self.user = user
        self.memberships = memberships(user)
        self.is_admin = is_platform_admin(user)

    def managed_orgs(self) -> list[Org]:
        """The orgs the user may start a consultation or survey for."""
        if self.is_admin:
            return list(Org.objects.filter(is_active=True))
        roots = [m.org.scope for m in self.memberships if m.role in MANAGER_ROLES]
        if not roots:
            return []
        cond = Q()
        for root in roots:
            cond |= Q(path__startswith=root.path)
        return list(Org.objects.filter(cond, is_active=True))

    def can_manage(self, item) -> bool:
        """Runs `item` (a consultation or survey): works in a managing role for its org or
        an org above it."""
        if self.is_admin:
            return True
        path = item.org.path
        return any(
            m.role in MANAGER_ROLES and path.startswith(m.org.scope.path) for m in self.memberships
        )

    @property
    def is_manager(self) -> bool:
        return self.is_admin or any(m.role in MANAGER_ROLES for m in self.memberships)

    def in_audience(self, item) -> bool:
        if not self.user.is_authenticated:
            return False
        if item.audience == Audience.PUBLIC:
            return True
        if item.audience == Audience.RESIDENTS:
            return item.region_id is not None and any(
                m.role == Role.RESIDENT and m.org.region.path.startswith(item.region.path)
                for m in self.memberships
            )
        return item.party_org_id is not None and any(
            m.role in PARTY_ROLES and m.org.path.startswith(item.party_org.path)
            for m in self.memberships
        )

    def why_not_take_part(self, item) -> str | None:
        """None when the user may comment, support or answer; otherwise why not, in Chinese."""
        if not self.user.is_authenticated:
            return "请先登录后参与。"
        if not self.user.phone_verified_at:
            return "参与须先完成手机号实名验证。"
        if not self.in_audience(item):
            if item.audience == Audience.RESIDENTS:
                return f"本次仅面向{item.region.name}的实名登记居民。"
            if item.audience == Audience.PARTY:
                return f"本次仅面向{item.party_org.name}的党员。"
            return "您不在本次征求对象范围内。"
        return None

    def can_read(self, item) -> bool:
        if item.audience != Audience.PARTY:
            return True
        return self.can_manage(item) or self.in_audience(item)

    def readable(self, qs: QuerySet) -> QuerySet:
        """The consultations or surveys the user may read."""
        if self.is_admin:
            return qs
        cond = ~Q(audience=Audience.PARTY)
        for m in self.memberships:
            if m.role in PARTY_ROLES:
                cond |= Q(party_org__path__in=_prefixes(m.org.path))
            if m.role in MANAGER_ROLES:
                cond |= Q(org__path__startswith=m.org.scope.path)
        return qs.filter(cond)

    def sees_original(self, item) -> bool:
        """Reads comments and answers unmasked: the people who run it."""
        return self.can_manage(item)


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def policy(user) -> Policy:
    found = getattr(user, "_massline_consult_policy", None)
    if found is None:
        found = Policy(user)
        if user.is_authenticated:
            user._massline_consult_policy = found
    return found
