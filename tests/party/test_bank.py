"""The question bank's XLSX: template, import (all or nothing, errors by row and column), export."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from massline.party.bank import HEAD
from massline.party.models import Question


def _xlsx(rows, head=HEAD):
    wb = Workbook()
    ws = wb.active
    ws.append(head)
    for r in rows:
        ws.append(r)
    out = BytesIO()
    wb.save(out)
    return SimpleUploadedFile("bank.xlsx", out.getvalue())


def _row(kind, stem, options=(), answer="", difficulty="中", tags="", note=""):
    opts = [*options, *[""] * 6][:6]
    return [kind, stem, *opts, answer, difficulty, tags, note]


def test_the_template_downloads_and_imports_as_it_is(party, client_for):
    c = client_for(party.secretary)
    res = c.get("/party/bank/template.xlsx")
    assert res.status_code == 200
    assert res["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = SimpleUploadedFile("t.xlsx", res.content)
    res = c.post("/party/bank/", {"file": upload}, follow=True)
    assert "已导入 4 道题" in res.content.decode()
    assert sorted(Question.objects.values_list("kind", flat=True)) == [
        "fill", "judge", "multiple", "single",
    ]  # fmt: skip


def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_stored(party, client_for):
    c = client_for(party.secretary)
    upload = _xlsx(
        [
            _row("单选题", "好的一题", ["甲", "乙"], "A"),
            _row("单选题", "答案超出选项", ["甲", "乙"], "C"),
            _row("问答题", "题型不对", [], "x"),
            _row("判断题", "", [], "也许"),
        ]
    )
    res = c.post("/party/bank/", {"file": upload})
    body = res.content.decode()
    assert res.status_code == 422
    assert "第 3 行“答案”：只能是 AB 中的字母" in body
    assert "第 4 行“题型”" in body
    assert "第 5 行“题干”：不能为空" in body
    assert "第 5 行“答案”：判断题的答案应为“对”或“错”" in body
    assert "未导入任何题目" in body
    assert Question.objects.count() == 0


def test_a_file_that_is_not_a_workbook_or_lacks_columns_is_refused(party, client_for):
    c = client_for(party.secretary)
    res = c.post("/party/bank/", {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert res.status_code == 422 and "无法读取文件" in res.content.decode()
    res = c.post("/party/bank/", {"file": _xlsx([["单选题"]], head=["题型"])})
    assert res.status_code == 422 and "第 1 行“题干”：缺少此列" in res.content.decode()


def test_the_export_holds_every_question_and_neutralises_formulas(party, client_for, questions):
    Question.objects.create(kind="judge", stem="=1+1 是公式吗", answer=["错"])
    res = client_for(party.secretary).get("/party/bank/questions.xlsx")
    ws = load_workbook(BytesIO(res.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEAD
    assert len(rows) == 14
    assert rows[-1][1] == "=1+1 是公式吗"  # as written, a text cell, never a formula
    assert not [c.coordinate for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert rows[1][HEAD.index("答案")] == "B"


def test_only_a_secretary_reaches_the_bank(party, client_for):
    assert client_for(party.member).get("/party/bank/").status_code == 403
    assert client_for(party.resident).get("/party/bank/template.xlsx").status_code == 403
