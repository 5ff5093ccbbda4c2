"""Pages of 在线访谈: the list, the live page (its transcript refreshed by htmx polling while
the interview runs; without JavaScript, by reloading), the moderators' and guest's console,
scheduling, and turning an unanswered question into an appeal."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from massline.consult import drafts, selectors, services
from massline.consult.forms import AnswerForm, InquiryForm, InterviewForm
from massline.consult.models import Interview
from massline.consult.pages import login_redirect, offer_orgs, picked_org
from massline.consult.policy import policy
from massline.core.errors import DomainError, InvalidInput

POLL_SECONDS = 3


def _interview(pk: int) -> Interview:
    found = Interview.objects.select_related("org").filter(pk=pk).first()
    if found is None:
        raise Http404(_("访谈不存在。"))
    return found


def _state(interview: Interview) -> dict[str, object]:
    phase = services.interview_phase(interview)
    return {
        "phase": phase,
        "phase_label": services.INTERVIEW_PHASES[phase],
        "live": phase == drafts.Phase.OPEN,
        "closed": phase == drafts.Phase.CLOSED,
        "poll": POLL_SECONDS,
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    rows = []
    for i in Interview.objects.select_related("org").order_by("-starts_at")[:50]:
        rows.append({"i": i, **_state(i)})
    return render(
        request,
        "consult/interview_index.html",
        {"rows": rows, "can_start": policy(request.user).is_manager},
    )


def _page(request: HttpRequest, interview: Interview, status: int = 200, form=None) -> HttpResponse:
    return render(
        request,
        "consult/interview.html",
        {
            "i": interview,
            "t": selectors.transcript(request.user, interview),
            "form": form or InquiryForm(),
            "manages": policy(request.user).can_manage(interview),
            **_state(interview),
        },
        status=status,
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _interview(pk))


@require_GET
def live(request: HttpRequest, pk: int) -> HttpResponse:
    """The transcript alone, for htmx to swap in every few seconds."""
    interview = _interview(pk)
    return render(
        request,
        "consult/partials/transcript.html",
        {"i": interview, "t": selectors.transcript(request.user, interview), **_state(interview)},
    )


@require_POST
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _interview(pk)
    if not request.user.is_authenticated:
        return login_redirect(request)
    form = InquiryForm(request.POST)
    try:
        services.ask_interview(request.user, interview.pk, body=form.value("body"))
    except DomainError as exc:
        form.fail(exc)
        return _page(request, interview, status=exc.status, form=form)
    messages.success(request, _("问题已提交，主持人选用后由嘉宾回答。"))
    return redirect(reverse("consult:interview", args=[interview.pk]) + "#ask")


@require_POST
def to_appeal(request: HttpRequest, pk: int, question_id: int) -> HttpResponse:
    interview = _interview(pk)
    if not request.user.is_authenticated:
        return login_redirect(request)
    try:
        if not interview.questions.filter(pk=question_id).exists():
            raise Http404(_("提问不存在。"))
        appeal = services.question_to_appeal(request.user, question_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _page(request, interview, status=exc.status)
    messages.success(
        request, _("已转为诉求 %(no)s，将按时限办理答复。") % {"no": appeal.tracking_no}
    )
    return redirect("residents:appeal", tracking_no=appeal.tracking_no)


def _host(
    request: HttpRequest, interview: Interview, status: int = 200, failed: int | None = None,
    answer_form: AnswerForm | None = None,
) -> HttpResponse:  # fmt: skip
    return render(
        request,
        "consult/interview_host.html",
        {
            "i": interview,
            "queue": selectors.host_queue(interview),
            "t": selectors.transcript(request.user, interview),
            "answer_form": answer_form or AnswerForm(),
            "failed": failed,
            **_state(interview),
        },
        status=status,
    )


def _managed(request: HttpRequest, pk: int) -> Interview:
    interview = _interview(pk)
    if not policy(request.user).can_manage(interview):
        raise PermissionDenied(_("只有主办单位可以主持访谈。"))
    return interview


@require_GET
def host(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_redirect(request)
    return _host(request, _managed(request, pk))


@require_POST
def host_action(request: HttpRequest, pk: int, question_id: int, action: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_redirect(request)
    interview = _managed(request, pk)
    if action not in ("pick", "hide", "answer"):
        raise Http404
    if not interview.questions.filter(pk=question_id).exists():
        raise Http404(_("提问不存在。"))
    form = AnswerForm(request.POST)
    try:
        if action == "answer":
            services.answer_question(request.user, question_id, answer=form.value("answer"))
        else:
            services.moderate_question(request.user, question_id, pick=action == "pick")
    except DomainError as exc:
        form.fail(exc)
        return _host(request, interview, status=exc.status, failed=question_id, answer_form=form)
    return redirect(reverse("consult:interview_host", args=[interview.pk]) + f"#hq-{question_id}")


def _moment(form: InterviewForm, name: str) -> datetime:
    raw = form.value(name)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        label = form.fields[name].label
        raise InvalidInput(f"{label}须为日期和时间，如 2026-12-20 15:00。", field=name) from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_redirect(request)
    form = InterviewForm(request.POST or None)
    orgs = offer_orgs(request, form, _("您没有安排访谈的权限。"))
    status = 200
    if request.method == "POST":
        try:
            org = picked_org(form, orgs, "主办单位")
            interview = services.schedule_interview(
                request.user,
                org=org,
                title=form.value("title"),
                guests=form.value("guests"),
                intro=form.value("intro"),
                starts_at=_moment(form, "starts_at"),
                ends_at=_moment(form, "ends_at"),
            )
        except DomainError as exc:
            form.fail(exc)
            status = exc.status
        else:
            messages.success(request, _("访谈已发布预告。"))
            return redirect("consult:interview", pk=interview.pk)
    page = {"form": form, "heading": _("安排访谈"), "submit": _("发布预告")}
    return render(request, "consult/form_page.html", page, status=status)
