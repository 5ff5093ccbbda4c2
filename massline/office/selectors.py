"""What the office's forms offer: the orgs a dispatcher may send work to, the places and
categories a registration may name. Reads only; who may do what stays with the policy."""

from django.db.models import Q

from massline.appeals.models import Category
from massline.appeals.permissions import policy
from massline.appeals.workflow import PARTY_KINDS
from massline.orgs.models import Org, OrgKind, Region, Role


def _dispatcher_scopes(user) -> list[Org] | None:
    """The subtrees the user dispatches for; None for a platform admin (everywhere)."""
    rules = policy(user)
    if rules.is_admin:
        return None
    return [m.org.scope for m in rules.memberships if m.role == Role.DISPATCHER]


def dispatch_targets(user) -> list[Org]:
    """Active orgs the user may dispatch to (`policy.can_dispatch_to`), in tree order.

    Party organisations never handle an appeal (the workflow refuses them) and hubs are left
    out: an appeal whose lead org is a hub lands in no handler's queue."""
    rules = policy(user)
    scopes = _dispatcher_scopes(user)
    qs = Org.objects.filter(is_active=True).exclude(kind__in=(*PARTY_KINDS, OrgKind.HUB))
    if scopes is not None:
        if not scopes:
            return []
        cond = Q()
        for scope in scopes:
            cond |= Q(path__startswith=scope.path)
        qs = qs.filter(cond)
    return [o for o in qs.order_by("path") if rules.can_dispatch_to(o)]


def org_choices(user) -> list[tuple[str, str]]:
    """(pk, name) with an indent per level below the shallowest org offered."""
    orgs = dispatch_targets(user)
    if not orgs:
        return []
    top = min(o.path.count("/") for o in orgs)
    return [(str(o.pk), "\u3000" * (o.path.count("/") - top) + o.name) for o in orgs]


def region_choices(user) -> list[tuple[str, str]]:
    """The places inside the areas the user's hubs receive appeals for (county → township)."""
    scopes = _dispatcher_scopes(user)
    qs = Region.objects.all()
    if scopes is not None:
        if not scopes:
            return []
        ids = [s.region_id for s in scopes]
        cond = Q()
        for region in Region.objects.filter(pk__in=ids):
            cond |= Q(path__startswith=region.path)
        qs = qs.filter(cond)
    rows = list(qs.order_by("path").only("code", "name", "level", "path"))
    if not rows:
        return []
    top = min(r.level for r in rows)
    return [(r.code, "\u3000" * (r.level - top) + r.name) for r in rows]


def category_choices() -> list[tuple[str, str]]:
    """Every active category in tree order, indented by level."""
    rows = list(Category.objects.filter(is_active=True).only("pk", "name", "level", "parent_id"))
    children: dict[int | None, list[Category]] = {}
    for c in rows:
        children.setdefault(c.parent_id, []).append(c)
    out: list[tuple[str, str]] = []

    def walk(parent: int | None) -> None:
        for c in children.get(parent, []):
            out.append((str(c.pk), "\u3000" * (c.level - 1) + c.name))
            walk(c.pk)

    walk(None)
    return out


def supervision_cases(user, limit: int = 50) -> list[dict]:
    """The 督办单 of the orgs the leader works for (all of them for an administrator), newest
    first, each appeal with where it stands against its deadline."""
    from django.utils import timezone

    from massline.appeals.deadlines import days_left, policies, standing
    from massline.appeals.models import SupervisionCase

    rules = policy(user)
    qs = SupervisionCase.objects.select_related("org", "created_by")
    if not rules.is_admin:
        cond = Q(created_by=user)
        for m in rules.memberships:
            if m.role == Role.LEADER:
                cond |= Q(org__path__startswith=m.org.scope.path)
        qs = qs.filter(cond)
    cases = list(qs.prefetch_related("appeals__lead_org")[:limit])
    now, table = timezone.now(), policies()
    out = []
    for case in cases:
        rows = []
        for a in sorted(case.appeals.all(), key=lambda x: x.tracking_no):
            st = standing(a, now, table[a.kind])
            rows.append(
                {
                    "tracking_no": a.tracking_no,
                    "title": a.title,
                    "state_label": a.get_state_display(),
                    "state": a.state,
                    "lead_org": a.lead_org.name if a.lead_org else "",
                    "deadline": {
                        "status": st.status,
                        "label": st.label,
                        "days_left": days_left(a, now),
                        "reply_due_at": a.reply_due_at,
                    },
                }
            )
        done = sum(1 for r in rows if r["state"] in ("replied", "closed"))
        out.append({"case": case, "appeals": rows, "done": done})
    return out
