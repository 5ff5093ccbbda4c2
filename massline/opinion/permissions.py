"""Who reads the 舆情 pages, and of which org subtree.

Leaders and analysts read their government's whole subtree, as do the hub's dispatchers (the
12345 centre is the office that watches public opinion); administrators read everything. What
each reader sees of one appeal (masked or original) is the appeals Policy's answer.
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
        found = [m.org.scope for m in rules.memberships if m.role in READERS]
    found.sort(key=lambda o: (len(o.path), o.path))
    out: list[Org] = []
    for org in found:
        if not any(org.path.startswith(o.path) for o in out):
            out.append(org)
    return out


def may_read(user: Any, org: Org) -> bool:
    return any(org.path.startswith(s.path) for s in scopes(user))
