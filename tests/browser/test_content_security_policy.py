"""The Content-Security-Policy in a real browser: an inline script injected into a page does not
run, and the site's own pages (charts, htmx, the API docs, the admin) work under it; the other
browser tests fail on any CSP violation Chromium reports."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INJECT = """() => {
  const s = document.createElement("script");
  s.textContent = "window.__injected = 1";
  document.body.appendChild(s);
  const d = document.createElement("div");
  d.setAttribute("onclick", "window.__injected = 2");
  document.body.appendChild(d);
  d.click();
  return window.__injected === undefined;
}"""


def test_an_injected_inline_script_does_not_run(browser, live_server, people):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto("/board/")
    assert page.evaluate(INJECT) is True
    assert blocked, "Chromium reports what the policy refused"
    context.close()


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        (None, "/"),
        (None, "/board/"),
        (None, "/api/docs"),
        (None, "/admin/login/"),
        ("resident", "/submit/"),
        ("county_dispatcher", "/office/"),
        ("leader", "/office/assessment/"),
    ],
)
def test_the_sites_pages_work_under_the_policy(open_page, people, persona, path):
    page = open_page("desktop", getattr(people, persona) if persona else None)
    response = page.goto(path)
    assert response.status < 400
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    if path == "/api/docs":
        page.locator(".opblock").first.wait_for()
