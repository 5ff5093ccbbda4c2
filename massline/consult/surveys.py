"""Rules of a survey's answer sheet: which questions a respondent is asked (show conditions
and skips, decided by the earlier answers), and what a valid answer to each kind is.

Works on anything with the attributes of `models.Question`; answers are keyed by question
position. Form fields are named `q<position>`, `q<position>-r<row>` (matrix) and
`q<position>-o<option>` (the rank given to an option)."""

from __future__ import annotations

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
