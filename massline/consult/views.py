"""Pages of 征求意见. Thin views: read the request, call a service or selector, render.
Who may do what is `policy`; every rule and message is the services'."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from massline.consult import drafts, exports, selectors, services, surveys
from massline.consult.forms import (
    CommentForm,
    CompleteForm,
    ConsultationForm,
    DecisionForm,
    DomainForm,
    MilestoneForm,
    ModerateForm,
    ReportForm,
    RevisionForm,
    SurveyForm,
)
from massline.consult.models import (
    Audience,
    Comment,
    CommentStatus,
    Consultation,
    Outcome,
    Response,
    Survey,
)
from massline.consult.pages import login_redirect, offer_orgs, picked_org
from massline.consult.policy import policy
from massline.core.errors import DomainError, InvalidInput
from massline.orgs.models import Org, OrgKind, Region

PARTY_KINDS = (OrgKind.PARTY_COMMITTEE, OrgKind.PARTY_GENERAL_BRANCH, OrgKind.PARTY_BRANCH)


def _consultation(request: HttpRequest, pk: int) -> Consultation:
    c = (
        Consultation.objects.select_related("org", "region", "party_org", "created_by")
        .filter(pk=pk)
        .first()
    )
    if c is None or not policy(request.user).can_read(c):
        raise Http404(_("征求意见不存在。"))
    return c


def _managed(request: HttpRequest, pk: int) -> Consultation:
    c = _consultation(request, pk)
    if not policy(request.user).can_manage(c):
        raise PermissionDenied(_("您不是本次征求意见的组织单位工作人员。"))
    return c


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    order = {drafts.Phase.OPEN: 0, drafts.Phase.UPCOMING: 1}
    found = [
        (services.current_phase(c, now), c)
        for c in selectors.consultations(request.user).order_by("-opens_at", "-id")[:100]
    ]
    found.sort(key=lambda pair: order.get(pair[0], 2))
    rows = [{"c": c, "phase": p, "phase_label": drafts.PHASE_LABELS[p]} for p, c in found]
    return render(
        request,
        "consult/index.html",
        {"rows": rows, "can_start": policy(request.user).is_manager},
    )


def _detail(
    request: HttpRequest,
    c: Consultation,
    *,
    form: CommentForm | None = None,
    failed_at: str = "",
    status: int = 200,
) -> HttpResponse:
    view = selectors.draft_view(request.user, c)
    return render(
        request,
        "consult/detail.html",
        {
            "view": view,
            "c": c,
            "open": view.phase == drafts.Phase.OPEN,
            "form": form or CommentForm(),
            "failed_at": failed_at,
            "manages": policy(request.user).can_manage(c),
        },
        status=status,
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _consultation(request, pk))


@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    c = _consultation(request, pk)
    if not request.user.is_authenticated:
        return login_redirect(request)
    form = CommentForm(request.POST)
    raw = request.POST.get("paragraph", "")
    anchor = f"p-{raw}" if raw.isdigit() and len(raw) < 10 else "whole"
    try:
        if raw and anchor == "whole":
            raise InvalidInput("该段落不在现行稿中。", field="paragraph")
        made = services.add_comment(
            request.user, c.pk, body=form.value("body"), paragraph_id=int(raw) if raw else None
        )
    except DomainError as exc:
        form.fail(exc)
        where = "whole" if exc.field == "paragraph" else anchor
        return _detail(request, c, form=form, failed_at=where, status=exc.status)
    if made.status == CommentStatus.PENDING:
        messages.success(request, _("意见已提交，审核通过后公开。"))
    else:
        messages.success(request, _("意见已发表，感谢您的参与。"))
    return redirect(reverse("consult:detail", args=[c.pk]) + f"#{anchor}")


@require_POST
def support(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    c = _consultation(request, pk)
    if not request.user.is_authenticated:
        return login_redirect(request)
    try:
        made = services.support_comment(request.user, comment_id, consultation_id=c.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _detail(request, c, status=exc.status)
    messages.success(request, _("已支持这条意见。"))
    anchor = f"p-{made.paragraph_id}" if made.paragraph_id else "whole"
    return redirect(reverse("consult:detail", args=[c.pk]) + f"#{anchor}")


@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    c = _consultation(request, pk)
    if c.report_published_at is None and not policy(request.user).can_manage(c):
        raise Http404(_("采纳情况尚未公布。"))
    return render(
        request,
        "consult/report.html",
        {"r": selectors.report_view(request.user, c), "c": c},
    )


# --- the organising unit's pages ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_redirect(request)
    form = ConsultationForm(request.POST or None)
    orgs = offer_orgs(request, form, _("您没有发起征求意见的权限。"))
    parties = _offer_parties(form)
    status = 200
    if request.method == "POST":
        try:
            org = picked_org(form, orgs, "发起单位")
            region, party = _audience(form, parties)
            c = services.create_consultation(
                request.user,
                org=org,
                title=form.value("title"),
                summary=form.value("summary"),
                text=form.value("text"),
                first_day=form.day("first_day"),
                last_day=form.day("last_day"),
                audience=form.value("audience"),
                region=region,
                party_org=party,
                premoderate=bool(request.POST.get("premoderate")),
            )
        except DomainError as exc:
            form.fail(exc)
            status = exc.status
        else:
            messages.success(request, _("征求意见已发布。"))
            return redirect("consult:detail", pk=c.pk)
    page = {"form": form, "heading": _("发起征求意见"), "submit": _("发布")}
    return render(request, "consult/form_page.html", page, status=status)


def _offer_parties(form: DomainForm):
    parties = Org.objects.filter(kind__in=PARTY_KINDS, is_active=True).order_by("path")
    form.choose("party_org", [("", "—")] + [(str(o.pk), o.name) for o in parties[:500]])
    return parties


def _audience(form: DomainForm, parties) -> tuple[Region | None, Org | None]:
    """The area or party organisation that the form's audience names."""
    region = None
    if form.value("audience") == Audience.RESIDENTS and form.value("region"):
        region = Region.objects.filter(code=form.value("region")).first()
        if region is None:
            raise InvalidInput("没有这个区划代码。", field="region")
    raw = form.value("party_org")
    party = parties.filter(pk=raw).first() if raw.isdigit() and len(raw) < 10 else None
    return region, party


def _manage_page(
    request: HttpRequest,
    c: Consultation,
    status: int = 200,
    failed_milestone: int | None = None,
    **forms: DomainForm,
) -> HttpResponse:
    labels = selectors.paragraph_labels(c)
    comments: list[Comment] = list(
        c.comments.select_related("author", "decision", "moderated_by").order_by("id")
    )
    for x in comments:
        setattr(x, "where", labels.get(x.paragraph_id, "") if x.paragraph_id else _("全文"))  # noqa: B010
    state = services.current_phase(c)
    latest = selectors.latest_revision(c)
    milestone_form = forms.get("milestone_form") or MilestoneForm()
    milestone_form.choose(
        "decision",
        [(str(d.pk), f"{d.get_outcome_display()}：{d.title}")
         for d in c.decisions.exclude(outcome=Outcome.NOT_ADOPTED).order_by("id")],
    )  # fmt: skip
    return render(
        request,
        "consult/manage.html",
        {
            "c": c,
            "phase": state,
            "phase_label": drafts.PHASE_LABELS[state],
            "closed": state == drafts.Phase.CLOSED,
            "pending": [x for x in comments if x.status == CommentStatus.PENDING],
            "undecided": selectors.comment_groups(
                [x for x in comments if x.status == CommentStatus.PUBLISHED and not x.decision_id]
            ),
            "comments": comments,
            "decisions": list(c.decisions.order_by("id")),
            "latest": latest,
            "texts": list(latest.texts.order_by("position")),
            "moderate_form": forms.get("moderate_form") or ModerateForm(),
            "decision_form": forms.get("decision_form") or DecisionForm(),
            "report_form": forms.get("report_form") or ReportForm(),
            "revision_form": forms.get("revision_form") or RevisionForm(),
            "milestone_form": milestone_form,
            "complete_form": forms.get("complete_form") or CompleteForm(),
            "failed_milestone": failed_milestone,
            "milestones": list(c.milestones.select_related("decision").order_by("due_on", "id")),
        },
        status=status,
    )


@require_GET
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_redirect(request)
    return _manage_page(request, _managed(request, pk))


@require_POST
def manage_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_redirect(request)
    c = _managed(request, pk)
    user = request.user
    post = request.POST
    forms_by_action = {
        "moderate": ("moderate_form", ModerateForm),
        "decide": ("decision_form", DecisionForm),
        "report": ("report_form", ReportForm),
        "revise": ("revision_form", RevisionForm),
        "milestone": ("milestone_form", MilestoneForm),
        "complete": ("complete_form", CompleteForm),
    }
    if action not in forms_by_action:
        raise Http404
    name, cls = forms_by_action[action]
    form = cls(post)
    try:
        if action == "moderate":
            raw = post.get("comment", "")
            if not raw.isdigit():
                raise InvalidInput("请选择意见。", field="comment")
            services.moderate(
                user, int(raw), publish=post.get("publish") == "1", reason=form.value("reason")
            )
            done = _("审核结果已记录。")
        elif action == "decide":
            ids = [int(v) for v in post.getlist("comment_ids") if v.isdigit() and len(v) < 10]
            services.decide(
                user,
                c.pk,
                comment_ids=ids,
                title=form.value("title"),
                outcome=form.value("outcome"),
                reason=form.value("reason"),
            )
            done = _("采纳情况已记录。")
        elif action == "milestone":
            raw = form.value("decision")
            services.add_milestone(
                user,
                c.pk,
                decision_id=int(raw) if raw.isdigit() and len(raw) < 10 else 0,
                title=form.value("title"),
                due_on=form.day("due_on"),
            )
            done = _("落实节点已安排。")
        elif action == "complete":
            raw = post.get("milestone", "")
            if not (raw.isdigit() and c.milestones.filter(pk=raw).exists()):
                raise InvalidInput("请选择落实节点。", field="milestone")
            services.complete_milestone(
                user, int(raw), done_on=form.day("done_on"), evidence=form.value("evidence")
            )
            done = _("落实情况已公开，提出相关意见的群众已收到通知。")
        elif action == "report":
            services.publish_report(user, c.pk, summary=form.value("summary"))
            messages.success(request, _("采纳情况已公布，提出意见的群众已收到通知。"))
            return redirect("consult:report", pk=c.pk)
        else:
            texts: dict[int, str] = {}
            for key in post:
                if key.startswith("p-") and key[2:].isdigit() and len(key) < 14:
                    texts[int(key[2:])] = post.get(key) or ""
            services.revise(
                user, c.pk, texts=texts, added=form.value("added"), note=form.value("note")
            )
            done = _("修订稿已保存。")
    except DomainError as exc:
        form.fail(exc)
        raw = post.get("milestone", "")
        failed = int(raw) if action == "complete" and raw.isdigit() and len(raw) < 10 else None
        return _manage_page(request, c, status=exc.status, failed_milestone=failed, **{name: form})
    messages.success(request, done)
    return redirect("consult:manage", pk=c.pk)


@require_GET
def comments_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_redirect(request)
    c = _managed(request, pk)
    response = HttpResponse(
        exports.comments_workbook(c),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="consultation-{c.pk}-comments.xlsx"'
    return response


# --- 网上调研 --------------------------------------------------------------------------------


def _survey(request: HttpRequest, pk: int) -> Survey:
    s = Survey.objects.select_related("org", "region", "party_org").filter(pk=pk).first()
    if s is None or not policy(request.user).can_read(s):
        raise Http404(_("调研不存在。"))
    return s


@require_GET
def survey_index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [
        {"s": s, "phase": (p := drafts.phase(s.opens_at, s.closes_at, False, now)),
         "phase_label": drafts.PHASE_LABELS[p]}
        for s in selectors.surveys_for(request.user).order_by("-opens_at", "-id")[:100]
    ]  # fmt: skip
    return render(
        request,
        "consult/survey_index.html",
        {"rows": rows, "can_start": policy(request.user).is_manager},
    )


def _sheet(survey: Survey, data, errors: dict[int, str]) -> list[dict]:
    """Each question with what was typed and its error, for the answer sheet."""
    regions = services.region_choices(survey) if survey.questions.filter(kind="region") else []
    out = []
    for q in survey.questions.order_by("position"):
        name = f"q{q.position}"
        out.append(
            {
                "q": q,
                "name": name,
                "error": errors.get(q.position, ""),
                "values": data.getlist(name) if data else [],
                "options": list(enumerate(q.options)),
                "scale": list(range(1, q.scale + 1)),
                "rows": [
                    (i, label, data.get(f"{name}-r{i}", "") if data else "")
                    for i, label in enumerate(q.rows)
                ],
                "ranks": [
                    (i, label, data.get(f"{name}-o{i}", "") if data else "")
                    for i, label in enumerate(q.options)
                ],
                "places": regions if q.kind == "region" else [],
                "show_if": json.dumps(q.show_if) if q.show_if else "",
                "skip": json.dumps(q.skip) if q.skip else "",
            }
        )
    return out


@require_http_methods(["GET", "POST"])
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    rules = policy(request.user)
    now = timezone.now()
    state = drafts.phase(survey.opens_at, survey.closes_at, False, now)
    answered = (
        request.user.is_authenticated
        and Response.objects.filter(survey=survey, respondent=request.user).exists()
    )
    errors: dict[int, str] = {}
    notice = ""
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return login_redirect(request)
        data = {k: request.POST.getlist(k) for k in request.POST}
        try:
            services.submit_response(request.user, survey.pk, data)
        except services.SurveyErrors as exc:
            errors, status = exc.errors, exc.status
            notice = _("答卷有 %(n)d 处需要修改，请看各题下方的提示。") % {"n": len(errors)}
        except DomainError as exc:
            notice, status = exc.message, exc.status
        else:
            messages.success(request, _("答卷已提交，感谢您的参与！"))
            if survey.results_public or rules.can_manage(survey):
                return redirect("consult:survey_results", pk=survey.pk)
            return redirect("consult:survey_index")
    return render(
        request,
        "consult/survey.html",
        {
            "s": survey,
            "phase": state,
            "phase_label": drafts.PHASE_LABELS[state],
            "open": state == drafts.Phase.OPEN,
            "answered": answered,
            "why_not": rules.why_not_take_part(survey),
            "sheet": _sheet(survey, request.POST if request.method == "POST" else None, errors),
            "notice": notice,
            "manages": rules.can_manage(survey),
        },
        status=status,
    )


def _results_allowed(request: HttpRequest, survey: Survey) -> None:
    if not survey.results_public and not policy(request.user).can_manage(survey):
        raise PermissionDenied(_("本次调研的结果不公开。"))


@require_GET
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    _results_allowed(request, survey)
    total, results = selectors.survey_results(request.user, survey)
    choice = [r.question for r in results if r.question.kind in ("single", "multiple")]
    by, against = request.GET.get("by", ""), request.GET.get("x", "")
    cross = None
    if by.isdigit() and against.isdigit() and len(by) < 4 and len(against) < 4:
        cross = selectors.crosstab(survey, int(by), int(against))
    return render(
        request,
        "consult/survey_results.html",
        {
            "choice_questions": choice,
            "cross": cross,
            "by": by,
            "against": against,
            "s": survey,
            "total": total,
            "results": results,
            "charts": {str(r.question.position): r.chart() for r in results},
            "manages": policy(request.user).can_manage(survey),
        },
    )


@require_GET
def survey_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_redirect(request)
    survey = _survey(request, pk)
    if not policy(request.user).can_manage(survey):
        raise PermissionDenied(_("只有组织单位可以导出答卷。"))
    response = HttpResponse(
        exports.survey_workbook(request.user, survey),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
def survey_start(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_redirect(request)
    form = SurveyForm(request.POST or None, initial={"results_public": True})
    orgs = offer_orgs(request, form, _("您没有发起调研的权限。"))
    parties = _offer_parties(form)
    status = 200
    if request.method == "POST":
        try:
            org = picked_org(form, orgs, "发起单位")
            region, party = _audience(form, parties)
            try:
                questions = surveys.parse_outline(form.value("outline"))
            except surveys.OutlineError as exc:
                raise InvalidInput(str(exc), field="outline") from None
            quota = form.value("quota")
            if quota and not (quota.isdigit() and len(quota) < 8):
                raise InvalidInput("样本上限须为正整数。", field="quota")
            s = services.create_survey(
                request.user,
                org=org,
                title=form.value("title"),
                intro=form.value("intro"),
                questions=questions,
                first_day=form.day("first_day"),
                last_day=form.day("last_day"),
                audience=form.value("audience"),
                region=region,
                party_org=party,
                quota=int(quota) if quota else None,
                results_public=bool(request.POST.get("results_public")),
            )
        except DomainError as exc:
            form.fail(exc)
            status = exc.status
        else:
            messages.success(request, _("调研已发布。"))
            return redirect("consult:survey", pk=s.pk)
    page = {"form": form, "heading": _("发起调研"), "submit": _("发布")}
    return render(request, "consult/form_page.html", page, status=status)


@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    c = _consultation(request, pk)
    if c.report_published_at is None and not policy(request.user).can_manage(c):
        raise Http404(_("采纳情况尚未公布。"))
    steps, done, total = selectors.progress(c)
    return render(
        request,
        "consult/progress.html",
        {"c": c, "steps": steps, "done": done, "total": total},
    )
