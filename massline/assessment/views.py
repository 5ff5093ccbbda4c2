"""考核 pages: a unit's figures and rankings for a period, the appeals behind a number, the
XLSX report, and the public transparency page. Thin: reading comes from `selectors`."""

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from massline.assessment import access, report, selectors
from massline.assessment import figures as fg
from massline.assessment.rollup import previous_month
from massline.core.errors import InvalidInput
from massline.orgs.models import Org

PAGE_SIZE = 50


def readers_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("residents:login"))
        scopes = access.scopes(request.user)
        if not scopes:
            raise PermissionDenied
        return view(request, scopes, *args, **kwargs)

    return wrapper


def _unit(request: HttpRequest, scopes: list[Org]) -> Org:
    raw = request.GET.get("org", "")
    if not raw:
        return scopes[0]
    if not raw.isdigit() or len(raw) > 18:
        raise Http404
    org = Org.objects.filter(pk=int(raw)).first()
    if org is None or not any(org.path.startswith(s.path) for s in scopes):
        raise Http404
    return org


def _period(request: HttpRequest, default: fg.Period) -> tuple[fg.Period, str]:
    """The period asked for, or the default with the reason the request's was refused."""
    start, end = request.GET.get("start", ""), request.GET.get("end", "")
    text = f"{start}~{end}" if start or end else request.GET.get("period", "")
    if not text:
        return default, ""
    try:
        return fg.parse_period(text), ""
    except InvalidInput as exc:
        return default, exc.message


def _chart_data(view: selectors.Overview) -> dict[str, Any]:
    def pct(value: float | None) -> float | None:
        return None if value is None else round(100 * value, 1)

    return {
        "months": [f"{m:%Y-%m}" for m, _ in view.trend],
        "score": [f.score for _, f in view.trend],
        "on_time": [pct(f.rates["on_time"]) for _, f in view.trend],
        "satisfaction": [pct(f.rates["satisfaction"]) for _, f in view.trend],
        "series": {
            "score": str(_("综合得分")),
            "on_time": str(_("按时办结率（%）")),
            "satisfaction": str(_("满意率（%）")),
        },
        "rankings": {
            str(fg.GROUPS[g][0]): {
                "names": [fg.label(r.org) for r in rows if r.rank],
                "scores": [r.figures.score for r in rows if r.rank],
                "honours": [r.honour for r in rows if r.rank],
            }
            for g, rows in view.rankings.items()
        },
    }


@require_GET
@readers_only
def overview(request: HttpRequest, scopes: list[Org]) -> HttpResponse:
    unit = _unit(request, scopes)
    today = timezone.localdate()
    period, error = _period(request, fg.month_period(_last_full_month(today)))
    view = selectors.overview(unit, period)
    return render(
        request,
        "assessment/overview.html",
        {
            "view": view,
            "error": error,
            "rates": fg.RATES,
            "counts": fg.COUNTS,
            "score_how": fg.score_how(),
            "ranking_rule": fg.ranking_rule(),
            "steps_note": fg.STEPS_NOTE,
            "mean_days_how": fg.MEAN_DAYS_HOW,
            "direct_how": fg.DIRECT_HOW,
            "overdue_how": fg.OVERDUE_HOW,
            "period_key": fg.period_key(period),
            "choices": [(fg.period_key(p), p.label) for p in fg.recent_periods(today)],
            "units": selectors.readable_units(scopes),
            "chart": _chart_data(view),
            "groups": {g: str(fg.GROUPS[g][0]) for g in fg.GROUPS},
            "supervises": access.supervises(request.user),
        },
    )


@require_GET
@readers_only
def behind(request: HttpRequest, scopes: list[Org]) -> HttpResponse:
    unit = _unit(request, scopes)
    period, error = _period(request, fg.month_period(timezone.localdate()))
    figure = request.GET.get("figure", "")
    if figure not in selectors.FIGURES_BEHIND:
        raise Http404
    qs = selectors.behind(request.user, unit, period, figure)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/behind.html",
        {
            "unit": unit,
            "period": period,
            "period_key": fg.period_key(period),
            "error": error,
            "figure": figure,
            "figure_label": selectors.FIGURES_BEHIND[figure],
            "definition": selectors.definition(figure),
            "rows": selectors.behind_rows(request.user, list(page.object_list)),
            "page_obj": page,
        },
    )


@require_GET
@readers_only
def report_xlsx(request: HttpRequest, scopes: list[Org]) -> HttpResponse:
    unit = _unit(request, scopes)
    period, error = _period(request, fg.month_period(timezone.localdate()))
    if error:
        return HttpResponse(error, status=422, content_type="text/plain; charset=utf-8")
    data = report.workbook(selectors.overview(unit, period))
    name = f"kaohe-{unit.pk}-{fg.period_key(period).replace('~', '_')}.xlsx"
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _last_full_month(today: date) -> date:
    return previous_month(today.replace(day=1))


@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    """The public page: each department's and each county's month, ranked; no personal data
    and no link to any appeal."""
    root = access.home_government()
    if root is None:
        raise Http404
    today = timezone.localdate()
    latest = _last_full_month(today)
    months = [m for m in selectors.trend_months(today, 12)][::-1]
    asked = request.GET.get("month", "")
    error = ""
    month = latest
    if asked:
        try:
            chosen = fg.parse_period(asked)
            if chosen.kind != "month" or chosen.start not in months:
                raise InvalidInput("只能查看最近12个月。", field="month")
            month = chosen.start
        except InvalidInput as exc:
            error = exc.message
    period = fg.month_period(month)
    rankings = {g: fg.ranking(root, g, period) for g in fg.GROUPS}
    return render(
        request,
        "assessment/transparency.html",
        {
            "root": root,
            "period": period,
            "months": [(f"{m:%Y-%m}", fg.month_period(m).label) for m in months],
            "current": f"{month:%Y-%m}",
            "rankings": {str(fg.GROUPS[g][0]): rows for g, rows in rankings.items() if rows},
            "rates": [fg.RATE[k] for k in ("response", "on_time", "resolution", "satisfaction")],
            "score_how": fg.score_how(),
            "ranking_rule": fg.ranking_rule(),
            "received_how": fg.COUNTS["received"][1],
            "error": error,
            "partial": month == today.replace(day=1),
        },
    )
