from ninja import Query, Router, Schema

from massline.orgs.models import Org, Region

router = Router(tags=["机构与区划"])


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    level: int
    region_code: str
    parent_id: int | None


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str | None


@router.get("orgs", response=list[OrgOut], summary="机构（可按上级、类型、地区、名称筛选）")
def orgs(
    request,
    parent_id: int | None = Query(None, ge=1, le=2**63 - 1),
    kind: str | None = None,
    region_code: str | None = None,
    q: str = "",
    limit: int = Query(200, ge=0),
):
    qs = Org.objects.filter(is_active=True)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    if kind:
        qs = qs.filter(kind=kind)
    if region_code:
        qs = qs.filter(region__code=region_code)
    if q.strip():
        qs = qs.filter(name__contains=q.strip())
    rows = qs.values("id", "name", "kind", "level", "region__code", "parent_id")[: min(limit, 1000)]
    return [{**r, "region_code": r.pop("region__code")} for r in rows]


@router.get(
    "regions", response=list[RegionOut], summary="行政区划（默认返回顶级，按上级代码逐级展开）"
)
def regions(request, parent_code: str | None = None, q: str = ""):
    qs = Region.objects.all()
    if q.strip():
        qs = qs.filter(name__contains=q.strip())[:50]
    elif parent_code:
        qs = qs.filter(parent__code=parent_code)
    else:
        qs = qs.filter(parent__isnull=True)
    return [
        {
            "code": r["code"],
            "name": r["name"],
            "level": r["level"],
            "parent_code": r["parent__code"],
        }
        for r in qs.values("code", "name", "level", "parent__code")
    ]
