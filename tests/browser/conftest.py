"""Browser tests: the suite's live server driven by Debian's Chromium through Playwright.

    def test_board(phone, login, people, axe, snap):
        login(phone, people.resident)          # a session cookie, no login form needed
        phone.goto("/")                        # relative to the live server
        snap(phone, "home")                    # var/artifacts/<test>/01-home.png
        axe(phone)                             # no serious/critical axe-core violation

Fixtures: `phone` (390×844, touch) and `desktop` (1366×900) pages, each in its own browser
context (own cookies), locale zh-CN; `open_page(device, user=None)` for more (two dispatchers at
once); `login(page, user)`; `snap(page, step)`; `axe(page)`. On a failure every open page's
screenshot goes to var/artifacts/ with the step screenshots (kept only then, unless
MASSLINE_KEEP_SCREENSHOTS=1). Without /usr/bin/chromium the tests are skipped, except under CI
(env CI set), where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
import shutil

import pytest
from django.conf import settings
from django.test import Client

from tests.browser import support


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _failed(request) -> bool:
    return any(
        getattr(request.node, f"rep_{when}", None) is not None
        and getattr(request.node, f"rep_{when}").failed
        for when in ("setup", "call")
    )


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests of this package, stopped after the last of them."""
    if not os.path.exists(support.CHROMIUM):
        reason = (
            f"Chromium not found at {support.CHROMIUM}: apt-get install chromium fonts-noto-cjk "
            "(or set MASSLINE_CHROMIUM)"
        )
        if os.environ.get("CI"):
            pytest.fail(reason + " — CI must run the browser tests", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API marks its event loop as running on this thread between calls, so
    # Django would refuse the tests' own (synchronous) ORM calls. They never overlap a browser
    # call; the flag is lifted again when the browser stops, before the rest of the suite.
    unsafe = "DJANGO_ALLOW_ASYNC_UNSAFE"
    before = os.environ.get(unsafe)
    os.environ[unsafe] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=support.CHROMIUM, headless=True)
            yield chromium
            chromium.close()
    finally:
        if before is None:
            os.environ.pop(unsafe, None)
        else:
            os.environ[unsafe] = before
        if asyncio._get_running_loop() is not None:  # left by an interrupted Playwright
            asyncio._set_running_loop(None)


@pytest.fixture
def open_page(browser, live_server, request):
    """open_page("phone" | "desktop", user=None, **context_options) → a Playwright Page in a
    fresh browser context whose relative URLs go to the live server; logged in as `user` if
    given. context_options go to browser.new_context (e.g. java_script_enabled=False)."""
    opened = []
    errors: list[str] = []

    def _open(device: str = "desktop", user=None, **context_options):
        options = {
            "base_url": live_server.url,
            "locale": "zh-CN",
            "timezone_id": "Asia/Shanghai",
            **(support.PHONE if device == "phone" else support.DESKTOP),
            **context_options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        page.on("console", lambda msg: _csp_violation(page, msg, errors))
        opened.append((device, page))
        if user is not None:
            _login(page, user, live_server.url)
        return page

    yield _open
    name = support.slug(request.node.name)
    if _failed(request):
        for n, (device, page) in enumerate(opened, start=1):
            try:
                support.shot(page, f"{name}/failed-{n}-{device}")
            except Exception as exc:  # a crashed page still lets the others be saved
                print(f"no screenshot of page {n}: {exc}")
    for _, page in opened:
        page.context.close()
    if errors and not _failed(request):
        pytest.fail(
            "JavaScript errors or CSP violations in the page:\n" + "\n".join(errors),
            pytrace=False,
        )


def _csp_violation(page, message, errors: list[str]) -> None:
    """Chromium reports what the Content-Security-Policy blocked as a console error."""
    if message.type == "error" and "Content Security Policy" in message.text:
        errors.append(f"{page.url}: {message.text}")


@pytest.fixture
def phone(open_page):
    return open_page("phone")


@pytest.fixture
def desktop(open_page):
    return open_page("desktop")


def _login(page, user, base_url: str) -> None:
    client = Client()
    client.force_login(user, backend="massline.accounts.backends.PhoneOrUsernameBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


@pytest.fixture
def login(live_server):
    """login(page, user): the page's browser context gets a session of `user` (made by
    Django's test client, no form); reload or navigate afterwards. The login form itself is
    for the journeys that test it."""

    def _do(page, user) -> None:
        _login(page, user, live_server.url)

    return _do


@pytest.fixture
def snap(request):
    """snap(page, step): a numbered screenshot of one step, var/artifacts/<test>/NN-step.png.
    Kept when the test fails (CI artefacts) or with MASSLINE_KEEP_SCREENSHOTS=1."""
    folder = support.ARTIFACTS / support.slug(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    count = 0

    def _snap(page, step: str):
        nonlocal count
        count += 1
        return support.shot(page, f"{folder.name}/{count:02d}-{support.slug(step)}")

    yield _snap
    if not _failed(request) and not os.environ.get("MASSLINE_KEEP_SCREENSHOTS"):
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def axe():
    """axe(page): fails on serious/critical axe-core violations; see support.axe."""
    return support.axe
