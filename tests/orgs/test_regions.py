import json

import pytest
from django.core.management import call_command

from massline.orgs.models import Level, Region
from massline.orgs.regions import DEFAULT_PATH, NATION_CODE, load_regions, short_name

TINY = [
    {"code": "110000", "name": "北京市", "parent": None, "level": 1},
    {"code": "110100", "name": "市辖区", "parent": "110000", "level": 2},
    {"code": "110101", "name": "东城区", "parent": "110100", "level": 3},
    {"code": "420000", "name": "湖北省", "parent": None, "level": 1},
    {"code": "420100", "name": "武汉市", "parent": "420000", "level": 2},
    {"code": "420102", "name": "江岸区", "parent": "420100", "level": 3},
    {"code": "421100", "name": "黄冈市", "parent": "420000", "level": 2},
    {"code": "421102", "name": "黄州区", "parent": "421100", "level": 3},
    {"code": "421102002", "name": "东湖街道", "parent": "421102", "level": 4},
    {"code": "421102200", "name": "陶店乡", "parent": "421102", "level": 4},
    {"code": "421181", "name": "麻城市", "parent": "421100", "level": 3},
    {"code": "421181101", "name": "宋埠镇", "parent": "421181", "level": 4},
]

HUANGGANG_COUNTIES = {
    "黄州区", "团风县", "红安县", "罗田县", "英山县",
    "浠水县", "蕲春县", "黄梅县", "麻城市", "武穴市",
}  # fmt: skip


def write(tmp_path, rows, name="regions.json"):
    path = tmp_path / name
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path):
    return write(tmp_path, TINY)


def region(code):
    return Region.objects.select_related("parent").get(code=code)


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("黄州区", "黄州"),
        ("麻城市", "麻城"),
        ("湖北省", "湖北"),
        ("浠水县", "浠水"),
        ("黄冈市", "黄冈"),
        ("宁夏回族自治区", "宁夏"),
        ("内蒙古自治区", "内蒙古"),
        ("恩施土家族苗族自治州", "恩施"),
        ("长阳土家族自治县", "长阳"),
        ("东湖街道", "东湖"),
        ("宋埠镇", "宋埠"),
        ("陶店乡", "陶店"),
        ("芭蕉侗族乡", "芭蕉"),
        ("沙市区", "沙市"),
        ("神农架林区", "神农架"),
        ("香港特别行政区", "香港"),
        ("龙感湖管理区", "龙感湖"),
        ("中华人民共和国", "中国"),
    ],
)
def test_the_short_name_drops_the_administrative_suffix(name, short):
    assert short_name(name) == short


@pytest.mark.parametrize("name", ["赵县", "城区", "新镇", "市辖区", "火车站开发区", "黄湖农场"])
def test_names_without_a_two_character_stem_or_that_are_not_places_keep_their_name(name):
    assert short_name(name) == name


def test_loading_builds_the_tree_under_the_national_root(db, tiny):
    assert load_regions(tiny) == len(TINY) + 1

    nation = region(NATION_CODE)
    assert (nation.name, nation.level, nation.parent) == ("中华人民共和国", Level.CENTRAL, None)
    town = region("421102002")
    assert town.level == Level.TOWNSHIP
    assert town.parent.code == "421102"
    assert town.short_name == "东湖"
    assert town.path == "100000/420000/421100/421102/421102002/"
    assert [r.code for r in town.ancestors()] == [
        NATION_CODE, "420000", "421100", "421102", "421102002"
    ]  # fmt: skip
    assert town.full_name == "湖北省黄冈市黄州区东湖街道"
    assert region("110000").parent.code == NATION_CODE
    assert {r.level for r in Region.objects.all()} == set(Level.values)


def test_a_second_load_changes_nothing(db, tiny):
    columns = ("id", "code", "name", "short_name", "level", "parent", "path")
    load_regions(tiny)
    before = list(Region.objects.values_list(*columns))

    assert load_regions(tiny) == 0
    assert list(Region.objects.values_list(*columns)) == before


def test_within_loads_only_the_subtree_and_its_ancestors(db, tiny):
    load_regions(tiny, within="4211")

    codes = set(Region.objects.values_list("code", flat=True))
    assert codes == {
        NATION_CODE, "420000", "421100", "421102", "421102002", "421102200", "421181", "421181101"
    }  # fmt: skip
    assert region("421181101").path == "100000/420000/421100/421181/421181101/"


def test_loading_more_later_keeps_the_rows_already_there(db, tiny):
    load_regions(tiny, within="421102")
    huangzhou_id = region("421102").id

    assert load_regions(tiny) == len(TINY) + 1 - 6
    assert region("421102").id == huangzhou_id
    assert Region.objects.count() == len(TINY) + 1


def test_a_renamed_region_is_updated_in_place(db, tmp_path, tiny):
    load_regions(tiny)
    renamed = [dict(r, name="黄州新区") if r["code"] == "421102" else r for r in TINY]

    assert load_regions(write(tmp_path, renamed, "renamed.json")) == 1
    assert (region("421102").name, region("421102").short_name) == ("黄州新区", "黄州")


def test_a_county_moved_to_another_city_takes_its_loaded_towns_along(db, tmp_path, tiny):
    load_regions(tiny)
    without_towns = [
        dict(r, parent="420100") if r["code"] == "421102" else r for r in TINY if r["level"] < 4
    ]

    load_regions(write(tmp_path, without_towns, "moved.json"))

    assert region("421102").path == "100000/420000/420100/421102/"
    assert region("421102002").path == "100000/420000/420100/421102/421102002/"
    assert region("421102200").path == "100000/420000/420100/421102/421102200/"


def test_a_region_whose_parent_is_missing_is_refused(db, tmp_path):
    orphan = write(tmp_path, [{"code": "421102", "name": "黄州区", "parent": "421100", "level": 3}])

    with pytest.raises(ValueError, match="421100 不存在"):
        load_regions(orphan)
    assert not Region.objects.exists()


def test_the_command_loads_a_subtree_and_prints_the_counts(db, tiny, capsys):
    call_command("load_regions", "--file", str(tiny), "--within", "4211")

    out = capsys.readouterr().out
    assert "新增或更新 8 条" in out
    assert "乡镇 3" in out


def test_the_shipped_file_has_huanggangs_ten_county_units_and_their_towns():
    rows = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    by_code = {r["code"]: r for r in rows}

    assert by_code["421100"] == {"code": "421100", "name": "黄冈市", "parent": "420000", "level": 2}
    counties = {r["name"]: r["code"] for r in rows if r["parent"] == "421100"}
    assert set(counties) >= HUANGGANG_COUNTIES
    for code in (counties[name] for name in HUANGGANG_COUNTIES):
        assert any(r["parent"] == code and r["level"] == 4 for r in rows), by_code[code]["name"]
    huangzhou = {r["name"] for r in rows if r["parent"] == "421102"}
    assert huangzhou >= {"赤壁街道", "东湖街道", "禹王街道", "南湖街道", "西湖街道", "陶店乡"}
    assert [r["code"] for r in rows] == sorted(by_code)
    assert sum(r["level"] == 1 for r in rows) == 34


def test_the_shipped_file_loads_within_huanggang(db):
    load_regions(within="4211")

    assert region("421102001").full_name == "湖北省黄冈市黄州区赤壁街道"
    assert Region.objects.filter(level=Level.COUNTY).count() >= 10
    assert not Region.objects.filter(code="420100").exists()
