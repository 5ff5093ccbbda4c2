"""舆情 pages: the overview of an org subtree and period, and the appeals behind its numbers.
Thin: reading comes from `selectors`, who may read what from `permissions` and the appeals
Policy."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from massline.assessment import figures as fg
from massline.core.errors import DomainError, InvalidInput, NotFound
from massline.opinion import alerts, permissions, selectors
from massline.orgs.models import Org, OrgKind

PAGE_SIZE = 50


def readers_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("residents:login"))
        scopes = permissions.scopes(request.user)
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


def _period(request: HttpRequest) -> tuple[fg.Period, str]:
    default = selectors.default_period(timezone.localdate())
    start, end = request.GET.get("start", ""), request.GET.get("end", "")
    text = f"{start}~{end}" if start or end else request.GET.get("period", "")
    if not text:
        return default, ""
    try:
        return fg.parse_period(text), ""
    except InvalidInput as exc:
        return default, exc.message


def _units(scopes: list[Org]) -> list[Org]:
    out: list[Org] = []
    for scope in scopes:
        out += list(
            scope.subtree()
            .filter(is_active=True, kind=OrgKind.GOVERNMENT)
            .order_by("level", "path")
        )
    return out


def _chart(view: selectors.Overview) -> dict[str, Any]:
    return {
        "days": [f"{d:%m-%d}" for d in view.days],
        "categories": [{"name": s.label, "data": s.by_day} for s in view.by_category],
        "kinds": [{"name": s.label, "data": s.by_day} for s in view.by_kind],
        "negative": view.negative_by_day,
        "analysed": view.analysed_by_day,
        "negativity": view.mean_negativity_by_day,
        "keywords": [{"name": w, "value": n} for w, n in view.keywords],
        "topics": {
            "names": [t.topic.title for t in view.topics],
            "hotness": [t.hotness for t in view.topics],
        },
    }


def _behind_url(unit: Org, period: fg.Period) -> str:
    query = urlencode({"org": str(unit.pk), "period": fg.period_key(period)})
    return f"{reverse('opinion:behind')}?{query}"


def _matrix(days: list, series: list[selectors.Series]) -> list[tuple[Any, list[tuple[str, int]]]]:
    """Day by day, each series' count (the table beside a chart)."""
    return [(d, [(s.key, s.by_day[i]) for s in series]) for i, d in enumerate(days)]


@require_GET
@readers_only
def overview(request: HttpRequest, scopes: list[Org]) -> HttpResponse:
    unit = _unit(request, scopes)
    period, error = _period(request)
    view = selectors.overview(request.user, unit, period)
    return render(
        request,
        "opinion/overview.html",
        {
            "view": view,
            "error": error,
            "units": _units(scopes),
            "period_key": fg.period_key(period),
            "behind": _behind_url(unit, period),
            "alerts": alerts.live_alerts(unit),
            "chart": _chart(view),
            "sentiment_rows": list(
                zip(
                    view.days,
                    view.analysed_by_day,
                    view.negative_by_day,
                    view.mean_negativity_by_day,
                    strict=True,
                )
            ),
            "category_rows": _matrix(view.days, view.by_category),
            "kind_rows": _matrix(view.days, view.by_kind),
        },
    )


@require_GET
@readers_only
def behind(request: HttpRequest, scopes: list[Org]) -> HttpResponse:
    unit = _unit(request, scopes)
    period, error = _period(request)
    filters = {k: request.GET.get(k, "") for k in selectors.FILTERS if request.GET.get(k)}
    qs = selectors.appeals(unit, period, **filters).order_by("-created_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "opinion/behind.html",
        {
            "unit": unit,
            "period": period,
            "period_key": fg.period_key(period),
            "error": error,
            "filters": filters,
            "rows": selectors.appeal_rows(
                request.user, qs.filter(pk__in=[a.pk for a in page.object_list])
            ),
            "page_obj": page,
        },
    )


ALERT_ACTIONS = {"acknowledge": alerts.acknowledge_alert, "close": alerts.close_alert}


@require_POST
@readers_only
def alert_action(request: HttpRequest, scopes: list[Org], pk: int, action: str) -> HttpResponse:
    """知悉 or 关闭 an alert; back to the overview it was shown on, with what happened."""
    change = ALERT_ACTIONS.get(action)
    if change is None:
        raise Http404
    try:
        alert = change(pk, request.user)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("预警状态：%(state)s。") % {"state": alert.get_state_display()})
    back = request.POST.get("next", "")
    if not back.startswith("/office/opinion/") or "//" in back:
        back = reverse("opinion:overview")
    return redirect(back)
