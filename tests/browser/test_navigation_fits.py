"""The main navigation fits a 320 px phone, for residents and staff, with and without 关怀模式:
every link is on the screen, none behind a horizontal scroll (issue 16 item 3: at 390 px the
工作台 tab was cut off, and 我的留言 in 关怀模式)."""

import pytest

from tests.browser import support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFF_SCREEN = """() => {
  const nav = document.querySelector(".site-nav");
  const width = document.documentElement.clientWidth;
  const out = [...nav.querySelectorAll("a")]
    .filter((a) => { const r = a.getBoundingClientRect(); return r.left < 0 || r.right > width; })
    .map((a) => a.textContent.trim());
  return {out, scrolls: nav.scrollWidth > nav.clientWidth || document.body.scrollWidth > width,
          links: nav.querySelectorAll("a").length};
}"""


@pytest.mark.parametrize("care", [False, True], ids=["plain", "care"])
@pytest.mark.parametrize("persona", ["resident", "county_dispatcher"])
def test_every_nav_link_is_on_a_320_px_screen(open_page, live_server, people, persona, care):
    page = open_page("phone", getattr(people, persona), viewport={"width": 320, "height": 640})
    if care:
        cookie = {"name": "massline_care", "value": "1", "url": live_server.url}
        page.context.add_cookies([cookie])
    page.goto("/board/")
    found = page.evaluate(OFF_SCREEN)
    support.shot(page, f"screens/nav-320-{persona}{'-care' if care else ''}")
    assert found["links"] >= 4
    assert found["out"] == [] and not found["scrolls"]
