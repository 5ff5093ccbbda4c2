import json
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from massline.orgs.regions import place_index

TREE = [
    {"code": "420000", "name": "湖北省", "parent": None, "level": 1},
    {"code": "420500", "name": "宜昌市", "parent": "420000", "level": 2},
    {"code": "420506", "name": "夷陵区", "parent": "420500", "level": 3},
    {"code": "420506109", "name": "黄花镇", "parent": "420506", "level": 4},
    {"code": "421100", "name": "黄冈市", "parent": "420000", "level": 2},
    {"code": "421125", "name": "浠水县", "parent": "421100", "level": 3},
    {"code": "421125100", "name": "清泉镇", "parent": "421125", "level": 4},
    {"code": "430000", "name": "湖南省", "parent": None, "level": 1},
    {"code": "430100", "name": "长沙市", "parent": "430000", "level": 2},
    {"code": "430121", "name": "长沙县", "parent": "430100", "level": 3},
    {"code": "430121100", "name": "黄花镇", "parent": "430121", "level": 4},
    {"code": "440000", "name": "广东省", "parent": None, "level": 1},
    {"code": "440300", "name": "深圳市", "parent": "440000", "level": 2},
]


@pytest.fixture
def tree(tmp_path):
    path = tmp_path / "regions.json"
    path.write_text(json.dumps(TREE, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_deployment_takes_bare_town_names_of_its_own_area(tree, settings):
    settings.MASSLINE_REGION = "430100"
    found = place_index(tree).find("黄花镇的路灯坏了一个月")
    assert [(m.code, m.name) for m in found] == [("430121100", "黄花镇")]


def test_the_same_text_in_the_demo_deployment_names_no_town(tree, settings):
    settings.MASSLINE_REGION = "421100"
    assert place_index(tree).find("黄花镇的路灯坏了一个月") == []
    assert [m.code for m in place_index(tree).find("清泉镇的路灯坏了")] == ["421125100"]


def test_an_unknown_home_region_is_a_configuration_error(tree, settings):
    settings.MASSLINE_REGION = "999999"
    with pytest.raises(ImproperlyConfigured, match="MASSLINE_REGION"):
        place_index(tree)


def test_a_home_province_without_towns_is_reported(tree, settings, caplog):
    settings.MASSLINE_REGION = "440300"
    with caplog.at_level(logging.WARNING, logger="massline.orgs.regions"):
        index = place_index(tree)
    assert index.home == "440300"
    assert "make regions PROVINCES=440000" in caplog.text and "广东省" in caplog.text


def test_the_shipped_file_knows_the_demo_area_and_its_towns():
    index = place_index(home="421100")
    found = index.locate("我是浠水县清泉镇的居民，楼下的夜宵摊油烟扰民")
    assert found.region.code == "421125100" and found.confidence >= 0.9
