"""考核 ranking in a real browser (issue 16 item 12): in 黄州区's October the four departments
at 100 share rank 1 and 红榜 (red), the two below are 黑榜 (black), in the table and in the
bar chart; the one with a single appeal stands apart unranked; on a 320 px phone the trend
chart's legend stays clear of its axes. axe-core on each page."""

import pytest
from playwright.sync_api import expect

from massline.assessment import rollup
from tests.assessment.histories import EXPECTED, tied_october

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RED = "rgb(183, 28, 28)"
BLACK = "rgb(33, 33, 33)"


@pytest.fixture
def october(orgs, people, settings):
    settings.ASSESSMENT_MIN_CASES = 2
    made = tied_october(orgs, people)
    rollup.rebuild()
    return made


def test_tied_departments_share_rank_one_in_red_and_the_last_two_are_black(
    october, orgs, people, open_page, axe, snap
):
    page = open_page("desktop", people.leader)
    page.goto(f"/office/assessment/?org={orgs.county.pk}&period=2026-10")
    table = page.locator("table.kaohe-ranking")
    for key, (rank, honour, _score) in EXPECTED.items():
        name = october.units[key].name
        if rank is None:
            expect(table).not_to_contain_text(name)
            expect(page.locator("table.kaohe-unranked")).to_contain_text(name)
            continue
        row = table.locator("tr", has=page.get_by_role("link", name=name, exact=True))
        expect(row.locator("td.kaohe-rank")).to_have_text(str(rank))
        badge = row.locator(".kaohe-badge")
        expect(badge).to_have_text("红榜" if honour == "red" else "黑榜")
        expect(badge).to_have_css("background-color", RED if honour == "red" else BLACK)
    chart = page.locator('[data-chart="ranking"] svg')
    expect(chart).to_be_visible()
    fills = chart.locator("path").evaluate_all(
        "ps => ps.map(p => p.getAttribute('fill')).filter(f => f && f.startsWith('#'))"
    )
    assert fills.count("#b71c1c") == 4 and fills.count("#424242") == 2, fills
    expect(page.locator(".kaohe-def").first).to_be_visible()
    snap(page, "ranking-desktop")
    axe(page)


def test_the_trend_legend_never_covers_an_axis_on_a_narrow_phone(
    october, orgs, people, open_page, axe, snap
):
    page = open_page("phone", people.leader, viewport={"width": 320, "height": 700})
    page.goto(f"/office/assessment/?org={orgs.county.pk}&period=2026-10")
    svg = page.locator('[data-chart="trend"] svg')
    expect(svg).to_be_visible()
    overlaps = svg.evaluate(
        """svg => {
          const data = JSON.parse(document.getElementById("kaohe-data").textContent);
          const legend = Object.values(data.series);
          const texts = [...svg.querySelectorAll("text")];
          const boxes = t => t.getBoundingClientRect();
          const shown = texts.filter(t => legend.includes(t.textContent));
          const axis = texts.filter(t => /^(\\d+|\\d{4}-\\d{2})$/.test(t.textContent));
          const hit = (a, b) =>
            a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
          if (!shown.length || !axis.length) return ["no legend or no axis labels"];
          // the plot starts at its highest axis label: the legend must end above it
          const top = Math.min(...axis.map(x => boxes(x).top));
          const above = shown.filter(l => boxes(l).bottom > top).map(l => l.textContent);
          const pairs = shown.flatMap(l => axis.filter(x => hit(boxes(l), boxes(x)))
            .map(x => l.textContent + "/" + x.textContent));
          return above.concat(pairs);
        }"""
    )
    assert overlaps == []
    snap(page, "trend-phone")
    axe(page)
