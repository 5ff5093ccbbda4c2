"""The staff back office: work lists, the appeal desk, bulk actions, registering a call.

Thin views: what a user may see and do comes from `permissions.policy`, `queues`,
`presenters` and `workflow`; every write goes through `workflow.perform` or the services.
"""

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps

import pydantic
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from massline.appeals import presenters, queues, suggestions, workflow
from massline.appeals import selectors as appeal_selectors
from massline.appeals.actions import Action, RegisterIn
from massline.appeals.models import Appeal, State
from massline.appeals.permissions import policy
from massline.appeals.search import search
from massline.appeals.selectors import appeal_detail
from massline.appeals.services import attach_file, register_appeal
from massline.assessment import access
from massline.core.errors import DomainError, IllegalTransition, InvalidInput, NotAllowed, NotFound
from massline.core.pagination import Paginator
from massline.core.validation import describe_errors
from massline.knowledge import desk as knowledge_desk
from massline.office import selectors
from massline.office.forms import (
    STAFF_ACTIONS,
    AttachForm,
    RegisterForm,
    action_form,
    desk_order,
    payload,
)
from massline.opinion.permissions import scopes as opinion_scopes
from massline.orgs.models import Role
from massline.party.policy import policy as party_policy

PER_PAGE = 50
CONFLICT = "此诉求已被他人处理，请刷新"
BULK = {"new": Action.ACCEPT, "to_dispatch": Action.DISPATCH}
"""Queues whose rows may be acted on together, and the action."""


def login_url() -> str:
    """The residents' login page once it is routed; the settings' until then."""
    try:
        return reverse("residents:login")
    except NoReverseMatch:
        return str(settings.LOGIN_URL)


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors go to the login page; logged-in non-staff get the 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url())
        if not policy(request.user).is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _tabs(user, current: str | None = None, now: datetime | None = None) -> list[dict]:
    found = queues.counts(user, now)
    return [
        {
            "key": q.key,
            "label": q.label,
            "role": q.role,
            "count": found[q.key],
            "current": q.key == current,
        }
        for q in queues.queues_for(user)
    ]


def _dispatches(user) -> bool:
    rules = policy(user)
    return rules.is_admin or any(m.role == Role.DISPATCHER for m in rules.memberships)


@require_GET
@staff_only
def home(request: HttpRequest) -> HttpResponse:
    tabs = _tabs(request.user)
    if not tabs and party_policy(request.user).takes_part:
        return redirect("party:home")
    return render(
        request,
        "office/home.html",
        {
            "tabs": tabs,
            "can_register": _dispatches(request.user),
            "reads_figures": bool(access.scopes(request.user)),
            "reads_opinion": bool(opinion_scopes(request.user)),
            "supervises": access.supervises(request.user),
        },
    )


@staff_only
def supervision(request: HttpRequest) -> HttpResponse:
    """督办: the leader's 督办单 with each appeal's standing, and a new 督办单 over several
    overdue appeals at once."""
    user = request.user
    if not access.supervises(user):
        raise PermissionDenied
    error: DomainError | None = None
    if request.method == "POST":
        try:
            case = workflow.supervise_group(
                user,
                request.POST.getlist("appeals"),
                title=request.POST.get("title", ""),
                note=request.POST.get("note", ""),
                due_date=_due_date(request.POST.get("due_date", "")),
            )
        except (InvalidInput, IllegalTransition) as exc:
            error = exc
        except NotAllowed:
            raise PermissionDenied from None
        else:
            messages.success(
                request,
                _("已督办 %(n)d 件：%(title)s") % {"n": case.appeals.count(), "title": case.title},
            )
            return redirect("office:supervision")
    scope = "open" if request.GET.get("scope") == "open" else "overdue"
    q = request.GET.get("q", "").strip()[:100]
    context = supervision_context(user, scope, q)
    context.update(
        error=error,
        posted=request.POST if error else None,
        picked=set(request.POST.getlist("appeals")) if error else set(),
    )
    return render(request, "office/supervision.html", context, status=422 if error else 200)


def _due_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("督办期限须为日期，如 2026-12-31。", field="due_date") from None


def supervision_context(user, scope: str = "overdue", q: str = "") -> dict:
    """The leader's 督办单 and the appeals a new one may take: the overdue ones, or any open
    appeal in the leader's reach (searchable)."""
    cases = selectors.supervision_cases(user)
    late: list[Appeal] = []
    if access.supervises(user):
        qs = queues.queue(user, "open" if scope == "open" else "lead_overdue")
        if q:
            qs = search(qs, q, masked=not policy(user).searches_originals)
        late = list(qs[:100])
    return {
        "cases": cases,
        "candidates": presenters.summaries(user, late),
        "tabs": _tabs(user),
        "scope": scope,
        "q": q,
    }


@require_GET
@staff_only
def queue_page(request: HttpRequest, key: str) -> HttpResponse:
    user = request.user
    if key not in {q.key for q in queues.queues_for(user)}:
        raise Http404
    now = timezone.now()
    qs = queues.queue(user, key, now).select_related("submitted_by").prefetch_related("co_orgs")
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = search(qs, q, masked=not policy(user).searches_originals)
    tabs = _tabs(user, key, now)
    counted = None if q else next(t["count"] for t in tabs if t["current"])
    page = Paginator(qs, PER_PAGE, count=counted).get_page(request.GET.get("page"))
    rows = presenters.summaries(user, list(page.object_list))
    for row, appeal in zip(rows, page.object_list, strict=True):
        row["version"] = appeal.version
    bulk = BULK.get(key)
    context = {
        "tabs": tabs,
        "queue": queues.QUEUES[key],
        "rows": rows,
        "page_obj": page,
        "q": q,
        "bulk": bulk,
        "bulk_form": action_form(bulk, version=0, org_choices=selectors.org_choices(user))
        if bulk == Action.DISPATCH
        else None,
        "can_register": _dispatches(user),
    }
    return render(request, "office/queue.html", context)


@require_POST
@staff_only
def bulk(request: HttpRequest, key: str) -> HttpResponse:
    """Accept or dispatch the ticked appeals one by one; say which succeeded and which not."""
    user = request.user
    action = BULK.get(key)
    if action is None or key not in {q.key for q in queues.queues_for(user)}:
        raise Http404
    picked = request.POST.getlist("appeals")
    if not picked:
        messages.warning(request, _("请先勾选诉求。"))
        return redirect("office:queue", key=key)
    common = payload(action, request.POST)
    done, failed = [], []
    for value in picked:
        tracking_no, _sep, version = value.partition(":")
        pk = Appeal.objects.filter(tracking_no=tracking_no).values_list("pk", flat=True).first()
        try:
            if pk is None:
                raise NotFound("诉求不存在。")
            workflow.perform(action, pk, user, {**common, "version": version or None})
        except DomainError as exc:
            message = CONFLICT if _stale(exc, pk, version) else exc.message
            failed.append(f"{tracking_no}：{message}")
        else:
            done.append(tracking_no)
    label = workflow.REGISTRY[action].label
    if done:
        messages.success(
            request,
            _("%(label)s成功 %(n)d 件：%(list)s")
            % {"label": label, "n": len(done), "list": "、".join(done)},
        )
    for line in failed:
        messages.error(request, _("%(label)s失败 %(line)s") % {"label": label, "line": line})
    return redirect("office:queue", key=key)


def _stale(exc: DomainError, pk: int | None, version: str | None) -> bool:
    """A 409 because someone acted first: the version the page was read at is not current."""
    if not isinstance(exc, IllegalTransition) or pk is None or not version:
        return False
    current = Appeal.objects.filter(pk=pk).values_list("version", flat=True).first()
    return str(current) != str(version).strip()


def _held(user, tracking_no: str) -> Appeal:
    """The appeal if the user holds it as staff; else the 403 page (they may read it on the
    public board, so it exists for them) or the 404 page."""
    appeal = appeal_detail(tracking_no)
    if appeal is None:
        raise Http404
    rules = policy(user)
    if not rules.sees_as_staff(appeal):
        if rules.can_see(appeal):
            raise PermissionDenied
        raise Http404
    return appeal


def _desk(
    request: HttpRequest,
    appeal: Appeal,
    *,
    bound: tuple[str, QueryDict, DomainError] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    try:
        view = presenters.detail(user, appeal)
    except NotFound:
        raise Http404 from None
    actions = desk_order([a for a in view["actions"] if a in STAFF_ACTIONS])
    needs_orgs = {Action.DISPATCH, Action.TRANSFER} & set(actions)
    org_choices = selectors.org_choices(user) if needs_orgs else []
    if org_choices and (discipline := appeal.discipline_org) is not None:
        allowed = {str(pk) for pk in discipline.subtree().values_list("pk", flat=True)}
        org_choices = [c for c in org_choices if str(c[0]) in allowed]
    forms = []
    for action in actions:
        data = None
        error = None
        if bound is not None and bound[0] == action:
            data = bound[1].copy()
            data["version"] = str(view["version"])
            error = bound[2]
        form = action_form(
            action,
            version=view["version"],
            data=data,
            org_choices=org_choices,
            initial={
                **_picked_org(request, appeal, action, org_choices),
                **knowledge_desk.answer_initial(user, action, request.GET.get("kb", "")),
            },
        )
        if isinstance(error, InvalidInput):
            form.domain_error(error.field, error.message)
        forms.append(form)
    attach = None
    if policy(user).can_act(appeal, Action.ATTACH):
        attach = AttachForm(auto_id="attach-%s")
        if bound is not None and bound[0] == Action.ATTACH:
            attach.domain_error("file", bound[2].message)
    returned = next((e for e in reversed(view["timeline"]) if e["action"] == Action.RETURN), None)
    context = {
        "appeal": view,
        "forms": forms,
        "attach_form": attach,
        "notice": notice,
        "returned": returned if view["state"] == "returned" else None,
        "reopened_from": appeal.lead_org.name
        if appeal.state == State.REOPENED and appeal.lead_org and Action.DISPATCH in actions
        else None,
        "tabs": _tabs(user),
        "suggestions": _suggestions(user, appeal, actions),
        "history": _history(user, appeal),
        "knowledge": knowledge_desk.panel(user, appeal, request.GET.get("kb_q", ""), actions),
    }
    return render(request, "office/desk.html", context, status=status)


def _history(user, appeal: Appeal) -> dict | None:
    """The caller's other appeals (历史诉求) beside the desk: a repeat caller shows at once."""
    rows, total = appeal_selectors.caller_history(user, appeal)
    if not total:
        return None
    return {"rows": presenters.summaries(user, rows), "total": total}


SUGGEST_FOR = {Action.ACCEPT, Action.DISPATCH, Action.MERGE}
"""The suggestions panel shows while the dispatcher still decides where the appeal goes."""


def _suggestions(user, appeal: Appeal, actions: list[str]) -> dict | None:
    """The engine's suggestions for a dispatcher (office/partials/suggestions.html): likely
    categories and departments with their confidence, near-duplicates to merge into."""
    if not SUGGEST_FOR & set(actions):
        return None
    found = suggestions.suggest(appeal, user)
    if found is None:
        return None
    return {
        "categories": [
            {"label": c.label, "percent": round(c.confidence * 100)} for c in found.categories
        ],
        "departments": [
            {"org": d.org, "percent": round(d.confidence * 100)} for d in found.departments
        ],
        "duplicates": [
            {
                "tracking_no": d.tracking_no,
                "title": d.title,
                "state": d.state,
                "state_label": State(d.state).label,
                "percent": round(d.similarity * 100),
            }
            for d in found.duplicates
        ],
        "reason": found.reason,
        "can_dispatch": Action.DISPATCH in actions,
        "can_merge": Action.MERGE in actions,
    }


def _picked_org(request: HttpRequest, appeal: Appeal, action: str, org_choices) -> dict:
    """ "选用" on a suggested department preselects it in the dispatch form (?org=<pk>); a
    reopened appeal (重办) offers the department that handled it, with its co-handlers."""
    if action != Action.DISPATCH:
        return {}
    offered = {pk for pk, _label in org_choices}
    org = request.GET.get("org", "")
    if org in offered:
        return {"org_id": org}
    if appeal.state == State.REOPENED and str(appeal.lead_org_id) in offered:
        co = [str(pk) for pk in appeal.co_orgs.values_list("pk", flat=True)]
        return {"org_id": str(appeal.lead_org_id), "co_org_ids": [c for c in co if c in offered]}
    return {}


@require_GET
@staff_only
def find(request: HttpRequest) -> HttpResponse:
    """One box for a tracking number, a caller's phone or name, or words."""
    q = request.GET.get("q", "").strip()[:100]
    found = appeal_selectors.staff_search(request.user, q) if q else None
    if found is not None and found.exact is not None:
        return redirect("office:desk", tracking_no=found.exact.tracking_no)
    words_page = None
    if found is not None:
        words_page = Paginator(found.words, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "q": q,
        "found": found,
        "people": presenters.summaries(request.user, found.people) if found else [],
        "page_obj": words_page,
        "words": presenters.summaries(request.user, list(words_page.object_list))
        if words_page
        else [],
        "tabs": _tabs(request.user),
    }
    return render(request, "office/search.html", context)


@require_GET
@staff_only
def desk(request: HttpRequest, tracking_no: str) -> HttpResponse:
    return _desk(request, _held(request.user, tracking_no))


@require_POST
@staff_only
def act(request: HttpRequest, tracking_no: str, action: str) -> HttpResponse:
    """One action from the desk: POST, then back to the desk (or the form again, with the
    domain's message at the field and what was typed kept)."""
    if action not in STAFF_ACTIONS:
        raise Http404
    user = request.user
    appeal = _held(user, tracking_no)
    data = payload(action, request.POST)
    label = workflow.REGISTRY[action].label
    try:
        if action == Action.REPLY and request.FILES.getlist("files"):
            workflow.parse_payload(action, data)
            for upload in request.FILES.getlist("files"):
                try:
                    attach_file(appeal.pk, user, upload)
                except InvalidInput as exc:
                    raise InvalidInput(exc.message, field="files", code=exc.code) from None
        workflow.perform(action, appeal.pk, user, data)
    except InvalidInput as exc:
        return _desk(
            request, _held(user, tracking_no), bound=(action, request.POST, exc), status=422
        )
    except IllegalTransition as exc:
        notice = CONFLICT if _stale(exc, appeal.pk, data.get("version")) else exc.message
        fresh = _held(user, tracking_no)
        return _desk(request, fresh, bound=(action, request.POST, exc), notice=notice, status=409)
    except NotAllowed:
        raise PermissionDenied from None
    except NotFound:
        raise Http404 from None
    messages.success(request, _("%(label)s成功。") % {"label": label})
    return redirect("office:desk", tracking_no=tracking_no)


@require_POST
@staff_only
def attach(request: HttpRequest, tracking_no: str) -> HttpResponse:
    user = request.user
    appeal = _held(user, tracking_no)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput("请选择要上传的文件。", field="file", code="required")
        attach_file(appeal.pk, user, upload)
    except InvalidInput as exc:
        return _desk(request, appeal, bound=(Action.ATTACH, request.POST, exc), status=422)
    except IllegalTransition as exc:
        return _desk(request, appeal, notice=exc.message, status=409)
    except NotAllowed:
        raise PermissionDenied from None
    messages.success(request, _("附件已上传。"))
    return redirect("office:desk", tracking_no=tracking_no)


@staff_only
def register(request: HttpRequest) -> HttpResponse:
    """代为登记: a dispatcher takes down a call, letter or visit for the resident."""
    user = request.user
    if not _dispatches(user):
        raise PermissionDenied
    choices = {
        "regions": selectors.region_choices(user),
        "categories": selectors.category_choices(),
    }
    if request.method != "POST":
        return render(request, "office/register.html", {"form": RegisterForm(**choices)})
    form = RegisterForm(request.POST, **choices)
    status = 422
    try:
        data = RegisterIn.model_validate(form.payload())
        key = request.POST.get("idempotency_key", "")
        appeal, _created = register_appeal(user, data, idempotency_key=key or None)
    except pydantic.ValidationError as exc:
        for err in describe_errors(exc.errors()):
            form.domain_error(err["field"], err["message"])
    except InvalidInput as exc:
        form.domain_error(exc.field, exc.message)
    except NotAllowed:
        raise PermissionDenied from None
    else:
        messages.success(request, _("已登记，编号 %(no)s。") % {"no": appeal.tracking_no})
        return redirect("office:desk", tracking_no=appeal.tracking_no)
    return render(request, "office/register.html", {"form": form}, status=status)
