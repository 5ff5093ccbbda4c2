"""What the pages read of a consultation, as the viewer may see it: public readers get
comments with personal data masked; the people who run it read the originals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from massline.analysis.keywords import KeywordExtractor
from massline.analysis.topics import TopicTracker
from massline.consult import drafts
from massline.consult.models import (
    Answer,
    Comment,
    CommentStatus,
    Consultation,
    Decision,
    Inquiry,
    Interview,
    InterviewQuestion,
    ParagraphText,
    Publication,
    PublicationKind,
    Question,
    QuestionKind,
    QuestionStatus,
    Revision,
    Survey,
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


def comment_groups(comments: list[Comment]) -> list[tuple[list[str], list[Comment]]]:
    """Comments grouped by what they are about (the analysis engine's streaming topics over
    their words), largest group first, each with its keywords: a starting point for
    answering similar comments together."""
    if not comments:
        return []
    words = KeywordExtractor()
    tracker = TopicTracker(threshold=0.15)
    for c in comments:
        tracker.add(c.pk, words.terms(c.body))
    by_id: dict[object, Comment] = {c.pk: c for c in comments}
    groups = [
        (s.keywords[:4], [by_id[i] for i in s.ids if i in by_id]) for s in tracker.summaries()
    ]
    groups.sort(key=lambda g: (-len(g[1]), g[1][0].pk))
    return groups


@dataclass
class Step:
    when: date
    title: str
    detail: str = ""
    done: bool = True
    late: bool = False


def progress(c: Consultation, today: date | None = None) -> tuple[list[Step], int, int]:
    """The whole public timeline, proposal → decision → execution, oldest first, and how
    many of the execution steps are done of how many."""
    today = today or timezone.localdate()
    steps = [Step(timezone.localtime(c.opens_at).date(), "发布征求意见稿", c.title)]
    closes = timezone.localtime(c.closes_at - timedelta(microseconds=1)).date()
    n = c.comments.filter(status=CommentStatus.PUBLISHED).count()
    steps.append(Step(closes, "征求意见截止", f"收到意见 {n} 条", done=closes < today))
    if c.report_published_at:
        steps.append(
            Step(timezone.localtime(c.report_published_at).date(), "公布采纳情况", c.report_summary)
        )
    for r in c.revisions.filter(number__gt=1).order_by("number"):
        steps.append(Step(timezone.localtime(r.created_at).date(), f"形成第{r.number}稿", r.note))
    milestones = list(c.milestones.select_related("decision").order_by("due_on", "id"))
    for m in milestones:
        where = f"（{m.decision.title}）"
        if m.done_on:
            steps.append(Step(m.done_on, f"落实：{m.title}", m.evidence + where))
        else:
            steps.append(
                Step(
                    m.due_on,
                    f"计划：{m.title}",
                    f"计划完成{where}",
                    done=False,
                    late=m.due_on < today,
                )
            )
    steps.sort(key=lambda s: (s.when, not s.done))
    return steps, sum(m.done_on is not None for m in milestones), len(milestones)


# --- 网上调研 --------------------------------------------------------------------------------


def surveys_for(viewer) -> QuerySet[Survey]:
    qs = Survey.objects.select_related("org").annotate(n_responses=Count("responses"))
    return policy(viewer).readable(qs)


@dataclass
class Tally:
    label: str
    count: int
    share: float


@dataclass
class QuestionResult:
    question: Question
    answered: int
    tallies: list[Tally] = field(default_factory=list)
    matrix: list[tuple[str, list[Tally]]] = field(default_factory=list)
    mean: float | None = None
    ranks: list[tuple[str, float, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    themes: list[tuple[str, int]] = field(default_factory=list)

    def chart(self) -> dict[str, object]:
        q = self.question
        if q.kind == QuestionKind.MATRIX:
            return {
                "kind": "stack",
                "rows": [label for label, _ in self.matrix],
                "options": q.options,
                "values": [[t.count for t in tallies] for _, tallies in self.matrix],
            }
        if q.kind == QuestionKind.RANKING:
            return {
                "kind": "bar",
                "labels": [label for label, _, _ in self.ranks],
                "values": [mean for _, mean, _ in self.ranks],
                "axis": "平均名次",
            }
        return {
            "kind": "bar",
            "labels": [t.label for t in self.tallies],
            "values": [t.count for t in self.tallies],
            "axis": "人数",
        }


def _share(n: int, of: int) -> float:
    return n / of if of else 0.0


def _themes(texts: list[str], k: int = 8) -> list[tuple[str, int]]:
    """The words most answers use (TF-IDF of the analysis engine), each with how many
    answers use it."""
    extractor = KeywordExtractor()
    terms = [set(extractor.add(t)) for t in texts]
    top = extractor.period_keywords(texts, k=k)
    return [(word, sum(word in t for t in terms)) for word, _ in top]


def survey_results(viewer, survey: Survey) -> tuple[int, list[QuestionResult]]:
    """(respondents, each question's figures): counts and shares of every option, a matrix's
    counts per row, a rating's mean, a ranking's mean places, free texts (masked for the
    public) with their recurring words."""
    original = policy(viewer).sees_original(survey)
    total = survey.responses.count()
    out = []
    for q in survey.questions.order_by("position"):
        answers = Answer.objects.filter(question=q)
        answered = answers.values("response").distinct().count()
        r = QuestionResult(q, answered)
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            counts = dict(answers.values_list("choice").annotate(n=Count("id")))
            r.tallies = [
                Tally(label, counts.get(i, 0), _share(counts.get(i, 0), answered))
                for i, label in enumerate(q.options)
            ]
        elif q.kind == QuestionKind.RATING:
            counts = dict(answers.values_list("number").annotate(n=Count("id")))
            r.tallies = [
                Tally(f"{n} 分", counts.get(n, 0), _share(counts.get(n, 0), answered))
                for n in range(1, q.scale + 1)
            ]
            if answered:
                r.mean = sum(n * c for n, c in counts.items()) / answered
        elif q.kind == QuestionKind.MATRIX:
            cells = {
                (row, choice): n
                for row, choice, n in answers.values_list("row", "choice").annotate(n=Count("id"))
            }
            r.matrix = [
                (
                    row_label,
                    [
                        Tally(opt, cells.get((i, j), 0), _share(cells.get((i, j), 0), answered))
                        for j, opt in enumerate(q.options)
                    ],
                )
                for i, row_label in enumerate(q.rows)
            ]
        elif q.kind == QuestionKind.RANKING:
            means = {
                choice: (total_rank, n, firsts)
                for choice, total_rank, n, firsts in answers.values_list("choice").annotate(
                    s=Sum("number"), n=Count("id"), f=Count("id", filter=Q(number=1))
                )
            }
            r.ranks = sorted(
                (
                    (label, means[i][0] / means[i][1], means[i][2])
                    for i, label in enumerate(q.options)
                    if i in means
                ),
                key=lambda item: item[1],
            )
        elif q.kind == QuestionKind.REGION:
            counts = dict(
                answers.values_list("region__name").annotate(n=Count("id")).order_by("-n")[:30]
            )
            r.tallies = [Tally(name, n, _share(n, answered)) for name, n in counts.items()]
            r.tallies.sort(key=lambda t: (-t.count, t.label))
        else:
            texts = list(answers.order_by("-id").values_list("text", flat=True)[:200])
            r.texts = texts if original else [mask_personal_data(t) for t in texts]
            r.themes = _themes(r.texts) if r.texts else []
        out.append(r)
    return total, out


# --- 信息发布 / 解读回应 / 辟谣 --------------------------------------------------------------


def publications(
    *, kind: str = "", category: int | None = None, q: str = ""
) -> QuerySet[Publication]:
    qs = Publication.objects.select_related("org", "category", "interprets")
    if kind in PublicationKind.values:
        qs = qs.filter(kind=kind)
    if category is not None:
        qs = qs.filter(category_id=category)
    for word in q.split()[:5]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(body__icontains=word)
            | Q(rumour__icontains=word)
            | Q(doc_number__icontains=word)
        )
    return qs.filter(published_at__lte=timezone.now()).order_by("-published_at", "-id")


@dataclass
class InquiryShown:
    inquiry: Inquiry
    asker: str
    body: str
    mine: bool


def inquiries(viewer, pub: Publication) -> list[InquiryShown]:
    """Answered questions for everyone; unanswered ones only to their asker and the org."""
    manages = policy(viewer).can_manage(pub)
    qs = pub.inquiries.select_related("asker").order_by("created_at", "id")
    if not manages:
        cond = Q(answered_at__isnull=False)
        if viewer.is_authenticated:
            cond |= Q(asker=viewer)
        qs = qs.filter(cond)
    out = []
    for i in qs:
        name = i.asker.display_name
        names = [i.asker.real_name] if i.asker.real_name else []
        out.append(
            InquiryShown(
                inquiry=i,
                asker=name if manages else mask_personal_data(name, [name]),
                body=i.body if manages else mask_personal_data(i.body, names),
                mine=viewer.is_authenticated and i.asker_id == viewer.pk,
            )
        )
    return out


# --- 在线访谈 --------------------------------------------------------------------------------


@dataclass
class AskedShown:
    question: InterviewQuestion
    asker: str
    body: str
    mine: bool


def _asked(viewer, qs, original: bool) -> list[AskedShown]:
    out = []
    for q in qs:
        name = q.asker.display_name
        names = [q.asker.real_name] if q.asker.real_name else []
        out.append(
            AskedShown(
                question=q,
                asker=name if original else mask_personal_data(name, [name]),
                body=q.body if original else mask_personal_data(q.body, names),
                mine=viewer.is_authenticated and q.asker_id == viewer.pk,
            )
        )
    return out


def transcript(viewer, interview: Interview) -> dict[str, list[AskedShown]]:
    """answered (in the order answered: the transcript), picked (waiting for the guest) and
    the viewer's own questions that were not picked (yet)."""
    original = policy(viewer).can_manage(interview)
    qs = interview.questions.select_related("asker")
    answered = qs.filter(status=QuestionStatus.ANSWERED).order_by("answered_at", "id")
    picked = qs.filter(status=QuestionStatus.PICKED).order_by("created_at", "id")
    mine = (
        qs.filter(asker=viewer, status__in=[QuestionStatus.SUBMITTED, QuestionStatus.HIDDEN])
        if viewer.is_authenticated
        else qs.none()
    )
    return {
        "answered": _asked(viewer, answered, original),
        "picked": _asked(viewer, picked, original),
        "mine": _asked(viewer, mine.order_by("created_at", "id"), original),
    }


def host_queue(interview: Interview) -> list[InterviewQuestion]:
    return list(
        interview.questions.select_related("asker")
        .exclude(status=QuestionStatus.ANSWERED)
        .order_by("status", "created_at", "id")
    )


@dataclass
class CrossTab:
    rows: Question
    cols: Question
    counts: list[list[int]]
    row_totals: list[int]
    col_totals: list[int]
    total: int


def crosstab(survey: Survey, row_position: int, col_position: int) -> CrossTab | None:
    """Respondents counted by their answers to two choice questions (a multiple choice counts
    in every option picked); None unless both are choice questions of the survey."""
    kinds = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
    found = {q.position: q for q in survey.questions.filter(kind__in=kinds)}
    rows, cols = found.get(row_position), found.get(col_position)
    if rows is None or cols is None or rows.pk == cols.pk:
        return None
    picked: dict[int, dict[int, set[int]]] = {rows.pk: {}, cols.pk: {}}
    for response_id, question_id, choice in Answer.objects.filter(
        question__in=[rows, cols]
    ).values_list("response_id", "question_id", "choice"):
        if choice is not None:
            picked[question_id].setdefault(response_id, set()).add(choice)
    counts = [[0] * len(cols.options) for _ in rows.options]
    both = set(picked[rows.pk]) & set(picked[cols.pk])
    for response_id in both:
        for r in picked[rows.pk][response_id]:
            for c in picked[cols.pk][response_id]:
                counts[r][c] += 1
    return CrossTab(
        rows=rows,
        cols=cols,
        counts=counts,
        row_totals=[sum(row) for row in counts],
        col_totals=[sum(col) for col in zip(*counts, strict=True)] if counts else [],
        total=len(both),
    )
