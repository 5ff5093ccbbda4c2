"""Every style pages use (badges, dense tables, forms, notices, timeline, figures) on one page:
axe-core checks their contrast and names on a phone, in the office and in 关怀模式."""

from pathlib import Path

import pytest
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import include, path
from playwright.sync_api import expect

from tests.browser import support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATES = [
    ("submitted", "待受理"),
    ("accepted", "已受理"),
    ("assigned", "已派单"),
    ("in_progress", "办理中"),
    ("replied", "已答复"),
    ("closed", "已办结"),
    ("rejected", "不予受理"),
    ("returned", "已退回"),
    ("reopened", "重办"),
]
ROWS = [
    {"no": "HG20261201-000101", "title": "夜间施工噪音扰民", "state": "in_progress",
     "label": "办理中", "standing": "normal", "days": 6, "css": ""},
    {"no": "HG20261128-000087", "title": "小区门口占道经营", "state": "assigned",
     "label": "已派单", "standing": "warning", "days": 1, "css": "is-warning"},
    {"no": "HG20261120-000042", "title": "路灯损坏多日未修", "state": "reopened",
     "label": "重办", "standing": "overdue", "days": 3, "css": "is-overdue"},
]  # fmt: skip
SOURCE = (Path(__file__).parent / "templates" / "components.html").read_text(encoding="utf-8")


def _components(request):
    page = Paginator(list(range(60)), 20).get_page(request.GET.get("page", 2))
    context = {
        "states": STATES,
        "rows": ROWS,
        "page_obj": page,
        "body_class": request.GET.get("body", "resident"),
    }
    return HttpResponse(Template(SOURCE).render(RequestContext(request, context)))


urlpatterns = [path("_components/", _components), path("", include("massline.urls"))]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("device", "body", "care"),
    [("phone", "resident", False), ("desktop", "office", False), ("phone", "resident", True)],
)
def test_every_component_passes_axe(open_page, live_server, axe, device, body, care):
    page = open_page(device)
    if care:
        cookie = {"name": "massline_care", "value": "1", "url": live_server.url}
        page.context.add_cookies([cookie])
    page.goto(f"/_components/?body={body}")
    expect(page.get_by_role("heading", level=1)).to_have_text("组件一览")
    axe(page)
    support.shot(page, f"screens/components-{device}-{body}{'-care' if care else ''}")
