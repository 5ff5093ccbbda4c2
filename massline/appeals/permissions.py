"""Who may see and act on an appeal. Views, API and querysets all ask here."""

from django.db.models import Q

from massline.core.cache import ProcessCache
from massline.orgs.models import Membership, Org, Role

STAFF_SCOPE_ROLES = {Role.DISPATCHER, Role.LEADER, Role.ANALYST, Role.ADMIN}

WITHOUT_MEMBERSHIPS = ProcessCache(seconds=10)
"""User pk → () for users in no org. Safe: only the absence is kept, so a stale entry can only
withhold a role granted in the last 10 s, never keep a revoked one."""
WITHOUT_MEMBERSHIPS.clear_on_change(Membership)


def memberships(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_massline_memberships", None)
    if cached is None:
        cached = list(
            WITHOUT_MEMBERSHIPS.get(
                user.pk,
                lambda: tuple(
                    Membership.objects.filter(user=user).select_related("org", "org__parent")
                ),
                keep=lambda found: not found,
            )
        )
        user._massline_memberships = cached
    return cached


def is_platform_admin(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or any(m.role == Role.ADMIN for m in memberships(user))
    )


def _under(org: Org | None, root: Org) -> bool:
    return org is not None and org.path.startswith(root.path)


def roles_for(user, appeal) -> set[str]:
    """The roles `user` holds towards this particular appeal."""
    roles: set[str] = set()
    if not user.is_authenticated:
        return roles
    if appeal.submitted_by_id == user.pk:
        roles.add(Role.RESIDENT)
    if is_platform_admin(user):
        roles.add(Role.ADMIN)
    co_orgs = None
    for m in memberships(user):
        scope = m.org.scope
        if m.role in (Role.DISPATCHER, Role.LEADER, Role.ANALYST) and (
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
                    roles.add("co_handler")
    return roles


def acting_org(user, appeal, role: str) -> Org | None:
    for m in memberships(user):
        if m.role != role:
            continue
        if role == Role.HANDLER and _under(appeal.lead_org, m.org):
            return m.org
        if role != Role.HANDLER:
            return m.org
    return None


def can_dispatch_to(user, org: Org) -> bool:
    """A dispatcher sends work only inside the subtree its hub works for."""
    if is_platform_admin(user):
        return True
    return any(m.role == Role.DISPATCHER and _under(org, m.org.scope) for m in memberships(user))


def can_view(user, appeal) -> bool:
    return bool(roles_for(user, appeal))


def is_staff_member(user) -> bool:
    return is_platform_admin(user) or any(m.role != Role.RESIDENT for m in memberships(user))


def visible_appeals(qs, user):
    if not user.is_authenticated:
        return qs.none()
    if is_platform_admin(user):
        return qs
    cond = Q(submitted_by=user)
    for m in memberships(user):
        if m.role in STAFF_SCOPE_ROLES:
            scope = m.org.scope.path
            cond |= Q(hub__path__startswith=scope) | Q(lead_org__path__startswith=scope)
        elif m.role == Role.HANDLER:
            co = qs.model.co_orgs.through.objects.filter(org__path__startswith=m.org.path)
            cond |= Q(lead_org__path__startswith=m.org.path) | Q(pk__in=co.values("appeal_id"))
    return qs.filter(cond)
