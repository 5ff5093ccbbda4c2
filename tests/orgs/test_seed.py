import pytest

from massline.orgs.models import Level, Org, OrgKind, Region
from massline.orgs.regions import load_regions
from massline.orgs.seed import seed_huanggang_orgs


@pytest.fixture
def huanggang(db):
    load_regions(within="4211")
    return Region.objects.get(code="421100")


@pytest.fixture
def orgs(huanggang):
    return seed_huanggang_orgs()


def counties(city):
    return list(city.children.filter(level=Level.COUNTY))


def test_every_county_unit_gets_a_government_with_a_12345_hub(huanggang, orgs):
    for county in counties(huanggang):
        government = orgs[f"county_gov:{county.code}"]
        hub = orgs[f"county_hub:{county.code}"]
        assert (government.kind, government.level, government.region) == (
            OrgKind.GOVERNMENT, Level.COUNTY, county
        )  # fmt: skip
        assert government.parent == orgs["city_gov"]
        assert government.name.endswith("管理委员会" if county.code == "421171" else "人民政府")
        assert (hub.kind, hub.parent, hub.scope) == (OrgKind.HUB, government, government)


def test_a_county_government_has_its_key_departments(orgs):
    departments = Org.objects.filter(parent=orgs["county_gov:421181"], kind=OrgKind.DEPARTMENT)

    assert {"麻城市住房和城乡建设局", "麻城市教育局", "黄冈市生态环境局麻城分局"} <= {
        d.name for d in departments
    }
    assert orgs["county_dept:421102:公安"].name == "黄冈市公安局黄州分局"
    assert orgs["county_dept:421181:公安"].name == "麻城市公安局"
    assert orgs["county_dept:421181:生态环境"].short_name == "麻城生态环境分局"


def test_an_org_takes_the_level_of_its_region(orgs):
    assert orgs["province_gov"].level == Level.PROVINCE
    assert orgs["party:东湖街道党工委"].level == Level.TOWNSHIP
    for org in Org.objects.select_related("region"):
        assert org.level == org.region.level


def test_every_town_gets_one_township_body_under_its_county_government(huanggang, orgs):
    towns = Region.objects.filter(parent__parent=huanggang, level=Level.TOWNSHIP)
    assert towns.count() > 100

    for town in towns.select_related("parent"):
        body = Org.objects.get(region=town, level=Level.TOWNSHIP, parent__kind=OrgKind.GOVERNMENT)
        assert body.parent == orgs[f"county_gov:{town.parent.code}"]
        if town.name.endswith(("镇", "乡", "街道")):
            assert body.kind == OrgKind.GOVERNMENT
    assert orgs["town_gov:421102002"].name == "东湖街道办事处"
    assert orgs["town_gov:421181101"].name == "宋埠镇人民政府"


def test_the_city_has_its_hub_departments_and_the_chain_to_the_state_council(orgs):
    assert orgs["city_hub"].kind == OrgKind.HUB
    assert orgs["city_hub"].scope == orgs["city_gov"]
    assert orgs["city_dept:住建"].name == "黄冈市住房和城乡建设局"
    chain = [o.name for o in Org.objects.filter(pk__in=orgs["city_gov"].path.split("/")[:-1])]
    assert set(chain) == {"国务院", "湖北省人民政府", "黄冈市人民政府"}
    assert orgs["nation_gov"].region.code == "100000"


def test_the_party_tree_reaches_branches_under_a_department_and_a_street(orgs):
    city_party = orgs["city_party"]
    branches = Org.objects.filter(
        path__startswith=city_party.path, kind=OrgKind.PARTY_BRANCH
    ).values_list("name", flat=True)

    assert "中共黄冈市住房和城乡建设局机关第一支部委员会" in branches
    assert "余家湾社区第一党支部" in branches
    assert orgs["party:汪家墩社区总支"].kind == OrgKind.PARTY_GENERAL_BRANCH
    assert orgs["party:东湖街道党工委"].region.name == "东湖街道"


def test_every_path_is_the_chain_of_ids_from_the_root(orgs):
    for org in Org.objects.select_related("parent"):
        assert org.path == (org.parent.path if org.parent else "") + f"{org.pk}/"


def test_seeding_again_creates_nothing_new(orgs):
    before = list(Org.objects.order_by("pk").values_list("pk", "path"))

    again = seed_huanggang_orgs()

    assert list(Org.objects.order_by("pk").values_list("pk", "path")) == before
    assert {k: o.pk for k, o in again.items()} == {k: o.pk for k, o in orgs.items()}


def test_seeding_without_the_regions_is_refused(db):
    with pytest.raises(ValueError, match="load_regions"):
        seed_huanggang_orgs()
