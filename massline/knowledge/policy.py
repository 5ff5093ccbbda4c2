"""Who reads and edits which knowledge-base entries.

An entry belongs to a hub (or its government); it is read in that government's area and
everywhere below it: a county's hub sees its own entries and the city's, not another
county's. Residents read the public entries in force."""

from django.db.models import Q, QuerySet

from massline.knowledge.models import Entry
from massline.orgs.models import Org, OrgKind, Region, Role
from massline.orgs.staff import is_platform_admin, memberships


def _scopes(org: Org) -> list[int]:
    """The ids of the governments (and hubs) whose entries reach `org`'s area."""
    return [int(p) for p in org.scope.path.split("/") if p]


def _owned_by(scopes: list[int]) -> Q:
    return Q(org_id__in=scopes) | Q(org__parent_id__in=scopes, org__kind=OrgKind.HUB)


def readable(user) -> QuerySet[Entry]:
    """The entries a member of staff may read and answer with: those of their own area and
    of the areas above it."""
    if is_platform_admin(user):
        return Entry.objects.all()
    scopes = sorted(
        {s for m in memberships(user) if m.role != Role.RESIDENT for s in _scopes(m.org)}
    )
    if not scopes:
        return Entry.objects.none()
    return Entry.objects.filter(_owned_by(scopes))


def editable(user) -> QuerySet[Entry]:
    """Administrators edit every entry; a hub's dispatchers edit their own hub's."""
    if is_platform_admin(user):
        return Entry.objects.all()
    hubs = [m.org_id for m in memberships(user) if m.role == Role.DISPATCHER]
    return Entry.objects.filter(org_id__in=hubs)


def owners(user) -> QuerySet[Org]:
    """The orgs a user may file an entry under."""
    if is_platform_admin(user):
        return Org.objects.filter(kind=OrgKind.HUB, is_active=True)
    return Org.objects.filter(
        pk__in=[m.org_id for m in memberships(user) if m.role == Role.DISPATCHER]
    )


def public(region_code: str = "") -> QuerySet[Entry]:
    """Public entries; with a region, only those whose owner's area holds it."""
    entries = Entry.objects.filter(is_public=True)
    if not region_code:
        return entries
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        return entries
    codes = [c for c in region.path.split("/") if c]
    return entries.filter(org__region__code__in=codes)
