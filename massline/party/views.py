"""掌上党建 pages. Thin: who may see what comes from `policy`; writes go through the domain
modules (points, study, quiz, bank, services)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from massline.core.errors import DomainError, InvalidInput, NotFound
from massline.orgs.models import Org, OrgKind
from massline.party import (
    bank,
    development,
    dues,
    meetings,
    quiz,
    reports,
    selectors,
    services,
    study,
    suggestions,
    wishes,
)
from massline.party import rules as rules_mod
from massline.party.forms import (
    AdvanceForm,
    AnswerForm,
    CheckinForm,
    FulfilForm,
    ImportForm,
    LeaveForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    ReportForm,
    ReviewForm,
    SeatForm,
    ServiceForm,
    SuggestionForm,
    ThanksForm,
    TransferForm,
    WishForm,
)
from massline.party.models import (
    PUBLIC_WISH_STATES,
    Attempt,
    CommitteeSeat,
    CommunityReport,
    Course,
    DuesCategory,
    DuesRecord,
    Exam,
    Meeting,
    PartyMember,
    PointRule,
    Question,
    Stage,
    Suggestion,
    Transfer,
    Wish,
)
from massline.party.points import award_login, rule_for
from massline.party.policy import PartyPolicy, policy

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _login_url() -> str:
    try:
        return reverse("residents:login")
    except NoReverseMatch:
        return "/admin/login/"


def party_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors go to the login page; those with no party role get the 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), _login_url())
        if not policy(request.user).takes_part:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _member(request: HttpRequest) -> PartyMember:
    member = policy(request.user).member
    if member is None:
        raise PermissionDenied
    return member


def _branch(rules: PartyPolicy, pk: int) -> Org:
    branch = get_object_or_404(Org, pk=pk, kind=OrgKind.PARTY_BRANCH)
    if not rules.can_view_branch(branch):
        raise Http404
    return branch


@require_GET
@party_only
def home(request: HttpRequest) -> HttpResponse:
    """The member's day (the first visit of a Beijing day earns the login point, as 学习强国's
    每日登录 does) and the secretary's way to their branches."""
    rules = policy(request.user)
    member = rules.member
    login = award_login(member) if member is not None else None
    return render(
        request,
        "party/home.html",
        {
            "rules": rules,
            "member": member,
            "login_points": login.points if login else 0,
            "progress": selectors.today(member) if member else [],
            "branches": list(rules.branches()[:20])
            if (rules.secretary_orgs or rules.is_admin)
            else [],
            "managed": rules.managed,
            "overseen": rules.overseen(),
            "attempts": selectors.my_attempts(member, 3) if member else [],
        },
    )


# ---- branches ---------------------------------------------------------------------------


@require_GET
@party_only
def branch(request: HttpRequest, pk: int) -> HttpResponse:
    rules = policy(request.user)
    org = _branch(rules, pk)
    now_standings = meetings.standings(org)
    return render(
        request,
        "party/branch.html",
        {
            "branch": org,
            "board": selectors.dashboard(org),
            "manages": rules.can_manage_branch(org),
            "meetings_done": sum(r.standing.status == "done" for r in now_standings),
            "meetings_total": len(now_standings),
            "meetings_overdue": sum(
                r.standing.status == "overdue" for r in meetings.previous_standings(org)
            ),
            "due_steps": development.due_steps(org, rules_mod.points_day(timezone.now())),
        },
    )


@require_http_methods(["GET", "POST"])
@party_only
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    rules = policy(request.user)
    org = _branch(rules, pk)
    manages = rules.can_manage_branch(org)
    seat_form = None
    status = 200
    if manages:
        seat_form = SeatForm(request.POST or None, members=meetings.roll(org))
    if request.method == "POST":
        if seat_form is None:
            raise PermissionDenied
        if seat_form.is_valid():
            try:
                services.seat(request.user, org, **seat_form.cleaned_data)
                messages.success(request, _("已登记支部委员。"))
                return redirect("party:roster", pk=org.pk)
            except DomainError as exc:
                seat_form.add_error(
                    exc.field if exc.field in seat_form.fields else None, exc.message
                )
        status = 422
    return render(
        request,
        "party/roster.html",
        {
            "branch": org,
            "members": PartyMember.objects.filter(branch=org),
            "seats": CommitteeSeat.objects.filter(branch=org).select_related("member"),
            "manages": manages,
            "seat_form": seat_form,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@party_only
def member_edit(request: HttpRequest, pk: int, member_id: int | None = None) -> HttpResponse:
    rules = policy(request.user)
    org = _branch(rules, pk)
    if not rules.can_manage_branch(org):
        raise PermissionDenied
    instance = None
    if member_id is not None:
        instance = get_object_or_404(PartyMember, pk=member_id, branch=org)
    form = MemberForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            if instance is None:
                services.add_member(request.user, org, form.cleaned_data)
                messages.success(request, _("已登记。"))
            else:
                services.update_member(request.user, instance.pk, form.cleaned_data)
                messages.success(request, _("已保存。"))
            return redirect("party:roster", pk=org.pk)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
    return render(
        request, "party/member_form.html", {"branch": org, "form": form, "instance": instance}
    )


@require_GET
@party_only
def overview(request: HttpRequest) -> HttpResponse:
    """The committee above: its branches at a glance."""
    rules = policy(request.user)
    if not rules.overseen() and not rules.is_admin:
        raise PermissionDenied
    branches = list(rules.branches())
    rows = selectors.branch_summary(branches)
    for row in rows:
        found = meetings.standings(row["branch"])
        row["done"] = sum(r.standing.status == "done" for r in found)
        row["required"] = len(found)
        row["overdue"] = sum(
            r.standing.status == "overdue" for r in meetings.previous_standings(row["branch"])
        )
    return render(request, "party/overview.html", {"rows": rows})


# ---- study and points -------------------------------------------------------------------


@require_GET
@party_only
def courses(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    orgs = [int(p) for p in member.branch.path.split("/") if p]
    found = Course.objects.filter(org_id__in=orgs, published=True).prefetch_related("lessons")
    return render(request, "party/courses.html", {"courses": found})


@require_GET
@party_only
def lesson(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    try:
        item = study.lesson_for(member, pk)
    except NotFound as exc:
        raise Http404 from exc
    session = study.start_session(member, item)
    return render(
        request,
        "party/lesson.html",
        {
            "lesson": item,
            "session": session,
            "interval": study.heartbeat_seconds(),
            "rule": rule_for("article" if item.kind != "video" else "video"),
        },
    )


@require_POST
@party_only
def beat(request: HttpRequest) -> JsonResponse:
    member = _member(request)
    try:
        result = study.beat(
            member, int(request.POST.get("session", "")), resume=request.POST.get("resume") == "1"
        )
    except ValueError:
        return JsonResponse({"error": _("session：缺少学习记录编号。")}, status=400)
    except DomainError as exc:
        return JsonResponse({"error": exc.message, "field": exc.field}, status=exc.status)
    member.refresh_from_db(fields=["points_total"])
    return JsonResponse(
        {
            "credited": result.credited,
            "seconds": result.seconds,
            "points": result.points,
            "capped": result.capped,
            "total": member.points_total,
        }
    )


@require_GET
@party_only
def my_points(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    return render(
        request,
        "party/points.html",
        {
            "member": member,
            "progress": selectors.today(member),
            "entries": selectors.recent_points(member, 50),
            "table": PointRule.objects.all(),
        },
    )


@require_GET
@party_only
def leaderboard(request: HttpRequest) -> HttpResponse:
    rules = policy(request.user)
    scope = request.GET.get("scope", "branch")
    member = rules.member
    if scope == "org" and member is not None and member.branch.parent_id:
        org = member.branch.parent
        assert org is not None
        members = PartyMember.objects.filter(branch__path__startswith=org.path)
        title = org.short_name or org.name
    elif member is not None:
        scope, org = "branch", member.branch
        members = PartyMember.objects.filter(branch=org)
        title = org.short_name or org.name
    else:
        scope, members, title = "all", rules.members(), _("所管辖的党组织")
    return render(
        request,
        "party/leaderboard.html",
        {"rows": selectors.leaderboard(members), "scope": scope, "title": title, "member": member},
    )


# ---- quizzes and exams ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@party_only
def daily(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if request.method == "POST":
        try:
            attempt = quiz.start_daily(member)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("party:daily")
        return redirect("party:attempt", pk=attempt.pk)
    return render(
        request,
        "party/daily.html",
        {
            "attempts": selectors.my_attempts(member),
            "exams": selectors.visible_exams(member),
            "now": timezone.now(),
            "manages_content": policy(request.user).can_manage_content(),
        },
    )


def _answers(request: HttpRequest, attempt: Attempt) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for d in attempt.paper:
        pk = int(d["q"])
        out[pk] = [v for v in request.POST.getlist(f"q{pk}") if v.strip()]
    return out


@require_http_methods(["GET", "POST"])
@party_only
def attempt(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    sitting = get_object_or_404(Attempt.objects.select_related("exam"), pk=pk, member=member)
    error = None
    if request.method == "POST" and sitting.submitted_at is None:
        try:
            quiz.submit(member, sitting.pk, _answers(request, sitting))
            return redirect("party:attempt", pk=sitting.pk)
        except DomainError as exc:
            error = exc.message
    answers = {a.question_id: a for a in sitting.answers.all()}
    items = [(s, answers.get(s.question.pk)) for s in quiz.shown(sitting)]
    return render(
        request,
        "party/attempt.html",
        {"attempt": sitting, "items": items, "error": error, "now": timezone.now()},
        status=422 if error else 200,
    )


@require_POST
@party_only
def exam_start(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    exam = get_object_or_404(Exam, pk=pk)
    try:
        sitting = quiz.start_exam(member, exam)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("party:daily")
    return redirect("party:attempt", pk=sitting.pk)


# ---- question bank ----------------------------------------------------------------------


def _content_manager(request: HttpRequest) -> None:
    if not policy(request.user).can_manage_content():
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@party_only
def question_bank(request: HttpRequest) -> HttpResponse:
    _content_manager(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[bank.RowError] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            n = bank.import_questions(request.user, form.cleaned_data["file"].read())
            messages.success(request, _("已导入 %(n)d 道题。") % {"n": n})
            return redirect("party:bank")
        except bank.ImportFailed as exc:
            errors = exc.errors
            form.add_error("file", exc.message)
            status = 422
        except DomainError as exc:
            form.add_error("file", exc.message)
            status = 422
    elif request.method == "POST":
        status = 422
    counts = {
        label: Question.objects.filter(kind=value, active=True).count()
        for value, label in Question._meta.get_field("kind").choices or []
    }
    return render(
        request,
        "party/bank.html",
        {"form": form, "errors": errors, "counts": counts, "total": sum(counts.values())},
        status=status,
    )


@require_GET
@party_only
def bank_template(request: HttpRequest) -> HttpResponse:
    _content_manager(request)
    response = HttpResponse(bank.template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="question-template.xlsx"'
    return response


@require_GET
@party_only
def bank_export(request: HttpRequest) -> HttpResponse:
    _content_manager(request)
    response = HttpResponse(bank.export(Question.objects.filter(active=True)), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="questions.xlsx"'
    return response


# ---- 三会一课 -------------------------------------------------------------------------------


def _meeting_for(rules: PartyPolicy, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("branch", "kind"), pk=pk)
    if not rules.can_view_branch(meeting.branch):
        raise Http404
    return meeting


@require_http_methods(["GET", "POST"])
@party_only
def branch_meetings(request: HttpRequest, pk: int) -> HttpResponse:
    rules = policy(request.user)
    org = _branch(rules, pk)
    manages = rules.can_manage_branch(org)
    form = MeetingForm(request.POST or None, kinds=meetings.kinds()) if manages else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                meeting = meetings.schedule(request.user, org, **form.cleaned_data)
                messages.success(request, _("已安排，并已通知本支部党员。"))
                return redirect("party:meeting", pk=meeting.pk)
            except DomainError as exc:
                form.add_error(exc.field, exc.message)
        status = 422
    return render(
        request,
        "party/meetings.html",
        {
            "branch": org,
            "manages": manages,
            "form": form,
            "now_standings": meetings.standings(org),
            "before_standings": meetings.previous_standings(org),
            "meetings": Meeting.objects.filter(branch=org).select_related("kind")[:50],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@party_only
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    rules = policy(request.user)
    item = _meeting_for(rules, pk)
    manages = rules.can_manage_branch(item.branch)
    member = rules.member if rules.member and rules.member.branch_id == item.branch_id else None
    minutes_form = MinutesForm(request.POST or None, request.FILES or None) if manages else None
    leave_form = LeaveForm(request.POST or None) if member else None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "minutes" and minutes_form is not None:
                if minutes_form.is_valid():
                    d = minutes_form.cleaned_data
                    meetings.record_minutes(
                        request.user, item.pk, d["minutes"], d["held_on"], d["attachment"]
                    )
                    messages.success(request, _("会议记录已保存。"))
                    return redirect("party:meeting", pk=item.pk)
            elif action == "leave" and leave_form is not None and member is not None:
                if leave_form.is_valid():
                    meetings.ask_leave(member, item.pk, leave_form.cleaned_data["reason"])
                    messages.success(request, _("已请假，支部书记会收到通知。"))
                    return redirect("party:meeting", pk=item.pk)
            else:
                raise PermissionDenied
        except DomainError as exc:
            target = minutes_form if action == "minutes" else leave_form
            assert target is not None
            target.add_error(exc.field if exc.field in target.fields else None, exc.message)
        status = 422
    attendance = {a.member_id: a for a in item.attendance.all()}
    people = [(m, attendance.get(m.pk)) for m in meetings.roll(item.branch)]
    return render(
        request,
        "party/meeting.html",
        {
            "meeting": item,
            "manages": manages,
            "member": member,
            "mine": attendance.get(member.pk) if member else None,
            "people": people,
            "present": sum(1 for a in attendance.values() if a.status == "present"),
            "minutes_form": minutes_form,
            "leave_form": leave_form,
            "checkin_url": request.build_absolute_uri(reverse("party:checkin"))
            + f"?code={item.checkin_code}",
        },
        status=status,
    )


@require_GET
@party_only
def meeting_qr(request: HttpRequest, pk: int) -> HttpResponse:
    rules = policy(request.user)
    item = _meeting_for(rules, pk)
    if not rules.can_manage_branch(item.branch):
        raise PermissionDenied
    url = request.build_absolute_uri(reverse("party:checkin")) + f"?code={item.checkin_code}"
    return HttpResponse(meetings.qr_svg(url), content_type="image/svg+xml")


@require_http_methods(["GET", "POST"])
@party_only
def checkin(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = CheckinForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                item = meetings.check_in(member, form.cleaned_data["code"])
                messages.success(request, _("签到成功：%(t)s") % {"t": item.title})
                return redirect("party:meeting", pk=item.pk)
            except DomainError as exc:
                form.add_error("code", exc.message)
        status = 422
    return render(request, "party/checkin.html", {"form": form}, status=status)


# ---- 党费 ------------------------------------------------------------------------------------


def _month(request: HttpRequest) -> date:
    raw = request.GET.get("month", "")
    try:
        return datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        return dues.month_of(timezone.now())


@require_http_methods(["GET", "POST"])
@party_only
def branch_dues(request: HttpRequest, pk: int) -> HttpResponse:
    rules = policy(request.user)
    org = _branch(rules, pk)
    manages = rules.can_manage_branch(org)
    month = _month(request)
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "bill":
                n = dues.bill(org, month, request.user)
                messages.success(request, _("已生成 %(n)d 条党费记录。") % {"n": n})
            elif action == "pay":
                record = get_object_or_404(
                    DuesRecord, pk=request.POST.get("record") or 0, member__branch=org
                )
                dues.pay(request.user, record.pk, request.POST.get("reference", ""))
                messages.success(
                    request, _("已登记 %(name)s 的党费。") % {"name": record.member.name}
                )
            elif action == "base":
                member = get_object_or_404(
                    PartyMember, pk=request.POST.get("member") or 0, branch=org
                )
                try:
                    base = Decimal(request.POST.get("base", "").strip() or "x")
                except InvalidOperation:
                    raise InvalidInput(_("交纳基数须为数字（元）。"), field="base") from None
                dues.set_base(request.user, member, request.POST.get("category", ""), base)
                messages.success(request, _("已核定 %(name)s 的交纳基数。") % {"name": member.name})
            else:
                raise InvalidInput(_("未知操作。"), field="action")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(f"{reverse('party:dues', args=[org.pk])}?month={month:%Y-%m}")
    lines = dues.ledger(org, month)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(dues.workbook(org, month, lines), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="dues-{month:%Y-%m}.xlsx"'
        return response
    billed = [line.current for line in lines if line.current is not None]
    return render(
        request,
        "party/dues.html",
        {
            "branch": org,
            "manages": manages,
            "month": month,
            "lines": lines,
            "categories": DuesCategory.choices,
            "due_total": sum((r.amount for r in billed), Decimal(0)),
            "paid_total": sum((r.amount for r in billed if r.paid), Decimal(0)),
            "paid_count": sum(1 for r in billed if r.paid),
            "billed_count": len(billed),
            "in_arrears": [line for line in lines if line.arrears.months],
        },
    )


@require_GET
@party_only
def my_dues(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    records = list(DuesRecord.objects.filter(member=member)[:24])
    owed = dues.arrears(
        [(r.month, r.amount) for r in records if not r.paid], dues.month_of(timezone.now())
    )
    return render(
        request,
        "party/my_dues.html",
        {"records": records, "owed": owed, "account": getattr(member, "dues", None)},
    )


# ---- 微心愿 ----------------------------------------------------------------------------------


@require_GET
def wish_wall(request: HttpRequest) -> HttpResponse:
    """Open to everyone: the published wishes, masked."""
    mine = []
    if request.user.is_authenticated:
        mine = list(Wish.objects.filter(posted_by=request.user).select_related("branch")[:20])
    return render(request, "party/wishes.html", {"wall": wishes.wall(), "mine": mine})


@require_http_methods(["GET", "POST"])
def wish_new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), _login_url())
    rules = policy(request.user)
    form = WishForm(request.POST or None, on_behalf=bool(rules.managed or rules.is_admin))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                wish = wishes.post(
                    request.user,
                    d["branch"],
                    title=d["title"],
                    body=d["body"],
                    phone=d["phone"],
                    resident_name=d.get("resident_name", ""),
                )
                messages.success(request, _("心愿已提交，社区党组织审核后会公开。"))
                return redirect("party:wish", pk=wish.pk)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        status = 422
    return render(request, "party/wish_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def wish(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Wish.objects.select_related("branch", "claimed_by"), pk=pk)
    user = request.user
    rules = policy(user)
    manages = user.is_authenticated and rules.can_manage_branch(item.branch)
    own = user.is_authenticated and user.pk in (item.resident_id, item.posted_by_id)
    member = rules.member
    public_states = [s.value for s in PUBLIC_WISH_STATES]
    if not (manages or own or item.status in public_states):
        raise Http404
    forms = {
        "review": ReviewForm(request.POST or None) if manages else None,
        "fulfil": FulfilForm(request.POST or None, request.FILES or None)
        if member is not None and item.claimed_by_id == member.pk
        else None,
        "thanks": ThanksForm(request.POST or None) if own else None,
    }
    status = 200
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), _login_url())
        action = request.POST.get("action", "")
        try:
            if action in ("approve", "reject") and forms["review"] is not None:
                if forms["review"].is_valid():
                    reason = forms["review"].cleaned_data["reason"]
                    wishes.review(user, item.pk, action == "approve", reason)
                    return redirect("party:wish", pk=item.pk)
            elif action == "claim" and member is not None:
                wishes.claim(member, item.pk)
                messages.success(request, _("已认领，请在期限内帮群众实现心愿。"))
                return redirect("party:wish", pk=item.pk)
            elif action == "fulfil" and forms["fulfil"] is not None and member is not None:
                if forms["fulfil"].is_valid():
                    d = forms["fulfil"].cleaned_data
                    wishes.fulfil(member, item.pk, d["fulfilment"], d["photo"])
                    messages.success(request, _("已记录实现情况。"))
                    return redirect("party:wish", pk=item.pk)
            elif action == "thank" and forms["thanks"] is not None:
                if forms["thanks"].is_valid():
                    wishes.thank(user, item.pk, forms["thanks"].cleaned_data["thanks"])
                    return redirect("party:wish", pk=item.pk)
            else:
                raise PermissionDenied
        except DomainError as exc:
            key = {"approve": "review", "reject": "review", "fulfil": "fulfil", "thank": "thanks"}
            target = forms.get(key.get(action, ""))
            if target is not None:
                target.add_error(exc.field if exc.field in target.fields else None, exc.message)
            else:
                messages.error(request, exc.message)
                return redirect("party:wish", pk=item.pk)
        status = 422
    return render(
        request,
        "party/wish.html",
        {
            "wish": item,
            "shown": wishes.public(item),
            "original": manages or own,
            "manages": manages,
            "own": own,
            "can_claim": member is not None and item.status == "published",
            "forms": forms,
            "events": item.events.select_related("actor") if (manages or own) else [],
        },
        status=status,
    )


@require_GET
@party_only
def branch_wishes(request: HttpRequest, pk: int) -> HttpResponse:
    rules = policy(request.user)
    org = _branch(rules, pk)
    items = Wish.objects.filter(branch=org).select_related("claimed_by")
    if not rules.can_manage_branch(org):
        items = items.filter(status__in=PUBLIC_WISH_STATES)
    return render(
        request,
        "party/branch_wishes.html",
        {"branch": org, "items": items[:200], "now": timezone.now()},
    )


# ---- 双报到 ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@party_only
def my_reports(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    report_form = ReportForm(request.POST if request.POST.get("action") == "report" else None)
    service_form = ServiceForm(request.POST if request.POST.get("action") == "service" else None)
    status = 200
    if request.method == "POST":
        try:
            if report_form.is_bound and report_form.is_valid():
                reports.report(member, report_form.cleaned_data["community"])
                messages.success(request, _("已向居住地社区报到。"))
                return redirect("party:reports")
            if service_form.is_bound and service_form.is_valid():
                reports.log_service(
                    member, int(request.POST.get("report") or 0), **service_form.cleaned_data
                )
                messages.success(request, _("已记录服务。"))
                return redirect("party:reports")
        except DomainError as exc:
            form = report_form if report_form.is_bound else service_form
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        status = 422
    found = CommunityReport.objects.filter(member=member).select_related("community")
    return render(
        request,
        "party/reports.html",
        {
            "reports": found.prefetch_related("services"),
            "report_form": report_form,
            "service_form": service_form,
        },
        status=status,
    )


@require_GET
@party_only
def branch_reports(request: HttpRequest, pk: int) -> HttpResponse:
    """The community's branch: who has reported here, their service hours and tasks."""
    rules = policy(request.user)
    org = _branch(rules, pk)
    return render(
        request, "party/branch_reports.html", {"branch": org, "rows": reports.reported_to(org)}
    )


# ---- 发展党员 and 组织关系转接 ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@party_only
def development_view(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    rules = policy(request.user)
    org = _branch(rules, pk)
    member = get_object_or_404(PartyMember, pk=member_id, branch=org)
    manages = rules.can_manage_branch(org)
    upcoming = development.next_stage(member)
    advance_form = AdvanceForm(request.POST if request.POST.get("action") == "advance" else None)
    transfer_form = TransferForm(
        request.POST if request.POST.get("action") == "transfer" else None, exclude=org.pk
    )
    status = 200
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        form = advance_form if advance_form.is_bound else transfer_form
        if form.is_valid():
            try:
                if form is advance_form and upcoming is not None:
                    d = advance_form.cleaned_data
                    development.advance(request.user, member.pk, upcoming, d["on"], d["note"])
                    messages.success(request, _("已记录。"))
                else:
                    d = transfer_form.cleaned_data
                    development.release(request.user, member.pk, d["to_branch"], d["reason"])
                    messages.success(request, _("已转出，待转入支部接收。"))
                return redirect("party:development", pk=org.pk, member_id=member.pk)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        status = 422
    due = rules_mod.next_due(member.stage, development.dates_of(member))
    return render(
        request,
        "party/development.html",
        {
            "branch": org,
            "member": member,
            "manages": manages,
            "upcoming": upcoming,
            "upcoming_label": Stage(upcoming).label if upcoming else "",
            "earliest": rules_mod.earliest(upcoming, development.dates_of(member))
            if upcoming
            else None,
            "due": due,
            "steps": member.steps.select_related("recorded_by"),
            "transfers": member.transfers.select_related("from_branch", "to_branch"),
            "advance_form": advance_form,
            "transfer_form": transfer_form,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@party_only
def transfers(request: HttpRequest, pk: int) -> HttpResponse:
    rules = policy(request.user)
    org = _branch(rules, pk)
    manages = rules.can_manage_branch(org)
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        item = get_object_or_404(Transfer, pk=request.POST.get("transfer") or 0, to_branch=org)
        try:
            accept = request.POST.get("action") == "accept"
            development.answer(request.user, item.pk, accept, request.POST.get("note", ""))
            messages.success(request, _("已接收。") if accept else _("已退回转出支部。"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("party:transfers", pk=org.pk)
    return render(
        request,
        "party/transfers.html",
        {
            "branch": org,
            "manages": manages,
            "incoming": Transfer.objects.filter(to_branch=org).select_related(
                "member", "from_branch", "released_by", "answered_by"
            )[:100],
            "outgoing": Transfer.objects.filter(from_branch=org).select_related(
                "member", "to_branch", "released_by", "answered_by"
            )[:100],
        },
    )


@require_GET
@party_only
def exam_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Results per branch: the secretary's branch, or the branches the committee above sees."""
    rules = policy(request.user)
    exam = get_object_or_404(Exam, pk=pk)
    if not (rules.secretary_orgs or rules.is_admin):
        raise PermissionDenied
    branches = rules.branches().filter(path__startswith=exam.org.path)
    chosen = request.GET.get("branch")
    if chosen:
        branches = branches.filter(pk=chosen)
    results = selectors.exam_results(exam, branches)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(bank.results_workbook(exam, results), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="exam-{exam.pk}-results.xlsx"'
        return response
    return render(
        request,
        "party/exam_results.html",
        {"exam": exam, "results": results, "branches": branches, "chosen": chosen or ""},
    )


# ---- 建言献策 --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@party_only
def suggestions_view(request: HttpRequest) -> HttpResponse:
    rules = policy(request.user)
    member = rules.member
    form = None
    status = 200
    if member is not None:
        form = SuggestionForm(request.POST or None, targets=suggestions.targets(member))
        if request.method == "POST":
            if form.is_valid():
                d = form.cleaned_data
                try:
                    row = suggestions.send(member, d["org"], d["title"], d["body"])
                    messages.success(request, _("建议已提交。"))
                    return redirect("party:suggestion", pk=row.pk)
                except DomainError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = 422
    elif request.method == "POST":
        raise PermissionDenied
    inbox = Suggestion.objects.filter(org__in=rules.secretary_orgs).select_related("member")
    return render(
        request,
        "party/suggestions.html",
        {
            "form": form,
            "mine": Suggestion.objects.filter(member=member).select_related("org")
            if member
            else [],
            "inbox": inbox[:100] if rules.secretary_orgs else [],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@party_only
def suggestion_view(request: HttpRequest, pk: int) -> HttpResponse:
    rules = policy(request.user)
    row = get_object_or_404(Suggestion.objects.select_related("member", "org"), pk=pk)
    answerable = suggestions.can_answer(request.user, row)
    if not (answerable or (rules.member and rules.member.pk == row.member_id)):
        raise Http404
    form = AnswerForm(request.POST or None) if answerable and row.answered_at is None else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                suggestions.reply(request.user, row.pk, form.cleaned_data["answer"])
                messages.success(request, _("已答复。"))
                return redirect("party:suggestion", pk=row.pk)
            except DomainError as exc:
                form.add_error("answer", exc.message)
        status = 422
    return render(request, "party/suggestion.html", {"row": row, "form": form}, status=status)
