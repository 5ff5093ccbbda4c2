"""The layout every page extends: error pages in Chinese, language, 关怀模式, partials."""

import re
from datetime import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.test import Client, RequestFactory
from django.urls import include, path

STATIC = Path(__file__).resolve().parents[2] / "massline" / "core" / "static"


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("boom")


# This module is also the URLconf of the tests marked with it: the site plus two failing views.
urlpatterns = [
    path("test-forbidden/", _forbidden),
    path("test-broken/", _broken),
    path("api/test-broken/", _broken),
    path("", include("massline.urls")),
]
handler403 = "massline.core.views.forbidden"
handler404 = "massline.core.views.not_found"
handler500 = "massline.core.views.server_error"


def _html(res) -> str:
    assert res["Content-Type"].startswith("text/html"), res["Content-Type"]
    return res.content.decode()


def test_the_home_page_is_in_the_layout_in_chinese(client, db):
    html = _html(client.get("/"))
    assert '<html lang="zh-hans"' in html
    assert 'class="skip-link" href="#main"' in html and '<main id="main"' in html
    assert "网上群众路线" in html and "关怀模式" in html
    assert 'aria-current="page">首页</a>' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_the_layout_loads_nothing_from_elsewhere(client, db):
    html = _html(client.get("/"))
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    for name in ("htmx.org/htmx.min.js", "htmx.org/LICENSE", "echarts/echarts.min.js"):
        assert (STATIC / "vendor" / name).is_file(), name
    assert (STATIC / "vendor" / "axe-core" / "LICENSE").is_file()


def test_a_missing_page_is_the_chinese_404_page(client, db):
    res = client.get("/no-such-page/")
    assert res.status_code == 404
    html = _html(res)
    assert "页面不存在" in html and "返回首页" in html and 'class="site-header"' in html


def test_a_missing_api_address_is_still_json(client, db):
    res = client.get("/api/v1/no-such-thing")
    assert res.status_code == 404
    assert res.json() == {"code": "not_found", "message": "请求的地址不存在。", "field": None}


@pytest.mark.urls(__name__)
def test_a_forbidden_page_is_the_chinese_403_page(client, db):
    res = client.get("/test-forbidden/")
    assert res.status_code == 403
    html = _html(res)
    assert "没有权限访问此页面" in html and 'class="site-header"' in html


@pytest.mark.urls(__name__)
def test_a_server_error_is_the_chinese_500_page_without_the_database():
    """No `db` fixture: a query while rendering the 500 page would fail this test."""
    client = Client(raise_request_exception=False)
    res = client.get("/test-broken/")
    assert res.status_code == 500
    html = _html(res)
    assert "服务器出错了" in html and 'class="site-header"' in html
    assert "csrfmiddlewaretoken" not in html  # no request context, so no header forms
    res = client.get("/api/test-broken/")
    assert res.status_code == 500
    assert res.json()["code"] == "server_error"


def test_a_stale_form_is_the_chinese_csrf_page(db):
    client = Client(enforce_csrf_checks=True)
    res = client.post("/care-mode/", {"care": "on"})
    assert res.status_code == 403
    assert "页面已过期" in _html(res)


def test_english_is_chosen_in_the_header_not_by_the_browser(client, db):
    html = _html(client.get("/", headers={"accept-language": "en-US,en;q=0.9"}))
    assert '<html lang="zh-hans"' in html
    res = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert res.status_code == 302 and res["Location"] == "/"
    html = _html(client.get("/"))
    assert '<html lang="en"' in html
    assert "Skip to main content" in html and "Easy reading" in html
    assert 'value="zh-hans" lang="zh-Hans">中文</button>' in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans"' in _html(client.get("/"))


def test_care_mode_is_remembered_by_a_cookie_without_javascript(client, db):
    assert 'aria-pressed="false"' in _html(client.get("/"))
    res = client.post("/care-mode/", {"care": "on", "next": "/?page=2"})
    assert res.status_code == 302 and res["Location"] == "/?page=2"
    assert client.cookies["massline_care"].value == "1"
    html = _html(client.get("/"))
    assert '<html lang="zh-hans" class="care">' in html
    assert 'name="care" value="off"' in html and 'aria-pressed="true"' in html
    client.post("/care-mode/", {"care": "on"})  # asking twice does not flip it back
    assert 'class="care"' in _html(client.get("/"))
    client.post("/care-mode/", {"care": "off"})
    assert 'class="care"' not in _html(client.get("/"))


def test_care_mode_goes_back_only_to_this_site(client, db):
    res = client.post("/care-mode/", {"care": "on", "next": "https://evil.example/"})
    assert res["Location"] == "/"


def _render(source: str, **context) -> str:
    return Template("{% load massline_ui %}" + source).render(Context(context)).strip()


@pytest.mark.parametrize(
    ("status", "days", "text", "css"),
    [
        ("normal", 2, "剩余 2 个工作日", "deadline-normal"),
        ("warning", 1, "剩余 1 个工作日", "deadline-warning"),
        ("overdue", 1, "已超期 1 天", "deadline-overdue"),
        ("severe", 9, "已超期 9 天（严重）", "deadline-severe"),
        ("warning", None, "即将超期", "deadline-warning"),
    ],
)
def test_the_deadline_badge(status, days, text, css):
    html = _render("{% deadline_badge status days=days %}", status=status, days=days)
    assert f'class="badge {css}"' in html and html.endswith(f"{text}</span>"), html


def test_the_deadline_badge_says_nothing_without_a_deadline():
    assert _render("{% deadline_badge 'none' %}") == ""


def test_the_deadline_badge_in_english():
    from django.utils import translation

    with translation.override("en"):
        html = _render("{% deadline_badge 'normal' days=2 due=due %}", due=datetime(2026, 12, 3))
    assert "2 working days left" in html and 'title="Due 2026-12-03' in html


def test_pagination_keeps_the_filters():
    page = Paginator(list(range(50)), 20).page(2)
    request = RequestFactory().get("/board/", {"q": "噪音", "page": "2"})
    html = Template('{% include "core/partials/pagination.html" %}').render(
        RequestContext(request, {"page_obj": page})
    )
    assert 'href="?q=%E5%99%AA%E9%9F%B3&amp;page=1" rel="prev"' in html
    assert 'href="?q=%E5%99%AA%E9%9F%B3&amp;page=3" rel="next"' in html
    assert "第 2 / 3 页" in html


def test_nav_links_to_pages_not_yet_routed_are_left_out():
    assert _render('{% nav_link "no-such:page" "无" %}') == ""
    request = RequestFactory().get("/")
    html = _render('{% nav_link "home" "首页" exact=True %}', request=request)
    assert html == '<li><a href="/" aria-current="page">首页</a></li>'


def test_the_field_partial_ties_help_and_errors_to_the_widget():
    from django import forms

    class AppealForm(forms.Form):
        title = forms.CharField(label="标题", min_length=5, help_text="5 到 60 个字")
        public = forms.BooleanField(label="公开", required=False)

    form = AppealForm({"title": "ab"})
    assert not form.is_valid()
    html = Template(
        '{% include "core/partials/field.html" with field=form.title %}'
        '{% include "core/partials/field.html" with field=form.public %}'
    ).render(Context({"form": form}))
    assert '<label for="id_title" class="required">标题</label>' in html
    assert 'aria-invalid="true" aria-describedby="id_title_helptext id_title_error"' in html
    assert html.count('id="id_title_error"') == 1 and html.count('id="id_title_helptext"') == 1
    assert '<label for="id_public"><input type="checkbox"' in html


def test_every_html_page_sends_a_policy_that_refuses_inline_script_and_style(people, client):
    for url in ("/", "/board/", "/login/", "/api/docs", "/no-such-page/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
        assert "unsafe" not in policy


def test_json_answers_carry_no_page_policy(people, client):
    assert "Content-Security-Policy" not in client.get("/api/v1/categories")
    assert "Content-Security-Policy" not in client.get("/healthz")
