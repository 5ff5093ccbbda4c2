"""舆情 in a real browser on the demo: the city's analyst lands on the overview from the office,
sees hot topics and urgent appeals with masked text and charts beside their tables, and follows
a number to the appeals behind it. axe-core on every page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from massline.accounts.models import User
from massline.appeals.models import Appeal
from massline.demo.loader import load_demo
from massline.opinion.models import AppealAnalysis

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    load_demo(seed=2026, count=40)
    assert AppealAnalysis.objects.filter(state="done").count() == 40
    return User.objects.get(username="analyst_city")


def test_the_analyst_opens_the_overview_sees_topics_and_follows_a_number_to_its_appeals(
    demo, open_page, axe, snap
):
    page = open_page("phone", demo)
    page.goto("/office/")
    page.get_by_role("link", name="舆情概览").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("舆情概览")
    expect(page.get_by_role("heading", name="热点话题")).to_be_visible()
    expect(page.locator(".opinion-topics tbody tr").first).to_be_visible()
    expect(page.locator("[data-chart=categories] svg")).to_be_attached()
    snap(page, "overview")
    axe(page)
    body = page.locator("main").inner_text()
    assert not re.search(r"1[3-9]\d{9}", body), "an analyst reads no phone number"

    total = page.locator(".opinion-stats .stat").first.locator("a")
    start = timezone.localdate() - timedelta(days=29)
    in_period = Appeal.objects.filter(created_at__date__gte=start, merged_into__isnull=True)
    assert int(total.inner_text()) == in_period.count() > 0
    topic_link = page.locator(".opinion-topics tbody th a").first
    size = page.locator(".opinion-topics tbody tr").first.locator("td.num a").first.inner_text()
    topic_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"（{size}）")
    expect(page.locator("table tbody tr")).to_have_count(int(size))
    snap(page, "behind")
    axe(page)
