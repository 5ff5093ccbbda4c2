"""The consultation's comments as XLSX, paragraph by paragraph, for the organising unit."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from massline.consult.models import Answer, Consultation, ParagraphText, Question, Survey
from massline.consult.selectors import paragraph_labels, survey_results
from massline.core.tabular import Sheet, xlsx

HEAD = [
    "序号", "段落", "段落原文", "意见", "提出人", "提交时间", "状态", "支持数", "采纳情况",
    "意见归纳", "理由",
]  # fmt: skip


def comments_workbook(c: Consultation) -> bytes:
    labels = paragraph_labels(c)
    wording = {
        (t.revision_id, t.paragraph_id): t.text
        for t in ParagraphText.objects.filter(revision__consultation=c)
    }
    comments = c.comments.select_related("author", "decision").order_by("paragraph_id", "id")
    rows = []
    for n, x in enumerate(
        sorted(comments, key=lambda x: (x.paragraph_id is not None, x.paragraph_id or 0, x.pk)),
        start=1,
    ):
        decision = x.decision
        rows.append(
            [
                n,
                labels.get(x.paragraph_id, "") if x.paragraph_id else "全文",
                wording.get((x.revision_id, x.paragraph_id), "") if x.paragraph_id else "",
                x.body,
                x.author.display_name,
                timezone.localtime(x.created_at).strftime("%Y-%m-%d %H:%M"),
                x.get_status_display(),
                x.supports,
                decision.get_outcome_display() if decision else "",
                decision.title if decision else "",
                decision.reason if decision else "",
            ]
        )
    return xlsx([Sheet("意见汇总", HEAD, rows, freeze="A2")])


def _answer_text(q: Question, pieces: list[Answer]) -> str:
    if q.kind in ("single", "multiple"):
        return "；".join(q.options[a.choice] for a in sorted(pieces, key=lambda a: a.choice or 0))
    if q.kind == "rating":
        return str(pieces[0].number)
    if q.kind == "matrix":
        ordered = sorted(pieces, key=lambda a: a.row or 0)
        return "；".join(f"{q.rows[a.row or 0]}：{q.options[a.choice or 0]}" for a in ordered)
    if q.kind == "ranking":
        ordered = sorted(pieces, key=lambda a: a.number or 0)
        return " > ".join(q.options[a.choice or 0] for a in ordered)
    if q.kind == "region":
        return pieces[0].region.name if pieces[0].region else ""
    return pieces[0].text


def survey_workbook(viewer, survey: Survey) -> bytes:
    """Every answer sheet (without the respondents' names) and the figures of the results
    page, one sheet each."""
    questions = list(survey.questions.order_by("position"))
    by_response: dict[int, dict[int, list[Answer]]] = defaultdict(lambda: defaultdict(list))
    for a in Answer.objects.filter(response__survey=survey).select_related("region"):
        by_response[a.response_id][a.question_id].append(a)
    sheets = []
    for r in survey.responses.order_by("id"):
        got = by_response.get(r.pk, {})
        sheets.append(
            [
                r.pk,
                timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
                *(_answer_text(q, got[q.pk]) if q.pk in got else "" for q in questions),
            ]
        )
    head = ["答卷编号", "提交时间", *(f"{q.position}. {q.text}" for q in questions)]
    _, results = survey_results(viewer, survey)
    figures: list[list[object]] = []
    for res in results:
        q = res.question
        for t in res.tallies:
            figures.append([q.position, q.text, t.label, t.count, round(t.share, 4)])
        for row_label, tallies in res.matrix:
            for t in tallies:
                figures.append(
                    [q.position, q.text, f"{row_label}：{t.label}", t.count, round(t.share, 4)]
                )
        for label, mean, firsts in res.ranks:
            figures.append([q.position, q.text, f"{label}（平均名次 {mean:.2f}）", firsts, ""])
        if res.mean is not None:
            figures.append([q.position, q.text, "平均分", round(res.mean, 2), ""])
    return xlsx(
        [
            Sheet("答卷", head, sheets, freeze="A2"),
            Sheet("统计", ["题号", "题目", "选项", "人数", "占答题人数比例"], figures, freeze="A2"),
        ]
    )
