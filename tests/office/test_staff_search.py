"""Staff find an appeal by tracking number, caller's phone or name, or words, in one box; the
desk shows the caller's earlier appeals (历史诉求) so a repeat caller is seen at once (issue 16
item 13). What a search finds stays within what the searcher may see."""

import pytest

from massline.appeals.actions import AppealIn
from massline.appeals.services import submit_appeal
from tests.conftest import SAMPLE
from tests.office.helpers import client_for

pytestmark = pytest.mark.django_db


def _three_from_one_caller(people):
    made = []
    for title in ("考棚街夜间施工噪音扰民", "胜利街路灯不亮两周", "遗爱湖公园厕所无人保洁"):
        made.append(submit_appeal(people.resident, AppealIn(**{**SAMPLE, "title": title}))[0])
    other = submit_appeal(people.neighbour, AppealIn(**{**SAMPLE, "title": "邻居反映井盖缺失"}))
    return made, other[0]


def test_a_tracking_number_typed_any_way_goes_to_its_desk(people):
    (a, *_), _ = _three_from_one_caller(people)
    c = client_for(people.county_dispatcher)
    res = c.get("/office/search/", {"q": a.tracking_no.lower().replace("-", " ")})
    assert res.status_code == 302 and res["Location"] == f"/office/appeals/{a.tracking_no}/"
    other_county = client_for(people.macheng_dispatcher).get(
        "/office/search/", {"q": a.tracking_no}
    )
    assert other_county.status_code == 200 and "不在您的办理范围内" in other_county.text


def test_a_callers_phone_or_name_finds_all_their_appeals(people):
    made, other = _three_from_one_caller(people)
    c = client_for(people.county_dispatcher)
    by_phone = c.get("/office/search/", {"q": "138 0000 0001"}).text
    assert all(a.tracking_no in by_phone for a in made) and other.tracking_no not in by_phone
    by_name = c.get("/office/search/", {"q": "张三丰"}).text
    assert all(a.tracking_no in by_name for a in made) and other.tracking_no not in by_name
    words = c.get("/office/search/", {"q": "路灯"}).text
    assert made[1].tracking_no in words and made[0].tracking_no not in words


def test_an_analyst_cannot_find_appeals_by_a_callers_phone_or_name(people):
    made, _ = _three_from_one_caller(people)
    c = client_for(people.analyst)
    for q in ("13800000001", "张三丰"):
        page = c.get("/office/search/", {"q": q}).text
        assert not any(a.tracking_no in page for a in made)


def test_the_desk_shows_the_callers_earlier_appeals(people):
    made, other = _three_from_one_caller(people)
    desk = client_for(people.county_dispatcher).get(f"/office/appeals/{made[2].tracking_no}/").text
    history = desk[desk.index("历史诉求") :].split("</section>")[0]
    assert made[0].tracking_no in history and made[1].tracking_no in history
    assert other.tracking_no not in history and made[2].tracking_no not in history
    analyst = client_for(people.analyst).get(f"/office/appeals/{made[2].tracking_no}/").text
    assert "历史诉求" not in analyst
