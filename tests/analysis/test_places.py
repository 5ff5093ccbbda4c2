import csv
import io
import json

import pytest

from massline.analysis.cli import main
from massline.analysis.places import PlaceIndex, short_forms

HOME = "421100"
REGIONS = [
    {"code": "420000", "name": "湖北省", "parent": None, "level": 1},
    {"code": "421100", "name": "黄冈市", "parent": "420000", "level": 2},
    {"code": "421102", "name": "黄州区", "parent": "421100", "level": 3},
    {"code": "421102004", "name": "南湖街道", "parent": "421102", "level": 4},
    {"code": "421122", "name": "红安县", "parent": "421100", "level": 3},
    {"code": "421122100", "name": "城关镇", "parent": "421122", "level": 4},
    {"code": "421125", "name": "浠水县", "parent": "421100", "level": 3},
    {"code": "421125100", "name": "清泉镇", "parent": "421125", "level": 4},
    {"code": "421125101", "name": "巴河镇", "parent": "421125", "level": 4},
    {"code": "421181", "name": "麻城市", "parent": "421100", "level": 3},
    {"code": "421181003", "name": "南湖街道", "parent": "421181", "level": 4},
    {"code": "420500", "name": "宜昌市", "parent": "420000", "level": 2},
    {"code": "420506", "name": "夷陵区", "parent": "420500", "level": 3},
    {"code": "420506109", "name": "黄花镇", "parent": "420506", "level": 4},
    {"code": "422800", "name": "恩施土家族苗族自治州", "parent": "420000", "level": 2},
    {"code": "422828", "name": "鹤峰县", "parent": "422800", "level": 3},
    {"code": "422828101", "name": "容美镇", "parent": "422828", "level": 4},
    {"code": "421022", "name": "公安县", "parent": "420000", "level": 3},
    {"code": "430000", "name": "湖南省", "parent": None, "level": 1},
    {"code": "430100", "name": "长沙市", "parent": "430000", "level": 2},
    {"code": "430121", "name": "长沙县", "parent": "430100", "level": 3},
    {"code": "410000", "name": "河南省", "parent": None, "level": 1},
    {"code": "440000", "name": "广东省", "parent": None, "level": 1},
    {"code": "440100", "name": "广州市", "parent": "440000", "level": 2},
    {"code": "440300", "name": "深圳市", "parent": "440000", "level": 2},
    {"code": "220000", "name": "吉林省", "parent": None, "level": 1},
    {"code": "220100", "name": "长春市", "parent": "220000", "level": 2},
    {"code": "220104", "name": "朝阳区", "parent": "220100", "level": 3},
    {"code": "110000", "name": "北京市", "parent": None, "level": 1},
    {"code": "110100", "name": "市辖区", "parent": "110000", "level": 2},
    {"code": "110105", "name": "朝阳区", "parent": "110100", "level": 3},
    {"code": "370000", "name": "山东省", "parent": None, "level": 1},
    {"code": "371100", "name": "日照市", "parent": "370000", "level": 2},
    {"code": "340000", "name": "安徽省", "parent": None, "level": 1},
    {"code": "340500", "name": "马鞍山市", "parent": "340000", "level": 2},
    {"code": "340523", "name": "和县", "parent": "340500", "level": 3},
]


@pytest.fixture(scope="module")
def home():
    return PlaceIndex(REGIONS, home=HOME)


@pytest.fixture(scope="module")
def away():
    return PlaceIndex(REGIONS)


def codes(matches):
    return [m.code for m in matches]


def test_short_forms_drop_the_suffix_but_never_leave_one_character():
    assert short_forms("黄州区", 3) == ["黄州"]
    assert short_forms("湖北省", 1) == ["湖北"]
    assert short_forms("恩施土家族苗族自治州", 2) == ["恩施"]
    assert short_forms("广西壮族自治区", 1) == ["广西"]
    assert short_forms("东区", 3) == []


def test_a_full_address_yields_every_level_with_offsets(away):
    text = "湖北省黄冈市黄州区路灯坏了"
    found = away.find(text)
    assert [(m.code, m.start, m.end) for m in found] == [
        ("420000", 0, 3),
        ("421100", 3, 6),
        ("421102", 6, 9),
    ]
    assert all(text[m.start : m.end] == m.name for m in found)
    assert away.best(text).code == "421102"


def test_short_forms_of_counties_count_at_home_or_under_a_named_ancestor(home, away):
    assert away.find("麻城的菊花开了") == []
    assert [(m.code, m.start, m.end) for m in home.find("麻城的菊花开了")] == [("421181", 0, 2)]
    assert codes(away.find("黄冈浠水的桥")) == ["421100", "421125"]


def test_a_town_short_form_needs_its_county_just_before_it(home):
    assert home.find("清泉的水") == []
    assert codes(home.find("浠水县清泉的水")) == ["421125", "421125100"]


def test_a_bare_town_counts_only_inside_the_home_area(home, away):
    assert codes(home.find("清泉镇的水")) == ["421125100"]
    assert away.find("清泉镇的水") == []
    assert home.find("黄花镇的路灯坏了很久了") == []


def test_a_town_of_the_same_name_in_another_province_is_not_a_hubei_town(home):
    found = home.find("湖南省长沙县黄花镇某村的通组公路坏了两年")
    assert codes(found) == ["430000", "430121"]
    assert home.locate("湖南省长沙县黄花镇某村的通组公路坏了两年").region.code == "430121"
    assert codes(home.find("宜昌市夷陵区黄花镇的路")) == ["420500", "420506", "420506109"]


def test_a_town_needs_its_own_county_not_any_county(home):
    assert codes(home.find("浠水县城关镇菜市场")) == ["421125"]
    assert codes(home.find("红安县城关镇菜市场")) == ["421122", "421122100"]


def test_a_bare_town_at_home_is_dropped_when_the_text_is_about_elsewhere(home):
    assert codes(home.find("深圳市清泉镇的路")) == ["440300"]
    assert home.find("A9市清泉镇新菜市场里有人卖假药") == []


def test_a_bare_home_town_whose_name_many_towns_of_china_carry_needs_its_county_or_city():
    # 巴河镇 is carried by 2 towns of China, 清泉镇 (here) by 30: alone, only 巴河镇 is taken
    index = PlaceIndex(REGIONS, home=HOME, namesakes={"巴河镇": 2, "清泉镇": 30})
    assert codes(index.find("巴河镇的莲藕收购价太低")) == ["421125101"]
    assert index.find("清泉镇的工业园区有企业偷排污水") == []
    assert index.locate("清泉镇的工业园区有企业偷排污水") is None
    assert codes(index.find("浠水县清泉镇的工业园区")) == ["421125", "421125100"]
    assert codes(index.find("黄冈市清泉镇的工业园区")) == ["421100", "421125100"]
    # without a home area no bare town is taken, common or not
    assert PlaceIndex(REGIONS, namesakes={"巴河镇": 2}).find("巴河镇的莲藕收购价太低") == []


def test_the_shipped_namesakes_count_the_towns_of_all_china():
    from massline.analysis.places import town_namesakes

    counts = town_namesakes()
    assert counts["城关镇"] > 50 and counts["高桥镇"] > 10
    assert "禹王街道" not in counts  # one town of that name: absent


def test_a_name_two_home_towns_share_is_left_out_unless_the_county_says_which(home):
    assert home.find("南湖街道的路灯坏了") == []
    assert codes(home.find("麻城市南湖街道的路灯坏了")) == ["421181", "421181003"]


def test_cities_named_only_in_a_comparison_are_mentions_not_the_place(home):
    text = "建议向北京、广州学习，把浠水县的垃圾分类搞好"
    mentioned = home.mentions(text)
    assert [(m.name, m.context) for m in mentioned] == [
        ("北京市", "compared"),
        ("广州市", "compared"),
        ("浠水县", ""),
    ]
    assert codes(home.find(text)) == ["421125"]
    assert home.locate(text).region.code == "421125"
    assert home.locate("像深圳那样的城市早就实行了电子社保卡") is None
    assert home.locate("北京、上海等城市早就开通了网上预约挂号") is None


def test_a_list_of_examples_stays_a_comparison_past_names_the_tree_does_not_know(home):
    text = "高铁沿线的几个站，比如深圳、广州、虎门、长沙，出租车管理都非常规范"
    assert {m.context for m in home.mentions(text)} == {"compared"}
    assert [m.name for m in home.mentions(text)] == ["深圳市", "广州市", "长沙市"]
    assert home.locate(text) is None


def test_a_word_that_contains_a_town_name_is_not_the_town(home):
    assert home.find("湖北这边的美容美发店乱收费") == [home.find("湖北")[0]]
    found = home.find("鹤峰县容美镇的美容美发店太多")
    assert codes(found) == ["422828", "422828101"]
    assert found[-1].start == 3


def test_a_road_named_after_a_city_is_not_the_city(home):
    assert home.find("北京路上的井盖丢了一个") == []
    assert home.find("中山北路和广州路交叉口的红绿灯时间太短") == []
    assert codes(home.find("长沙市北京路的井盖丢了")) == ["430100"]


def test_everyday_words_are_not_places(home, away):
    assert PlaceIndex(REGIONS, home="420000").find("派出所和公安分局") == []
    assert home.find("楼间距太近，我家日照不足") == []
    assert codes(home.find("山东日照的海滨浴场收费不合理")) == ["370000", "371100"]
    assert away.find("多次找建设局和县领导") == []


def test_an_ambiguous_name_follows_the_ancestor_the_text_names_or_is_left_out(away):
    assert away.find("长春朝阳区的路")[-1].code == "220104"
    assert away.find("北京朝阳区的路")[-1].code == "110105"
    assert away.find("朝阳区的路") == []


def test_the_primary_place_is_where_the_matter_is_not_where_the_writer_works(home):
    text = "我在深圳打工，老家是湖南长沙县黄花镇，村里的路没人修"
    places = home.extract(text)
    assert places.primary.region.code == "430121"
    assert ("深圳市", "elsewhere") in [(m.name, m.context) for m in places.mentions]
    assert all(m.code != "420506109" for m in places.mentions)


def test_working_in_the_home_area_keeps_the_matter_there(home):
    text = "老家是河南的，在黄州区打工，工地老板拖欠工资"
    assert home.locate(text).region.code == "421102"


def test_more_evidence_gives_more_confidence(home):
    full = home.locate("我是黄冈市浠水县清泉镇某村村民，村里的路坏了")
    bare = home.locate("清泉镇的路坏了")
    contested = home.locate("我从深圳回来，浠水县的路坏了，广州早就修好了")
    assert full.region.code == bare.region.code == "421125100"
    assert full.confidence > bare.confidence > 0.5
    assert {m.name for m in full.evidence} == {"黄冈市", "浠水县", "清泉镇"}
    assert contested.region.code == "421125"
    assert 0 < home.locate("我在武汉上班，家住深圳").confidence < bare.confidence


def test_two_towns_of_one_county_give_the_county(home):
    assert home.locate("浠水县清泉镇和巴河镇之间的公路坑洼").region.code == "421125"


def test_best_of_the_matches_gives_the_same_primary_place(home):
    text = "建议向北京学习，红安县城关镇的菜市场太乱"
    assert home.best_of(home.find(text)).code == home.locate(text).region.code == "421122100"


def test_a_home_region_missing_from_the_tree_is_refused():
    with pytest.raises(ValueError, match="421110"):
        PlaceIndex(REGIONS, home="421110")


def test_an_empty_tree_finds_nothing():
    assert PlaceIndex([]).find("湖北省") == []
    assert PlaceIndex([]).best("湖北省") is None
    assert PlaceIndex([]).locate("湖北省") is None


def test_the_cli_gives_one_primary_place_per_appeal_and_keeps_its_default_rows(tmp_path, capsys):
    regions = tmp_path / "regions.json"
    regions.write_text(json.dumps(REGIONS, ensure_ascii=False), encoding="utf-8")
    appeals = tmp_path / "appeals.csv"
    with open(appeals, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [
                ["id", "title", "body"],
                ["1", "建议向北京学习", "红安县城关镇的菜市场太乱"],
                ["2", "美容美发店乱收费", "湖北这边的美容美发店乱收费"],
                ["3", "路灯坏了", "小区门口的路灯坏了"],
            ]
        )
    args = ["places", str(appeals), "--regions", str(regions), "--home", HOME]
    assert main([*args, "--primary"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["id", "region_code", "region_name", "confidence"]
    assert [r[:3] for r in rows[1:]] == [
        ["1", "421122100", "城关镇"],
        ["2", "420000", "湖北省"],
        ["3", "", ""],
    ]
    assert float(rows[1][3]) > float(rows[2][3]) > 0
    assert main(args) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["id", "region_code", "region_name", "start", "end"]
    assert [r[1] for r in rows[1:]] == ["421122", "421122100", "420000"]
