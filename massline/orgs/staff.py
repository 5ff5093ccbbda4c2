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
