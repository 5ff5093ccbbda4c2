"""The residents' site. Thin views: read the request, call the domain, render.

Who may see and do what comes from presenters/policy/workflow; the forms only keep what was
typed and show the domain's Chinese messages at their fields."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pydantic import ValidationError

from massline.accounts import services as accounts
from massline.accounts.api import _check_login
from massline.accounts.throttle import client_ip, lockout_seconds
from massline.appeals import figures, presenters, reports, services, workflow
from massline.appeals.actions import AppealIn
from massline.appeals.models import Appeal
from massline.appeals.permissions import policy
from massline.appeals.privacy import masker
from massline.appeals.selectors import AppealFilters, appeal_detail, appeal_list
from massline.core.errors import (
    ChallengeRequired,
    DomainError,
    IllegalTransition,
    InvalidInput,
    NotFound,
    RateLimited,
)
from massline.core.pagination import Paginator, page_slice
from massline.core.templatetags.massline_ui import url_or_empty
from massline.core.validation import UNSTORABLE
from massline.orgs.models import Role
from massline.orgs.staff import is_staff_member, memberships
from massline.residents import forms

PAGE_SIZE = 20
BACKEND = "massline.accounts.backends.PhoneOrUsernameBackend"
resident_login_required = login_required(login_url="residents:login")


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _with_replies(viewer, rows: list[Appeal], items: list[dict]) -> list[dict]:
    """The summaries with each reply as the viewer may read it (masked for the public)."""
    rules = policy(viewer)
    for a, item in zip(rows, items, strict=True):
        item["reply_text"] = masker(a, rules.can_see_original(a))(a.reply_text)
        item["reply_org"] = a.reply_org.name if a.reply_org else None
    return items


# --- home -----------------------------------------------------------------------------------


@require_GET
def home(request):
    public = AnonymousUser()
    replied = (
        appeal_list(public, AppealFilters())
        .filter(replied_at__isnull=False)
        .select_related("reply_org")
        .order_by("-replied_at")
    )
    rows = list(page_slice(replied, 0, 5))
    recent = _with_replies(public, rows, presenters.summaries(public, rows))
    return render(
        request,
        "residents/home.html",
        {"recent": recent, "figures": figures.home_figures(), "lookup": forms.LookupForm()},
    )


# --- accounts -------------------------------------------------------------------------------


LANDING = [
    (Role.DISPATCHER, "office:queue", ("new",)),
    (Role.HANDLER, "office:queue", ("to_sign",)),
    (Role.LEADER, "office:home", ()),
    (Role.ANALYST, "opinion:overview", ()),
    (Role.ANALYST, "assessment:overview", ()),
    (Role.PARTY_SECRETARY, "party:home", ()),
    (Role.PARTY_MEMBER, "party:home", ()),
]
"""Where each role's work starts, in this order of precedence: a dispatcher's new appeals, a
handler's appeals to sign for, a leader's desk; pages not routed (yet) are passed over."""


def landing(user) -> str:
    roles = {m.role for m in memberships(user)}
    for role, name, args in LANDING:
        if role in roles:
            url = url_or_empty(name, *args)
            if url:
                return url
    if is_staff_member(user):
        return reverse("office:home")
    return reverse("residents:mine")


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = forms.LoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            user = _check_login(
                request, request.POST.get("username", ""), request.POST.get("password", "")
            )
        except RateLimited as exc:
            # The lockout holds (authenticate refuses); the page says so in the site's layout
            # instead of the lockout callable's bare page.
            request.axes_locked_out = False
            form.notice, status = exc.message, 429
        except InvalidInput as exc:
            form.fail(exc)
            status = 422
        else:
            login(request, user)
            return redirect(_next(request, landing(user)))
    response = render(
        request,
        "residents/login.html",
        {"form": form, "next": _next(request, "")},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(lockout_seconds())
    return response


@require_POST
def logout_view(request):
    logout(request)
    messages.success(request, _("您已退出登录。"))
    return redirect("home")


def _code_step(request, purpose: str, template: str, second_form_class, finish):
    """Registration and password reset: step one sends a code (with the service's arithmetic
    question when it asks for one), step two finishes with the code."""
    phone = request.GET.get("phone", "")
    code_form = forms.CodeForm(initial={"phone": phone})
    second = second_form_class(initial={"phone": phone})
    status = 200
    if request.method == "POST" and request.POST.get("step") == "code":
        code_form = forms.CodeForm(request.POST)
        data = code_form.data_of("phone", "challenge_token", "challenge_answer")
        try:
            accounts.send_code(
                data["phone"],
                purpose,
                client_ip=client_ip(request),
                challenge_token=data["challenge_token"] or None,
                challenge_answer=data["challenge_answer"] or None,
            )
        except ChallengeRequired as exc:
            code_form = forms.CodeForm(
                {"phone": data["phone"], "challenge_token": exc.challenge["token"]},
                question=exc.challenge["question"],
            )
            code_form.notice, status = exc.message, 422
        except RateLimited as exc:
            code_form.notice, status = exc.message, 429
        except DomainError as exc:
            code_form.fail(exc)
            status = 422
        else:
            messages.success(request, _("验证码已发送，10分钟内有效。"))
            query = {"phone": data["phone"].strip(), "sent": "1"}
            if next_url := _next(request, ""):
                query["next"] = next_url
            return HttpResponseRedirect(f"{request.path}?{urlencode(query)}")
        second = second_form_class(initial={"phone": data["phone"]})
    elif request.method == "POST":
        second = second_form_class(request.POST)
        try:
            return finish(second)
        except ValidationError as exc:
            second.fail(exc)
        except DomainError as exc:
            second.fail(exc)
        status = 422
        code_form = forms.CodeForm(initial={"phone": second.data.get("phone", "")})
    return render(
        request,
        template,
        {
            "code_form": code_form,
            "form": second,
            "sent": request.GET.get("sent") == "1",
            "next": _next(request, ""),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("residents:account")

    def finish(form):
        d = form.data_of("phone", "code", "real_name", "password")
        user = accounts.register_resident(d["phone"], d["code"], d["real_name"], d["password"])
        login(request, user, backend=BACKEND)
        messages.success(request, _("注册成功，欢迎您！"))
        return redirect(_next(request, reverse("residents:submit")))

    return _code_step(request, "register", "residents/register.html", forms.RegisterForm, finish)


@require_http_methods(["GET", "POST"])
def password_reset(request):
    def finish(form):
        d = form.data_of("phone", "code", "password")
        accounts.reset_password(d["phone"], d["code"], d["password"])
        messages.success(request, _("密码已重设，请用新密码登录。"))
        return redirect("residents:login")

    return _code_step(request, "reset", "residents/reset.html", forms.ResetForm, finish)


@resident_login_required
@require_GET
def account(request):
    staff = policy(request.user).is_staff
    return render(request, "residents/account.html", {"staff": staff})


# --- submitting -----------------------------------------------------------------------------


@resident_login_required
@require_http_methods(["GET", "POST"])
def submit(request):
    regions = forms.city_regions()
    if request.method != "POST":
        form = forms.AppealForm(regions=regions)
        return render(request, "residents/submit.html", _submit_context(form))
    form = forms.AppealForm(request.POST, request.FILES, regions=regions)
    files = request.FILES.getlist("attachments")
    try:
        data = AppealIn.model_validate(form.payload())
        appeal, created = services.submit_appeal(request.user, data, idempotency_key=form.key)
    except (ValidationError, DomainError) as exc:
        if getattr(exc, "code", "") == "idempotency_mismatch":
            form.new_key()
            exc = InvalidInput(_("页面已过期，请核对内容后重新提交。"))
        form.fail(exc)
        if files:
            form.add_error("attachments", _("出于安全原因，附件需要重新选择。"))
        return render(request, "residents/submit.html", _submit_context(form), status=422)
    if created:
        for upload in files:
            try:
                services.attach_file(appeal.pk, request.user, upload)
            except DomainError as exc:
                messages.warning(request, f"{upload.name}：{exc.message}")
    return redirect("residents:submitted", tracking_no=appeal.tracking_no)


def _submit_context(form) -> dict:
    return {
        "form": form,
        "attachment_limit": settings.ATTACHMENTS_PER_APPEAL,
        "attachment_bytes": settings.ATTACHMENT_MAX_BYTES,
    }


@resident_login_required
@require_GET
def submitted(request, tracking_no: str):
    appeal = appeal_detail(tracking_no)
    if appeal is None or appeal.submitted_by_id != request.user.pk:
        raise Http404
    return render(
        request, "residents/submitted.html", {"a": presenters.detail(request.user, appeal)}
    )


# --- my appeals -----------------------------------------------------------------------------


@resident_login_required
@require_GET
def mine(request):
    qs = appeal_list(request.user, AppealFilters(mine=True))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    return render(
        request,
        "residents/mine.html",
        {"page_obj": page, "appeals": presenters.summaries(request.user, rows)},
    )


# --- one appeal -----------------------------------------------------------------------------

ACTION_FORMS: dict[str, type[forms.ActionForm]] = {
    "rate": forms.RateForm,
    "supplement": forms.TextForm,
    "withdraw": forms.NoteForm,
}
DONE = {
    "rate": gettext_lazy("感谢您的评价。"),
    "supplement": gettext_lazy("补充说明已提交。"),
    "withdraw": gettext_lazy("留言已撤回。"),
}


def _appeal_page(request, appeal: Appeal, *, bound=None, notice="", status=200):
    try:
        d = presenters.detail(request.user, appeal)
    except NotFound:
        raise Http404 from None
    action_forms = {
        name: cls(initial={"version": d["version"]})
        for name, cls in ACTION_FORMS.items()
        if name in d["actions"]
    }
    if bound is not None:
        action_forms[bound[0]] = bound[1]
    can_attach = policy(request.user).can_act(appeal, "attach")
    user = request.user
    follows = {"n": 0, "mine": 0}
    if appeal.on_public_board:
        follows = appeal.follows.aggregate(
            n=Count("pk"), mine=Count("pk", filter=Q(user_id=user.pk or 0))
        )
    context = {
        "a": d,
        "follows": follows["n"],
        "following": bool(follows["mine"]),
        "may_follow": appeal.on_public_board and appeal.submitted_by_id != user.pk,
        "forms": action_forms,
        "attach_form": forms.AttachForm() if can_attach else None,
        "notice": notice,
        "attachment_limit": settings.ATTACHMENTS_PER_APPEAL,
    }
    return render(request, "residents/appeal.html", context, status=status)


def _found(tracking_no: str) -> Appeal:
    appeal = appeal_detail(tracking_no)
    if appeal is None:
        raise Http404
    return appeal


@require_GET
def appeal_page(request, tracking_no: str):
    """The appeal as the viewer may see it; the same address is the public page to share."""
    return _appeal_page(request, _found(tracking_no))


@resident_login_required
@require_POST
def appeal_action(request, tracking_no: str, action: str):
    if action not in ACTION_FORMS:
        raise Http404
    appeal = _found(tracking_no)
    form = ACTION_FORMS[action](request.POST)
    try:
        workflow.perform(action, appeal.pk, request.user, form.payload())
    except IllegalTransition:
        fresh = _found(tracking_no)
        return _appeal_page(request, fresh, notice=_("此诉求已被他人处理，请刷新"), status=409)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        if exc.status == 403:
            return _appeal_page(request, appeal, notice=exc.message, status=403)
        form.fail(exc)
        return _appeal_page(request, appeal, bound=(action, form), status=422)
    messages.success(request, DONE[action])
    return redirect("residents:appeal", tracking_no=tracking_no)


@resident_login_required
@require_POST
def follow(request, tracking_no: str):
    """关注 (+1) or stop following a public appeal; back to where the button was."""
    appeal = _found(tracking_no)
    try:
        services.follow_appeal(request.user, appeal.pk, follow=request.POST.get("follow") != "0")
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if request.POST.get("follow") != "0":
            messages.success(request, _("已关注：答复时会通知您。"))
        else:
            messages.success(request, _("已取消关注。"))
    return redirect(_next(request, reverse("residents:appeal", args=[tracking_no])))


@require_GET
def similar(request):
    """While a resident types a title: public appeals of the same county about the same
    matter, each with a 关注 button (htmx fragment; a plain page without JS)."""
    title = request.GET.get("title", "")[:100]
    region = request.GET.get("region_code", "")[:12]
    storable = not (UNSTORABLE.search(title) or UNSTORABLE.search(region))
    found = services.similar_public(region, title) if storable else []
    public = AnonymousUser()
    rows = presenters.summaries(public, found)
    template = "residents/partials/similar.html"
    if not request.headers.get("HX-Request"):
        template = "residents/similar.html"
    return render(request, template, {"similar": rows, "title": title})


@resident_login_required
@require_POST
def appeal_attach(request, tracking_no: str):
    appeal = _found(tracking_no)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要上传的文件。"))
        return redirect("residents:appeal", tracking_no=tracking_no)
    try:
        services.attach_file(appeal.pk, request.user, upload)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("附件已上传。"))
    return redirect("residents:appeal", tracking_no=tracking_no)


# --- the public board and lookup --------------------------------------------------------------


@require_GET
def board(request):
    regions = forms.city_regions()
    form = forms.BoardForm(request.GET or None, regions=regions)
    g = request.GET
    filters = AppealFilters(**form.filters())
    public = AnonymousUser()
    notice = ""
    try:
        qs = appeal_list(public, filters).select_related("reply_org")
        page = Paginator(qs, PAGE_SIZE).get_page(g.get("page"))
        rows = list(page.object_list)
    except InvalidInput as exc:
        notice, page, rows = exc.message, None, []
    appeals = _with_replies(public, rows, presenters.summaries(public, rows))
    filtered = any(g.get(k) for k in ("q", "kind", "state", "category", "region", "month"))
    return render(
        request,
        "residents/board.html",
        {
            "form": form,
            "page_obj": page,
            "appeals": appeals,
            "notice": notice,
            "filtered": filtered,
        },
    )


@require_http_methods(["GET", "POST"])
def lookup(request):
    form = forms.LookupForm(request.POST or None)
    found, status = None, 200
    if request.method == "POST":
        d = form.data_of("tracking_no", "phone")
        try:
            appeal = services.lookup_appeal(d["tracking_no"], d["phone"], client_ip(request))
            found = presenters.detail(request.user, appeal, looked_up=True)
        except RateLimited as exc:
            form.notice, status = exc.message, 429
        except DomainError as exc:
            form.fail(exc)
            status = 404 if isinstance(exc, NotFound) else 422
    return render(request, "residents/lookup.html", {"form": form, "a": found}, status=status)


# --- 监督举报 -----------------------------------------------------------------------------------

GRANTS = "report_grants"
"""The session's list of anonymous reports whose 查询码 and password were given."""
GRANT_SECONDS = 30 * 60
"""An anonymous reporter's session ends 30 minutes after the code was given (a phone may be
shared)."""


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def report(request):
    """举报 a public official: signed in, under one's name (sealed: only the 纪检监察 org's
    handlers see it); otherwise anonymously, with a 查询码 shown once and a password."""
    regions = forms.city_regions()
    anonymous = not request.user.is_authenticated or request.POST.get("anonymous") == "1"
    form = forms.ReportForm(request.POST or None, regions=regions, anonymous=anonymous)
    if request.method != "POST":
        return _no_store(render(request, "residents/report.html", {"form": form}))
    try:
        data = AppealIn.model_validate(form.payload())
        if anonymous:
            d = form.data_of("password", "password2")
            appeal, code = reports.submit_anonymous_report(data, d["password"], d["password2"])
        else:
            appeal, _created = services.submit_appeal(request.user, data)
    except (ValidationError, DomainError) as exc:
        form.fail(exc)
        return _no_store(render(request, "residents/report.html", {"form": form}, status=422))
    if not anonymous:
        return redirect("residents:submitted", tracking_no=appeal.tracking_no)
    context = {"code": code, "tracking_no": appeal.tracking_no}
    return _no_store(render(request, "residents/report_done.html", context, status=201))


@require_http_methods(["GET", "POST"])
def report_follow(request):
    """An anonymous reporter opens their report with its 查询码 and password."""
    form = forms.FollowForm(request.POST or None)
    status = 200
    if request.method == "POST":
        d = form.data_of("code", "password")
        try:
            found = reports.open_report(d["code"], d["password"], client_ip(request))
        except RateLimited as exc:
            form.notice, status = exc.message, 429
        except DomainError as exc:
            form.fail(exc)
            status = 404
        else:
            request.session.cycle_key()
            request.session[GRANTS] = [found.pk]
            if not request.user.is_authenticated:
                request.session.set_expiry(GRANT_SECONDS)
            return redirect("residents:report_case", tracking_no=found.tracking_no)
    return _no_store(render(request, "residents/report_follow.html", {"form": form}, status=status))


def _granted(request, tracking_no: str) -> Appeal:
    """The report (or a retaliation complaint that follows it) whose code this session gave,
    or one of the signed-in reporter's own sealed reports."""
    appeal = appeal_detail(tracking_no)
    if appeal is None or not appeal.sealed:
        raise Http404
    if request.user.is_authenticated and appeal.submitted_by_id == request.user.pk:
        return appeal
    grants = request.session.get(GRANTS, [])
    if not {appeal.pk, appeal.related_report_id} & set(grants):
        raise Http404
    return appeal


def _reporter(request, appeal: Appeal):
    """Who the page acts for: the signed-in reporter, else the anonymous reports' account."""
    if request.user.is_authenticated and appeal.submitted_by_id == request.user.pk:
        return request.user
    return appeal.submitted_by


def _case_page(request, appeal: Appeal, *, material=None, retaliation=None, status=200):
    reporter = _reporter(request, appeal)
    root = appeal.related_report or appeal
    context = {
        "a": presenters.detail(reporter, appeal),
        "others": [
            presenters.summaries(reporter, [r])[0]
            for r in reports.reports_of(root)
            if r.pk != appeal.pk
        ],
        "material": material or forms.MaterialForm(),
        "retaliation": retaliation or forms.RetaliationForm(),
        "can_add": policy(reporter).can_act(appeal, "supplement"),
        "root": root.tracking_no,
    }
    return _no_store(render(request, "residents/report_case.html", context, status=status))


@require_GET
def report_case(request, tracking_no: str):
    return _case_page(request, _granted(request, tracking_no))


@require_POST
def report_material(request, tracking_no: str):
    appeal = _granted(request, tracking_no)
    form = forms.MaterialForm(request.POST)
    try:
        reports.add_material(appeal, _reporter(request, appeal), form.data.get("text", ""))
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        form.fail(exc)
        return _case_page(request, appeal, material=form, status=exc.status)
    messages.success(request, _("补充材料已提交。"))
    return redirect("residents:report_case", tracking_no=tracking_no)


@require_POST
def report_retaliation(request, tracking_no: str):
    appeal = _granted(request, tracking_no)
    root = appeal.related_report or appeal
    form = forms.RetaliationForm(request.POST)
    d = form.data_of("title", "body")
    try:
        complaint = reports.file_retaliation(
            root, _reporter(request, root), title=d["title"], body=d["body"]
        )
    except (ValidationError, DomainError) as exc:
        form.fail(exc)
        return _case_page(request, appeal, retaliation=form, status=422)
    messages.success(
        request, _("已受理您反映的打击报复问题，编号 %(no)s。") % {"no": complaint.tracking_no}
    )
    return redirect("residents:report_case", tracking_no=complaint.tracking_no)


@require_POST
def report_leave(request):
    request.session.pop(GRANTS, None)
    messages.success(request, _("已退出查询。"))
    return redirect("residents:report_follow")
