"""网上调研 through the pages: every question kind, show and skip logic, quotas, one answer
sheet per person (also when submissions race), results as charts' numbers and XLSX."""

import threading
from datetime import date
from io import BytesIO

import pytest
import time_machine
from django.db import connections
from openpyxl import load_workbook

from massline.consult import services, surveys
from massline.consult.models import Answer, Question, Response
from massline.core.errors import IllegalTransition, InvalidInput
from tests.consult.conftest import at

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"kind": "single", "text": "您是否在黄冈城区养犬？", "options": ["是", "否"], "skip": {"1": 4}},
    {
        "kind": "multiple",
        "text": "您遛狗通常在哪些时段？",
        "options": ["早上", "中午", "傍晚", "深夜"],
    },
    {"kind": "rating", "text": "您对小区养犬秩序的满意程度", "scale": 5},
    {
        "kind": "matrix",
        "text": "您对以下措施的态度",
        "rows": ["强制拴绳", "限制大型犬"],
        "options": ["支持", "中立", "反对"],
    },
    {
        "kind": "ranking",
        "text": "请为以下问题的紧迫程度排序",
        "options": ["犬只伤人", "粪便污染", "夜间犬吠"],
    },
    {
        "kind": "text",
        "text": "深夜遛狗的原因是什么？",
        "required": False,
        "show_if": {"question": 2, "options": [3]},
    },
    {"kind": "region", "text": "您居住在哪个区县或街道？"},
    {"kind": "text", "text": "其他建议", "required": False},
]

FULL = {
    "q1": "0",
    "q2": ["0", "3"],
    "q3": "4",
    "q4-r0": "0",
    "q4-r1": "2",
    "q5-o0": "1",
    "q5-o1": "3",
    "q5-o2": "2",
    "q6": "下班太晚，只能深夜出门。",
    "q7": "421102001",
    "q8": "=1+1 建议多设拾便箱",
}


@pytest.fixture
def survey(world, orgs):
    def _make(questions=QUESTIONS, **overrides):
        fields = dict(
            org=orgs.city_housing,
            title="黄冈城区文明养犬情况调查",
            questions=questions,
            first_day=date(2026, 12, 1),
            last_day=date(2026, 12, 20),
        )
        fields.update(overrides)
        return services.create_survey(world.officer, **fields)

    return _make


def answer(client, s, data):
    return client.post(f"/consult/surveys/{s.pk}/", data)


def test_a_resident_answers_every_kind_of_question_and_sees_the_figures(world, survey, as_user):
    s = survey()
    with time_machine.travel(at(2026, 12, 5), tick=False):
        page = as_user(world.people.resident).get(f"/consult/surveys/{s.pk}/").content.decode()
        assert "东湖街道" in page and "第 3 位" in page
        res = answer(as_user(world.people.resident), s, FULL)
        assert res.status_code == 302
        assert res["Location"] == f"/consult/surveys/{s.pk}/results/"
        answer(
            as_user(world.people.neighbour),
            s,
            {**FULL, "q2": ["2"], "q3": "2", "q4-r1": "0", "q6": "不该出现", "q8": ""},
        )
    response = Response.objects.get(respondent=world.people.neighbour)
    assert not response.answers.filter(question__position=6).exists()
    results = as_user().get(f"/consult/surveys/{s.pk}/results/").content.decode()
    assert "共 2 份答卷" in results
    assert "平均分：" in results and "3.00" in results
    assert "下班太晚" in results
    assert "survey-data" in results
    assert "421102001" not in results


def test_a_skip_leaves_out_the_questions_it_jumps_and_a_missing_required_answer_is_named(
    world, survey, as_user
):
    s = survey()
    with time_machine.travel(at(2026, 12, 5), tick=False):
        res = answer(as_user(world.people.resident), s, {"q1": "1", "q2": ["0"], "q7": "421102"})
        assert res.status_code == 422
        page = res.content.decode()
        assert "第 4 题：请作答。" in page and "第 5 题：请作答。" in page
        assert "第 2 题" not in page and "第 3 题：" not in page
        assert "答卷有 2 处需要修改" in page
        assert 'value="421102" selected' in page
        bad_rank = {**FULL, "q5-o2": "1"}
        res = answer(as_user(world.people.resident), s, bad_rank)
        assert res.status_code == 422
        assert "第 5 题：请给每个选项排出不重复的名次。" in res.content.decode()
        assert Response.objects.count() == 0
        res = answer(
            as_user(world.people.resident),
            s,
            {
                "q1": "1",
                "q2": ["0"],
                "q4-r0": "0",
                "q4-r1": "1",
                **{k: FULL[k] for k in ("q5-o0", "q5-o1", "q5-o2", "q7")},
            },
        )
        assert res.status_code == 302
    assert not Answer.objects.filter(question__position__in=[2, 3]).exists()


def test_asked_follows_show_conditions_and_skips():
    qs = [Question(**{**spec, "position": i}) for i, spec in enumerate(QUESTIONS, start=1)]
    assert surveys.asked(qs, {}) == [1, 2, 3, 4, 5, 7, 8]
    assert surveys.asked(qs, {1: 0, 2: [3]}) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert surveys.asked(qs, {1: 1, 2: [3]}) == [1, 4, 5, 7, 8]


def test_an_option_quota_and_the_sample_size_stop_further_answers(world, survey, as_user, people):
    s = survey(
        questions=[
            {
                "kind": "single",
                "text": "您的年龄段",
                "options": ["35岁以下", "35岁及以上"],
                "quotas": {"0": 1},
            },
        ],
        quota=2,
    )
    from massline.accounts.models import User

    third = User.objects.create_user(
        username="13800000003", phone="13800000003", real_name="王五", password="x",
        phone_verified_at=at(2026, 1, 1),
    )  # fmt: skip
    with time_machine.travel(at(2026, 12, 5), tick=False):
        assert answer(as_user(world.people.resident), s, {"q1": "0"}).status_code == 302
        full = answer(as_user(world.people.neighbour), s, {"q1": "0"})
        assert full.status_code == 422
        assert "“35岁以下”的名额已满" in full.content.decode()
        assert answer(as_user(world.people.neighbour), s, {"q1": "1"}).status_code == 302
        over = answer(as_user(third), s, {"q1": "1"})
        assert over.status_code == 409 and "本次调研样本已满" in over.content.decode()
    assert Response.objects.filter(survey=s).count() == 2


def test_a_second_answer_sheet_is_refused(world, survey, as_user):
    s = survey()
    with time_machine.travel(at(2026, 12, 5), tick=False):
        answer(as_user(world.people.resident), s, FULL)
        again = answer(as_user(world.people.resident), s, FULL)
        assert again.status_code == 409
        assert "每人限答一次" in again.content.decode()
        page = as_user(world.people.resident).get(f"/consult/surveys/{s.pk}/").content.decode()
        assert "您已提交过答卷" in page and "提交答卷</button>" not in page
    with time_machine.travel(at(2026, 12, 21), tick=False):
        late = answer(as_user(world.people.neighbour), s, FULL)
        assert late.status_code == 409 and "已截止" in late.content.decode()


@pytest.mark.django_db(transaction=True)
def test_answer_sheets_sent_at_once_by_one_person_are_stored_once(world, survey):
    s = survey()
    data = {k: v if isinstance(v, list) else [v] for k, v in FULL.items()}
    barrier = threading.Barrier(4)
    results = []

    def run():
        barrier.wait()
        try:
            with time_machine.travel(at(2026, 12, 5), tick=False):
                results.append(services.submit_response(world.people.resident, s.pk, data))
        except Exception as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Response.objects.filter(survey=s).count() == 1
    assert sum(isinstance(r, Response) for r in results) == 1
    assert all(isinstance(r, (Response, IllegalTransition)) for r in results), results
    assert Answer.objects.filter(response__survey=s, question__position=2).count() == 2


def test_the_organiser_downloads_the_answer_sheets_as_xlsx_without_names(world, survey, as_user):
    s = survey()
    with time_machine.travel(at(2026, 12, 5), tick=False):
        answer(as_user(world.people.resident), s, FULL)
    assert (
        as_user(world.people.resident).get(f"/consult/surveys/{s.pk}/results.xlsx").status_code
        == 403
    )
    res = as_user(world.officer).get(f"/consult/surveys/{s.pk}/results.xlsx")
    assert res.status_code == 200
    book = load_workbook(BytesIO(res.content))
    sheet = book["答卷"]
    head = [c.value for c in sheet[1]]
    row = dict(zip(head, [c.value for c in sheet[2]], strict=True))
    assert row["2. 您遛狗通常在哪些时段？"] == "早上；深夜"
    assert row["4. 您对以下措施的态度"] == "强制拴绳：支持；限制大型犬：反对"
    assert row["5. 请为以下问题的紧迫程度排序"] == "犬只伤人 > 夜间犬吠 > 粪便污染"
    assert row["8. 其他建议"] == "=1+1 建议多设拾便箱"  # as written, stored as text
    assert not [c.coordinate for r in sheet.iter_rows() for c in r if c.data_type == "f"]
    assert "张三丰" not in str([c.value for r in sheet.iter_rows() for c in r])
    figures = [[c.value for c in r] for r in book["统计"].iter_rows(min_row=2)]
    assert [1, "您是否在黄冈城区养犬？", "是", 1, 1.0] in figures


def test_a_survey_with_a_bad_question_is_refused_with_its_number(world, survey):
    with pytest.raises(InvalidInput, match="第 2 题：至少要有两个选项。"):
        survey(questions=[QUESTIONS[0], {"kind": "single", "text": "只有一个", "options": ["a"]}])
    with pytest.raises(InvalidInput, match="第 1 题：显示条件"):
        survey(questions=[{**QUESTIONS[5], "show_if": {"question": 3, "options": [0]}}])


OUTLINE = """单选：您是否在黄冈城区养犬？
- 是
- 否 [跳到第4题]
多选：您遛狗通常在哪些时段？
- 早上
- 深夜
填空(选答)：深夜遛狗的原因是什么？
显示条件：第2题选“深夜”
矩阵：您对以下措施的态度
行：强制拴绳 / 限制大型犬
- 支持
- 反对
评分(满分10)：您对小区养犬秩序的满意程度
单选：您的年龄段
- 35岁以下 [限200人]
- 35岁及以上
"""


def test_an_outline_typed_by_the_office_becomes_questions_with_their_logic():
    specs = surveys.parse_outline(OUTLINE)
    assert [s["kind"] for s in specs] == [
        "single", "multiple", "text", "matrix", "rating", "single",
    ]  # fmt: skip
    assert specs[0]["skip"] == {"1": 4}
    assert specs[2]["required"] is False
    assert specs[2]["show_if"] == {"question": 2, "options": [1]}
    assert specs[3]["rows"] == ["强制拴绳", "限制大型犬"]
    assert specs[4]["scale"] == 10
    assert specs[5]["quotas"] == {"0": 200}
    with pytest.raises(surveys.OutlineError, match="第 5 行：第 1 题没有选项“深夜”"):
        surveys.parse_outline("单选：甲\n- 是\n- 否\n填空：乙\n显示条件：第1题选“深夜”")
    with pytest.raises(surveys.OutlineError, match="第 2 行：显示条件只能引用前面的题。"):
        surveys.parse_outline("单选：甲\n显示条件：第1题选“是”")


def test_an_office_publishes_a_survey_from_its_outline(world, as_user, orgs):
    officer = as_user(world.officer)
    form = {
        "org": str(orgs.city_housing.pk),
        "title": "黄冈城区文明养犬情况调查",
        "outline": OUTLINE + "哪一行都不是\n",
        "first_day": "2026-12-01",
        "last_day": "2026-12-20",
        "audience": "public",
        "results_public": "on",
    }
    bad = officer.post("/consult/surveys/new/", form)
    assert bad.status_code == 422
    assert "第 17 行：看不懂这一行" in bad.content.decode()
    res = officer.post("/consult/surveys/new/", {**form, "outline": OUTLINE})
    assert res.status_code == 302
    with time_machine.travel(at(2026, 12, 5), tick=False):
        page = as_user(world.people.resident).get(res["Location"]).content.decode()
    assert "您对以下措施的态度" in page and 'data-skip="{&quot;1&quot;: 4}"' in page
    assert as_user(world.people.resident).get("/consult/surveys/new/").status_code == 403


def test_a_cross_tab_counts_respondents_by_two_questions(world, survey, as_user):
    s = survey()
    with time_machine.travel(at(2026, 12, 5), tick=False):
        answer(as_user(world.people.resident), s, FULL)
        answer(as_user(world.people.neighbour), s, {**FULL, "q2": ["2", "3"]})
    page = as_user().get(f"/consult/surveys/{s.pk}/results/", {"by": "1", "x": "2"})
    html = page.content.decode()
    table = html[html.index("第 1 题 × 第 2 题") :]
    table = table[: table.index("</table>")]
    cells = [c.split("<")[0] for c in table.split('<td class="num">')[1:]]
    # 是: 早上 1, 中午 0, 傍晚 1, 深夜 2 → 4 ; 否: 0 … ; column totals
    assert cells[:5] == ["1", "0", "1", "2", "4"]
    assert cells[5:10] == ["0", "0", "0", "0", "0"]
    assert "两题都作答的 2 人" in table
    same = as_user().get(f"/consult/surveys/{s.pk}/results/", {"by": "1", "x": "1"})
    assert "请选择两道不同的选择题。" in same.content.decode()
