"""Who may see and act on an appeal: one policy that the API, uploads, pages and querysets ask.

Residents see their own appeals; handlers their org's subtree and the appeals they co-handle;
dispatchers, leaders and analysts the subtree their org works for. Everyone sees the public
board. Analysts work on masked text (analysis needs the words, not the identity); leaders see
the original of appeals in their subtree, and each such view is audited by the caller.

A 举报 about an official's conduct (`Appeal.sealed`) is held only by the hub's dispatchers who
pass it on and by the 纪检监察 org it is routed to; its reporter is read only by that org's
handlers (and the reporter), each such reading audited by the caller. What of each step an
outsider reads is `actions.NOTE_AUDIENCE`'s answer, asked through `reads_note`.
"""

from functools import cached_property

from django.db.models import Q, QuerySet

from massline.appeals.actions import NOTE_AUDIENCE, TABLE, Audience
from massline.orgs.models import Org, Role
from massline.orgs.staff import is_platform_admin, is_staff_member, memberships

SCOPE_ROLES = (Role.DISPATCHER, Role.LEADER, Role.ANALYST)
ORIGINAL_ROLES = frozenset(
    {Role.RESIDENT, Role.DISPATCHER, Role.HANDLER, Role.CO_HANDLER, Role.LEADER, Role.ADMIN}
)
"""Roles that read an appeal unmasked: everyone who holds it except analysts."""
SEALED_ORIGINAL_ROLES = frozenset({Role.RESIDENT, Role.HANDLER})
"""Who reads a sealed 举报 unmasked: its reporter and the handlers of its 纪检监察 org."""


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
            if appeal.sealed and not self._holds_sealed(appeal, m):
                continue
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

    @staticmethod
    def _holds_sealed(appeal, m) -> bool:
        """A sealed 举报 is held by the dispatchers of the hub that passes it on and by those who
        work in its 纪检监察 org; nobody else's scope (a county's leaders, say) reaches it."""
        if m.role == Role.DISPATCHER:
            return True
        return _under(m.org, appeal.discipline_org)

    def can_see(self, appeal) -> bool:
        return appeal.on_public_board or bool(self.roles(appeal))

    def can_see_original(self, appeal) -> bool:
        """Reads the resident's words and identity unmasked (contact, names, attachments)."""
        allowed = SEALED_ORIGINAL_ROLES if appeal.sealed else ORIGINAL_ROLES
        return bool(self.roles(appeal) & allowed)

    def unseals_reporter(self, appeal) -> bool:
        """Reads a sealed reporter's identity as a handler of the 纪检监察 org, not as the
        reporter: the caller audits each such reading."""
        roles = self.roles(appeal)
        return appeal.sealed and Role.HANDLER in roles and Role.RESIDENT not in roles

    def can_see_names(self, appeal, event) -> bool:
        """Whether the viewer reads who took a step: residents' names only with the original,
        staff's names only for staff who hold the appeal."""
        if event.actor_id is None:
            return False
        if event.actor_role == Role.RESIDENT or event.actor_id == appeal.submitted_by_id:
            return self.can_see_original(appeal)
        return self.sees_as_staff(appeal)

    def can_download(self, attachment) -> bool:
        """Attachments carry what masking cannot reach (faces, plates, signatures): only those
        who read the original download them."""
        return self.can_see_original(attachment.appeal)

    def reads_note(self, appeal, event, *, as_public: bool = False) -> bool:
        """Whether the viewer reads what was written at this step (`NOTE_AUDIENCE`): staff who
        hold the appeal read everything, its resident what is told to them, others only what
        is public. `as_public`: shown as the public reads it (a lookup without logging in)."""
        audience = NOTE_AUDIENCE.get(event.action, Audience.PUBLIC)
        if audience == Audience.PUBLIC:
            return True
        if as_public:
            return False
        if self.sees_as_staff(appeal):
            return True
        return audience == Audience.RESIDENT and Role.RESIDENT in self.roles(appeal)

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
                held = Q(hub__path__startswith=scope) | Q(lead_org__path__startswith=scope)
            elif m.role == Role.HANDLER:
                co = qs.model.co_orgs.through.objects.filter(org__path__startswith=m.org.path)
                held = Q(lead_org__path__startswith=m.org.path) | Q(pk__in=co.values("appeal_id"))
            else:
                continue
            if m.role != Role.DISPATCHER:
                held &= sealed_reach(m)
            cond |= held
        return qs.filter(cond)


def sealed_reach(m) -> Q:
    """`Policy._holds_sealed` as a condition on appeals, for a membership other than a
    dispatcher's: an unsealed appeal, or a sealed one whose 纪检监察 org is the membership's org
    or above it (read from the org's path, without a join)."""
    above = [int(pk) for pk in m.org.path.split("/") if pk]
    return Q(discipline_org__isnull=True) | Q(discipline_org_id__in=above)


def policy(user) -> Policy:
    found = getattr(user, "_massline_policy", None)
    if found is None:
        found = Policy(user)
        if user.is_authenticated:
            user._massline_policy = found
    return found
