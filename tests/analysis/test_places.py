from massline.analysis.places import PlaceIndex, short_forms

REGIONS = [
    {"code": "420000", "name": "湖北省", "parent": None, "level": 1},
    {"code": "421100", "name": "黄冈市", "parent": "420000", "level": 2},
    {"code": "421102", "name": "黄州区", "parent": "421100", "level": 3},
    {"code": "421125", "name": "浠水县", "parent": "421100", "level": 3},
    {"code": "421181", "name": "麻城市", "parent": "421100", "level": 3},
    {"code": "421125100", "name": "清泉镇", "parent": "421125", "level": 4},
    {"code": "220000", "name": "吉林省", "parent": None, "level": 1},
    {"code": "220100", "name": "长春市", "parent": "220000", "level": 2},
    {"code": "220104", "name": "朝阳区", "parent": "220100", "level": 3},
    {"code": "110000", "name": "北京市", "parent": None, "level": 1},
    {"code": "110100", "name": "市辖区", "parent": "110000", "level": 2},
    {"code": "110105", "name": "朝阳区", "parent": "110100", "level": 3},
    {"code": "421022", "name": "公安县", "parent": "420000", "level": 3},
]


def test_short_forms_drop_the_suffix_but_never_leave_one_character():
    assert short_forms("黄州区", 3) == ["黄州"]
    assert short_forms("湖北省", 1) == ["湖北"]
    assert short_forms("恩施土家族苗族自治州", 2) == ["恩施"]
    assert short_forms("广西壮族自治区", 1) == ["广西"]
    assert short_forms("东区", 3) == []


def test_a_full_address_yields_every_level_with_offsets():
    index = PlaceIndex(REGIONS)
    text = "湖北省黄冈市黄州区路灯坏了"
    found = index.find(text)
    assert [(m.code, m.start, m.end) for m in found] == [
        ("420000", 0, 3),
        ("421100", 3, 6),
        ("421102", 6, 9),
    ]
    assert all(text[m.start : m.end] == m.name for m in found)
    assert index.best(text).code == "421102"


def test_short_forms_of_counties_count_at_home_or_under_a_named_ancestor():
    assert PlaceIndex(REGIONS).find("麻城的菊花开了") == []
    at_home = PlaceIndex(REGIONS, home="421100").find("麻城的菊花开了")
    assert [(m.code, m.start, m.end) for m in at_home] == [("421181", 0, 2)]
    named = PlaceIndex(REGIONS).find("黄冈浠水的桥")
    assert [m.code for m in named] == ["421100", "421125"]


def test_a_town_short_form_needs_its_county_but_its_full_name_does_not():
    index = PlaceIndex(REGIONS)
    assert index.find("清泉的水") == []
    assert [m.code for m in index.find("浠水县清泉的水")] == ["421125", "421125100"]
    assert [m.code for m in index.find("清泉镇的水")] == ["421125100"]


def test_an_ambiguous_name_follows_the_ancestor_the_text_names():
    index = PlaceIndex(REGIONS)
    assert index.find("长春朝阳区")[-1].code == "220104"
    assert index.find("北京朝阳区")[-1].code == "110105"


def test_everyday_words_are_not_places():
    assert PlaceIndex(REGIONS, home="420000").find("派出所和公安分局") == []


def test_an_empty_tree_finds_nothing():
    assert PlaceIndex([]).find("湖北省") == []
    assert PlaceIndex([]).best("湖北省") is None
