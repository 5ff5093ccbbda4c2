"""What the pages read of a consultation, as the viewer may see it: public readers get
comments with personal data masked; the people who run it read the originals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from massline.consult import drafts
from massline.consult.models import (
    Comment,
    CommentStatus,
    Consultation,
    Decision,
    ParagraphText,
    Revision,
)
from massline.consult.policy import policy
from massline.core.masking import mask_personal_data


def consultations(viewer) -> QuerySet[Consultation]:
    qs = Consultation.objects.select_related("org").annotate(
        n_comments=Count("comments", filter=Q(comments__status=CommentStatus.PUBLISHED))
    )
    return policy(viewer).readable(qs)


def author_label(comment: Comment, original: bool) -> str:
    name = comment.author.display_name
    return name if original else mask_personal_data(name, [name])


@dataclass
class Shown:
    """A comment as this viewer reads it."""

    comment: Comment
    body: str
    author: str
    mine: bool
    supported: bool = False

    @property
    def pk(self) -> int:
        return self.comment.pk


def show(viewer, comments: list[Comment], original: bool) -> list[Shown]:
    supported: set[int] = set()
    if viewer.is_authenticated and comments:
        supported = set(
            Comment.objects.filter(
                pk__in=[c.pk for c in comments], support_rows__user=viewer
            ).values_list("pk", flat=True)
        )
    out = []
    for c in comments:
        names = [c.author.real_name] if c.author.real_name else []
        out.append(
            Shown(
                comment=c,
                body=c.body if original else mask_personal_data(c.body, names),
                author=author_label(c, original),
                mine=viewer.is_authenticated and c.author_id == viewer.pk,
                supported=c.pk in supported,
            )
        )
    return out


def latest_revision(c: Consultation) -> Revision:
    found = c.revisions.order_by("-number").first()
    assert found is not None
    return found


def _texts(revision: Revision) -> list[ParagraphText]:
    return list(revision.texts.order_by("position"))


def visible_comments(viewer, c: Consultation) -> QuerySet[Comment]:
    """Published comments, and the viewer's own whatever their state; all for those who run it."""
    qs = Comment.objects.filter(consultation=c).select_related("author", "decision")
    if policy(viewer).can_manage(c):
        return qs
    cond = Q(status=CommentStatus.PUBLISHED)
    if viewer.is_authenticated:
        cond |= Q(author=viewer)
    return qs.filter(cond)


@dataclass
class ParagraphView:
    text: ParagraphText
    comments: list[Shown] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"p-{self.text.paragraph_id}"


@dataclass
class DraftView:
    consultation: Consultation
    phase: drafts.Phase
    revision: Revision
    paragraphs: list[ParagraphView]
    whole: list[Shown]
    original: bool
    why_not: str | None

    @property
    def phase_label(self) -> str:
        return drafts.PHASE_LABELS[self.phase]


def draft_view(viewer, c: Consultation, now: datetime | None = None) -> DraftView:
    rules = policy(viewer)
    original = rules.sees_original(c)
    revision = latest_revision(c)
    shown = show(viewer, list(visible_comments(viewer, c)), original)
    by_paragraph: dict[int | None, list[Shown]] = defaultdict(list)
    for s in shown:
        by_paragraph[s.comment.paragraph_id].append(s)
    paragraphs = [ParagraphView(t, by_paragraph.get(t.paragraph_id, [])) for t in _texts(revision)]
    state = drafts.phase(
        c.opens_at, c.closes_at, c.report_published_at is not None, now or timezone.now()
    )
    return DraftView(
        consultation=c,
        phase=state,
        revision=revision,
        paragraphs=paragraphs,
        whole=by_paragraph.get(None, []),
        original=original,
        why_not=rules.why_not_take_part(c),
    )


@dataclass
class ReportView:
    consultation: Consultation
    first: Revision
    last: Revision
    rows: list[drafts.Row]
    decisions: list[tuple[Decision, list[Shown]]]
    whole: list[Shown]
    counts: dict[str, int]
    total: int


def report_view(viewer, c: Consultation) -> ReportView:
    """The draft put to consultation and the latest text side by side, paragraph by
    paragraph, each with the comments made on it and what became of them."""
    revisions = list(c.revisions.order_by("number"))
    first, last = revisions[0], revisions[-1]
    original = policy(viewer).sees_original(c)
    published = list(
        Comment.objects.filter(consultation=c, status=CommentStatus.PUBLISHED)
        .select_related("author", "decision")
        .order_by("id")
    )
    shown = show(viewer, published, original)
    by_paragraph: dict[int | None, list[Shown]] = defaultdict(list)
    for s in shown:
        by_paragraph[s.comment.paragraph_id].append(s)
    rows = drafts.compare(
        [(t.paragraph_id, t.article, t.text) for t in _texts(first)],
        [(t.paragraph_id, t.article, t.text) for t in _texts(last)],
    )
    for row in rows:
        row.comments = by_paragraph.get(row.paragraph_id, [])
    by_decision: dict[int, list[Shown]] = defaultdict(list)
    for s in shown:
        if s.comment.decision_id:
            by_decision[s.comment.decision_id].append(s)
    decisions = [(d, by_decision.get(d.pk, [])) for d in c.decisions.order_by("id")]
    counts: dict[str, int] = defaultdict(int)
    for s in shown:
        if s.comment.decision is not None:
            counts[s.comment.decision.outcome] += 1
    return ReportView(
        consultation=c,
        first=first,
        last=last,
        rows=rows,
        decisions=decisions,
        whole=by_paragraph.get(None, []),
        counts=dict(counts),
        total=len(shown),
    )


def paragraph_labels(c: Consultation) -> dict[int, str]:
    """Each paragraph's place in the latest revision it appears in (第三条第2段), for exports
    and the moderator's list."""
    labels: dict[int, str] = {}
    for revision in c.revisions.order_by("number"):
        count: dict[str, int] = defaultdict(int)
        for t in _texts(revision):
            count[t.article] += 1
            where = f"{t.article}第{count[t.article]}段" if t.article else f"第{t.position}段"
            labels[t.paragraph_id] = where
    return labels
