"""Analysing appeals in the worker: the engine's state in this process and the rows it writes.

`RUNTIME.analyse(ids)` analyses appeals (new ones, or again after a model change) and stores
one `AppealAnalysis` per appeal with the model versions that made it. A failure of one appeal
is stored on its row (分析失败, with the reason and the attempt count) and never raised, so a
batch goes on and the sweep tries it again.

State: the engine's incremental parts (near-duplicate index, topic tracker, keyword document
frequencies) live in this process. On first use they are filled from the appeals of the last
`WINDOW_DAYS` already analysed, in id order, and before each batch with the ones another
process analysed since; an appeal is folded into them once, a second analysis re-reads only
what is stateless (models, place, sentiment, keywords) and keeps its topic. The models are the
live `ModelVersion`s, loaded read-only from their files and reloaded when the live one changes.

Tracker topics become `Topic` rows once two appeals share one: the row of a tracker topic is
the one most of its members already point to, so a restart or a second worker keeps the rows.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from massline.analysis.keywords import KeywordExtractor
from massline.analysis.pipeline import Analyser
from massline.analysis.places import PlaceIndex
from massline.analysis.places import Region as PlaceRegion
from massline.appeals.models import Appeal, Category, Kind
from massline.appeals.suggestions import _function_keys
from massline.opinion.models import (
    AnalysisState,
    AppealAnalysis,
    DuplicateCandidate,
    Keyword,
    ModelKind,
    ModelVersion,
    Relation,
    Topic,
)
from massline.opinion.training import department_orgs, load_model
from massline.orgs.models import Org, Region

log = logging.getLogger(__name__)

ENGINE = "massline-analysis-1"
WINDOW_DAYS = 90
KEYWORDS = 5
MAX_ATTEMPTS = 3


@dataclass
class Loaded:
    """A live model version read from its files: the full model and the two folds."""

    version: ModelVersion
    full: Any
    folds: tuple[Any, Any]

    def for_appeal(self, pk: int) -> Any:
        """The model that did not learn this appeal: the fold of the other parity."""
        if pk <= self.version.trained_through:
            return self.folds[1 - pk % 2]
        return self.full


@dataclass
class Departments:
    functions: dict[str, list[Org]] = field(default_factory=dict)


class Runtime:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.clear()

    def clear(self) -> None:
        """Forget the state (tests; a flushed database sends no signal)."""
        self.analyser: Analyser | None = None
        self.keywords: KeywordExtractor | None = None
        self.models: dict[str, Loaded] = {}
        self.departments = Departments()
        self.folded: set[int] = set()
        self.high_water = 0
        self.topic_rows: dict[int, int] = {}
        self.region_ids: dict[str, int] = {}
        self.category_ids: set[int] = set()

    # -- state ---------------------------------------------------------------------------------

    def _places(self) -> PlaceIndex:
        rows = list(Region.objects.values_list("pk", "code", "name", "parent__code", "level"))
        self.region_ids = {code: pk for pk, code, *_ in rows}
        regions = [PlaceRegion(c, n, p, lv) for _, c, n, p, lv in rows]
        codes = {r.code for r in regions}
        home = settings.MASSLINE_REGION if settings.MASSLINE_REGION in codes else None
        return PlaceIndex(regions, home=home)

    def _ready(self) -> Analyser:
        if self.analyser is None:
            self.analyser = Analyser(places=self._places())
            self.keywords = KeywordExtractor(self.analyser.segmenter)
            since = timezone.now() - timedelta(days=WINDOW_DAYS)
            done = AppealAnalysis.objects.filter(
                state=AnalysisState.DONE, appeal__created_at__gte=since
            )
            self._fold_existing(done)
        self._catch_up()
        self._load_models()
        return self.analyser

    def _fold_existing(self, analyses: Any) -> None:
        rows = (
            analyses.order_by("appeal_id")
            .values_list(
                "appeal_id",
                "appeal__title",
                "appeal__body",
                "appeal__created_at",
                "appeal__submitted_by_id",
                "topic_id",
            )
            .iterator(chunk_size=2000)
        )
        for pk, title, body, at, person, topic_id in rows:
            if pk in self.folded:
                continue
            result = self._fold(pk, title, body, at, person)
            tid = self._tracker_topic(result.topic_id)
            if topic_id is not None:
                self.topic_rows.setdefault(tid, topic_id)

    def _catch_up(self) -> None:
        """Fold in what other processes analysed since this one last looked."""
        newer = AppealAnalysis.objects.filter(
            state=AnalysisState.DONE, appeal_id__gt=self.high_water
        ).exclude(appeal_id__in=list(self.folded)[-5000:])
        self._fold_existing(newer)

    def _fold(self, pk: int, title: str, body: str, at: Any, person: Any) -> Any:
        assert self.analyser is not None and self.keywords is not None
        result = self.analyser.analyse(pk, title, body, at=at, person=person)
        self.keywords.add_terms(_terms(result.tokens))
        self.folded.add(pk)
        self.high_water = max(self.high_water, pk)
        return result

    def _tracker_topic(self, tid: int | None) -> int:
        assert self.analyser is not None
        return self.analyser.topics.resolve(tid) if tid is not None else 0

    def _load_models(self) -> None:
        live = {v.kind: v for v in ModelVersion.objects.filter(is_active=True)}
        for kind in ModelKind.values:
            version = live.get(kind)
            loaded = self.models.get(kind)
            if version is None:
                self.models.pop(kind, None)
                continue
            if loaded is not None and loaded.version.pk == version.pk:
                continue
            directory = Path(version.directory)
            self.models[kind] = Loaded(
                version,
                load_model(kind, directory / "full.zip"),
                (
                    load_model(kind, directory / "fold0.zip"),
                    load_model(kind, directory / "fold1.zip"),
                ),
            )
            if kind == ModelKind.CATEGORY:
                self.category_ids = set(Category.objects.values_list("pk", flat=True))
            if kind == ModelKind.DEPARTMENT:
                orgs = department_orgs()
                keys = _function_keys(orgs)
                functions: dict[str, list[Org]] = {}
                for org in orgs:
                    functions.setdefault(keys[org.pk], []).append(org)
                self.departments = Departments(functions)

    # -- one batch -----------------------------------------------------------------------------

    def analyse(self, ids: Iterable[int]) -> int:
        """Analyse these appeals and store the results; returns how many succeeded.

        Three steps: the engine's per-appeal work (each appeal on its own, a failure stored on
        its row), the models' predictions for the whole batch at once, and one transaction
        that writes every row (appeal by appeal if that one fails)."""
        ids = list(dict.fromkeys(ids))
        with self.lock:
            try:
                self._ready()
            except Exception as exc:
                log.exception("analysis engine unavailable")
                for pk in ids:
                    _failed(pk, exc)
                return 0
            appeals = Appeal.objects.filter(pk__in=ids).select_related("region", "hub__parent")
            by_pk = {a.pk: a for a in appeals}
            drafts: list[Draft] = []
            for pk in ids:
                appeal = by_pk.get(pk)
                if appeal is None:
                    continue
                try:
                    drafts.append(self._draft(appeal))
                except Exception as exc:
                    log.exception("analysis of appeal %s failed", pk)
                    _failed(pk, exc)
            try:
                self._predict(drafts)
            except Exception as exc:
                log.exception("model predictions failed")
                for d in drafts:
                    _failed(d.appeal.pk, exc)
                return 0
            return self._write(drafts)

    def _draft(self, appeal: Appeal) -> Draft:
        assert self.analyser is not None and self.keywords is not None
        analyser = self.analyser
        draft = Draft(appeal)
        if appeal.pk not in self.folded:
            result = self._fold(
                appeal.pk, appeal.title, appeal.body, appeal.created_at, appeal.submitted_by_id
            )
            tokens, places = result.tokens, result.places
            draft.negativity, draft.urgency = result.negativity, result.urgency_level
            draft.urgent_terms = list(result.urgent_terms)
            draft.found = [(int(str(pk)), s) for pk, s in result.duplicates]
            draft.tracker_topic = self._tracker_topic(result.topic_id)
            draft.first = True
        else:
            text = f"{appeal.title}\n{appeal.body}"
            tokens = self.keywords.terms(text)
            places = analyser.places.find(text) if analyser.places else []
            feeling = analyser.scorer.score(text)
            draft.negativity, draft.urgency = feeling.negativity, feeling.level
            draft.urgent_terms = list(feeling.terms)
        location = analyser.places.primary_of(places) if analyser.places else None
        if location is not None:
            draft.region_id = self.region_ids.get(location.region.code)
            draft.region_confidence = round(location.confidence, 4)
        draft.keywords = [w for w, _ in self.keywords.keywords_of_terms(_terms(tokens), KEYWORDS)]
        return draft

    def _predict(self, drafts: list[Draft]) -> None:
        """Category then department for every draft, one batched call per model file."""
        categories = self.models.get(ModelKind.CATEGORY)
        if categories is not None:
            for model, group in _by_model(categories, drafts):
                pairs = [(d.appeal.title, d.appeal.body) for d in group]
                for d, prediction in zip(group, model.predict_many(pairs, k=7), strict=True):
                    top = [(c, p) for c, p in prediction.top if c.isdigit()]
                    d.categories = [
                        [int(c), round(float(p), 4)] for c, p in top if int(c) in self.category_ids
                    ][:3]
        departments = self.models.get(ModelKind.DEPARTMENT)
        if departments is not None:
            for model, group in _by_model(departments, drafts):
                rows = []
                for d in group:
                    category = d.appeal.category_id or (
                        d.categories[0][0] if d.categories else None
                    )
                    rows.append(
                        (
                            f"{d.appeal.title}\n{d.appeal.body}",
                            str(category) if category else None,
                            d.appeal.region.code,
                        )
                    )
                k = len(model.departments)
                for d, ranked_keys in zip(group, model.suggest_many(rows, k=k), strict=True):
                    d.departments = self._resolve(d.appeal, ranked_keys)

    def _resolve(self, appeal: Appeal, ranked_keys: list[tuple[str, float]]) -> list[list[Any]]:
        """The likeliest kinds of org, each resolved to the org of that kind the appeal's hub
        may dispatch to, the one whose area holds the appeal's place first."""
        scope = appeal.hub.scope.path
        region = appeal.region
        out: list[list[Any]] = []
        for key, p in ranked_keys:
            candidates = [
                o for o in self.departments.functions.get(key, ()) if o.path.startswith(scope)
            ]
            if not candidates:
                continue
            local = [o for o in candidates if region.path.startswith(o.region.path)]
            best = max(local or candidates, key=lambda o: (len(o.region.path), -o.pk))
            if all(o != best.pk for o, _ in out):
                out.append([best.pk, round(float(p), 4)])
            if len(out) == 3:
                break
        return out

    def _write(self, drafts: list[Draft]) -> int:
        if not drafts:
            return 0
        try:
            with transaction.atomic():
                self._store(drafts)
            return len(drafts)
        except Exception:
            log.exception("storing a batch of %d analyses failed; one by one", len(drafts))
        done = 0
        for d in drafts:
            try:
                with transaction.atomic():
                    self._store([d])
                done += 1
            except Exception as exc:
                log.exception("storing the analysis of appeal %s failed", d.appeal.pk)
                _failed(d.appeal.pk, exc)
        return done

    def _store(self, drafts: list[Draft]) -> None:
        ids = [d.appeal.pk for d in drafts]
        before = {
            pk: (topic, attempts)
            for pk, topic, attempts in AppealAnalysis.objects.select_for_update()
            .filter(appeal_id__in=ids)
            .values_list("appeal_id", "topic_id", "attempts")
        }
        AppealAnalysis.objects.filter(appeal_id__in=ids).delete()
        topics, members = self._topics(drafts)
        now = timezone.now()
        category_model = self._version(ModelKind.CATEGORY)
        department_model = self._version(ModelKind.DEPARTMENT)
        rows = []
        for d in drafts:
            topic, attempts = before.get(d.appeal.pk, (None, 0))
            rows.append(
                AppealAnalysis(
                    appeal=d.appeal,
                    state=AnalysisState.DONE,
                    attempts=attempts + 1,
                    engine=ENGINE,
                    category_model=category_model if d.categories else None,
                    department_model=department_model if d.departments else None,
                    category_id=d.categories[0][0] if d.categories else None,
                    category_confidence=d.categories[0][1] if d.categories else None,
                    categories=d.categories,
                    departments=d.departments,
                    region_id=d.region_id,
                    region_confidence=d.region_confidence,
                    topic_id=topics.get(d.appeal.pk, topic),
                    negativity=round(float(d.negativity), 4),
                    urgency=int(d.urgency),
                    urgent_terms=d.urgent_terms,
                    keywords=d.keywords,
                    analysed_at=now,
                )
            )
        AppealAnalysis.objects.bulk_create(rows)
        stored = dict(
            AppealAnalysis.objects.filter(appeal_id__in=ids).values_list("appeal_id", "pk")
        )
        Keyword.objects.bulk_create(
            [
                Keyword(analysis_id=stored[d.appeal.pk], word=w[:40])
                for d in drafts
                for w in dict.fromkeys(d.keywords)
            ]
        )
        self._store_duplicates(drafts, stored)
        for topic_pk, appeal_ids in members.items():
            AppealAnalysis.objects.filter(appeal_id__in=appeal_ids).exclude(
                topic_id=topic_pk
            ).update(topic_id=topic_pk)

    def _version(self, kind: str) -> ModelVersion | None:
        loaded = self.models.get(kind)
        return loaded.version if loaded else None

    def _store_duplicates(self, drafts: list[Draft], stored: dict[int, int]) -> None:
        """Same appeal (可并案) only for the same place, or places that contain each other, and
        the same subject; praise is never a candidate; the rest is a similar matter."""
        wanted = {pk for d in drafts if d.appeal.kind != Kind.PRAISE for pk, _ in d.found}
        others = {
            pk: (path, category or predicted)
            for pk, path, category, predicted in Appeal.objects.filter(
                pk__in=wanted, merged_into__isnull=True
            )
            .exclude(kind=Kind.PRAISE)
            .values_list("pk", "region__path", "category_id", "analysis__category_id")
        }
        rows = []
        for d in drafts:
            if d.appeal.kind == Kind.PRAISE:
                continue
            here = d.appeal.region.path
            mine = d.appeal.category_id or (d.categories[0][0] if d.categories else None)
            for pk, similarity in d.found:
                if pk == d.appeal.pk or pk not in others:
                    continue
                path, theirs = others[pk]
                same_place = here.startswith(path) or path.startswith(here)
                same_subject = mine is None or theirs is None or mine == theirs
                relation = Relation.SAME if same_place and same_subject else Relation.SIMILAR
                rows.append(
                    DuplicateCandidate(
                        analysis_id=stored[d.appeal.pk],
                        other_id=pk,
                        similarity=round(similarity, 4),
                        relation=relation,
                    )
                )
        DuplicateCandidate.objects.bulk_create(rows, ignore_conflicts=True)

    def _topics(self, drafts: list[Draft]) -> tuple[dict[int, int], dict[int, list[int]]]:
        """The Topic row of each newly folded appeal whose tracker topic has two appeals or
        more, and the members of topics whose row is new or changed, to point at it."""
        assert self.analyser is not None
        out: dict[int, int] = {}
        members: dict[int, list[int]] = {}
        batch = {d.appeal.pk for d in drafts}
        for d in drafts:
            if not d.first:
                continue
            tid = self.analyser.topics.resolve(d.tracker_topic) if d.tracker_topic else 0
            topic = self.analyser.topics.topics.get(tid)
            if topic is None or topic.size < 2:
                continue
            pk = self.topic_rows.get(tid)
            ids = [int(str(i)) for i in topic.ids]
            title, keywords = topic.title()[:100] or d.appeal.title, topic.keywords(5)
            if pk is None:
                stored = Counter(
                    AppealAnalysis.objects.filter(
                        appeal_id__in=ids, topic__isnull=False
                    ).values_list("topic_id", flat=True)
                )
                pk = stored.most_common(1)[0][0] if stored else None
                if pk is None:
                    pk = Topic.objects.create(title=title, keywords=keywords).pk
                self.topic_rows[tid] = pk
                members[pk] = ids
            elif topic.size & (topic.size - 1) == 0 or topic.size % 20 == 0:
                Topic.objects.filter(pk=pk).update(title=title, keywords=keywords)
                members[pk] = ids
            out[d.appeal.pk] = pk
            out.update((other, pk) for other in ids if other in batch)
        return out, members


@dataclass
class Draft:
    """One appeal's analysis before it is stored."""

    appeal: Appeal
    first: bool = False
    negativity: float = 0.0
    urgency: int = 0
    urgent_terms: list[str] = field(default_factory=list)
    region_id: int | None = None
    region_confidence: float | None = None
    keywords: list[str] = field(default_factory=list)
    found: list[tuple[int, float]] = field(default_factory=list)
    tracker_topic: int = 0
    categories: list[list[Any]] = field(default_factory=list)
    departments: list[list[Any]] = field(default_factory=list)


def _by_model(loaded: Loaded, drafts: list[Draft]) -> list[tuple[Any, list[Draft]]]:
    groups: dict[int, tuple[Any, list[Draft]]] = {}
    for d in drafts:
        model = loaded.for_appeal(d.appeal.pk)
        groups.setdefault(id(model), (model, []))[1].append(d)
    return list(groups.values())


def _terms(tokens: Iterable[str]) -> list[str]:
    return [t for t in tokens if len(t) >= 2 and not t.isdigit()]


def _failed(pk: int, exc: Exception) -> None:
    with transaction.atomic():
        row = AppealAnalysis.objects.select_for_update().filter(appeal_id=pk).first()
        if row is None:
            row = AppealAnalysis(appeal_id=pk)
        row.state = AnalysisState.FAILED
        row.attempts += 1
        row.error = f"{type(exc).__name__}: {exc}"[:300]
        row.save()


RUNTIME = Runtime()
