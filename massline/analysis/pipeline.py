"""One call per appeal: normalise → segment → classify → places → duplicates → topic → sentiment.

`Analyser` keeps the incremental state (duplicate index, topics, burst baselines) between calls,
so the Django task that runs after intake is one line::

    result = analyser.analyse(appeal.pk, appeal.title, appeal.body, at=appeal.created_at)

By default the state is bounded for a long-running service: the duplicate index holds the
200,000 most recent appeals, topics quiet for 90 days retire (pass a `TopicTracker` with
`on_retire` to store them), a topic keeps its newest 1,000 member ids, and burst baselines of
keys gone quiet are dropped. The Django layer keeps the full record in the database.

`analyser.save(path)` / `Analyser.load(path, classifier=model)` carry the state across
restarts (the classifier has its own versioned file and is not part of the state). The state
file is a pickle: load only files this program wrote.
"""

from __future__ import annotations

import pickle
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .bursts import Alert, BurstDetector
from .duplicates import DuplicateIndex, compact
from .places import PlaceIndex, PlaceMatch, Region
from .sentiment import SentimentScorer, default_scorer
from .text import Segmenter, default_segmenter, normalise, strip_boilerplate
from .topics import TopicTracker

__all__ = ["Analyser", "Analysis"]

FORMAT = "massline-analyser"
VERSION = 1


@dataclass(slots=True)
class Analysis:
    id: Hashable
    text: str
    tokens: list[str]
    label: str | None = None
    confidence: float | None = None
    top: list[tuple[str, float]] = field(default_factory=list)
    places: list[PlaceMatch] = field(default_factory=list)
    region: Region | None = None
    duplicates: list[tuple[Hashable, float]] = field(default_factory=list)
    topic_id: int | None = None
    negativity: float = 0.0
    urgent: bool = False
    urgency_level: int = 0
    flags: tuple[str, ...] = ()
    urgent_terms: tuple[str, ...] = ()
    alerts: list[Alert] = field(default_factory=list)

    @property
    def duplicate_of(self) -> Hashable | None:
        return self.duplicates[0][0] if self.duplicates else None


def _prediction(raw: Any) -> tuple[str | None, float | None, list[tuple[str, float]]]:
    """Accept a classifier's answer as an object (label/confidence/top) or a tuple."""
    if raw is None:
        return None, None, []
    if isinstance(raw, tuple):
        label, confidence = raw[0], raw[1]
        top = list(raw[2]) if len(raw) > 2 else []
        return label, float(confidence), top
    label = getattr(raw, "label", None)
    confidence = getattr(raw, "confidence", None)
    top = list(getattr(raw, "top", None) or getattr(raw, "top3", None) or [])
    return label, None if confidence is None else float(confidence), top


class Analyser:
    """The engine's facade.

    `classifier` is either an object with `predict(title, body)` (and, used by `analyse_many`,
    `predict_many(pairs)`; `learn_one(title, body, label)` for `learn`), such as
    `classify.CategoryClassifier`, or any callable `(title, body) -> prediction`.
    """

    def __init__(
        self,
        *,
        classifier: Any = None,
        places: PlaceIndex | None = None,
        segmenter: Segmenter | None = None,
        duplicates: DuplicateIndex | None = None,
        topics: TopicTracker | None = None,
        bursts: BurstDetector | None = None,
        scorer: SentimentScorer | None = None,
    ):
        self.classifier = classifier
        self.places = places
        self.duplicates = duplicates if duplicates is not None else DuplicateIndex()
        self.topics = (
            topics
            if topics is not None
            else TopicTracker(horizon_days=90, max_topics=100_000, member_limit=1000)
        )
        self.bursts = bursts if bursts is not None else BurstDetector(quiet_past=True)
        self._segmenter = segmenter
        self._scorer = scorer
        self.count = 0

    @property
    def segmenter(self) -> Segmenter:
        if self._segmenter is None:
            if self.places is not None and len(self.places):
                self._segmenter = Segmenter(self.places.words())
            else:
                self._segmenter = default_segmenter()
        return self._segmenter

    @property
    def scorer(self) -> SentimentScorer:
        if self._scorer is None:
            self._scorer = default_scorer()
        return self._scorer

    def _classify(self, title: str, body: str) -> Any:
        predict = getattr(self.classifier, "predict", None)
        return predict(title, body) if predict is not None else self.classifier(title, body)

    def learn(self, title: str, body: str, label: str) -> None:
        """Pass a dispatcher-confirmed category on to the classifier, if it can learn."""
        learn_one = getattr(self.classifier, "learn_one", None)
        if learn_one is not None:
            learn_one(normalise(title), strip_boilerplate(normalise(body)), label)

    def analyse(
        self,
        appeal_id: Hashable,
        title: str,
        body: str = "",
        *,
        at: datetime | float | None = None,
        person: Hashable | None = None,
        likes: int = 0,
    ) -> Analysis:
        """Analyse one appeal and fold it into the state (duplicates, topics, baselines)."""
        title_n, body_n = normalise(title), normalise(body)
        body_m = strip_boilerplate(body_n)
        prediction = self._classify(title_n, body_m) if self.classifier is not None else None
        return self._finish(
            appeal_id, title, title_n, body_n, body_m, prediction, at, person, likes
        )

    def analyse_many(self, rows: Sequence[Mapping[str, Any]]) -> list[Analysis]:
        """Like `analyse` on each row (keys id, title, body, at, person, likes), in order, with
        one batched classifier call: what a task draining a backlog should use."""
        prepared = []
        for row in rows:
            title_n, body_n = normalise(row.get("title", "")), normalise(row.get("body", ""))
            prepared.append((row, title_n, body_n, strip_boilerplate(body_n)))
        predictions: list[Any] = [None] * len(prepared)
        if self.classifier is not None:
            pairs = [(t, m) for _, t, _, m in prepared]
            many = getattr(self.classifier, "predict_many", None)
            predictions = many(pairs) if many is not None else [self._classify(*p) for p in pairs]
        return [
            self._finish(
                row["id"],
                row.get("title", ""),
                title_n,
                body_n,
                body_m,
                prediction,
                row.get("at"),
                row.get("person"),
                int(row.get("likes") or 0),
            )
            for (row, title_n, body_n, body_m), prediction in zip(
                prepared, predictions, strict=True
            )
        ]

    def _finish(
        self,
        appeal_id: Hashable,
        title: str,
        title_n: str,
        body_n: str,
        body_m: str,
        prediction: Any,
        at: datetime | float | None,
        person: Hashable | None,
        likes: int,
    ) -> Analysis:
        text = f"{title_n}\n{body_n}" if body_n else title_n
        seg = self.segmenter
        title_words = seg.tokens(title_n)
        body_words = seg.tokens(body_m)
        result = Analysis(id=appeal_id, text=text, tokens=title_words + body_words)
        result.label, result.confidence, result.top = _prediction(prediction)
        place_names: list[str] = []
        if self.places is not None:
            result.places = self.places.find(text)
            result.region = self.places.best_of(result.places)
            place_names = list(dict.fromkeys(m.name for m in result.places))
        sig = self.duplicates.signature(compact(f"{title_n}{body_m}"), prepared=True)
        result.duplicates = [
            pair for pair in self.duplicates.query_signature(sig, 6) if pair[0] != appeal_id
        ][:5]
        self.duplicates.add_signature(appeal_id, sig)
        result.topic_id = self.topics.add(
            appeal_id,
            title_words,
            body_words,
            title=title,
            at=at,
            person=person,
            likes=likes,
            places=place_names,
        )
        feeling = self.scorer.score(text, normalised=True)
        result.negativity = feeling.negativity
        result.urgent = feeling.urgent
        result.urgency_level = feeling.level
        result.flags = feeling.flags
        result.urgent_terms = feeling.terms
        if at is not None:
            keys: list[Hashable] = [("topic", result.topic_id)]
            if result.label:
                keys.append(("category", result.label))
            if result.region is not None:
                keys.append(("region", result.region.code))
            for key in keys:
                result.alerts += self.bursts.add(key, at)
        self.count += 1
        return result

    # -- state ---------------------------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_segmenter"] = None
        state["_scorer"] = None
        state["classifier"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def save(self, path: str | Path) -> None:
        """Write the whole incremental state (indexes, topics, baselines) to one file."""
        tmp = Path(f"{path}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump({"format": FORMAT, "version": VERSION}, fh, protocol=5)
            pickle.dump(self, fh, protocol=5)
        tmp.replace(path)

    @classmethod
    def load(cls, path: str | Path, classifier: Any = None) -> Analyser:
        """Read a saved state; the classifier is its own file, so it is passed in again."""
        with open(path, "rb") as fh:
            header = pickle.load(fh)
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise ValueError(f"{path}: 不是分析引擎的状态文件")
            if header.get("version") != VERSION:
                raise ValueError(f"{path}: 状态文件版本 {header.get('version')} 不受支持")
            analyser = pickle.load(fh)
        if not isinstance(analyser, cls):
            raise ValueError(f"{path}: 状态文件内容无效")
        analyser.classifier = classifier
        return analyser
