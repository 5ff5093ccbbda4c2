"""What a reader of the demo board notices about its texts (issue 16, "Demo"): the full demo of
`massline demo` (its 900 appeals), read as a dispatcher, a resident browsing the public list
and the analysis engine read it."""

import itertools
import re
from collections import Counter, defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import override_settings

from massline.analysis.duplicates import DuplicateIndex, prepare
from massline.analysis.sentiment import default_scorer
from massline.analysis.text import default_segmenter, normalise, strip_boilerplate
from massline.analysis.topics import TopicTracker
from massline.appeals.models import Appeal, AppealEvent, Category, Kind
from massline.demo import texts
from massline.demo.loader import load_demo
from massline.orgs.models import Region

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SAME_TEXT = 0.5
"""Two residents' bodies that share half of their character 3-grams read as one text."""


@pytest.fixture(scope="module")
def board(django_db_setup, django_db_blocker):
    """The demo as `massline demo` loads it (default seed and count), rolled back at the end."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(PASSWORD_HASHERS=hashers),
    ):
        load_demo(now=NOW)
        yield list(Appeal.objects.select_related("category__parent__parent").order_by("pk"))
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def _shingles(text: str) -> set[str]:
    """What the engine compares: normalised letters, digit runs as one, in 3-grams."""
    flat = re.sub(r"\d+", "0", prepare(text))
    return {flat[i : i + 3] for i in range(len(flat) - 2)}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _copies() -> set[int]:
    """Appeals the hub rejected as a copy of another."""
    rejected = AppealEvent.objects.filter(action="reject", data__reason="duplicate")
    return set(rejected.values_list("appeal_id", flat=True))


def _deliberate(board) -> set[frozenset[int]]:
    """Pairs the hub itself treated as one matter: merged together, or rejected as a copy."""
    groups = defaultdict(set)
    for a in board:
        if a.merged_into_id:
            groups[a.merged_into_id] |= {a.pk, a.merged_into_id}
    pairs = {frozenset(p) for g in groups.values() for p in itertools.combinations(g, 2)}
    copies = _copies()
    pairs |= {frozenset((a.pk, b.pk)) for a in board for b in board if a.pk in copies}
    return pairs


def test_no_two_residents_send_the_same_text_unless_the_hub_treated_them_as_one(board):
    deliberate = _deliberate(board)
    shingles = {a.pk: _shingles(a.body) for a in board}
    alike = [
        (round(_jaccard(shingles[a.pk], shingles[b.pk]), 2), a.title, b.title)
        for a, b in itertools.combinations(board, 2)
        if a.submitted_by_id != b.submitted_by_id
        and frozenset((a.pk, b.pk)) not in deliberate
        and _jaccard(shingles[a.pk], shingles[b.pk]) >= SAME_TEXT
    ]
    assert alike == []


def test_the_engine_flags_as_duplicates_only_what_the_hub_merged_or_rejected(board):
    """The dispatcher's desk asks one index per hub for near-duplicates (suggestions.py)."""
    deliberate = _deliberate(board)
    by_hub = defaultdict(DuplicateIndex)
    resident = {a.pk: a.submitted_by_id for a in board}
    flagged = []
    for a in board:
        for pk, sim in by_hub[a.hub_id].check_and_add(a.pk, f"{a.title}\n{a.body}"):
            same_person = resident[pk] == a.submitted_by_id
            if not same_person and frozenset((pk, a.pk)) not in deliberate:
                flagged.append((round(sim, 2), a.title))
    assert flagged == []


def test_the_board_lists_varied_titles_not_one_pattern_on_every_street(board):
    titles = [a.title for a in board]
    assert len(set(titles)) >= 0.95 * len(titles)
    places = {r.name for r in Region.objects.filter(code__startswith="4211")}
    places |= {r.short_name for r in Region.objects.filter(code__startswith="4211")}
    for values in (texts.PLACES["roads"], texts.PLACES["communities"], texts.PLACES["estates"]):
        places |= {v for vs in values.values() for v in vs}
    places |= set(texts.NAMES["estates"]) | set(texts.NAMES["villages"])
    places |= set(texts.NAMES["shops"]) | set(texts.NAMES["companies"])
    pattern = re.compile("|".join(sorted(map(re.escape, filter(None, places)), key=len)[::-1]))
    village = re.compile(r"\w家\w村|\d+栋\d+单元|鄂J\w{5}|\d+")
    skeletons = Counter(village.sub("", pattern.sub("", t)) for t in titles)
    repeated = {s: n for s, n in skeletons.items() if n > 3}
    assert repeated == {}


def test_a_story_that_is_one_persons_is_told_by_one_resident(board):
    """An illness, unpaid wages, an injury: its telling appears under one name only."""
    bodies = [(a.submitted_by_id, a.body) for a in board]
    for matter in (m for m in texts.MATTERS if m.personal):
        for fact in matter.facts:
            core = max(re.split(r"\{\w+\}", fact.text), key=len)[:14]
            tellers = {who for who, body in bodies if core in body}
            assert len(tellers) <= 1, (matter.key, core)


def test_hot_topics_are_many_residents_about_one_event_in_their_own_words(board):
    copies = _copies()
    for name, spec in texts.CLUSTERS.items():
        members = [a for a in board if a.title in spec["titles"] and a.pk not in copies]
        assert len(members) >= 4, name
        assert len({a.submitted_by_id for a in members}) >= 4, name
        assert len({a.body for a in members}) == len(members), name


def test_the_engine_finds_each_hot_topic_as_one_topic(board):
    """As `massline analyse topics` runs the tracker: the residents writing about the flooded
    underpass (and about the night works) land in one topic each."""
    seg = default_segmenter()
    tracker = TopicTracker()
    docs = [
        (seg.tokens(normalise(a.title)), seg.tokens(strip_boilerplate(normalise(a.body))))
        for a in board
    ]
    tracker.fit_idf(t + b for t, b in docs)
    topic = {}
    in_time = sorted(zip(board, docs, strict=True), key=lambda pair: pair[0].created_at)
    for a, (title_words, body_words) in in_time:
        topic[a.pk] = tracker.add(
            a.pk, title_words, body_words, title=a.title, at=a.created_at, person=a.submitted_by_id
        )
    for name, spec in texts.CLUSTERS.items():
        members = [a.pk for a in board if a.title in spec["titles"]]
        found = Counter(tracker.resolve(topic[pk]) for pk in members)
        assert found.most_common(1)[0][1] >= len(members) - 1, (name, found)


def test_residents_write_short_and_long_in_every_kind(board):
    kinds = Counter(a.kind for a in board)
    assert set(kinds) == set(Kind.values)
    assert kinds["complaint"] > kinds["consultation"] > kinds["praise"]
    lengths = [len(a.body) for a in board]
    assert min(lengths) >= 10
    assert sum(n < 40 for n in lengths) >= 30
    assert sum(n > 250 for n in lengths) >= 5
    voices = ("冇得", "晓得", "撒", "么样")
    assert sum(any(v in a.body for v in voices) for a in board) >= 30


def test_the_board_spans_the_taxonomy_and_names_real_places(board):
    categorised = [a for a in board if a.category_id]
    top = {a.category.parent.parent.name for a in categorised}
    assert top == set(Category.objects.filter(level=1).values_list("name", flat=True))
    assert len({a.category_id for a in categorised}) >= 80
    towns = {a.region.name for a in Appeal.objects.select_related("region")}
    assert len(towns) >= 40


def test_some_appeals_are_urgent_as_the_engine_reads_them_but_not_most(board):
    scorer = default_scorer()
    urgent = [a for a in board if scorer.urgency(f"{a.title}。{a.body}")[0] >= 2]
    assert 0.01 * len(board) <= len(urgent) <= 0.15 * len(board)


def test_replies_answer_their_own_appeal(board):
    replied = [a for a in board if a.reply_text]
    assert len({a.reply_text for a in replied}) >= 0.9 * len(replied)
    templated = [a for a in replied if a.reply_text in texts.TEMPLATE_REPLIES]
    assert len(templated) <= 0.1 * len(replied)


def test_the_departments_numbers_in_public_replies_stay_readable_on_the_board(board):
    """Issue 16 item 9 on the demo: each office registers the number its replies give."""
    from django.contrib.auth.models import AnonymousUser

    from massline.appeals.privacy import masker
    from massline.appeals.selectors import AppealFilters, appeal_list

    public = appeal_list(AnonymousUser(), AppealFilters()).select_related("reply_org", "lead_org")
    shown = [masker(a, see_original=False)(a.reply_text) for a in public if "0713-" in a.reply_text]
    assert shown, "the demo's replies give office numbers"
    assert all(re.search(r"0713-8\d{6}", text) for text in shown)
    assert not any("0713-8***" in text or "0713-8****" in text for text in shown)
