"""The demo org tree of 黄冈市, built on the loaded regions (`massline load_regions --within 4211`).

The orgs are read from massline/data/org_specs.json (its "about" explains the fields):
government chain 国务院 → 湖北省人民政府 → 黄冈市人民政府 → its departments, its 12345 hub and
the county-level governments, each with a hub, its 纪委监委 (the city has one too), its key
departments and one body per town/street.
Party chain 中共中央 → 中共湖北省委 → 中共黄冈市委 → a few 党委/党总支/党支部.

The county branches of 生态环境 and 公安 are placed under the county government although the
first is vertically managed by the city bureau: the county hub dispatches to them, and a hub's
scope is its government's subtree.

Idempotent: an org is looked up by (parent, name); existing ones are left as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Level, Org, OrgKind, Region
from .regions import NATION_CODE

ORG_SPECS_JSON = Path(__file__).resolve().parents[1] / "data" / "org_specs.json"
PROVINCE_CODE = "420000"
CITY_CODE = "421100"

_DATA = json.loads(ORG_SPECS_JSON.read_text("utf-8"))
COUNTY_DEPARTMENT_KEYS = frozenset(d["key"] for d in _DATA["county"]["departments"])
DEPARTMENT_SLUGS: dict[str, str] = {d["key"]: d["slug"] for d in _DATA["city_departments"]}
_TOWN_GOVERNMENT_SUFFIXES = ("办事处", "管理处", "管委会", "管理委员会")
_TOWN_ZONE_SUFFIXES = ("开发区", "园区", "度假区", "风景区", "管理区")


@dataclass(slots=True)
class _Spec:
    key: str
    parent: str | None
    name: str
    short_name: str
    kind: str
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


def _listed(entries: list[dict], regions: dict[str, Region], known: set[str]) -> list[_Spec]:
    """The orgs the data file lists one by one; one whose region (or parent) is missing is left
    out."""
    specs = []
    for e in entries:
        region = regions.get(e["region"])
        if region is not None and (e["parent"] is None or e["parent"] in known):
            specs.append(_Spec(**{**e, "region": region}))
            known.add(e["key"])
    return specs


def _county_org(key: str, parent: str, names: dict, kind: str, county: Region) -> _Spec:
    fill = {"county": county.name, "short": county.short_name}
    name, short_name = names["name"].format_map(fill), names["short_name"].format_map(fill)
    return _Spec(key, parent, name, short_name, kind, county)


def _specs(regions: dict[str, Region], counties: list[Region], towns: list[Region]) -> list[_Spec]:
    city, county_data = regions[CITY_CODE], _DATA["county"]
    known: set[str] = set()
    specs = _listed(_DATA["heads"], regions, known)
    for d in _DATA["city_departments"]:
        key = f"city_dept:{d['key']}"
        specs.append(_Spec(key, "city_gov", d["name"], d["short_name"], OrgKind.DEPARTMENT, city))
    for county in counties:
        c, zone = county.code, _is_functional_area(county)
        gov, hub = f"county_gov:{c}", f"county_hub:{c}"
        government = county_data["functional_area" if zone else "government"]
        specs.append(_county_org(gov, "city_gov", government, OrgKind.GOVERNMENT, county))
        specs.append(_county_org(hub, gov, county_data["hub"], OrgKind.HUB, county))
        if zone:
            continue
        discipline = county_data["discipline"]
        specs.append(
            _county_org(f"county_discipline:{c}", gov, discipline, OrgKind.DISCIPLINE, county)
        )
        district = county.name.endswith("区")
        for d in county_data["departments"]:
            names = d.get("in_district", d) if district else d
            key = f"county_dept:{c}:{d['key']}"
            specs.append(_county_org(key, gov, names, OrgKind.DEPARTMENT, county))
    for town in towns:
        name, kind = _town_body(town)
        parent = f"county_gov:{town.parent.code}"
        specs.append(_Spec(f"town_gov:{town.code}", parent, name, town.name, kind, town))
    known.update(s.key for s in specs)
    return specs + _listed(_DATA["party"], regions, known)


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
                    name=s.name, short_name=s.short_name, kind=s.kind, level=s.region.level,
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
