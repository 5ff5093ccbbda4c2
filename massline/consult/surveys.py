"""Rules of a survey's answer sheet: which questions a respondent is asked (show conditions
and skips, decided by the earlier answers), and what a valid answer to each kind is.

Works on anything with the attributes of `models.Question`; answers are keyed by question
position. Form fields are named `q<position>`, `q<position>-r<row>` (matrix) and
`q<position>-o<option>` (the rank given to an option)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

TEXT_MAX = 1000


class QuestionLike(Protocol):
    position: int
    kind: str
    text: str
    required: bool
    options: list[str]
    rows: list[str]
    scale: int
    show_if: dict[str, Any]
    skip: dict[str, int]


def _holds(condition: Mapping[str, Any], answers: Mapping[int, Any]) -> bool:
    given = answers.get(int(condition.get("question", 0)))
    wanted = {int(o) for o in condition.get("options", [])}
    if given is None:
        return False
    chosen = set(given) if isinstance(given, list) else {given}
    return bool(chosen & wanted)


def asked(questions: Sequence[QuestionLike], answers: Mapping[int, Any]) -> list[int]:
    """The positions the respondent is asked, in order, given the answers so far: a question
    whose show condition fails is not asked, and a skip jumps over the questions before its
    target."""
    out: list[int] = []
    heard: dict[int, Any] = {}
    skip_to = 0
    for q in sorted(questions, key=lambda q: q.position):
        if q.position < skip_to:
            continue
        if q.show_if and not _holds(q.show_if, heard):
            continue
        out.append(q.position)
        given = answers.get(q.position)
        if given is not None:
            heard[q.position] = given
        if q.kind == "single" and given is not None and str(given) in (q.skip or {}):
            skip_to = int(q.skip[str(given)])
    return out


def _index(raw: str, size: int) -> int | None:
    if not raw.isdigit() or len(raw) > 4:
        return None
    value = int(raw)
    return value if 0 <= value < size else None


def _parse_one(q: QuestionLike, data: Mapping[str, list[str]], regions: set[str]) -> Any:
    """The answer to `q` from the form data: None when unanswered; ValueError (with the
    message) when the answer is not one this question takes."""
    name = f"q{q.position}"
    first = (data.get(name) or [""])[0].strip()
    if q.kind == "single":
        if not first:
            return None
        index = _index(first, len(q.options))
        if index is None:
            raise ValueError("请从选项中选择。")
        return index
    if q.kind == "multiple":
        picked = [_index(v, len(q.options)) for v in data.get(name, []) if v]
        if any(p is None for p in picked):
            raise ValueError("请从选项中选择。")
        return sorted({p for p in picked if p is not None}) or None
    if q.kind == "rating":
        if not first:
            return None
        if not first.isdigit() or not 1 <= int(first) <= q.scale:
            raise ValueError(f"请选择 1 到 {q.scale} 分。")
        return int(first)
    if q.kind == "matrix":
        rows: dict[int, int] = {}
        for r in range(len(q.rows)):
            raw = (data.get(f"{name}-r{r}") or [""])[0]
            if raw:
                index = _index(raw, len(q.options))
                if index is None:
                    raise ValueError("请从选项中选择。")
                rows[r] = index
        if not rows:
            return None
        if len(rows) < len(q.rows):
            missing = "、".join(q.rows[r] for r in range(len(q.rows)) if r not in rows)
            raise ValueError(f"请为每一行作答（未答：{missing}）。")
        return rows
    if q.kind == "ranking":
        ranks: dict[int, int] = {}
        for o in range(len(q.options)):
            raw = (data.get(f"{name}-o{o}") or [""])[0]
            if raw:
                if not raw.isdigit() or not 1 <= int(raw) <= len(q.options):
                    raise ValueError(f"名次须为 1 到 {len(q.options)}。")
                ranks[o] = int(raw)
        if not ranks:
            return None
        if len(ranks) < len(q.options) or len(set(ranks.values())) < len(ranks):
            raise ValueError("请给每个选项排出不重复的名次。")
        return [o for o, _ in sorted(ranks.items(), key=lambda item: item[1])]
    if q.kind == "text":
        if not first:
            return None
        if len(first) > TEXT_MAX:
            raise ValueError(f"不能超过 {TEXT_MAX} 字（现有 {len(first)} 字）。")
        return first
    if q.kind == "region":
        if not first:
            return None
        if first not in regions:
            raise ValueError("请从列表中选择地区。")
        return first
    raise ValueError("题型未知。")


def parse(
    questions: Iterable[QuestionLike],
    data: Mapping[str, list[str]],
    regions: set[str] | None = None,
) -> tuple[dict[int, Any], dict[int, str]]:
    """(answers, errors), both by position. Only asked questions are read: an answer to a
    question the earlier answers hide is dropped, and a required question is required only
    when asked."""
    ordered = sorted(questions, key=lambda q: q.position)
    answers: dict[int, Any] = {}
    errors: dict[int, str] = {}
    for q in ordered:
        if q.position not in asked(ordered, answers):
            continue
        try:
            value = _parse_one(q, data, regions or set())
        except ValueError as exc:
            errors[q.position] = f"第 {q.position} 题：{exc}"
            continue
        if value is None:
            if q.required:
                errors[q.position] = f"第 {q.position} 题：请作答。"
            continue
        answers[q.position] = value
    return answers, errors


KINDS = {"单选": "single", "多选": "multiple", "评分": "rating", "矩阵": "matrix",
         "排序": "ranking", "填空": "text", "地区": "region"}  # fmt: skip
_HEAD = re.compile(r"^(单选|多选|评分|矩阵|排序|填空|地区)(?:[(（](.*?)[)）])?[:：]\s*(.+)$")
_OPTION = re.compile(r"^[-－·•]\s*(.+?)\s*((?:[\[【][^\]】]*[\]】]\s*)*)$")
_MARK = re.compile(r"[\[【]\s*(跳到第\s*(\d+)\s*题|限\s*(\d+)\s*人)\s*[\]】]")
_ROWS = re.compile(r"^行[:：]\s*(.+)$")
_SHOW = re.compile(
    r"^显示条件[:：]\s*第\s*(\d+)\s*题选[“\"](.+?)[”\"](?:\s*或[“\"](.+?)[”\"])*\s*$"
)


class OutlineError(ValueError):
    def __init__(self, line_no: int, message: str):
        super().__init__(f"第 {line_no} 行：{message}")


def parse_outline(text: str) -> list[dict[str, Any]]:
    """Questions from the plain outline an office types (one question a block):

    单选：您是否在黄冈城区养犬？
    - 是
    - 否 [跳到第4题]
    评分(满分5)：您对小区养犬秩序的满意程度
    矩阵：您对以下措施的态度
    行：强制拴绳 / 限制大型犬
    - 支持
    填空(选答)：深夜遛狗的原因是什么？
    显示条件：第2题选“深夜”
    - 35岁以下 [限200人]
    """
    specs: list[dict[str, Any]] = []
    for no, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        head = _HEAD.match(line)
        if head:
            kind, extra, title = KINDS[head.group(1)], head.group(2) or "", head.group(3)
            spec: dict[str, Any] = {"kind": kind, "text": title.strip(), "options": [], "rows": []}
            if "选答" in extra:
                spec["required"] = False
            scale = re.search(r"满分\s*(\d+)", extra)
            if scale:
                spec["scale"] = int(scale.group(1))
            specs.append(spec)
            continue
        if not specs:
            raise OutlineError(no, "先写题型和题目，如“单选：您的年龄段”。")
        current = specs[-1]
        option = _OPTION.match(line)
        rows = _ROWS.match(line)
        show = _SHOW.match(line)
        if option:
            index = len(current["options"])
            current["options"].append(option.group(1))
            for mark in _MARK.finditer(option.group(2) or ""):
                if mark.group(2):
                    current.setdefault("skip", {})[str(index)] = int(mark.group(2))
                else:
                    current.setdefault("quotas", {})[str(index)] = int(mark.group(3))
        elif rows:
            current["rows"] = [r.strip() for r in re.split(r"[/／、]", rows.group(1)) if r.strip()]
        elif show:
            target_no = int(show.group(1))
            wanted = re.findall(r"[“\"](.+?)[”\"]", line)
            if not 1 <= target_no <= len(specs) - 1:
                raise OutlineError(no, "显示条件只能引用前面的题。")
            target = specs[target_no - 1]
            missing = [w for w in wanted if w not in target["options"]]
            if missing:
                raise OutlineError(no, f"第 {target_no} 题没有选项“{missing[0]}”。")
            current["show_if"] = {
                "question": target_no,
                "options": [target["options"].index(w) for w in wanted],
            }
        else:
            raise OutlineError(no, "看不懂这一行：选项以“- ”开头，矩阵的行以“行：”开头。")
    return specs
