"""Streaming topics (热点): each appeal joins the nearest live topic or starts a new one.

An appeal becomes a sparse TF-IDF vector of its content words (title words count double, tf is
sublinear, the idf comes from the document frequencies seen so far or seeded with `fit_idf`),
cut to its `doc_terms` heaviest terms and L2-normalised. A topic keeps the sum of its members'
vectors (pruned to `centroid_terms` terms). Candidate topics come from an inverted index
term -> topics over each topic's heaviest terms; each posting list keeps only its newest
`postings_limit` topics and only the `max_candidates` topics sharing most terms are scored, so
the cost of one appeal does not grow with the history. After an appeal joins a topic, the topic
is merged with any of the 5 nearest other candidates whose centroid has become as close as
`merge_threshold` (this repairs the order effects of a single pass; checked on every join while
the topic has fewer than 16 appeals, then on every 16th). The appeal
joins the candidate with the highest cosine if it reaches `threshold`. Everything is a function
of the input order, so a re-run gives the same topics.

At reading time (`summaries`, or `regroup` directly) a second pass merges topics that are one
matter worded in different ways, which a single pass at `threshold` leaves apart when residents
name the matter with different words (油烟 vs 噪音 about the same 小区's ground-floor shops). Two
topics merge when all three agree:

- keywords: they share an anchor, a distinctive term among the `anchor_terms` (8) heaviest
  terms of both centroids -- distinctive: in at most `anchor_df` (2 %) of the appeals seen or
  at most 4 times as many as the two topics hold, so a term that is mostly theirs -- in practice
  the name of the place or of the thing (魅力, 搅拌站, 车贷);
- centroids: cosine >= `regroup_threshold` (0.2), and still >= `regroup_rest` (0.08) once the
  shared anchors are left out, so that two different problems at one place stay apart;
- place: the places passed to `add` (region names) do not contradict, i.e. when both topics
  have places, they have one in common.

Human decisions bind this pass as they bind `add`.

Hotness (``Topic.hotness``, parts in ``TopicSummary.parts``, which add up to it)::

    hotness   = residents + repeats + likes + recency + growth
    residents = Pw + 0.1 * (P - Pw)         Pw: distinct residents in the topic's busiest
                                            `window_days` (30) window, P: all distinct residents
    repeats   = 0.5 * sum over residents of log2(messages of that resident)
    likes     = 0.5 * sqrt(Lw + 0.1 * (L - Lw))    Lw: likes of the messages in that window,
                                                   L: likes of all its messages
    base      = residents + repeats + likes
    recency   = base * (R - 1),  R = 0.5 + 0.5 / (1 + age_days / 30),  age = now - last message
    growth    = base * R * (G - 1),  G = 1 + min(1, max(0, (n7 - p7 - 2) / (p7 + 3)))

so hotness = base * R * G. n7 / p7 = appeals in the last 7 days / the 7 days before. Why:
distinct residents are the sign that a matter is shared, and residents who write within a few
weeks of one another are a matter that flares up, so residents (and likes) outside the busiest
month count a tenth: a theme that returns all year (taxis, 公积金) is not one hot matter. A
resident writing again adds little and less each time (twice: 0.5, 30 times: 2.5), so one person
posting dozens of times stays below a handful of residents. A like is support but cheap and
clustered (a shown message collects them), so likes count with a square root: 100 likes weigh as
much as 5 residents, 400 as 10. Recency is hyperbolic with a floor of one half: a matter last
raised today counts fully, a month ago three quarters, and a matter raised by many people long
ago keeps half, so that on a year's board the big matters of spring still rank beside the news
of December. Growth at most doubles the score: a matter that is accelerating deserves attention
before it is big, but it takes three appeals in a quiet week to count (two give none) and five
to double.

Memory: with `horizon_days` / `max_topics`, stale topics retire (to `on_retire`, then out of
memory); with `member_limit` a topic keeps only its newest N member ids and times, counts
distinct residents exactly up to N and with a HyperLogLog sketch (about 3 % error) beyond, while
size, likes, first/last time and the daily counts behind growth stay exact. The state is then
bounded by the number of live topics, not by the number of appeals. The CLI keeps everything.

A human can merge and split topics. Both are remembered as constraints on appeal ids: merged
appeals must stay together and the two sides of a split must stay apart, so a later appeal can
neither undo them nor, when the history is replayed from `decisions()`, can the replay.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence, Set
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["Topic", "TopicSummary", "TopicTracker"]

DAY = 86400.0
WINDOW_DAYS = 30.0
Decision = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class TopicSummary:
    topic_id: int
    hotness: float
    size: int
    people: int
    likes: int
    first_at: float | None
    last_at: float | None
    places: list[str]
    keywords: list[str]
    title: str
    ids: list[Hashable]
    parts: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class Topic:
    id: int
    centroid: dict[str, float] = field(default_factory=dict)
    norm2: float = 0.0
    size: int = 0
    likes: int = 0
    first: float | None = None
    last: float | None = None
    ids: list[Hashable] = field(default_factory=list)
    persons: list[Hashable] = field(default_factory=list)
    person_set: set[Hashable] = field(default_factory=set)
    person_sketch: Any = None
    days: dict[int, int] = field(default_factory=dict)
    times: list[float | None] = field(default_factory=list)
    support: list[int] = field(default_factory=list)
    titles: list[tuple[Hashable, str, tuple[str, ...]]] = field(default_factory=list)
    vectors: dict[Hashable, dict[str, float]] = field(default_factory=dict)
    places: Counter[str] = field(default_factory=Counter)
    indexed: set[str] = field(default_factory=set)
    groups: set[int] = field(default_factory=set)

    @property
    def people(self) -> int:
        if self.person_sketch is not None:
            return max(len(self.person_set), math.floor(float(self.person_sketch.count()) + 0.5))
        return len(self.person_set)

    def add_person(self, person: Hashable, exact_limit: int | None) -> None:
        if self.person_sketch is not None:
            self.person_sketch.update(repr(person).encode("utf-8"))
            return
        self.person_set.add(person)
        if exact_limit is not None and len(self.person_set) > exact_limit:
            from datasketch import HyperLogLog

            sketch = HyperLogLog(p=10)
            for known in self.person_set:
                sketch.update(repr(known).encode("utf-8"))
            self.person_sketch = sketch

    def keywords(self, n: int = 5) -> list[str]:
        ranked = sorted(self.centroid.items(), key=lambda kv: (-kv[1], kv[0]))
        return [term for term, _ in ranked[:n]]

    def title(self) -> str:
        best, best_score = "", -1.0
        for _, title, words in self.titles:
            score = sum(self.centroid.get(w, 0.0) for w in set(words)) / math.sqrt(len(words) + 1)
            if score > best_score:
                best, best_score = title, score
        return best

    def hotness(self, now: float | None, window_days: float = WINDOW_DAYS) -> float:
        return sum(self.parts(now, window_days).values())

    def parts(self, now: float | None, window_days: float = WINDOW_DAYS) -> dict[str, float]:
        """The terms of the hotness (see the module's docstring); they add up to it."""
        people, total_likes = self.people, max(self.likes, 0)
        in_window, likes_in_window = _busiest(
            self.times, self.persons, self.support, window_days * DAY
        )
        if not in_window:  # no times: the whole topic is the window
            in_window, likes_in_window = people, total_likes
        in_window = min(in_window, people)
        likes_in_window = min(max(likes_in_window, 0), total_likes)
        residents = in_window + 0.1 * (people - in_window)
        by_person = Counter(self.persons)
        repeats = 0.5 * sum(math.log2(n) for n in by_person.values() if n > 1)
        likes = 0.5 * math.sqrt(likes_in_window + 0.1 * (total_likes - likes_in_window))
        base = residents + repeats + likes
        recency_factor = growth_factor = 1.0
        if now is not None and self.last is not None:
            age = max(0.0, now - self.last) / DAY
            recency_factor = 0.5 + 0.5 / (1.0 + age / 30.0)
            recent = previous = 0
            today = math.floor(now / DAY)
            for day, count in self.days.items():
                if 0 <= today - day < 7:
                    recent += count
                elif 7 <= today - day < 14:
                    previous += count
            growth_factor = 1.0 + min(1.0, max(0.0, (recent - previous - 2) / (previous + 3)))
        return {
            "residents": residents,
            "repeats": repeats,
            "likes": likes,
            "recency": base * (recency_factor - 1.0),
            "growth": base * recency_factor * (growth_factor - 1.0),
        }

    def summary(
        self,
        now: float | None,
        keywords: int = 5,
        places: int = 3,
        window_days: float = WINDOW_DAYS,
    ) -> TopicSummary:
        raw = self.parts(now, window_days)
        return TopicSummary(
            topic_id=self.id,
            hotness=round(sum(raw.values()), 4),
            size=self.size,
            people=self.people,
            likes=self.likes,
            first_at=self.first,
            last_at=self.last,
            places=[p for p, _ in sorted(self.places.items(), key=lambda kv: (-kv[1], kv[0]))][
                :places
            ],
            keywords=self.keywords(keywords),
            title=self.title(),
            ids=list(self.ids),
            parts={k: round(v, 4) for k, v in raw.items()},
        )


def _busiest(
    times: Sequence[float | None],
    persons: Sequence[Hashable],
    support: Sequence[int],
    span: float,
) -> tuple[int, int]:
    """Most distinct residents within any `span` seconds, and the likes of that window's
    messages (the first such window; (0, 0) when no message has a time)."""
    timed = sorted(
        ((t, p, s) for t, p, s in zip(times, persons, support, strict=True) if t is not None),
        key=lambda tps: tps[0],
    )
    inside: Counter[Hashable] = Counter()
    best = best_likes = likes = start = 0
    for at, person, liked in timed:
        inside[person] += 1
        likes += liked
        while timed[start][0] < at - span:
            gone = timed[start][1]
            likes -= timed[start][2]
            inside[gone] -= 1
            if not inside[gone]:
                del inside[gone]
            start += 1
        if len(inside) > best:
            best, best_likes = len(inside), likes
    return best, best_likes


def _timestamp(at: float | datetime | None) -> float | None:
    if at is None:
        return None
    if isinstance(at, datetime):
        return at.timestamp()
    return float(at)


class TopicTracker:
    def __init__(
        self,
        threshold: float = 0.2,
        merge_threshold: float = 0.35,
        doc_terms: int = 20,
        query_terms: int = 8,
        centroid_terms: int = 40,
        index_terms: int = 40,
        postings_limit: int = 50,
        max_candidates: int = 32,
        titles_kept: int = 30,
        vectors_kept: int = 50,
        member_limit: int | None = None,
        horizon_days: float | None = None,
        max_topics: int | None = None,
        on_retire: Callable[[TopicSummary], None] | None = None,
        regroup_threshold: float = 0.2,
        regroup_rest: float = 0.08,
        anchor_terms: int = 8,
        anchor_df: float = 0.02,
        window_days: float = WINDOW_DAYS,
    ) -> None:
        self.threshold = threshold
        self.regroup_threshold = regroup_threshold
        self.regroup_rest = regroup_rest
        self.anchor_terms = anchor_terms
        self.anchor_df = anchor_df
        self.window_days = window_days
        self.merge_threshold = merge_threshold
        self.doc_terms = doc_terms
        self.query_terms = query_terms
        self.centroid_terms = centroid_terms
        self.index_terms = index_terms
        self.postings_limit = postings_limit
        self.max_candidates = max_candidates
        self.titles_kept = titles_kept
        self.vectors_kept = vectors_kept
        self.member_limit = member_limit
        self.horizon = horizon_days * DAY if horizon_days else None
        self.max_topics = max_topics
        self.on_retire = on_retire
        self.topics: dict[int, Topic] = {}
        self.retired = 0
        self._df: Counter[str] = Counter()
        self._docs = 0
        self._postings: dict[str, list[int]] = {}
        self._next_id = 1
        self._alias: dict[int, int] = {}
        self._since_sweep = 0
        self._latest: float | None = None
        self._must: dict[Hashable, int] = {}
        self._apart: dict[int, set[int]] = {}
        self._group_topic: dict[int, int] = {}
        self._next_group = 1
        self._decisions: list[Decision] = []

    def __len__(self) -> int:
        return len(self.topics)

    # -- vectors -------------------------------------------------------------------------------

    def fit_idf(self, documents: Iterable[Sequence[str]]) -> None:
        """Seed document frequencies from a background corpus (lists of tokens)."""
        for words in documents:
            self._df.update(set(words))
            self._docs += 1

    def vector(self, title_words: Sequence[str], body_words: Sequence[str]) -> dict[str, float]:
        tf: Counter[str] = Counter(w for w in body_words if len(w) > 1)
        for w in title_words:
            if len(w) > 1:
                tf[w] += 2
        if not tf:
            return {}
        n = self._docs + 1
        df = self._df
        weights = {
            w: (1.0 + math.log(c)) * (math.log((n + 1) / (df.get(w, 0) + 1)) + 1.0)
            for w, c in tf.items()
        }
        if len(weights) > self.doc_terms:
            top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[: self.doc_terms]
            weights = dict(top)
        norm = math.sqrt(sum(v * v for v in weights.values()))
        return {w: v / norm for w, v in weights.items()}

    # -- assignment ----------------------------------------------------------------------------

    def resolve(self, topic_id: int) -> int:
        while topic_id in self._alias:
            topic_id = self._alias[topic_id]
        return topic_id

    def _candidates(self, vec: dict[str, float]) -> list[int]:
        """Topics sharing the most of the appeal's heaviest terms (newest first among equals)."""
        query = sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[: self.query_terms]
        hits: dict[int, int] = {}
        for term, _ in query:
            postings = self._postings.get(term)
            if postings:
                for tid in postings[-self.postings_limit :]:
                    hits[tid] = hits.get(tid, 0) + 1
        if len(hits) <= self.max_candidates:
            return sorted(hits)
        ranked = sorted(hits.items(), key=lambda kv: (-kv[1], -kv[0]))[: self.max_candidates]
        return sorted(tid for tid, _ in ranked)

    def _similarity(self, vec: dict[str, float], topic: Topic) -> float:
        if topic.norm2 <= 0:
            return 0.0
        c = topic.centroid
        return sum(v * c.get(t, 0.0) for t, v in vec.items()) / math.sqrt(topic.norm2)

    def nearest(
        self, vec: dict[str, float], exclude: Set[int] = frozenset()
    ) -> tuple[int, float, list[int]]:
        """Best topic, its cosine, and the other candidates close enough to consolidate with."""
        best, best_sim = 0, 0.0
        scored: list[tuple[float, int]] = []
        for tid in self._candidates(vec):
            topic = self.topics.get(tid)
            if topic is None or tid in exclude:
                continue
            sim = self._similarity(vec, topic)
            scored.append((sim, tid))
            if sim > best_sim:
                best, best_sim = tid, sim
        near = [tid for sim, tid in sorted(scored, key=lambda st: (-st[0], st[1]))[:5]
                if sim >= 0.5 * self.threshold]  # fmt: skip
        return best, best_sim, near

    def _consolidate(self, tid: int, others: list[int]) -> int:
        """Merge topics whose centroids have grown together (order effects of one pass)."""
        topic = self.topics[tid]
        apart = set().union(*(self._apart.get(g, ()) for g in topic.groups))
        c, n2 = topic.centroid, topic.norm2
        for other_id in others:
            other = self.topics.get(other_id)
            if other is None or other_id == tid or (apart and other.groups & apart):
                continue
            if other.groups and topic.groups and not (other.groups & topic.groups):
                continue
            small, big = (
                (c, other.centroid) if len(c) < len(other.centroid) else (other.centroid, c)
            )
            dot = sum(v * big.get(t, 0.0) for t, v in small.items())
            if dot >= self.merge_threshold * math.sqrt(n2 * other.norm2):
                keep, gone = (tid, other_id) if topic.size >= other.size else (other_id, tid)
                if topic.size == other.size:
                    keep, gone = min(tid, other_id), max(tid, other_id)
                self._merge(keep, gone)
                return keep
        return tid

    def add(
        self,
        appeal_id: Hashable,
        title_words: Sequence[str],
        body_words: Sequence[str] = (),
        *,
        title: str = "",
        at: float | datetime | None = None,
        person: Hashable | None = None,
        likes: int = 0,
        places: Iterable[str] = (),
    ) -> int:
        """Put one appeal into a topic and return the topic's id."""
        ts = _timestamp(at)
        vec = self.vector(title_words, body_words)
        group = self._must.get(appeal_id)
        tid = 0
        seen: list[int] = []
        if group is not None:
            tid = self._group_topic.get(group, 0)
            if tid not in self.topics:
                tid = 0
        if not tid and vec:
            exclude: set[int] = set()
            if group is not None and group in self._apart:
                apart = self._apart[group]
                exclude = {t for t, topic in self.topics.items() if topic.groups & apart}
            tid, sim, seen = self.nearest(vec, exclude)
            if sim < self.threshold:
                tid = 0
        joined = bool(tid)
        if not tid:
            tid = self._new_topic()
        topic = self.topics[tid]
        self._absorb(topic, vec)
        # Order effects matter while a topic is young; a large one is re-checked every 16th.
        young = topic.size < 16 or topic.size % 16 == 0
        if joined and young and self.merge_threshold < 1 and len(seen) > 1:
            tid = self._consolidate(tid, seen)
            topic = self.topics[tid]
        words = tuple(w for w in title_words if len(w) > 1)
        self._add_member(topic, appeal_id, ts, person, likes, places, title, words)
        if vec:
            topic.vectors[appeal_id] = vec
            if len(topic.vectors) > self.vectors_kept:
                del topic.vectors[next(iter(topic.vectors))]
        if group is not None:
            topic.groups.add(group)
            self._group_topic[group] = tid
        self._df.update(set(title_words) | set(body_words))
        self._docs += 1
        if ts is not None and (self._latest is None or ts > self._latest):
            self._latest = ts
        self._since_sweep += 1
        if self._since_sweep >= 1000:
            self.sweep()
        return tid

    def _new_topic(self) -> int:
        tid = self._next_id
        self._next_id += 1
        self.topics[tid] = Topic(id=tid)
        return tid

    def _absorb(self, topic: Topic, vec: dict[str, float]) -> None:
        c = topic.centroid
        delta = 0.0
        for t, v in vec.items():
            old = c.get(t, 0.0)
            c[t] = old + v
            delta += 2 * old * v + v * v
        topic.norm2 += delta
        if len(c) > 2 * self.centroid_terms:
            top = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[: self.centroid_terms]
            topic.centroid = dict(top)
            topic.norm2 = sum(v * v for v in topic.centroid.values())
        ranked = sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[: self.query_terms]
        for t, _ in ranked:
            if t in topic.indexed or len(topic.indexed) >= self.index_terms:
                continue
            topic.indexed.add(t)
            postings = self._postings.setdefault(t, [])
            postings.append(topic.id)
            if len(postings) > 2 * self.postings_limit:
                del postings[: -self.postings_limit]

    def _add_member(
        self,
        topic: Topic,
        appeal_id: Hashable,
        ts: float | None,
        person: Hashable | None,
        likes: int | str | None,
        places: Iterable[str],
        title: str,
        words: tuple[str, ...],
    ) -> None:
        topic.size += 1
        who = ("a", appeal_id) if person is None or person == "" else person
        topic.ids.append(appeal_id)
        topic.persons.append(who)
        topic.add_person(who, self.member_limit)
        topic.support.append(int(likes or 0))
        topic.likes += topic.support[-1]
        topic.times.append(ts)
        limit = self.member_limit
        if limit is not None and len(topic.ids) > 2 * limit:
            for column in (topic.ids, topic.persons, topic.support, topic.times):
                del column[:-limit]
        if ts is not None:
            topic.first = ts if topic.first is None else min(topic.first, ts)
            topic.last = ts if topic.last is None else max(topic.last, ts)
            day = math.floor(ts / DAY)
            topic.days[day] = topic.days.get(day, 0) + 1
            if len(topic.days) > 28:
                newest = max(topic.days)
                topic.days = {d: c for d, c in topic.days.items() if newest - d < 14}
        if len(topic.titles) < self.titles_kept and title:
            topic.titles.append((appeal_id, title, words))
        topic.places.update(places)

    # -- memory bound --------------------------------------------------------------------------

    def sweep(self) -> None:
        """Retire topics past the horizon or beyond `max_topics` (stalest first)."""
        self._since_sweep = 0
        doomed: list[int] = []
        if self.horizon is not None and self._latest is not None:
            cutoff = self._latest - self.horizon
            doomed = [
                tid for tid, t in self.topics.items() if t.last is not None and t.last < cutoff
            ]
        if self.max_topics is not None and len(self.topics) - len(doomed) > self.max_topics:
            gone = set(doomed)
            rest = [(t.last or 0.0, tid) for tid, t in self.topics.items() if tid not in gone]
            rest.sort()
            doomed += [tid for _, tid in rest[: len(rest) - int(self.max_topics * 0.9)]]
        for tid in doomed:
            topic = self.topics.pop(tid)
            self.retired += 1
            if self.on_retire is not None:
                self.on_retire(topic.summary(self._latest))
        if doomed:
            live = self.topics
            for term in list(self._postings):
                kept = [tid for tid in self._postings[term] if tid in live]
                if kept:
                    self._postings[term] = kept
                else:
                    del self._postings[term]

    # -- human decisions -----------------------------------------------------------------------

    def _group(self, ids: Iterable[Hashable]) -> int:
        group = self._next_group
        self._next_group += 1
        for appeal_id in ids:
            self._must[appeal_id] = group
        return group

    def merge(self, keep: int, other: int) -> int:
        """Merge topic `other` into `keep`; remembered, so later appeals cannot undo it."""
        keep, other = self.resolve(keep), self.resolve(other)
        if keep == other:
            return keep
        a = self._merge(keep, other)
        group = self._group(a.ids)
        a.groups = {group} | {g for g in a.groups if g in self._apart}
        for g in list(a.groups):
            self._group_topic[g] = keep
        self._decisions.append(("merge", list(a.ids)))
        return keep

    def _merge(self, keep: int, other: int) -> Topic:
        a, b = self.topics[keep], self.topics[other]
        for t, v in b.centroid.items():
            a.centroid[t] = a.centroid.get(t, 0.0) + v
        if len(a.centroid) > 2 * self.centroid_terms:
            top = sorted(a.centroid.items(), key=lambda kv: (-kv[1], kv[0]))
            a.centroid = dict(top[: self.centroid_terms])
        a.norm2 = sum(v * v for v in a.centroid.values())
        a.size += b.size
        a.likes += b.likes
        a.ids += b.ids
        a.persons += b.persons
        a.times += b.times
        a.support += b.support
        if b.person_sketch is not None and a.person_sketch is None:
            a.person_sketch, b.person_sketch = b.person_sketch, a.person_sketch
            a.person_set, b.person_set = b.person_set, a.person_set
        for who in b.person_set:
            a.add_person(who, self.member_limit)
        if b.person_sketch is not None:
            a.person_sketch.merge(b.person_sketch)
        for day, count in b.days.items():
            a.days[day] = a.days.get(day, 0) + count
        a.titles = (a.titles + b.titles)[: self.titles_kept]
        a.vectors.update(b.vectors)
        while len(a.vectors) > self.vectors_kept:
            del a.vectors[next(iter(a.vectors))]
        a.places.update(b.places)
        firsts = [x for x in (a.first, b.first) if x is not None]
        lasts = [x for x in (a.last, b.last) if x is not None]
        a.first = min(firsts) if firsts else None
        a.last = max(lasts) if lasts else None
        for term in b.indexed - a.indexed:
            self._postings.setdefault(term, []).append(keep)
        a.indexed |= b.indexed
        del self.topics[other]
        self._alias[other] = keep
        a.groups |= b.groups
        for g in b.groups:
            self._group_topic[g] = keep
        return a

    def split(self, topic_id: int, ids: Iterable[Hashable]) -> int:
        """Move `ids` out of a topic into a new one; the two stay apart from now on."""
        tid = self.resolve(topic_id)
        old = self.topics[tid]
        piece = [i for i in dict.fromkeys(ids) if i in set(old.ids)]
        if not piece or len(piece) == len(old.ids):
            raise ValueError("拆分须包含该热点的部分（而非全部）诉求")
        taken = set(piece)
        rest = [i for i in old.ids if i not in taken]
        new_id = self._new_topic()
        new = self.topics[new_id]
        positions = {appeal_id: n for n, appeal_id in enumerate(old.ids)}
        persons, times, support = old.persons, old.times, old.support
        for target, members in ((new, piece), (old, rest)):
            rows = [positions[m] for m in members]
            target.ids = list(members)
            target.size = len(members)
            target.persons = [persons[r] for r in rows]
            target.person_set, target.person_sketch = set(target.persons), None
            target.times = [times[r] for r in rows]
            target.days = {}
            for when in target.times:
                if when is not None:
                    day = math.floor(when / DAY)
                    target.days[day] = target.days.get(day, 0) + 1
            target.support = [support[r] for r in rows]
            target.likes = sum(target.support)
            known = [when for when in target.times if when is not None]
            target.first = min(known) if known else None
            target.last = max(known) if known else None
        new.places = Counter(old.places)
        vectors = old.vectors
        for target, inside in ((new, taken), (old, set(rest))):
            target.titles = [t for t in old.titles if t[0] in inside]
            target.vectors = {i: v for i, v in vectors.items() if i in inside}
            if target.vectors:
                centroid: dict[str, float] = {}
                for vec in target.vectors.values():
                    for term, weight in vec.items():
                        centroid[term] = centroid.get(term, 0.0) + weight
                target.centroid = centroid
            else:
                target.centroid = dict(old.centroid)
            target.norm2 = sum(v * v for v in target.centroid.values())
        top = sorted(new.centroid.items(), key=lambda kv: (-kv[1], kv[0]))[: self.index_terms]
        for term, _ in top:
            self._postings.setdefault(term, []).append(new_id)
        new.indexed = {term for term, _ in top}
        g_piece, g_rest = self._group(piece), self._group(rest)
        self._apart.setdefault(g_piece, set()).add(g_rest)
        self._apart.setdefault(g_rest, set()).add(g_piece)
        new.groups, old.groups = {g_piece}, {g_rest}
        self._group_topic[g_piece], self._group_topic[g_rest] = new_id, tid
        self._decisions.append(("split", list(piece), list(rest)))
        return new_id

    def decisions(self) -> list[Decision]:
        """Human merges and splits in order, to store and to replay with `apply_decisions`."""
        return list(self._decisions)

    def apply_decisions(self, decisions: Iterable[Sequence[Any]]) -> None:
        """Remember earlier human decisions before a replay of the same appeals."""
        for decision in decisions:
            kind = decision[0]
            if kind == "merge":
                self._group(decision[1])
            elif kind == "split":
                g_piece, g_rest = self._group(decision[1]), self._group(decision[2])
                self._apart.setdefault(g_piece, set()).add(g_rest)
                self._apart.setdefault(g_rest, set()).add(g_piece)
            else:
                raise ValueError(f"未知的人工操作：{kind}")
            self._decisions.append(tuple(decision))

    def _separated(self, a: Topic, b: Topic) -> bool:
        """Whether human decisions keep the two topics apart."""
        apart = set().union(*(self._apart.get(g, ()) for g in a.groups))
        if apart and b.groups & apart:
            return True
        return bool(a.groups and b.groups and not (a.groups & b.groups))

    def _rare(self, size: int) -> float:
        """Most documents a term may occur in to be distinctive for topics of `size` appeals."""
        return max(2.0, self.anchor_df * self._docs, 4.0 * size)

    def _top(self, topic: Topic) -> list[str]:
        ranked = sorted(topic.centroid.items(), key=lambda kv: (-kv[1], kv[0]))
        return [t for t, _ in ranked[: self.anchor_terms]]

    def _one_matter(self, a: Topic, b: Topic, shared: set[str]) -> bool:
        """Centroids, keywords (the shared anchors) and places agree: see the module docstring."""
        if a.norm2 <= 0 or b.norm2 <= 0:
            return False
        if a.places and b.places and not (a.places.keys() & b.places.keys()):
            return False
        small, big = (
            (a.centroid, b.centroid)
            if len(a.centroid) < len(b.centroid)
            else (b.centroid, a.centroid)
        )
        dot = sum(v * big.get(t, 0.0) for t, v in small.items())
        if dot < self.regroup_threshold * math.sqrt(a.norm2 * b.norm2):
            return False
        anchor_dot = sum(a.centroid.get(t, 0.0) * b.centroid.get(t, 0.0) for t in shared)
        rest_a = a.norm2 - sum(a.centroid.get(t, 0.0) ** 2 for t in shared)
        rest_b = b.norm2 - sum(b.centroid.get(t, 0.0) ** 2 for t in shared)
        if rest_a <= 0 or rest_b <= 0:
            return True
        return dot - anchor_dot >= self.regroup_rest * math.sqrt(rest_a * rest_b)

    def regroup(self, max_candidates: int = 50) -> int:
        """Merge live topics that are one matter in different words; returns how many merges.

        Larger topics absorb first; repeated until nothing merges (at most 3 rounds). Only topics
        sharing a distinctive term among their heaviest are compared, so the cost grows with the
        number of topics, not with its square.
        """
        merges = 0
        df = self._df
        for _ in range(3):
            tops = {tid: self._top(t) for tid, t in self.topics.items()}
            by_term: dict[str, list[int]] = {}
            for tid, terms in tops.items():
                for term in terms:
                    by_term.setdefault(term, []).append(tid)
            order = sorted(self.topics, key=lambda tid: (-self.topics[tid].size, tid))
            before = merges
            for tid in order:
                topic = self.topics.get(tid)
                if topic is None:
                    continue
                limit = self._rare(topic.size)
                shared_with: Counter[int] = Counter()
                for term in tops[tid]:
                    if df.get(term, 0) <= limit:
                        shared_with.update(
                            o for o in by_term[term] if o != tid and o in self.topics
                        )
                for other_id, _ in shared_with.most_common(max_candidates):
                    other = self.topics.get(other_id)
                    if other is None or self._separated(topic, other):
                        continue
                    limit = self._rare(topic.size + other.size)
                    shared = {t for t in tops[tid] if t in tops[other_id] and df.get(t, 0) <= limit}
                    if not shared or not self._one_matter(topic, other, shared):
                        continue
                    keep, gone = (tid, other_id)
                    if other.size > topic.size or (other.size == topic.size and other_id < tid):
                        keep, gone = other_id, tid
                    self._merge(keep, gone)
                    merges += 1
                    if keep != tid:
                        break
                    tops[tid] = self._top(topic)
                    limit = self._rare(topic.size)
            if merges == before:
                break
        return merges

    # -- reading -------------------------------------------------------------------------------

    def summaries(
        self, now: float | datetime | None = None, regroup: bool = True
    ) -> list[TopicSummary]:
        """Live topics, hottest first (ties: larger, then older id), after `regroup`."""
        if regroup:
            self.regroup()
        when = _timestamp(now) if now is not None else self._latest
        out = [t.summary(when, window_days=self.window_days) for t in self.topics.values()]
        out.sort(key=lambda s: (-s.hotness, -s.size, s.topic_id))
        return out
