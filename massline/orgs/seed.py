"""The demo org tree of 黄冈市, built on the loaded regions (`massline load_regions --within 4211`).

Government chain 国务院 → 湖北省人民政府 → 黄冈市人民政府 → its departments, its 12345 hub and
the county-level governments, each with a hub, its key departments and one body per town/street.
Party chain 中共中央 → 中共湖北省委 → 中共黄冈市委 → a few 党委/党总支/党支部.

The county branches of 生态环境 and 公安 are placed under the county government although the
first is vertically managed by the city bureau: the county hub dispatches to them, and a hub's
scope is its government's subtree.

Idempotent: an org is looked up by (parent, name); existing ones are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .models import Level, Org, OrgKind, Region
from .regions import NATION_CODE

PROVINCE_CODE = "420000"
CITY_CODE = "421100"

CITY_DEPARTMENTS = (
    ("住建", "住房和城乡建设局", "市住建局"),
    ("生态环境", "生态环境局", "市生态环境局"),
    ("交通运输", "交通运输局", "市交通运输局"),
    ("教育", "教育局", "市教育局"),
    ("人社", "人力资源和社会保障局", "市人社局"),
    ("卫健", "卫生健康委员会", "市卫健委"),
    ("市场监管", "市场监督管理局", "市市场监管局"),
    ("公安", "公安局", "市公安局"),
    ("城管", "城市管理执法局", "市城管执法局"),
    ("自然资源", "自然资源和规划局", "市自然资源和规划局"),
    ("农业农村", "农业农村局", "市农业农村局"),
    ("民政", "民政局", "市民政局"),
    ("水利", "水利和湖泊局", "市水利和湖泊局"),
    ("信访", "信访局", "市信访局"),
    ("发改", "发展和改革委员会", "市发改委"),
    ("财政", "财政局", "市财政局"),
    ("应急", "应急管理局", "市应急管理局"),
    ("医保", "医疗保障局", "市医保局"),
    ("文旅", "文化和旅游局", "市文旅局"),
    ("退役军人", "退役军人事务局", "市退役军人事务局"),
    ("司法", "司法局", "市司法局"),
    ("数据", "政务服务和大数据管理局", "市政数局"),
)
COUNTY_DEPARTMENTS = (
    ("住建", "住房和城乡建设局", "住建局"),
    ("生态环境", None, "生态环境分局"),
    ("交通运输", "交通运输局", "交通运输局"),
    ("教育", "教育局", "教育局"),
    ("人社", "人力资源和社会保障局", "人社局"),
    ("卫健", "卫生健康局", "卫健局"),
    ("市场监管", "市场监督管理局", "市场监管局"),
    ("公安", "公安局", "公安局"),
    ("城管", "城市管理执法局", "城管局"),
)
_TOWN_GOVERNMENT_SUFFIXES = ("办事处", "管理处", "管委会", "管理委员会")
_TOWN_ZONE_SUFFIXES = ("开发区", "园区", "度假区", "风景区", "管理区")


@dataclass(slots=True)
class _Spec:
    key: str
    parent: str | None
    name: str
    short_name: str
    kind: str
    level: int
    region: Region


def _is_functional_area(region: Region) -> bool:
    """Statistical codes 71–79 in the county position: 开发区/管理区, not GB/T 2260 counties."""
    return region.code[4] == "7"


def _town_body(region: Region) -> tuple[str, str]:
    name = region.name
    if name.endswith("街道"):
        return name + "办事处", OrgKind.GOVERNMENT
    if name.endswith(("镇", "乡")):
        return name + "人民政府", OrgKind.GOVERNMENT
    if name.endswith(_TOWN_GOVERNMENT_SUFFIXES):
        return name, OrgKind.GOVERNMENT
    if name.endswith(_TOWN_ZONE_SUFFIXES):
        return name + "管理委员会", OrgKind.GOVERNMENT
    return name, OrgKind.DEPARTMENT  # 林场、茶场、农场、水库: state-run units, not governments


def _county_department(county: Region, key: str, suffix: str | None, short: str) -> tuple[str, str]:
    if key == "生态环境":
        return f"黄冈市生态环境局{county.short_name}分局", f"{county.short_name}生态环境分局"
    if key == "公安" and county.name.endswith("区"):
        return f"黄冈市公安局{county.short_name}分局", f"{county.short_name}公安分局"
    return county.name + suffix, county.name + short


def _specs(regions: dict[str, Region], counties: list[Region], towns: list[Region]) -> list[_Spec]:
    nation, province, city = regions[NATION_CODE], regions[PROVINCE_CODE], regions[CITY_CODE]
    g, d, h = OrgKind.GOVERNMENT, OrgKind.DEPARTMENT, OrgKind.HUB
    pc, pg, pb = OrgKind.PARTY_COMMITTEE, OrgKind.PARTY_GENERAL_BRANCH, OrgKind.PARTY_BRANCH
    specs = [
        _Spec("nation_gov", None, "国务院", "国务院", g, Level.CENTRAL, nation),
        _Spec(
            "province_gov", "nation_gov", "湖北省人民政府", "省政府", g, Level.PROVINCE, province,
        ),
        _Spec("city_gov", "province_gov", "黄冈市人民政府", "市政府", g, Level.CITY, city),
        _Spec(
            "city_hub", "city_gov", "黄冈市12345政务服务便民热线中心", "市12345热线中心", h,
            Level.CITY, city,
        ),
    ]  # fmt: skip
    for key, suffix, short in CITY_DEPARTMENTS:
        specs.append(
            _Spec(f"city_dept:{key}", "city_gov", "黄冈市" + suffix, short, d, Level.CITY, city)
        )
    for county in counties:
        c = county.code
        zone = _is_functional_area(county)
        gov_name = county.name + ("管理委员会" if zone else "人民政府")
        gov_short = county.short_name + ("管委会" if zone else "政府")
        specs += [
            _Spec(f"county_gov:{c}", "city_gov", gov_name, gov_short, g, Level.COUNTY, county),
            _Spec(
                f"county_hub:{c}", f"county_gov:{c}", county.name + "12345政务服务便民热线中心",
                county.short_name + "12345热线", h, Level.COUNTY, county,
            ),
        ]  # fmt: skip
        if zone:
            continue
        for key, suffix, short in COUNTY_DEPARTMENTS:
            name, short_name = _county_department(county, key, suffix, short)
            specs.append(
                _Spec(
                    f"county_dept:{c}:{key}", f"county_gov:{c}", name, short_name, d,
                    Level.COUNTY, county,
                )
            )  # fmt: skip
    for town in towns:
        name, kind = _town_body(town)
        specs.append(
            _Spec(
                f"town_gov:{town.code}", f"county_gov:{town.parent.code}", name, town.name, kind,
                Level.TOWNSHIP, town,
            )
        )  # fmt: skip
    huangzhou = regions.get("421102")
    donghu = regions.get("421102002")
    specs += [
        _Spec("nation_party", None, "中国共产党中央委员会", "中共中央", pc, Level.CENTRAL, nation),
        _Spec(
            "province_party", "nation_party", "中国共产党湖北省委员会", "中共湖北省委", pc,
            Level.PROVINCE, province,
        ),
        _Spec(
            "city_party", "province_party", "中国共产党黄冈市委员会", "中共黄冈市委", pc,
            Level.CITY, city,
        ),
        _Spec(
            "city_cac", "city_party", "中共黄冈市委网络安全和信息化委员会办公室", "市委网信办", d,
            Level.CITY, city,
        ),
        _Spec(
            "party:市直机关工委", "city_party", "中共黄冈市直属机关工作委员会", "市直机关工委", pc,
            Level.CITY, city,
        ),
        _Spec(
            "party:住建机关党委", "party:市直机关工委", "中共黄冈市住房和城乡建设局机关委员会",
            "市住建局机关党委", pc, Level.CITY, city,
        ),
        _Spec(
            "party:住建机关第一支部", "party:住建机关党委",
            "中共黄冈市住房和城乡建设局机关第一支部委员会", "市住建局机关第一党支部", pb,
            Level.CITY, city,
        ),
        _Spec(
            "party:住建机关第二支部", "party:住建机关党委",
            "中共黄冈市住房和城乡建设局机关第二支部委员会", "市住建局机关第二党支部", pb,
            Level.CITY, city,
        ),
        _Spec(
            "party:住建离退休支部", "party:住建机关党委",
            "中共黄冈市住房和城乡建设局离退休干部支部委员会", "市住建局离退休干部党支部", pb,
            Level.CITY, city,
        ),
        _Spec(
            "party:教育机关总支", "party:市直机关工委", "中共黄冈市教育局机关总支部委员会",
            "市教育局机关党总支", pg, Level.CITY, city,
        ),
        _Spec(
            "party:教育机关第一支部", "party:教育机关总支", "中共黄冈市教育局机关第一支部委员会",
            "市教育局机关第一党支部", pb, Level.CITY, city,
        ),
        _Spec(
            "party:12345支部", "party:市直机关工委",
            "中共黄冈市12345政务服务便民热线中心支部委员会", "市12345热线中心党支部", pb,
            Level.CITY, city,
        ),
    ]  # fmt: skip
    if huangzhou is not None and donghu is not None:
        specs += [
            _Spec(
                "party:黄州区委", "city_party", "中国共产党黄冈市黄州区委员会", "中共黄州区委", pc,
                Level.COUNTY, huangzhou,
            ),
            _Spec(
                "party:东湖街道党工委", "party:黄州区委", "中共黄州区东湖街道工作委员会",
                "东湖街道党工委", pc, Level.TOWNSHIP, donghu,
            ),
            _Spec(
                "party:余家湾社区党委", "party:东湖街道党工委",
                "中共黄州区东湖街道余家湾社区委员会", "余家湾社区党委", pc, Level.TOWNSHIP, donghu,
            ),
            _Spec(
                "party:余家湾第一支部", "party:余家湾社区党委", "余家湾社区第一党支部",
                "余家湾社区第一党支部", pb, Level.TOWNSHIP, donghu,
            ),
            _Spec(
                "party:余家湾第二支部", "party:余家湾社区党委", "余家湾社区第二党支部",
                "余家湾社区第二党支部", pb, Level.TOWNSHIP, donghu,
            ),
            _Spec(
                "party:汪家墩社区总支", "party:东湖街道党工委",
                "中共黄州区东湖街道汪家墩社区总支部委员会", "汪家墩社区党总支", pg,
                Level.TOWNSHIP, donghu,
            ),
            _Spec(
                "party:汪家墩第一支部", "party:汪家墩社区总支", "汪家墩社区第一党支部",
                "汪家墩社区第一党支部", pb, Level.TOWNSHIP, donghu,
            ),
            _Spec(
                "party:长江社区支部", "party:东湖街道党工委",
                "中共黄州区东湖街道长江社区支部委员会", "长江社区党支部", pb,
                Level.TOWNSHIP, donghu,
            ),
        ]  # fmt: skip
    return specs


def _depths(specs: list[_Spec]) -> list[list[_Spec]]:
    by_key = {s.key: s for s in specs}
    depth: dict[str, int] = {}

    def of(spec: _Spec) -> int:
        if spec.key not in depth:
            depth[spec.key] = 0 if spec.parent is None else of(by_key[spec.parent]) + 1
        return depth[spec.key]

    generations: list[list[_Spec]] = []
    for spec in specs:
        d = of(spec)
        while len(generations) <= d:
            generations.append([])
        generations[d].append(spec)
    return generations


def _ensure(generation: list[_Spec], orgs: dict[str, Org]) -> None:
    """Create the missing orgs of one generation (same depth) in two bulk queries."""

    def parent_id(spec: _Spec) -> int | None:
        return orgs[spec.parent].pk if spec.parent else None

    def lookup() -> dict[tuple[int | None, str], Org]:
        parents = {parent_id(s) for s in generation}
        names = {s.name for s in generation}
        qs = Org.objects.filter(name__in=names)
        qs = qs.filter(parent__isnull=True) if None in parents else qs.filter(parent_id__in=parents)
        return {(o.parent_id, o.name): o for o in qs}

    found = lookup()
    missing = [s for s in generation if (parent_id(s), s.name) not in found]
    if missing:
        Org.objects.bulk_create(
            [
                Org(
                    name=s.name, short_name=s.short_name, kind=s.kind, level=s.level,
                    region=s.region, parent_id=parent_id(s), path="",
                )
                for s in missing
            ]
        )  # fmt: skip
        found = lookup()
        parents = {o.pk: o for o in orgs.values()}
        created = [found[(parent_id(s), s.name)] for s in missing]
        for org in created:
            org.path = (parents[org.parent_id].path if org.parent_id else "") + f"{org.pk}/"
        Org.objects.bulk_update(created, ["path"])
    for spec in generation:
        orgs[spec.key] = found[(parent_id(spec), spec.name)]


def seed_huanggang_orgs() -> dict[str, Org]:
    """Create the 黄冈 demo org tree; return its orgs by key ("city_gov", "county_hub:421102" …)."""
    regions = {
        r.code: r for r in Region.objects.filter(code__in=[NATION_CODE, PROVINCE_CODE, CITY_CODE])
    }
    if len(regions) < 3:
        raise ValueError("缺少黄冈市的行政区划，请先执行：massline load_regions --within 4211")
    city = regions[CITY_CODE]
    counties = list(Region.objects.filter(parent=city, level=Level.COUNTY).order_by("code"))
    towns = list(
        Region.objects.filter(parent__in=counties, level=Level.TOWNSHIP)
        .select_related("parent")
        .order_by("code")
    )
    regions.update((r.code, r) for r in counties)
    regions.update((r.code, r) for r in towns)
    orgs: dict[str, Org] = {}
    with transaction.atomic():
        for generation in _depths(_specs(regions, counties, towns)):
            _ensure(generation, orgs)
    return orgs
