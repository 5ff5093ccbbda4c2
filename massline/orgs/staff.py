"""Who works for an org: the one definition that accounts, appeals and the pages share."""

from massline.core.cache import ProcessCache
from massline.orgs.models import Membership, Role

WITHOUT_MEMBERSHIPS = ProcessCache(seconds=10)
"""User pk → () for users in no org. Safe: only the absence is kept, so a stale entry can only
withhold a role granted in the last 10 s, never keep a revoked one."""
WITHOUT_MEMBERSHIPS.clear_on_change(Membership)


def memberships(user) -> list[Membership]:
    """The user's memberships with their orgs, read once per user object."""
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


def is_staff_member(user) -> bool:
    """Works for an org (any role but resident), or administers the platform."""
    return is_platform_admin(user) or any(m.role != Role.RESIDENT for m in memberships(user))


def members(org, role: str) -> list:
    """The active users who hold `role` at `org` itself."""
    return [
        m.user
        for m in Membership.objects.filter(org=org, role=role, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    ]


def ancestors(org) -> list:
    """`org` and the orgs above it, nearest first (one query)."""
    from massline.orgs.models import Org

    ids = [int(p) for p in org.path.split("/") if p]
    found = {o.pk: o for o in Org.objects.filter(pk__in=ids)}
    return [found[pk] for pk in reversed(ids) if pk in found]


def leader_chain(org) -> list[list]:
    """The groups of leaders over `org`, nearest first: the leaders of the nearest org at or
    above it that has any, then those of the next such org above, and so on (department →
    its leader → the level above)."""
    chain: list[list] = []
    for node in ancestors(org):
        found = members(node, Role.LEADER)
        if found:
            chain.append(found)
    return chain


def handlers_of(org) -> list:
    """Who answers for work held by `org`: its handlers, or those of the nearest org above."""
    for node in ancestors(org):
        found = members(node, Role.HANDLER)
        if found:
            return found
    return []
