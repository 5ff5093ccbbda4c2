"""The question bank as XLSX: a template to fill in, import (all rows or none) and export."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.db import transaction
from openpyxl import load_workbook

from massline.core.audit import audit
from massline.core.errors import InvalidInput
from massline.core.tabular import Sheet, xlsx
from massline.party.models import Question, QuestionKind
from massline.party.rules import FALSE, LETTERS, SHANGHAI, TRUE

OPTION_COLUMNS = 6
HEAD = [
    "题型",
    "题干",
    *[f"选项{LETTERS[i]}" for i in range(OPTION_COLUMNS)],
    "答案",
    "难度",
    "标签",
    "解析",
]
KINDS = {label: value for value, label in QuestionKind.choices}
DIFFICULTY = {"易": 1, "中": 2, "难": 3, "1": 1, "2": 2, "3": 3}
EXAMPLES = [
    ["单选题", "中国共产党的根本宗旨是（ ）。", "全心全意为人民服务", "实现共产主义",
     "发展生产力", "依法治国", "", "", "A", "易", "党章", "党章总纲：全心全意为人民服务。"],
    ["多选题", "“四个意识”包括（ ）。", "政治意识", "大局意识", "核心意识", "看齐意识", "",
     "", "ABCD", "中", "理论", ""],
    ["判断题", "预备党员的预备期为一年。", "", "", "", "", "", "", "对", "易", "党章", ""],
    ["填空题", "中国共产党成立于____年。", "", "", "", "", "", "", "1921", "易", "党史",
     "多个空用“;”分隔，一个空的几种说法用“|”分隔。"],
]  # fmt: skip


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行“{self.column}”：{self.message}"


class ImportFailed(InvalidInput):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"导入失败，共 {len(errors)} 处错误，未导入任何题目。", field="file")
        self.errors = errors


def _workbook(head: list[str], rows: list[list[Any]], title: str) -> bytes:
    wide = {i: 40 for i, name in enumerate(head) if name in ("题干", "解析")}
    narrow = {i: 14 for i in range(len(head)) if i not in wide}
    return xlsx([Sheet(title, head, rows, widths={**narrow, **wide}, freeze="A2")])


def template() -> bytes:
    return _workbook(HEAD, EXAMPLES, "题库")


def export(questions) -> bytes:
    rows = []
    for q in questions:
        options = [*q.options, *[""] * OPTION_COLUMNS][:OPTION_COLUMNS]
        answer = "".join(q.answer) if q.kind != QuestionKind.FILL else ";".join(q.answer)
        rows.append(
            [
                q.get_kind_display(),
                q.stem,
                *options,
                answer,
                {1: "易", 2: "中", 3: "难"}.get(q.difficulty, "中"),
                q.tags,
                q.explanation,
            ]
        )
    return _workbook(HEAD, rows, "题库")


def parse_row(n: int, cells: dict[str, str], errors: list[RowError]) -> Question | None:
    def err(column: str, message: str) -> None:
        errors.append(RowError(n, column, message))

    before = len(errors)
    kind = KINDS.get(cells["题型"])
    if kind is None:
        err("题型", f"应为 {'、'.join(KINDS)} 之一")
    stem = cells["题干"]
    if not stem:
        err("题干", "不能为空")
    elif len(stem) > 1000:
        err("题干", "超过 1000 字")
    options = [cells[f"选项{LETTERS[i]}"] for i in range(OPTION_COLUMNS)]
    while options and not options[-1]:
        options.pop()
    raw = cells["答案"].replace(" ", "").replace("，", ",").replace(",", "")
    answer: list[str] = []
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(options) < 2 or "" in options:
            err("选项A", "选择题至少要有两个选项，且选项之间不能有空格子")
        letters = sorted(set(raw.upper()))
        if not letters:
            err("答案", "不能为空")
        elif any(ch not in LETTERS[: len(options)] for ch in letters):
            err("答案", f"只能是 {LETTERS[: max(len(options), 1)]} 中的字母")
        elif kind == QuestionKind.SINGLE and len(letters) != 1:
            err("答案", "单选题只能有一个答案")
        elif kind == QuestionKind.MULTIPLE and len(letters) < 2:
            err("答案", "多选题至少要有两个答案")
        answer = letters
    elif kind == QuestionKind.JUDGE:
        value = {"对": TRUE, "正确": TRUE, "√": TRUE, "错": FALSE, "错误": FALSE, "×": FALSE}.get(
            cells["答案"]
        )
        if value is None:
            err("答案", "判断题的答案应为“对”或“错”")
        else:
            answer = [value]
        options = []
    elif kind == QuestionKind.FILL:
        answer = [a.strip() for a in cells["答案"].replace("；", ";").split(";") if a.strip()]
        if not answer:
            err("答案", "不能为空")
        elif stem and stem.count("____") not in (0, len(answer)):
            err("答案", f"题干有 {stem.count('____')} 个空，答案有 {len(answer)} 个")
        options = []
    difficulty = DIFFICULTY.get(cells["难度"] or "中")
    if difficulty is None:
        err("难度", "应为 易、中、难 之一")
    if len(cells["标签"]) > 100:
        err("标签", "超过 100 字")
    if len(errors) > before or kind is None:
        return None
    return Question(
        kind=kind,
        stem=stem,
        options=options,
        answer=answer,
        difficulty=difficulty or 2,
        tags=cells["标签"],
        explanation=cells["解析"],
    )


def read(data: bytes) -> list[Question]:
    """The questions of an uploaded workbook, unsaved; ImportFailed lists every bad cell."""
    try:
        wb = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise InvalidInput("无法读取文件，请上传按模板填写的 .xlsx 文件。", field="file") from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    head = [_text(v) for v in next(rows, ())]
    missing = [h for h in HEAD if h not in head]
    if missing:
        raise ImportFailed([RowError(1, h, "缺少此列，请使用模板") for h in missing])
    at = {h: head.index(h) for h in HEAD}
    errors: list[RowError] = []
    found: list[Question] = []
    for n, values in enumerate(rows, start=2):
        cells = {h: _text(values[i]) if i < len(values) else "" for h, i in at.items()}
        if not any(cells.values()):
            continue
        q = parse_row(n, cells, errors)
        if q is not None:
            found.append(q)
    if errors:
        raise ImportFailed(errors)
    if not found:
        raise InvalidInput("文件中没有题目。", field="file")
    return found


def import_questions(actor, data: bytes) -> int:
    """Store every question of the workbook, or none when any row is wrong."""
    found = read(data)
    with transaction.atomic():
        Question.objects.bulk_create(found)
        audit("party.questions_imported", actor=actor, count=len(found))
    return len(found)


def results_workbook(exam, results) -> bytes:
    """An exam's results: one sheet of sittings, one of every answer with its correctness."""
    from massline.party.models import Answer

    sittings = [
        [
            s.member.branch.short_name or s.member.branch.name,
            s.member.name,
            s.submitted_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
            s.correct,
            s.total,
            s.score,
            "是" if s.passed else "否",
            "是" if s.timed_out else "",
        ]
        for s in results.sittings
    ]
    answers = [
        [
            a.attempt.member.name,
            a.question.stem,
            "；".join(a.given),
            "正确" if a.correct else "错误",
        ]
        for a in Answer.objects.filter(attempt__in=results.sittings).select_related(
            "attempt__member", "question"
        )
    ]
    head = ["支部", "姓名", "交卷时间", "答对", "题量", "得分", "是否及格", "超时"]
    return xlsx(
        [
            Sheet("成绩", head, sittings, freeze="A2"),
            Sheet("逐题", ["姓名", "题目", "作答", "是否正确"], answers, freeze="A2"),
        ]
    )
