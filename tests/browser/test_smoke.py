"""The layout in a real browser: phone and desktop, axe-core, Chinese glyphs, 关怀模式, English."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_home_page_on_a_phone_and_a_desktop(open_page, axe, device):
    page = open_page(device)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("网上群众路线")
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
    assert support.renders_cjk(page), "Chinese characters render as boxes: install a CJK font"
    assert page.evaluate("() => [typeof htmx, htmx.config.historyCacheSize]") == ["object", 0]
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], "the page scrolls sideways"
    support.shot(page, f"screens/home-{device}")
    axe(page)


def test_the_404_page_in_the_browser(phone, axe):
    response = phone.goto("/no-such-page/")
    assert response.status == 404
    expect(phone.get_by_role("heading", level=1)).to_have_text("页面不存在")
    support.shot(phone, "screens/404-phone")
    axe(phone)


def _root_font_px(page) -> float:
    return page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")


def test_care_mode_is_remembered_across_a_reload(phone, axe):
    phone.goto("/")
    toggle = phone.get_by_role("button", name="关怀模式")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    normal = _root_font_px(phone)
    toggle.click()
    expect(phone.locator("html")).to_have_class(re.compile(r"\bcare\b"))
    expect(toggle).to_have_attribute("aria-pressed", "true")
    phone.reload()
    expect(phone.locator("html")).to_have_class(re.compile(r"\bcare\b"))
    assert _root_font_px(phone) >= normal * 1.2
    support.shot(phone, "screens/home-phone-care")
    axe(phone)
    phone.get_by_role("button", name="关怀模式").click()
    expect(phone.locator("html")).not_to_have_class(re.compile(r"\bcare\b"))
    phone.reload()
    expect(phone.locator("html")).not_to_have_class(re.compile(r"\bcare\b"))
    assert _root_font_px(phone) == normal


def test_care_mode_without_javascript(open_page):
    page = open_page("phone", java_script_enabled=False)
    page.goto("/")
    page.get_by_role("button", name="关怀模式").click()
    expect(page.locator("html")).to_have_class("care")
    expect(page).to_have_url(re.compile(r"/$"))
    page.reload()
    expect(page.locator("html")).to_have_class("care")


def test_switching_to_english_and_back(desktop, axe):
    desktop.goto("/")
    desktop.get_by_role("button", name="English").click()
    expect(desktop.locator("html")).to_have_attribute("lang", "en")
    nav = desktop.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(desktop.get_by_role("button", name="Easy reading")).to_be_visible()
    support.shot(desktop, "screens/home-desktop-en")
    axe(desktop)
    desktop.get_by_role("button", name="中文").click()
    expect(desktop.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(desktop.get_by_role("navigation", name="主导航")).to_be_visible()


def test_htmx_requests_carry_the_csrf_token(desktop):
    desktop.goto("/")
    with desktop.expect_response("**/care-mode/") as answer:
        desktop.evaluate(
            "() => htmx.ajax('POST', '/care-mode/', "
            "{source: 'main', values: {care: 'on', next: '/'}, swap: 'none'})"
        )
    assert answer.value.request.header_value("x-csrftoken")
    assert answer.value.status == 302  # a 403 would mean the CSRF header was missing
    cookies = {c["name"]: c["value"] for c in desktop.context.cookies()}
    assert cookies.get("massline_care") == "1"


def test_the_login_helper_gives_the_page_a_session(desktop, login, people):
    desktop.goto("/")
    login(desktop, people.resident)
    desktop.reload()
    expect(desktop.locator(".site-tools .user-name")).to_have_text("张三丰")


def test_axe_fails_a_page_with_a_serious_violation(desktop, axe):
    desktop.goto("/")
    desktop.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML('beforeend', "
        "'<img src=\"/static/vendor/none.png\"><button></button>')"
    )
    with pytest.raises(AssertionError, match=r"image-alt|button-name"):
        axe(desktop)


def test_printing_keeps_the_content_and_drops_the_chrome(desktop):
    desktop.goto("/")
    desktop.emulate_media(media="print")
    expect(desktop.locator(".site-header")).to_be_hidden()
    expect(desktop.get_by_role("heading", level=1)).to_be_visible()
