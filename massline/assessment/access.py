"""Who may read which org's 考核 figures: the subtree a member's org answers for.

Leaders, analysts and the hub's dispatchers (the 12345 centre is the supervision office) read
their government's whole subtree; a department's handlers read their own department;
administrators read everything. The public reads only the transparency page.
"""

from typing import Any

from massline.appeals.permissions import policy
from massline.orgs.models import Org, OrgKind, Role

READERS = (Role.LEADER, Role.ANALYST, Role.DISPATCHER)


def scopes(user: Any) -> list[Org]:
    """The orgs whose subtrees the user may read, outermost first, none inside another."""
    if not user.is_authenticated:
        return []
    rules = policy(user)
    if rules.is_admin:
        found = list(Org.objects.filter(parent__isnull=True, kind=OrgKind.GOVERNMENT))
    else:
        found = []
        for m in rules.memberships:
            if m.role in READERS:
                found.append(m.org.scope)
            elif m.role == Role.HANDLER:
                found.append(m.org)
    found.sort(key=lambda o: (len(o.path), o.path))
    out: list[Org] = []
    for org in found:
        if not any(org.path.startswith(o.path) for o in out):
            out.append(org)
    return out


def supervises(user: Any) -> bool:
    """督办 is a leader's: the only role the workflow's rules give it."""
    return any(m.role == Role.LEADER for m in policy(user).memberships)


def may_read(user: Any, org: Org) -> bool:
    return any(org.path.startswith(s.path) for s in scopes(user))


def home_government() -> Org | None:
    """The deployment's own government (MASSLINE_REGION), for the public transparency page."""
    from django.conf import settings

    found = (
        Org.objects.filter(kind=OrgKind.GOVERNMENT, region__code=settings.MASSLINE_REGION)
        .order_by("level", "path")
        .first()
    )
    return found or Org.objects.filter(kind=OrgKind.GOVERNMENT).order_by("level", "path").first()
