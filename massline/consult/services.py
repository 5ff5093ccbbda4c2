"""Every write of 征求意见: one function each, in one transaction that locks the row it
changes, appends an audit event and raises its notices (sent once the transaction commits)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from pydantic import ValidationError

from massline.appeals.actions import AppealIn
from massline.appeals.models import Kind
from massline.appeals.services import submit_appeal
from massline.consult import drafts, surveys
from massline.consult.models import (
    Answer,
    Audience,
    Category,
    Comment,
    CommentStatus,
    Consultation,
    Decision,
    Inquiry,
    Interview,
    InterviewQuestion,
    Milestone,
    Outcome,
    Paragraph,
    ParagraphText,
    Publication,
    PublicationKind,
    Question,
    QuestionKind,
    QuestionStatus,
    Response,
    Revision,
    Support,
    Survey,
)
from massline.consult.policy import policy
from massline.core.audit import audit
from massline.core.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from massline.core.masking import mask_personal_data
from massline.notices.services import notify
from massline.orgs.models import Org, Region, Role
from massline.orgs.staff import members

COMMENT_MAX = 2000


def _text(value: str, field: str, label: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"请填写{label}。", field=field)
    if len(value) > limit:
        raise InvalidInput(f"{label}不能超过 {limit} 字（现有 {len(value)} 字）。", field=field)
    return value


def _check_audience(audience: str, region: Region | None, party: Org | None, what: str) -> None:
    if audience not in Audience.values:
        raise InvalidInput("请选择参与对象。", field="audience")
    if audience == Audience.RESIDENTS and region is None:
        raise InvalidInput(f"面向居民的{what}须选择地区。", field="region")
    if audience == Audience.PARTY and party is None:
        raise InvalidInput(f"面向党员的{what}须选择党组织。", field="party_org")


def _locked(consultation_id: int) -> Consultation:
    found = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("org", "region", "party_org")
        .filter(pk=consultation_id)
        .first()
    )
    if found is None:
        raise NotFound("征求意见不存在。")
    return found


def current_phase(c: Consultation, now: datetime | None = None) -> drafts.Phase:
    return drafts.phase(
        c.opens_at, c.closes_at, c.report_published_at is not None, now or timezone.now()
    )


def _must_manage(actor, c: Consultation) -> None:
    if not policy(actor).can_manage(c):
        raise NotAllowed("您不是本次征求意见的组织单位工作人员。")


def _write_texts(revision: Revision, rows: list[tuple[Paragraph, drafts.Piece]]) -> None:
    ParagraphText.objects.bulk_create(
        ParagraphText(
            revision=revision, paragraph=p, position=i, article=piece.article, text=piece.text
        )
        for i, (p, piece) in enumerate(rows, start=1)
    )


def create_consultation(
    actor,
    *,
    org: Org,
    title: str,
    text: str,
    first_day: date,
    last_day: date,
    summary: str = "",
    audience: str = Audience.PUBLIC,
    region: Region | None = None,
    party_org: Org | None = None,
    premoderate: bool = False,
    now: datetime | None = None,
) -> Consultation:
    """Publish a draft for comment: its text split into articles and paragraphs (revision 1)
    and a window from the first to the last day, inclusive, on the Asia/Shanghai clock."""
    if org not in policy(actor).managed_orgs():
        raise NotAllowed("您不能以该单位名义发起征求意见。", field="org")
    title = _text(title, "title", "标题", 200)
    summary = _text(summary, "summary", "起草说明", 5000, required=False)
    pieces = drafts.split_draft(_text(text, "text", "草案全文", 100_000))
    if len(pieces) > drafts.MAX_PARAGRAPHS:
        raise InvalidInput(f"草案不能超过 {drafts.MAX_PARAGRAPHS} 段。", field="text")
    if last_day < first_day:
        raise InvalidInput("截止日期不能早于开始日期。", field="last_day")
    _check_audience(audience, region, party_org, "征求意见")
    opens_at, closes_at = drafts.window(first_day, last_day)
    now = now or timezone.now()
    with transaction.atomic():
        c = Consultation.objects.create(
            org=org,
            title=title,
            summary=summary,
            audience=audience,
            region=region if audience == Audience.RESIDENTS else None,
            party_org=party_org if audience == Audience.PARTY else None,
            opens_at=opens_at,
            closes_at=closes_at,
            premoderate=premoderate,
            created_by=actor,
            created_at=now,
        )
        revision = Revision.objects.create(
            consultation=c, number=1, created_by=actor, created_at=now
        )
        paragraphs = Paragraph.objects.bulk_create(Paragraph(consultation=c) for _ in pieces)
        _write_texts(revision, list(zip(paragraphs, pieces, strict=True)))
        audit("consult.created", actor, c, title=title, paragraphs=len(pieces))
    return c


def revise(
    actor,
    consultation_id: int,
    *,
    texts: dict[int, str],
    added: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Revision:
    """A new revision: each paragraph of the latest one reworded (an empty text drops it),
    new paragraphs appended; comments stay on their paragraphs."""
    with transaction.atomic():
        c = _locked(consultation_id)
        _must_manage(actor, c)
        note = _text(note, "note", "修改说明", 2000)
        latest = c.revisions.order_by("-number").first()
        assert latest is not None
        kept: list[tuple[Paragraph, drafts.Piece]] = []
        for pt in latest.texts.select_related("paragraph"):
            new = texts.get(pt.paragraph_id, pt.text).strip()
            if new:
                piece = drafts.split_draft(new)
                article = piece[0].article if piece and piece[0].article else pt.article
                kept.append((pt.paragraph, drafts.Piece(article, " ".join(new.split("\n")))))
        extra = drafts.split_draft(added)
        if not kept and not extra:
            raise InvalidInput("修订稿至少要有一段。", field="added")
        fresh = Paragraph.objects.bulk_create(Paragraph(consultation=c) for _ in extra)
        revision = Revision.objects.create(
            consultation=c,
            number=latest.number + 1,
            note=note,
            created_by=actor,
            created_at=now or timezone.now(),
        )
        _write_texts(revision, kept + list(zip(fresh, extra, strict=True)))
        audit("consult.revised", actor, c, revision=revision.number, note=note)
    return revision


def add_comment(
    actor,
    consultation_id: int,
    *,
    body: str,
    paragraph_id: int | None = None,
    now: datetime | None = None,
) -> Comment:
    """A comment on one paragraph of the current revision, or on the whole draft. Under
    先审后发 it waits for a moderator; otherwise it is public at once."""
    now = now or timezone.now()
    with transaction.atomic():
        c = _locked(consultation_id)
        why = policy(actor).why_not_take_part(c)
        if why:
            raise NotAllowed(why)
        state = current_phase(c, now)
        if state != drafts.Phase.OPEN:
            raise IllegalTransition(
                f"本次征求意见{drafts.PHASE_LABELS[state]}，不能再提交意见。", state=state
            )
        body = _text(body, "body", "意见", COMMENT_MAX)
        revision = c.revisions.order_by("-number").first()
        assert revision is not None
        paragraph = None
        if paragraph_id is not None:
            paragraph = Paragraph.objects.filter(
                pk=paragraph_id, consultation=c, texts__revision=revision
            ).first()
            if paragraph is None:
                raise InvalidInput("该段落不在现行稿中。", field="paragraph")
        comment = Comment.objects.create(
            consultation=c,
            paragraph=paragraph,
            revision=revision,
            author=actor,
            body=body,
            status=CommentStatus.PENDING if c.premoderate else CommentStatus.PUBLISHED,
            created_at=now,
        )
        audit("consult.commented", actor, comment, consultation=c.pk, status=comment.status)
    return comment


def support_comment(
    actor, comment_id: int, *, consultation_id: int | None = None, now: datetime | None = None
) -> Comment:
    """One support per person and comment, however many requests race: the row is locked and
    a unique constraint stands behind the lock."""
    now = now or timezone.now()
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("consultation__org", "consultation__region")
            .filter(pk=comment_id, status=CommentStatus.PUBLISHED)
            .first()
        )
        if comment is None or consultation_id not in (None, comment.consultation_id):
            raise NotFound("意见不存在或未发布。")
        c = comment.consultation
        why = policy(actor).why_not_take_part(c)
        if why:
            raise NotAllowed(why)
        if current_phase(c, now) != drafts.Phase.OPEN:
            raise IllegalTransition("征求意见已截止，不能再表示支持。", state=current_phase(c, now))
        if comment.author_id == actor.pk:
            raise InvalidInput("不能支持自己的意见。", field="comment")
        try:
            with transaction.atomic():
                Support.objects.create(comment=comment, user=actor, created_at=now)
        except IntegrityError:
            raise InvalidInput("您已支持过这条意见。", field="comment", code="duplicate") from None
        Comment.objects.filter(pk=comment.pk).update(supports=F("supports") + 1)
        comment.refresh_from_db(fields=["supports"])
        audit("consult.supported", actor, comment)
    return comment


def moderate(
    actor, comment_id: int, *, publish: bool, reason: str = "", now: datetime | None = None
) -> Comment:
    """Publish a waiting comment, or withhold one (waiting or published) with a reason that
    its author is told."""
    now = now or timezone.now()
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("consultation__org")
            .filter(pk=comment_id)
            .first()
        )
        if comment is None:
            raise NotFound("意见不存在。")
        c = comment.consultation
        _must_manage(actor, c)
        if c.report_published_at is not None:
            raise IllegalTransition("采纳情况已公布，意见不能再审核。", state="reported")
        reason = _text(reason, "reason", "审核理由", 200, required=not publish)
        before = comment.status
        comment.status = CommentStatus.PUBLISHED if publish else CommentStatus.REJECTED
        if comment.status == before:
            raise IllegalTransition(f"该意见已是“{comment.get_status_display()}”。", state=before)
        comment.moderated_by, comment.moderated_at = actor, now
        comment.moderation_reason = reason
        if not publish:
            comment.decision = None
        comment.save(
            update_fields=[
                "status",
                "moderated_by",
                "moderated_at",
                "moderation_reason",
                "decision",
            ]
        )
        audit(
            "consult.moderated", actor, comment, before=before, after=comment.status, reason=reason
        )
        if not publish:
            notify(
                [comment.author],
                key=f"consult:comment:{comment.pk}:withheld",
                title=f"您对《{c.title}》的意见未予发布",
                body=f"理由：{reason}",
                link=reverse("consult:detail", args=[c.pk]),
                now=now,
            )
    return comment


def decide(
    actor,
    consultation_id: int,
    *,
    comment_ids: list[int],
    title: str,
    outcome: str,
    reason: str,
    now: datetime | None = None,
) -> Decision:
    """The org's answer to one comment or a group of similar ones, once the window has closed:
    adopted, partly adopted or not adopted, always with a reason."""
    now = now or timezone.now()
    with transaction.atomic():
        c = _locked(consultation_id)
        _must_manage(actor, c)
        state = current_phase(c, now)
        if state != drafts.Phase.CLOSED:
            raise IllegalTransition(
                f"征求意见{drafts.PHASE_LABELS[state]}，此时不能填写采纳情况。", state=state
            )
        if outcome not in Outcome.values:
            raise InvalidInput("请选择采纳情况。", field="outcome")
        title = _text(title, "title", "意见归纳", 200)
        reason = _text(reason, "reason", "理由", 2000)
        ids = sorted(set(comment_ids))
        if not ids:
            raise InvalidInput("请至少选择一条意见。", field="comment_ids")
        comments = list(
            Comment.objects.select_for_update().filter(
                pk__in=ids, consultation=c, status=CommentStatus.PUBLISHED
            )
        )
        if len(comments) != len(ids):
            raise InvalidInput("所选意见不属于本次征求意见或未发布。", field="comment_ids")
        if any(x.decision_id for x in comments):
            raise InvalidInput("所选意见中有的已填写采纳情况。", field="comment_ids")
        decision = Decision.objects.create(
            consultation=c, title=title, outcome=outcome, reason=reason, decided_by=actor,
            decided_at=now,
        )  # fmt: skip
        Comment.objects.filter(pk__in=ids).update(decision=decision)
        audit("consult.decided", actor, decision, consultation=c.pk, comments=ids, outcome=outcome)
    return decision


def publish_report(
    actor, consultation_id: int, *, summary: str, now: datetime | None = None
) -> Consultation:
    """Publish the 采纳情况 once every published comment has its answer; each commenter is
    told what became of their comments."""
    now = now or timezone.now()
    with transaction.atomic():
        c = _locked(consultation_id)
        _must_manage(actor, c)
        state = current_phase(c, now)
        if state != drafts.Phase.CLOSED:
            raise IllegalTransition(
                f"征求意见{drafts.PHASE_LABELS[state]}，不能公布采纳情况。", state=state
            )
        summary = _text(summary, "summary", "采纳情况说明", 5000)
        published = list(
            Comment.objects.filter(consultation=c, status=CommentStatus.PUBLISHED)
            .select_related("author", "decision")
            .order_by("id")
        )
        open_ = [x for x in published if x.decision_id is None]
        if open_:
            raise InvalidInput(
                f"还有 {len(open_)} 条意见没有填写采纳情况。", field="summary", code="undecided"
            )
        pending = Comment.objects.filter(consultation=c, status=CommentStatus.PENDING).count()
        if pending:
            raise InvalidInput(f"还有 {pending} 条意见待审核。", field="summary", code="pending")
        c.report_summary, c.report_published_at = summary, now
        c.save(update_fields=["report_summary", "report_published_at"])
        audit("consult.reported", actor, c, comments=len(published))
        by_author: dict[int, list[Comment]] = defaultdict(list)
        for x in published:
            by_author[x.author_id].append(x)
        link = reverse("consult:report", args=[c.pk])
        for mine in by_author.values():
            counts: dict[str, int] = defaultdict(int)
            for x in mine:
                assert x.decision is not None
                counts[x.decision.get_outcome_display()] += 1
            tally = "，".join(f"{label} {n} 条" for label, n in counts.items())
            notify(
                [mine[0].author],
                key=f"consult:{c.pk}:report",
                title=f"《{c.title}》采纳情况已公布",
                body=f"您提出的 {len(mine)} 条意见：{tally}。",
                link=link,
                now=now,
            )
    return c


def add_milestone(
    actor,
    consultation_id: int,
    *,
    decision_id: int,
    title: str,
    due_on: date,
    now: datetime | None = None,
) -> Milestone:
    """A step that carries out an adopted (or partly adopted) item of the report."""
    with transaction.atomic():
        c = _locked(consultation_id)
        _must_manage(actor, c)
        if c.report_published_at is None:
            raise IllegalTransition("采纳情况公布后才能安排落实节点。", state=current_phase(c))
        decision = c.decisions.filter(pk=decision_id).first()
        if decision is None or decision.outcome == Outcome.NOT_ADOPTED:
            raise InvalidInput("请选择采纳或部分采纳的事项。", field="decision")
        milestone = Milestone.objects.create(
            consultation=c, decision=decision, title=_text(title, "title", "节点", 200),
            due_on=due_on, created_by=actor, created_at=now or timezone.now(),
        )  # fmt: skip
        audit("consult.milestone_added", actor, milestone, consultation=c.pk)
    return milestone


def complete_milestone(
    actor, milestone_id: int, *, done_on: date, evidence: str, now: datetime | None = None
) -> Milestone:
    """A step done, with what shows it; the people whose comments it carries out are told."""
    now = now or timezone.now()
    with transaction.atomic():
        m = (
            Milestone.objects.select_for_update(of=("self",))
            .select_related("consultation__org", "decision")
            .filter(pk=milestone_id)
            .first()
        )
        if m is None:
            raise NotFound("落实节点不存在。")
        c = m.consultation
        _must_manage(actor, c)
        if m.done_on is not None:
            raise IllegalTransition("该节点已完成。", state="done")
        if done_on > timezone.localdate(now):
            raise InvalidInput("完成日期不能晚于今天。", field="done_on")
        m.evidence = _text(evidence, "evidence", "完成情况", 2000)
        m.done_on = done_on
        m.save(update_fields=["evidence", "done_on"])
        audit("consult.milestone_done", actor, m, consultation=c.pk)
        authors = {x.author for x in m.decision.comments.select_related("author")}
        notify(
            authors,
            key=f"consult:milestone:{m.pk}:done",
            title=f"您对《{c.title}》的意见已落实：{m.title}",
            body=m.evidence[:200],
            link=reverse("consult:progress", args=[c.pk]),
            now=now,
        )
    return m


# --- 网上调研 --------------------------------------------------------------------------------

CHOICE_KINDS = ("single", "multiple", "matrix", "ranking")


def _question(spec: dict[str, Any], position: int, earlier: dict[int, Question]) -> Question:
    where = f"第 {position} 题"
    kind = spec.get("kind", "")
    if kind not in QuestionKind.values:
        raise InvalidInput(f"{where}：题型未知。", field="questions")
    text = _text(spec.get("text", ""), "questions", f"{where}的题目", 300)
    options = [str(o).strip() for o in spec.get("options", []) if str(o).strip()]
    rows = [str(r).strip() for r in spec.get("rows", []) if str(r).strip()]
    if kind in CHOICE_KINDS and len(options) < 2:
        raise InvalidInput(f"{where}：至少要有两个选项。", field="questions")
    if kind == "matrix" and not rows:
        raise InvalidInput(f"{where}：矩阵题至少要有一行。", field="questions")
    scale = int(spec.get("scale", 5))
    if kind == "rating" and not 2 <= scale <= 10:
        raise InvalidInput(f"{where}：评分满分须在 2 到 10 之间。", field="questions")
    show_if = spec.get("show_if") or {}
    if show_if:
        target = earlier.get(int(show_if.get("question", 0)))
        picked = [int(o) for o in show_if.get("options", [])]
        if (
            target is None
            or target.kind not in ("single", "multiple")
            or not picked
            or any(not 0 <= o < len(target.options) for o in picked)
        ):
            raise InvalidInput(
                f"{where}：显示条件须指向前面的单选或多选题的选项。", field="questions"
            )
    skip = {str(k): int(v) for k, v in (spec.get("skip") or {}).items()}
    if skip and (
        kind != "single"
        or any(not 0 <= int(k) < len(options) or v <= position + 1 for k, v in skip.items())
    ):
        raise InvalidInput(f"{where}：跳题只能从单选题的选项跳到后面隔开的题。", field="questions")
    quotas = {str(k): int(v) for k, v in (spec.get("quotas") or {}).items()}
    if quotas and (
        kind not in ("single", "multiple")
        or any(not 0 <= int(k) < len(options) or v < 1 for k, v in quotas.items())
    ):
        raise InvalidInput(f"{where}：配额只能设在单选或多选题的选项上。", field="questions")
    return Question(
        position=position, kind=kind, text=text, required=bool(spec.get("required", True)),
        options=options, rows=rows, scale=scale, show_if=show_if, skip=skip, quotas=quotas,
    )  # fmt: skip


def create_survey(
    actor,
    *,
    org: Org,
    title: str,
    questions: list[dict[str, Any]],
    first_day: date,
    last_day: date,
    intro: str = "",
    audience: str = Audience.PUBLIC,
    region: Region | None = None,
    party_org: Org | None = None,
    quota: int | None = None,
    results_public: bool = True,
    now: datetime | None = None,
) -> Survey:
    """A survey with its questions, open from the first to the last day (Beijing time)."""
    if org not in policy(actor).managed_orgs():
        raise NotAllowed("您不能以该单位名义发起调研。", field="org")
    title = _text(title, "title", "标题", 200)
    intro = _text(intro, "intro", "说明", 5000, required=False)
    if last_day < first_day:
        raise InvalidInput("截止日期不能早于开始日期。", field="last_day")
    _check_audience(audience, region, party_org, "调研")
    if not questions:
        raise InvalidInput("调研至少要有一道题。", field="questions")
    if quota is not None and quota < 1:
        raise InvalidInput("样本上限须为正整数。", field="quota")
    built: dict[int, Question] = {}
    for position, spec in enumerate(questions, start=1):
        built[position] = _question(spec, position, built)
    if any(target > len(built) + 1 for q in built.values() for target in q.skip.values()):
        raise InvalidInput("跳题的目标题号超出了题目数。", field="questions")
    opens_at, closes_at = drafts.window(first_day, last_day)
    with transaction.atomic():
        survey = Survey.objects.create(
            org=org, title=title, intro=intro, audience=audience,
            region=region if audience == Audience.RESIDENTS else None,
            party_org=party_org if audience == Audience.PARTY else None,
            opens_at=opens_at, closes_at=closes_at, quota=quota, results_public=results_public,
            created_by=actor, created_at=now or timezone.now(),
        )  # fmt: skip
        for q in built.values():
            q.survey = survey
        Question.objects.bulk_create(built.values())
        audit("survey.created", actor, survey, title=title, questions=len(built))
    return survey


def _pieces(q: Question, value: Any, regions: dict[str, Region]) -> list[Answer]:
    if q.kind == "multiple":
        return [Answer(question=q, choice=v) for v in value]
    if q.kind == "single":
        return [Answer(question=q, choice=value)]
    if q.kind == "rating":
        return [Answer(question=q, number=value)]
    if q.kind == "matrix":
        return [Answer(question=q, row=r, choice=o) for r, o in value.items()]
    if q.kind == "ranking":
        return [Answer(question=q, choice=o, number=rank) for rank, o in enumerate(value, 1)]
    if q.kind == "region":
        return [Answer(question=q, region=regions[value])]
    return [Answer(question=q, text=value)]


def submit_response(
    actor, survey_id: int, data: Mapping[str, list[str]], *, now: datetime | None = None
) -> Response:
    """One answer sheet per person, however many submissions race: the survey row is locked
    while the quotas are counted and a unique constraint stands behind the lock. A sheet with
    errors raises SurveyErrors with every question's message."""
    now = now or timezone.now()
    with transaction.atomic():
        survey = (
            Survey.objects.select_for_update(of=("self",))
            .select_related("org", "region", "party_org")
            .filter(pk=survey_id)
            .first()
        )
        if survey is None:
            raise NotFound("调研不存在。")
        why = policy(actor).why_not_take_part(survey)
        if why:
            raise NotAllowed(why)
        state = drafts.phase(survey.opens_at, survey.closes_at, False, now)
        if state != drafts.Phase.OPEN:
            raise IllegalTransition(
                f"本次调研{drafts.PHASE_LABELS[state]}，不能再提交答卷。", state=state
            )
        if Response.objects.filter(survey=survey, respondent=actor).exists():
            raise IllegalTransition("您已提交过本次调研的答卷，每人限答一次。", state="answered")
        if survey.quota is not None and survey.responses.count() >= survey.quota:
            raise IllegalTransition("本次调研样本已满，感谢您的关注。", state="full")
        questions = list(survey.questions.order_by("position"))
        regions = {r.code: r for r in region_choices(survey)}
        answers, errors = surveys.parse(questions, data, set(regions))
        if errors:
            raise SurveyErrors(errors)
        for q in questions:
            picked = answers.get(q.position)
            if not q.quotas or picked is None:
                continue
            for option in picked if isinstance(picked, list) else [picked]:
                limit = q.quotas.get(str(option))
                if limit is not None and q.answers.filter(choice=option).count() >= limit:
                    raise SurveyErrors(
                        {q.position: f"第 {q.position} 题：“{q.options[option]}”的名额已满。"},
                        code="quota_full",
                    )
        try:
            with transaction.atomic():
                response = Response.objects.create(survey=survey, respondent=actor, created_at=now)
        except IntegrityError:
            raise IllegalTransition(
                "您已提交过本次调研的答卷，每人限答一次。", state="answered"
            ) from None
        pieces = []
        for q in questions:
            if q.position in answers:
                for piece in _pieces(q, answers[q.position], regions):
                    piece.response = response
                    pieces.append(piece)
        Answer.objects.bulk_create(pieces)
        audit("survey.answered", actor, response, survey=survey.pk)
    return response


class SurveyErrors(InvalidInput):
    """Errors at several questions: `errors` maps position → message."""

    def __init__(self, errors: dict[int, str], code: str | None = None):
        first = min(errors)
        super().__init__(errors[first], field=f"q{first}", code=code)
        self.errors = errors


def region_choices(survey: Survey) -> list[Region]:
    """The places a region question offers: the towns and streets (and counties) under the
    survey's area, or under its org's."""
    root = survey.region or survey.org.region
    return list(
        Region.objects.filter(path__startswith=root.path, level__gt=root.level)
        .filter(level__lte=root.level + 2)
        .order_by("path")[:600]
    )


# --- 信息发布 / 解读回应 / 辟谣 --------------------------------------------------------------

INQUIRY_MAX = 1000


def publish(
    actor,
    *,
    org: Org,
    kind: str,
    title: str,
    body: str,
    category: Category | None = None,
    doc_number: str = "",
    rumour: str = "",
    interprets: Publication | None = None,
    now: datetime | None = None,
) -> Publication:
    """An announcement, a policy document, an interpretation of one (linked to it) or a
    refutation of a rumour (which states the rumour it refutes)."""
    if org not in policy(actor).managed_orgs():
        raise NotAllowed("您不能以该单位名义发布信息。", field="org")
    if kind not in PublicationKind.values:
        raise InvalidInput("请选择信息类别。", field="kind")
    title = _text(title, "title", "标题", 200)
    body = _text(body, "body", "正文", 50_000)
    doc_number = _text(doc_number, "doc_number", "文号", 60, required=False)
    rumour = _text(rumour, "rumour", "谣言内容", 2000, required=kind == PublicationKind.REFUTATION)
    if kind == PublicationKind.INTERPRETATION:
        if interprets is None or interprets.kind != PublicationKind.POLICY:
            raise InvalidInput("政策解读须选择所解读的政策文件。", field="interprets")
    else:
        interprets = None
    with transaction.atomic():
        pub = Publication.objects.create(
            org=org, kind=kind, category=category, title=title, body=body, doc_number=doc_number,
            rumour=rumour if kind == PublicationKind.REFUTATION else "", interprets=interprets,
            published_at=now or timezone.now(), created_by=actor,
        )  # fmt: skip
        audit("publication.published", actor, pub, kind=kind, title=title)
    return pub


def ask(actor, publication_id: int, *, body: str, now: datetime | None = None) -> Inquiry:
    """A reader's question under a publication; the publishing org's staff are told."""
    now = now or timezone.now()
    if not actor.is_authenticated:
        raise NotAllowed("请先登录后提问。")
    if not actor.phone_verified_at:
        raise NotAllowed("提问须先完成手机号实名验证。")
    body = _text(body, "body", "问题", INQUIRY_MAX)
    with transaction.atomic():
        pub = (
            Publication.objects.select_for_update(of=("self",))
            .select_related("org")
            .filter(pk=publication_id)
            .first()
        )
        if pub is None:
            raise NotFound("信息不存在。")
        inquiry = Inquiry.objects.create(publication=pub, asker=actor, body=body, created_at=now)
        audit("publication.asked", actor, inquiry, publication=pub.pk)
        staff = members(pub.org, Role.HANDLER) + members(pub.org, Role.LEADER)
        notify(
            staff,
            key=f"publication:inquiry:{inquiry.pk}",
            title=f"《{pub.title}》收到群众提问",
            body=mask_personal_data(body, [actor.real_name] if actor.real_name else []),
            link=reverse("news:detail", args=[pub.pk]) + f"#i-{inquiry.pk}",
            now=now,
        )
    return inquiry


def answer_inquiry(actor, inquiry_id: int, *, answer: str, now: datetime | None = None) -> Inquiry:
    """The org's answer, public under the publication from now on; the asker is told."""
    now = now or timezone.now()
    with transaction.atomic():
        inquiry = (
            Inquiry.objects.select_for_update(of=("self",))
            .select_related("publication__org", "asker")
            .filter(pk=inquiry_id)
            .first()
        )
        if inquiry is None:
            raise NotFound("提问不存在。")
        pub = inquiry.publication
        if not policy(actor).can_manage(pub):
            raise NotAllowed("只有发布单位可以答复。")
        if inquiry.answered_at is not None:
            raise IllegalTransition("该问题已答复。", state="answered")
        inquiry.answer = _text(answer, "answer", "答复", 5000)
        inquiry.answered_by, inquiry.answered_at = actor, now
        inquiry.save(update_fields=["answer", "answered_by", "answered_at"])
        audit("publication.answered", actor, inquiry, publication=pub.pk)
        notify(
            [inquiry.asker],
            key=f"publication:inquiry:{inquiry.pk}:answered",
            title=f"您在《{pub.title}》下的提问已答复",
            body=inquiry.answer[:200],
            link=reverse("news:detail", args=[pub.pk]) + f"#i-{inquiry.pk}",
            now=now,
        )
    return inquiry


# --- 在线访谈 --------------------------------------------------------------------------------

INTERVIEW_PHASES = {
    drafts.Phase.UPCOMING: "预告",
    drafts.Phase.OPEN: "直播中",
    drafts.Phase.CLOSED: "已结束",
}


def interview_phase(interview: Interview, now: datetime | None = None) -> drafts.Phase:
    return drafts.phase(interview.starts_at, interview.ends_at, False, now or timezone.now())


def schedule_interview(
    actor,
    *,
    org: Org,
    title: str,
    guests: str,
    starts_at: datetime,
    ends_at: datetime,
    intro: str = "",
    now: datetime | None = None,
) -> Interview:
    if org not in policy(actor).managed_orgs():
        raise NotAllowed("您不能以该单位名义安排访谈。", field="org")
    title = _text(title, "title", "主题", 200)
    guests = _text(guests, "guests", "访谈嘉宾", 200)
    intro = _text(intro, "intro", "简介", 5000, required=False)
    if ends_at <= starts_at:
        raise InvalidInput("结束时间须晚于开始时间。", field="ends_at")
    with transaction.atomic():
        interview = Interview.objects.create(
            org=org, title=title, guests=guests, intro=intro, starts_at=starts_at,
            ends_at=ends_at, created_by=actor, created_at=now or timezone.now(),
        )  # fmt: skip
        audit("interview.scheduled", actor, interview, title=title)
    return interview


def ask_interview(
    actor, interview_id: int, *, body: str, now: datetime | None = None
) -> InterviewQuestion:
    """A question sent before the interview or while it runs."""
    now = now or timezone.now()
    if not actor.is_authenticated:
        raise NotAllowed("请先登录后提问。")
    if not actor.phone_verified_at:
        raise NotAllowed("提问须先完成手机号实名验证。")
    body = _text(body, "body", "问题", INQUIRY_MAX)
    with transaction.atomic():
        interview = Interview.objects.select_for_update().filter(pk=interview_id).first()
        if interview is None:
            raise NotFound("访谈不存在。")
        if interview_phase(interview, now) == drafts.Phase.CLOSED:
            raise IllegalTransition("访谈已结束，不能再提问。", state="closed")
        question = InterviewQuestion.objects.create(
            interview=interview, asker=actor, body=body, created_at=now
        )
        audit("interview.asked", actor, question, interview=interview.pk)
    return question


def _locked_question(question_id: int) -> InterviewQuestion:
    found = (
        InterviewQuestion.objects.select_for_update(of=("self",))
        .select_related("interview__org", "interview__org__region", "asker")
        .filter(pk=question_id)
        .first()
    )
    if found is None:
        raise NotFound("提问不存在。")
    return found


def moderate_question(actor, question_id: int, *, pick: bool) -> InterviewQuestion:
    """A moderator picks a question for the guest, or leaves it out."""
    with transaction.atomic():
        q = _locked_question(question_id)
        if not policy(actor).can_manage(q.interview):
            raise NotAllowed("只有主办单位可以选题。")
        if q.status == QuestionStatus.ANSWERED:
            raise IllegalTransition("该问题已回答。", state=q.status)
        before = q.status
        q.status = QuestionStatus.PICKED if pick else QuestionStatus.HIDDEN
        q.picked_by = actor if pick else None
        q.save(update_fields=["status", "picked_by"])
        audit("interview.moderated", actor, q, before=before, after=q.status)
    return q


def answer_question(
    actor, question_id: int, *, answer: str, now: datetime | None = None
) -> InterviewQuestion:
    """The guest's answer, shown at once on the live page (and in the transcript after)."""
    now = now or timezone.now()
    with transaction.atomic():
        q = _locked_question(question_id)
        interview = q.interview
        if not policy(actor).can_manage(interview):
            raise NotAllowed("只有主办单位可以回答。")
        state = interview_phase(interview, now)
        if state != drafts.Phase.OPEN:
            raise IllegalTransition(
                f"访谈{INTERVIEW_PHASES[state]}，此时不能发布回答。", state=state
            )
        if q.status == QuestionStatus.ANSWERED:
            raise IllegalTransition("该问题已回答。", state=q.status)
        q.answer = _text(answer, "answer", "回答", 5000)
        q.status, q.answered_by, q.answered_at = QuestionStatus.ANSWERED, actor, now
        q.save(update_fields=["answer", "status", "answered_by", "answered_at"])
        audit("interview.answered", actor, q, interview=interview.pk)
        notify(
            [q.asker],
            key=f"interview:question:{q.pk}:answered",
            title=f"您在访谈《{interview.title}》中的提问已获回答",
            body=q.answer[:200],
            link=reverse("consult:interview", args=[interview.pk]) + f"#iq-{q.pk}",
            now=now,
        )
    return q


def question_to_appeal(actor, question_id: int, *, now: datetime | None = None):
    """The asker's unanswered question, once the interview is over, becomes their own 咨询
    appeal through the appeals intake, to the hub of the organising unit's place."""
    now = now or timezone.now()
    with transaction.atomic():
        q = _locked_question(question_id)
        interview = q.interview
        if q.asker_id != actor.pk:
            raise NotAllowed("只有提问人可以把问题转为诉求。")
        if interview_phase(interview, now) != drafts.Phase.CLOSED:
            raise IllegalTransition("访谈结束后，未获回答的问题才能转为诉求。", state="open")
        if q.status == QuestionStatus.ANSWERED:
            raise IllegalTransition("该问题已获回答。", state=q.status)
        if q.appeal_tracking_no:
            raise IllegalTransition(f"该问题已转为诉求 {q.appeal_tracking_no}。", state="converted")
        try:
            data = AppealIn(
                kind=Kind.CONSULTATION,
                title=f"访谈提问：{q.body[:40]}",
                body=f"{q.body}\n\n（在线访谈《{interview.title}》中提出，访谈中未获回答。）",
                region_code=interview.org.region.code,
                category_id=None,
                location="",
                contact_name="",
                contact_phone="",
            )
        except ValidationError as exc:
            raise InvalidInput(
                f"问题无法转为诉求：{exc.errors()[0]['msg']}", field="body"
            ) from None
        appeal, _ = submit_appeal(actor, data, now=now)
        q.appeal_tracking_no = appeal.tracking_no
        q.save(update_fields=["appeal_tracking_no"])
        audit("interview.to_appeal", actor, q, tracking_no=appeal.tracking_no)
    return appeal
