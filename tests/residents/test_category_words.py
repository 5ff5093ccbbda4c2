"""Categories are found by the words residents use at every level, and a deployment switches off
what it has no use for (issue 16 item 10: the filter found nothing for 道路, 路灯, 停车, 垃圾,
井盖, 违建 or 欠薪, and offered 地铁城铁 and 冬季采暖 in 黄冈)."""

import csv
import re

import pytest
from django.test import Client

from massline.appeals.models import Category
from massline.appeals.taxonomy import CATEGORY_WORDS_CSV, find_category

pytestmark = pytest.mark.django_db

WORDS = ["道路", "路灯", "停车", "垃圾", "井盖", "违建", "欠薪"]


def _options(html: str, select_id: str) -> list[tuple[str, str]]:
    select = html[html.index(f'id="{select_id}"') :].split("</select>")[0]
    return re.findall(r'<option value="(\d+)"(?: data-words="([^"]*)")?', select)


def test_every_listed_word_path_names_a_category_of_the_shipped_tree():
    with CATEGORY_WORDS_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    missing = [
        r for r in rows if find_category(Category, r["level1"], r["level2"], r["level3"]) is None
    ]
    assert rows and missing == []


@pytest.mark.parametrize("word", WORDS)
def test_a_residents_word_finds_a_category_on_the_submit_page_and_the_board(people, word):
    c = Client()
    c.force_login(people.resident)
    for page, select in (
        (c.get("/submit/").text, "id_category_id"),
        (c.get("/board/").text, "id_category"),
    ):
        hits = [pk for pk, words in _options(page, select) if word in (words or "")]
        assert hits, f"{word} finds nothing in {select}"


def test_a_switched_off_category_is_offered_nowhere(people):
    metro = find_category(Category, "城乡建设", "城市建设和市政管理", "地铁城铁")
    metro.is_active = False
    metro.save()
    c = Client()
    c.force_login(people.resident)
    assert "地铁城铁" not in c.get("/submit/").text and "地铁城铁" not in c.get("/board/").text
