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
from massline.opinion.training import Example, department_orgs, load_model, ranked
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

    # -- state ---------------------------------------------------------------------------------

    def _places(self) -> PlaceIndex:
        rows = Region.objects.values_list("code", "name", "parent__code", "level")
        regions = [PlaceRegion(c, n, p, lv) for c, n, p, lv in rows]
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
            if kind == ModelKind.DEPARTMENT:
                orgs = department_orgs()
                keys = _function_keys(orgs)
                functions: dict[str, list[Org]] = {}
                for org in orgs:
                    functions.setdefault(keys[org.pk], []).append(org)
                self.departments = Departments(functions)

    # -- one batch -----------------------------------------------------------------------------

    def analyse(self, ids: Iterable[int]) -> int:
        """Analyse these appeals and store the results; returns how many succeeded."""
        ids = list(dict.fromkeys(ids))
        done = 0
        with self.lock:
            try:
                self._ready()
            except Exception as exc:
                log.exception("analysis engine unavailable")
                for pk in ids:
                    _failed(pk, exc)
                return 0
            appeals = {
                a.pk: a
                for a in Appeal.objects.filter(pk__in=ids).select_related("region", "hub__parent")
            }
            for pk in ids:
                appeal = appeals.get(pk)
                if appeal is None:
                    continue
                try:
                    with transaction.atomic():
                        self._analyse_one(appeal)
                    done += 1
                except Exception as exc:
                    log.exception("analysis of appeal %s failed", pk)
                    _failed(pk, exc)
        return done

    def _analyse_one(self, appeal: Appeal) -> None:
        assert self.analyser is not None and self.keywords is not None
        analyser = self.analyser
        first = appeal.pk not in self.folded
        if first:
            result = self._fold(
                appeal.pk, appeal.title, appeal.body, appeal.created_at, appeal.submitted_by_id
            )
            tokens = result.tokens
            places, negativity = result.places, result.negativity
            urgency, urgent_terms = result.urgency_level, result.urgent_terms
        else:
            result = None
            text = f"{appeal.title}\n{appeal.body}"
            tokens = self.keywords.terms(text)
            places = analyser.places.find(text) if analyser.places else []
            feeling = analyser.scorer.score(text)
            negativity, urgency, urgent_terms = feeling.negativity, feeling.level, feeling.terms
        location = analyser.places.primary_of(places) if analyser.places else None
        row = AppealAnalysis.objects.select_for_update().filter(
            appeal=appeal
        ).first() or AppealAnalysis(appeal=appeal)
        categories = self._categories(appeal)
        row.categories = categories
        row.category_id = categories[0][0] if categories else None
        row.category_confidence = categories[0][1] if categories else None
        row.category_model = self._version(ModelKind.CATEGORY)
        row.departments = self._departments(appeal, row.category_id)
        row.department_model = self._version(ModelKind.DEPARTMENT)
        row.region_id = (
            Region.objects.filter(code=location.region.code).values_list("pk", flat=True).first()
            if location
            else None
        )
        row.region_confidence = round(location.confidence, 4) if location else None
        row.negativity = round(float(negativity), 4)
        row.urgency = int(urgency)
        row.urgent_terms = list(urgent_terms)
        words = [w for w, _ in self.keywords.keywords_of_terms(_terms(tokens), KEYWORDS)]
        row.keywords = words
        row.engine = ENGINE
        row.state, row.error = AnalysisState.DONE, ""
        row.attempts += 1
        row.analysed_at = timezone.now()
        row.save()
        Keyword.objects.filter(analysis=row).delete()
        Keyword.objects.bulk_create([Keyword(analysis=row, word=w[:40]) for w in words])
        if result is not None:
            self._store_duplicates(row, appeal, result.duplicates)
            self._store_topic(row, appeal, result.topic_id)

    def _version(self, kind: str) -> ModelVersion | None:
        loaded = self.models.get(kind)
        return loaded.version if loaded else None

    def _categories(self, appeal: Appeal) -> list[list[Any]]:
        loaded = self.models.get(ModelKind.CATEGORY)
        if loaded is None:
            return []
        model = loaded.for_appeal(appeal.pk)
        top = ranked(
            ModelKind.CATEGORY, model, Example(appeal.pk, appeal.title, appeal.body, ""), 7
        )
        known = set(
            Category.objects.filter(pk__in=[int(c) for c, _ in top if c.isdigit()]).values_list(
                "pk", flat=True
            )
        )
        return [[int(c), round(p, 4)] for c, p in top if c.isdigit() and int(c) in known][:3]

    def _departments(self, appeal: Appeal, predicted: int | None) -> list[list[Any]]:
        """The likeliest kinds of org, each resolved to the org of that kind the appeal's hub
        may dispatch to, the one whose area holds the appeal's place first."""
        loaded = self.models.get(ModelKind.DEPARTMENT)
        if loaded is None:
            return []
        model = loaded.for_appeal(appeal.pk)
        category = appeal.category_id or predicted
        example = Example(
            appeal.pk,
            appeal.title,
            appeal.body,
            "",
            str(category) if category else None,
            appeal.region.code,
        )
        scope = appeal.hub.scope.path
        region = appeal.region
        out: list[list[Any]] = []
        for key, p in ranked(ModelKind.DEPARTMENT, model, example, len(model.departments)):
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

    def _store_duplicates(
        self, row: AppealAnalysis, appeal: Appeal, found: list[tuple[Any, float]]
    ) -> None:
        """Same appeal (可并案) only for the same place, or places that contain each other, and
        the same subject; praise is never a candidate; the rest is a similar matter."""
        DuplicateCandidate.objects.filter(analysis=row).delete()
        if appeal.kind == Kind.PRAISE or not found:
            return
        sims = {int(str(pk)): s for pk, s in found if pk != appeal.pk}
        others = (
            Appeal.objects.filter(pk__in=list(sims), merged_into__isnull=True)
            .exclude(kind=Kind.PRAISE)
            .values_list("pk", "region__path", "category_id", "analysis__category_id")
        )
        mine = appeal.category_id or row.category_id
        here = appeal.region.path
        rows = []
        for pk, path, category, predicted in others:
            theirs = category or predicted
            same_place = here.startswith(path) or path.startswith(here)
            same_subject = mine is None or theirs is None or mine == theirs
            relation = Relation.SAME if same_place and same_subject else Relation.SIMILAR
            rows.append(
                DuplicateCandidate(
                    analysis=row, other_id=pk, similarity=round(sims[pk], 4), relation=relation
                )
            )
        DuplicateCandidate.objects.bulk_create(rows)

    def _store_topic(self, row: AppealAnalysis, appeal: Appeal, tracker_id: int | None) -> None:
        assert self.analyser is not None
        tid = self._tracker_topic(tracker_id)
        topic = self.analyser.topics.topics.get(tid)
        if topic is None or topic.size < 2:
            return
        members = [int(str(pk)) for pk in topic.ids]
        pk = self.topic_rows.get(tid)
        if pk is None or not Topic.objects.filter(pk=pk).exists():
            stored = Counter(
                AppealAnalysis.objects.filter(
                    appeal_id__in=members, topic__isnull=False
                ).values_list("topic_id", flat=True)
            )
            pk = stored.most_common(1)[0][0] if stored else None
        title, keywords = topic.title()[:100] or appeal.title, topic.keywords(5)
        if pk is None:
            pk = Topic.objects.create(title=title, keywords=keywords).pk
        elif topic.size & (topic.size - 1) == 0 or topic.size % 20 == 0:
            Topic.objects.filter(pk=pk).update(title=title, keywords=keywords)
        self.topic_rows[tid] = pk
        AppealAnalysis.objects.filter(appeal_id__in=members).exclude(topic_id=pk).update(
            topic_id=pk
        )
        row.topic_id = pk


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
