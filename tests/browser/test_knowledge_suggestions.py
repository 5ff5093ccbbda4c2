"""The submit page on a phone: as the resident types a title, the knowledge base's public
answers appear below it (htmx, debounced), read in place; axe-core finds nothing serious."""

import pytest
from playwright.sync_api import expect

from massline.knowledge.models import Entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_a_title_shows_matching_answers_before_sending(phone, login, people, orgs, axe):
    Entry.objects.create(
        title="社保卡丢了怎么补办",
        answer="社保卡遗失请先拨打12333挂失，再带身份证到市民之家社保窗口补办，现场制卡约20分钟。",
        keywords="社保卡 补卡 挂失",
        org=orgs.city_hub,
    )
    login(phone, people.resident)
    phone.goto("/submit/")
    axe(phone)
    phone.get_by_label("标题").fill("社保卡丢了去哪补")
    found = phone.locator("#kb-suggest")
    expect(found.get_by_text("社保卡丢了怎么补办")).to_be_visible()
    found.get_by_text("社保卡丢了怎么补办").click()
    expect(found.get_by_text("现场制卡约20分钟", exact=False)).to_be_visible()
    axe(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= phone.viewport_size["width"]
