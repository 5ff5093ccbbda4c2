"""Where an appeal that names an org may go: 回避 and the 纪检监察 route of a 举报.

An appeal that names an org (`accused_org`, 被反映单位) is never received nor handled by that
org or an org under it, whatever its kind. A 举报 about an official's conduct goes to the
纪检监察 org of the level that oversees the named org, as the 12388 sites route them: a
department's to its government's 纪委监委, a government's to the one of the level above. The
workflow's dispatch and transfer ask `check_handler`; intake asks `place`.
"""

from dataclasses import dataclass

from massline.appeals.models import Appeal, Kind
from massline.core.errors import InvalidInput
from massline.orgs.models import Org, OrgKind, Region
from massline.orgs.staff import ancestors


def within(org: Org | None, root: Org | None) -> bool:
    """`org` is `root` or under it."""
    return org is not None and root is not None and org.path.startswith(root.path)


def discipline_org_for(accused: Org) -> Org | None:
    """The 纪检监察 org that oversees `accused`: the one beside the nearest government above or
    at it that is not itself inside `accused` (a county's own 纪委监委 sits under the county
    government, so a report naming that government goes up a level)."""
    governments = [o for o in ancestors(accused) if o.kind == OrgKind.GOVERNMENT]
    if not governments:
        return None
    found = {
        o.parent_id: o
        for o in Org.objects.filter(
            kind=OrgKind.DISCIPLINE, is_active=True, parent__in=governments
        ).order_by("-pk")
    }
    for government in governments:
        candidate = found.get(government.pk)
        if candidate is not None and not within(candidate, accused):
            return candidate
    return None


def hub_avoiding(region: Region, accused: Org | None, nearest) -> Org | None:
    """The nearest hub of the place that is not inside the named org: a report naming a county
    government is received by the city's hub, not by the county's own."""
    if accused is None:
        return nearest(region)
    codes = [c for c in region.path.split("/") if c]
    hubs = Org.objects.filter(kind=OrgKind.HUB, is_active=True, region__code__in=codes)
    by_code: dict[str, Org] = {}
    for hub in hubs.select_related("region").order_by("pk"):
        by_code.setdefault(hub.region.code, hub)
    for code in reversed(codes):
        found = by_code.get(code)
        if found is not None and not within(found, accused):
            return found
    return None


@dataclass(frozen=True)
class Placement:
    accused: Org | None
    discipline: Org | None
    hub: Org


def place(
    kind: str,
    accused_id: int | None,
    about_official: bool,
    region: Region,
    nearest,
    related: Appeal | None = None,
) -> Placement:
    """Check what a new appeal names and decide where it is received and who must handle it.

    `related`: the 举报 a retaliation complaint follows; it goes where that report went."""
    if related is not None:
        return Placement(related.accused_org, related.discipline_org, related.hub)
    accused = None
    if accused_id is not None:
        accused = Org.objects.filter(pk=accused_id, is_active=True).first()
        if accused is None:
            raise InvalidInput("被反映单位不存在。", field="accused_org_id", code="unknown_org")
    discipline = None
    if about_official:
        if kind != Kind.REPORT:
            raise InvalidInput(
                "反映公职人员问题请选择“举报”类型。", field="about_official", code="not_report"
            )
        if accused is None:
            raise InvalidInput("请选择被反映的单位。", field="accused_org_id", code="required")
        discipline = discipline_org_for(accused)
        if discipline is None:
            raise InvalidInput(
                f"{accused.name}暂无可受理举报的纪检监察机关。",
                field="accused_org_id",
                code="no_discipline_org",
            )
    hub = hub_avoiding(region, accused, nearest)
    if hub is None:
        raise InvalidInput("该地区暂未开通网上受理。", field="region_code", code="no_hub")
    return Placement(accused, discipline, hub)


def check_handler(appeal: Appeal, org: Org, field: str) -> None:
    """Refuse an org that may not handle this appeal: the named org and those under it (回避);
    for a sealed 举报 any org outside its 纪检监察 org."""
    if within(org, appeal.accused_org):
        raise InvalidInput(
            f"{org.name}是被反映单位（或其下属单位），须回避，不能承办本诉求。",
            field=field,
            code="recusal",
        )
    discipline = appeal.discipline_org
    if discipline is not None and not within(org, discipline):
        raise InvalidInput(
            f"反映公职人员问题的举报只能由{discipline.name}办理。",
            field=field,
            code="sealed_report",
        )
