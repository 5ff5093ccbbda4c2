"""The paginator reads a page by its keys first: every page holds the rows, in the order, that
slicing the list itself gives, for the lists the pages show (the board, its search, a queue)."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from massline.appeals import queues
from massline.appeals.models import Appeal, State
from massline.appeals.privacy import index_appeal
from massline.appeals.search import search
from massline.core.pagination import Paginator

STATES = [State.SUBMITTED, State.ACCEPTED, State.REOPENED, State.ASSIGNED, State.REPLIED]
TITLES = ["胜利街路灯损坏", "考棚街井盖缺失", "东湖小区停车难", "东湖小区物业不作为"]


@pytest.fixture
def many(people, orgs, places):
    """57 appeals of both hubs in several states, some at the same moment (ties in the order),
    some with a reply deadline and some without."""
    rng = random.Random(5)
    start = timezone.now() - timedelta(days=30)
    rows = []
    for n in range(57):
        created = start + timedelta(hours=rng.randrange(0, 40))
        state = STATES[n % len(STATES)]
        a = Appeal(
            tracking_no=f"HG20260101-{n:06d}",
            kind="complaint",
            title=TITLES[n % len(TITLES)],
            body="请尽快处理。",
            region=places.donghu,
            is_public=n % 7 != 0,
            submitted_by=people.resident,
            hub=orgs.county_hub if n % 3 else orgs.city_hub,
            state=state,
            created_at=created,
            reply_due_at=created + timedelta(days=rng.choice([5, 9])) if n % 2 else None,
        )
        index_appeal(a)
        rows.append(a)
    Appeal.objects.bulk_create(rows)
    return rows


def pages_of(qs, per_page):
    paginator = Paginator(qs, per_page)
    return [list(paginator.page(n).object_list) for n in paginator.page_range]


def slices_of(qs, per_page):
    rows = list(qs)
    return [rows[i : i + per_page] for i in range(0, len(rows), per_page)]


@pytest.mark.parametrize("per_page", [5, 20])
def test_board_pages_are_the_slices_of_the_board(many, per_page):
    board = Appeal.objects.public().select_related("region", "hub")
    assert pages_of(board, per_page) == slices_of(board, per_page)
    assert sum(map(len, pages_of(board, per_page))) == board.count() > per_page


@pytest.mark.parametrize("masked", [False, True])
def test_search_pages_hold_only_matches_on_every_page(many, masked):
    found = search(Appeal.objects.public(), "东湖小区", masked=masked)
    pages = pages_of(found, 4)
    assert pages == slices_of(found, 4) and len(pages) > 2
    assert all("东湖小区" in a.title for page in pages for a in page)


def test_queue_pages_keep_the_deadline_order_with_related_rows(many, people):
    qs = queues.queue(people.city_dispatcher, "to_dispatch").prefetch_related("co_orgs")
    pages = pages_of(qs, 3)
    assert pages == slices_of(qs, 3) and len(pages) > 2
    first = pages[0][0]
    assert first.hub.name and list(first.co_orgs.all()) == []


def test_a_count_given_is_not_counted_again(many, django_assert_num_queries):
    qs = Appeal.objects.public()
    with django_assert_num_queries(1):
        page = Paginator(qs, 10, count=qs.count()).get_page(2)
    with django_assert_num_queries(1):
        assert len(page.object_list) == 10
