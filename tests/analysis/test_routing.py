import random

import pytest

from massline.analysis.routing import DepartmentSuggester, RoutingRecord

MATTERS = {
    "市教育局": ("教育文体", ["学校收费", "幼儿园学位", "老师补课"]),
    "市人社局": ("劳动和社会保障", ["拖欠工资", "社保缴费", "养老金发放"]),
    "住建局": ("城乡建设", ["物业收费", "电梯故障", "房屋漏水"]),
    "市交通局": ("交通运输", ["公交线路", "出租车拒载", "客运站"]),
}
COUNTIES = {"421102": "黄州区", "421181": "麻城市", "421122": "红安县"}


def dispatch(department: str, county: str) -> str:
    """Housing matters go to the county's own bureau; the rest to the city's."""
    return f"{COUNTIES[county]}住建局" if department == "住建局" else department


def history(n: int, seed: int) -> list[RoutingRecord]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        department = rng.choice(list(MATTERS))
        category, matters = MATTERS[department]
        county = rng.choice(list(COUNTIES))
        town = f"{county}{rng.randint(1, 9):03d}"
        text = f"{rng.choice(matters)}问题，{rng.choice(['请尽快处理', '一直没人管', '希望解决'])}"
        out.append(RoutingRecord(text, dispatch(department, county), category, town))
    return out


@pytest.fixture(scope="module")
def suggester() -> DepartmentSuggester:
    return DepartmentSuggester(seed=2).fit(history(240, seed=1))


def test_held_out_dispatches_are_suggested_first_or_in_the_top_three(suggester):
    held_out = history(60, seed=2)
    ranked = [
        [d for d, _ in suggester.suggest(r.text, r.category, r.region_code)] for r in held_out
    ]
    top1 = sum(r[0] == h.department for r, h in zip(ranked, held_out, strict=True))
    top3 = sum(h.department in r for r, h in zip(ranked, held_out, strict=True))
    assert top1 / len(held_out) >= 0.9
    assert top3 == len(held_out)


def test_the_place_decides_between_county_bureaus(suggester):
    best = suggester.suggest("电梯故障", "城乡建设", "421181005")[0][0]
    assert best == "麻城市住建局"


def test_a_town_never_seen_before_falls_back_on_its_county(suggester):
    best = suggester.suggest("房屋漏水", "城乡建设", "421122999")[0][0]
    assert best == "红安县住建局"


def test_suggestions_are_ranked_probabilities(suggester):
    out = suggester.suggest("拖欠工资", k=3)
    assert len(out) == 3 and out[0][0] == "市人社局"
    assert [s for _, s in out] == sorted((s for _, s in out), reverse=True)


def test_tuples_are_accepted_as_history():
    s = DepartmentSuggester().fit(
        [("公交线路", "交通运输", "421102", "市交通局")] * 3
        + [("拖欠工资", "劳动和社会保障", "421102", "市人社局")] * 3
    )
    assert s.suggest("公交线路")[0][0] == "市交通局"


def test_a_new_department_is_learned_from_one_dispatch(suggester, tmp_path):
    path = tmp_path / "routing.mlc"
    suggester.save(path)
    s = DepartmentSuggester.load(path)
    s.learn_one("垃圾清运不及时", "环卫处", "城乡建设", "421102001")
    assert s.suggest("垃圾清运不及时", "城乡建设", "421102001")[0][0] == "环卫处"


def test_save_and_load_keep_the_suggestions(suggester, tmp_path):
    path = tmp_path / "routing.mlc"
    suggester.save(path)
    loaded = DepartmentSuggester.load(path)
    for r in history(5, seed=3):
        before = suggester.suggest(r.text, r.category, r.region_code)
        after = loaded.suggest(r.text, r.category, r.region_code)
        assert [d for d, _ in after] == [d for d, _ in before]
        assert [s for _, s in after] == pytest.approx([s for _, s in before])


def test_without_history_there_is_no_suggestion():
    assert DepartmentSuggester().suggest("路灯坏了") == []
