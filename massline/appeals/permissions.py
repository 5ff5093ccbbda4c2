"""Who may see and act on an appeal: one policy that the API, uploads, pages and querysets ask.

Residents see their own appeals; handlers their org's subtree and the appeals they co-handle;
dispatchers, leaders and analysts the subtree their org works for. Everyone sees the public
board. Analysts work on masked text (analysis needs the words, not the identity); leaders see
the original of appeals in their subtree, and each such view is audited by the caller.
"""

from functools import cached_property

from django.db.models import Q, QuerySet

from massline.appeals.actions import TABLE
from massline.orgs.models import Org, Role
from massline.orgs.staff import is_platform_admin, is_staff_member, memberships

SCOPE_ROLES = (Role.DISPATCHER, Role.LEADER, Role.ANALYST)
ORIGINAL_ROLES = frozenset(
    {Role.RESIDENT, Role.DISPATCHER, Role.HANDLER, Role.CO_HANDLER, Role.LEADER, Role.ADMIN}
)
"""Roles that read an appeal unmasked: everyone who holds it except analysts."""


def _under(org: Org | None, root: Org) -> bool:
    return org is not None and org.path.startswith(root.path)


class Policy:
    """What one user may see and do; `policy(user)` builds it once per user object."""

    def __init__(self, user):
        self.user = user
        self.memberships = memberships(user)

    @cached_property
    def is_admin(self) -> bool:
        return is_platform_admin(self.user)

    @cached_property
    def is_staff(self) -> bool:
        return is_staff_member(self.user)

    @cached_property
    def searches_originals(self) -> bool:
        """Search matches original words only for staff who read originals everywhere they
        work: an analyst anywhere searches the masked text, as the public does."""
        roles = {m.role for m in self.memberships}
        return self.is_admin or (Role.ANALYST not in roles and bool(roles - {Role.RESIDENT}))

    def roles(self, appeal) -> frozenset[str]:
        """The roles the user holds towards this particular appeal."""
        if not self.user.is_authenticated:
            return frozenset()
        roles = set()
        if appeal.submitted_by_id == self.user.pk:
            roles.add(Role.RESIDENT)
        if self.is_admin:
            roles.add(Role.ADMIN)
        co_orgs = None
        for m in self.memberships:
            scope = m.org.scope
            if m.role in SCOPE_ROLES and (
                _under(appeal.hub, scope) or _under(appeal.lead_org, scope)
            ):
                roles.add(m.role)
            elif m.role == Role.HANDLER:
                if _under(appeal.lead_org, m.org):
                    roles.add(Role.HANDLER)
                else:
                    if co_orgs is None:
                        co_orgs = list(appeal.co_orgs.all())
                    if any(_under(o, m.org) for o in co_orgs):
                        roles.add(Role.CO_HANDLER)
        return frozenset(roles)

    def can_see(self, appeal) -> bool:
        return appeal.on_public_board or bool(self.roles(appeal))

    def can_see_original(self, appeal) -> bool:
        return bool(self.roles(appeal) & ORIGINAL_ROLES)

    def sees_as_staff(self, appeal) -> bool:
        """Sees the whole timeline with internal notes: holds the appeal in a staff role."""
        return bool(self.roles(appeal) - {Role.RESIDENT})

    def can_act(self, appeal, action: str) -> bool:
        return any((appeal.state, action, role) in TABLE for role in self.roles(appeal))

    def acting_org(self, appeal, role: str) -> Org | None:
        """The org on whose behalf the user takes an action in `role`."""
        if role == Role.CO_HANDLER:
            return self.co_handling_org(appeal)
        for m in self.memberships:
            if m.role != role:
                continue
            if role != Role.HANDLER or _under(appeal.lead_org, m.org):
                return m.org
        return None

    def co_handling_org(self, appeal) -> Org | None:
        """The co-handling org the user works for on this appeal, if any."""
        co_orgs = list(appeal.co_orgs.all())
        for m in self.memberships:
            if m.role == Role.HANDLER:
                for org in co_orgs:
                    if _under(org, m.org):
                        return org
        return None

    def can_dispatch_to(self, org: Org) -> bool:
        """A dispatcher sends work only inside the subtree its hub works for."""
        return self.is_admin or any(
            m.role == Role.DISPATCHER and _under(org, m.org.scope) for m in self.memberships
        )

    def visible(self, qs: QuerySet) -> QuerySet:
        """The appeals the user holds in any role (not the public board)."""
        if not self.user.is_authenticated:
            return qs.none()
        if self.is_admin:
            return qs
        cond = Q(submitted_by=self.user)
        for m in self.memberships:
            if m.role in (*SCOPE_ROLES, Role.ADMIN):
                scope = m.org.scope.path
                cond |= Q(hub__path__startswith=scope) | Q(lead_org__path__startswith=scope)
            elif m.role == Role.HANDLER:
                co = qs.model.co_orgs.through.objects.filter(org__path__startswith=m.org.path)
                cond |= Q(lead_org__path__startswith=m.org.path) | Q(pk__in=co.values("appeal_id"))
        return qs.filter(cond)


def policy(user) -> Policy:
    found = getattr(user, "_massline_policy", None)
    if found is None:
        found = Policy(user)
        if user.is_authenticated:
            user._massline_policy = found
    return found
