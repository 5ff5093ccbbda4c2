"""Every query parameter of every page, given what an attacker or a broken link sends: the page
answers with a 2xx, a redirect or a 4xx, never a 5xx (issue 15 finding 4: `?month=9999-12` and
an overflowing `?category=` were 500s). In the spirit of the API's schema fuzzing."""

from urllib.parse import urlencode

import pytest
from django.test import Client

HOSTILE = [
    "9999-12",
    "0000-00",
    "2026-13",
    "2026-11~2025-01",
    "-1",
    "0",
    "999999999999999999999999",
    "1e309",
    "NaN",
    "２０２６-１１",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%00",
    "\x00",
    "東" * 3000,
    "",
    " ",
]

RAW = ["%ED%A0%80", "%FF%FE", "%C0%AF"]
"""Bytes no browser form sends: a lone surrogate's UTF-8, invalid UTF-8, an overlong '/'."""

# (persona, path, its query parameters)
PAGES = [
    (None, "/", []),
    (None, "/board/", ["q", "kind", "state", "category", "region", "month", "page"]),
    (None, "/lookup/", []),
    (None, "/submit/similar/", ["title", "region_code"]),
    (None, "/knowledge/", ["q", "title", "region_code"]),
    (None, "/login/", ["next"]),
    (None, "/register/", ["phone"]),
    (None, "/password-reset/", ["phone"]),
    (None, "/transparency/", ["month"]),
    (None, "/appeals/{no}/", []),
    ("resident", "/mine/", ["page"]),
    ("resident", "/submit/", ["sent"]),
    ("resident", "/notices/", ["unread", "page"]),
    ("county_dispatcher", "/office/", []),
    ("county_dispatcher", "/office/queue/new/", ["q", "page"]),
    ("county_dispatcher", "/office/search/", ["q", "page"]),
    ("leader", "/office/supervision/", ["scope", "q"]),
    ("county_dispatcher", "/office/appeals/{no}/", ["org", "kb_q", "kb"]),
    ("county_dispatcher", "/office/register/", []),
    ("leader", "/office/assessment/", ["org", "period", "start", "end"]),
    ("leader", "/office/assessment/appeals/", ["org", "period", "start", "end", "figure", "page"]),
    ("leader", "/office/assessment/report.xlsx", ["org", "period"]),
]


def _client(people, persona):
    client = Client()
    if persona is not None:
        client.force_login(getattr(people, persona))
    return client


@pytest.mark.parametrize(("persona", "path", "params"), PAGES, ids=[p[1] for p in PAGES])
def test_no_query_value_makes_a_page_fail(people, submit, persona, path, params):
    url = path.format(no=submit()["tracking_no"])
    client = _client(people, persona)
    failures = []
    asked = [urlencode({name: value}) for name in params for value in HOSTILE]
    asked += [urlencode({name: value for name in params}) for value in HOSTILE]
    asked += [f"{name}={raw}" for name in params for raw in RAW]
    asked += [urlencode({name: ["1", "2"] for name in params}, doseq=True)] if params else [""]
    for query in asked:
        status = client.get(f"{url}?{query}").status_code
        if status >= 500:
            failures.append((query[:80], status))
    assert failures == []


def test_an_impossible_month_on_the_board_is_a_form_error_at_its_field(db):
    page = Client().get("/board/", {"month": "9999-12"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "请按“年-月”填写" in html and 'aria-invalid="true"' in html


def test_an_overflowing_category_on_the_board_is_refused_at_its_field(db):
    page = Client().get("/board/", {"category": "999999999999999999999999"})
    assert page.status_code == 200 and 'aria-invalid="true"' in page.content.decode()
