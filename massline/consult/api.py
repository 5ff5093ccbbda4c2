"""征求意见 and 网上调研 in the JSON API: read drafts with their (masked) comments, comment,
support, answer a survey and read its figures. The same services and policy as the pages."""

from datetime import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from massline.accounts.auth import REQUIRED, viewer
from massline.consult import selectors, services
from massline.consult.models import Consultation, Survey
from massline.consult.policy import policy
from massline.core.errors import NotFound
from massline.core.validation import ERRORS, Input

router = Router(tags=["征求意见与调研"])


class ConsultationOut(Schema):
    id: int
    title: str
    org: str
    audience: str
    opens_at: datetime
    closes_at: datetime
    phase: str
    comments: int


class CommentOut(Schema):
    id: int
    paragraph_id: int | None
    author: str
    body: str
    supports: int
    status: str
    created_at: datetime


class ParagraphOut(Schema):
    id: int
    article: str
    text: str


class DraftOut(ConsultationOut):
    summary: str
    revision: int
    paragraphs: list[ParagraphOut]
    comment_list: list[CommentOut]
    report_published_at: datetime | None


class CommentIn(Input):
    body: str = Field(max_length=2000)
    paragraph_id: int | None = Field(None, ge=1, le=2**31 - 1)


class AnswerIn(Input):
    answers: dict[str, list[str]] = Field(
        description="表单字段 → 取值列表：q1、q4-r0（矩阵第 0 行）、q5-o2（排序第 2 项的名次）"
    )


class SurveyResultOut(Schema):
    question: int
    kind: str
    text: str
    answered: int
    labels: list[str]
    counts: list[float] = Field(description="人数；排序题为平均名次；填空题为高频词的出现条数")


def _readable(request, pk: int) -> Consultation:
    c = get_object_or_404(Consultation.objects.select_related("org", "region", "party_org"), pk=pk)
    if not policy(viewer(request)).can_read(c):
        raise NotFound("征求意见不存在。")
    return c


def _summary(c: Consultation, n: int) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "org": c.org.name,
        "audience": c.audience,
        "opens_at": c.opens_at,
        "closes_at": c.closes_at,
        "phase": services.current_phase(c).value,
        "comments": n,
    }


@router.get("consultations", response=list[ConsultationOut], summary="征求意见列表")
def consultations(request):
    rows: list[Any] = list(  # annotated with n_comments
        selectors.consultations(viewer(request)).order_by("-opens_at", "-id")[:100]
    )
    return [_summary(c, c.n_comments) for c in rows]


@router.get(
    "consultations/{pk}", response={200: DraftOut, **ERRORS}, summary="草案全文与意见（公开时打码）"
)
def consultation(request, pk: int):
    user = viewer(request)
    c = _readable(request, pk)
    view = selectors.draft_view(user, c)
    shown = view.whole + [s for p in view.paragraphs for s in p.comments]
    return {
        **_summary(c, len(shown)),
        "summary": c.summary,
        "revision": view.revision.number,
        "report_published_at": c.report_published_at,
        "paragraphs": [
            {"id": p.text.paragraph_id, "article": p.text.article, "text": p.text.text}
            for p in view.paragraphs
        ],
        "comment_list": [
            {
                "id": s.pk,
                "paragraph_id": s.comment.paragraph_id,
                "author": s.author,
                "body": s.body,
                "supports": s.comment.supports,
                "status": s.comment.status,
                "created_at": s.comment.created_at,
            }
            for s in sorted(shown, key=lambda s: s.pk)
        ],
    }


@router.post(
    "consultations/{pk}/comments",
    auth=REQUIRED,
    response={201: CommentOut, **ERRORS},
    summary="对某一段或全文提出意见",
)
def comment(request, pk: int, payload: CommentIn):
    c = _readable(request, pk)
    made = services.add_comment(
        request.auth, c.pk, body=payload.body, paragraph_id=payload.paragraph_id
    )
    return Status(
        201,
        {
            "id": made.pk,
            "paragraph_id": made.paragraph_id,
            "author": selectors.author_label(made, original=True),
            "body": made.body,
            "supports": 0,
            "status": made.status,
            "created_at": made.created_at,
        },
    )


@router.post(
    "consultations/{pk}/comments/{comment_id}/support",
    auth=REQUIRED,
    response={200: CommentOut, **ERRORS},
    summary="支持一条意见（每人一次）",
)
def support(request, pk: int, comment_id: int):
    c = _readable(request, pk)
    made = services.support_comment(request.auth, comment_id, consultation_id=c.pk)
    shown = selectors.show(request.auth, [made], policy(request.auth).sees_original(c))[0]
    return {
        "id": made.pk,
        "paragraph_id": made.paragraph_id,
        "author": shown.author,
        "body": shown.body,
        "supports": made.supports,
        "status": made.status,
        "created_at": made.created_at,
    }


def _survey(request, pk: int) -> Survey:
    s = get_object_or_404(Survey.objects.select_related("org", "region", "party_org"), pk=pk)
    if not policy(viewer(request)).can_read(s):
        raise NotFound("调研不存在。")
    return s


@router.post(
    "surveys/{pk}/responses",
    auth=REQUIRED,
    response={201: dict, **ERRORS},
    summary="提交答卷（每人一次）",
)
def respond(request, pk: int, payload: AnswerIn):
    s = _survey(request, pk)
    response = services.submit_response(request.auth, s.pk, payload.answers)
    return Status(201, {"id": response.pk})


@router.get(
    "surveys/{pk}/results",
    response={200: list[SurveyResultOut], **ERRORS},
    summary="调查结果（与结果页相同的数字）",
)
def results(request, pk: int):
    user = viewer(request)
    s = _survey(request, pk)
    if not s.results_public and not policy(user).can_manage(s):
        raise NotFound("本次调研的结果不公开。")
    _, found = selectors.survey_results(user, s)
    out = []
    for r in found:
        if r.matrix:
            labels = [f"{row}：{t.label}" for row, tallies in r.matrix for t in tallies]
            values: list[float] = [t.count for _, tallies in r.matrix for t in tallies]
        elif r.ranks:
            labels = [label for label, _, _ in r.ranks]
            values = [round(mean, 4) for _, mean, _ in r.ranks]
        else:
            labels = [t.label for t in r.tallies] or [word for word, _ in r.themes]
            values = [t.count for t in r.tallies] or [n for _, n in r.themes]
        out.append(
            {
                "question": r.question.position,
                "kind": r.question.kind,
                "text": r.question.text,
                "answered": r.answered,
                "labels": labels,
                "counts": values,
            }
        )
    return out
