"""What the engine suggests to a dispatcher for one appeal: category, department, duplicates.

`suggest(appeal, user)` answers for the dispatcher's desk: the 3 likeliest categories (Category
rows with their 3-level names), the 3 likeliest departments among the orgs the appeal's hub may
dispatch to, and up to 5 near-duplicates among the hub's open or recent appeals (merge
candidates). Only a user who holds the appeal as dispatcher or admin gets one (None otherwise).

The models learn from the platform's own history and nothing else: the category classifier
from appeals that carry a category, the department suggester from appeals that were dispatched
(their lead org, i.e. the last dispatch or transfer; appeals a department returned and appeals
merged into another are left out). The department model learns what kind of org handles an
appeal (its function: 住房和城乡建设局 of whatever county, a town's 人民政府), so every county's
history teaches every county; the function is then resolved to the org of that kind within the
hub's reach whose area holds the appeal's place, else the one the hub used most (on the demo
this took hold-out top-1 from 0.47 with one class per org to 0.92). They are trained lazily,
once per process, and cached.

Staleness check (cheap): at most every `check_every` seconds one aggregate query counts the
categorised and the dispatched appeals; the models are rebuilt when either count grew by
`grow_ratio` (10 %) since training, or grew at all and the models are older than `max_age`.
Training never holds a lock that a page waits for: one thread trains (a non-blocking lock
decides which), the others keep answering with the model they have. With `background=True`
(the default) training runs in its own thread: the request that finds no model waits at most
`first_wait` seconds for the first one (else its answer says 模型训练中 and a reload a few
seconds later has it), and a rebuild never delays a page, the old model answers meanwhile.
With `background=False` (tests, the bench) the calling request trains. Any failure, or fewer
than `min_history` examples, gives an empty part with a reason (`Suggestion.reason`), never an
exception on the page.

Near-duplicates: one `DuplicateIndex` per hub over the original title and body of the hub's
appeals of the last `window_days`, filled incrementally (each call adds the appeals created
since the last one, by id) and rebuilt every `max_age`. Dispatchers read originals, so the index
does too; the suggestion itself carries only tracking number, title, state and similarity.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import Count, Q
from django.utils import timezone

from massline.analysis.classify import CategoryClassifier, load_taxonomy
from massline.analysis.duplicates import DuplicateIndex
from massline.analysis.routing import DepartmentSuggester, RoutingRecord
from massline.appeals.models import OPEN_STATES, Appeal, Category, State
from massline.appeals.permissions import policy
from massline.appeals.taxonomy import TAXONOMY_CSV
from massline.orgs.models import Level, Org, OrgKind, Region, Role

log = logging.getLogger(__name__)

__all__ = [
    "ENGINE",
    "CategoryChoice",
    "DuplicateChoice",
    "Engine",
    "OrgChoice",
    "Suggestion",
    "suggest",
]

SUGGESTING_ROLES = frozenset({Role.DISPATCHER, Role.ADMIN})
PARTY_KINDS = (OrgKind.PARTY_BRANCH, OrgKind.PARTY_GENERAL_BRANCH, OrgKind.PARTY_COMMITTEE)


@dataclass(frozen=True)
class CategoryChoice:
    category: Category
    names: tuple[str, ...]
    """Level-1 to the category's own level, e.g. ("城乡建设", "城市建设和市政管理", "路灯")."""
    confidence: float

    @property
    def label(self) -> str:
        return " / ".join(self.names)


@dataclass(frozen=True)
class OrgChoice:
    org: Org
    confidence: float


@dataclass(frozen=True)
class DuplicateChoice:
    appeal_id: int
    tracking_no: str
    title: str
    state: str
    similarity: float


@dataclass(frozen=True)
class Suggestion:
    categories: tuple[CategoryChoice, ...] = ()
    departments: tuple[OrgChoice, ...] = ()
    duplicates: tuple[DuplicateChoice, ...] = ()
    reasons: tuple[str, ...] = ()
    """Why a part is empty (Chinese, shown as is), e.g. 历史数据不足 or 模型训练中."""
    trained_at: datetime | None = None
    elapsed_ms: float = 0.0

    @property
    def is_empty(self) -> bool:
        return not (self.categories or self.departments or self.duplicates)

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


@dataclass
class _Models:
    trained_at: datetime
    built: float
    n_categorised: int
    n_dispatched: int
    classifier: CategoryClassifier | None = None
    suggester: DepartmentSuggester | None = None
    categories: dict[int, tuple[Category, tuple[str, ...]]] = field(default_factory=dict)
    functions: dict[str, list[Org]] = field(default_factory=dict)
    hub_counts: Counter[tuple[int, int]] = field(default_factory=Counter)
    category_reason: str = ""
    department_reason: str = ""


@dataclass
class _HubIndex:
    index: DuplicateIndex
    last_id: int
    built: float
    lock: threading.Lock = field(default_factory=threading.Lock)


class Engine:
    """The process-wide cache of the models and the per-hub duplicate indexes."""

    def __init__(
        self,
        *,
        min_history: int = 20,
        check_every: float = 60.0,
        grow_ratio: float = 0.10,
        max_age: float = 3600.0,
        window_days: int = 90,
        max_train: int = 20_000,
        background: bool = True,
        first_wait: float = 2.0,
    ):
        self.min_history = min_history
        self.check_every = check_every
        self.grow_ratio = grow_ratio
        self.max_age = max_age
        self.window_days = window_days
        self.max_train = max_train
        self.background = background
        self.first_wait = first_wait
        self._first: threading.Event | None = None
        self.trainings = 0
        self._models: _Models | None = None
        self._checked = 0.0
        self._training = threading.Lock()
        self._hubs_lock = threading.Lock()
        self._hubs: dict[int, _HubIndex] = {}
        self._scopes: dict[int, str] = {}

    def clear(self) -> None:
        """Forget every model and index (tests; a flushed database sends no signal)."""
        with self._hubs_lock:
            self._models = None
            self._first = None
            self._checked = 0.0
            self._hubs.clear()
            self._scopes.clear()

    # -- models --------------------------------------------------------------------------------

    @staticmethod
    def _counts() -> tuple[int, int]:
        row = Appeal.objects.filter(merged_into__isnull=True).aggregate(
            cat=Count("category"),
            led=Count("lead_org", filter=~Q(state=State.RETURNED)),
        )
        return row["cat"] or 0, row["led"] or 0

    def _stale(self, models: _Models) -> bool:
        now = time.monotonic()
        if now - self._checked < self.check_every:
            return False
        self._checked = now
        cat, led = self._counts()
        grown = cat > models.n_categorised or led > models.n_dispatched
        by_ratio = cat >= models.n_categorised * (1 + self.grow_ratio) + 1 or (
            led >= models.n_dispatched * (1 + self.grow_ratio) + 1
        )
        return by_ratio or (grown and now - models.built >= self.max_age)

    def models(self) -> _Models | None:
        """The current models: built here if there are none, refreshed when stale."""
        models = self._models
        if models is None:
            if self._training.acquire(blocking=False):
                if self.background:
                    done = threading.Event()
                    self._first = done
                    threading.Thread(target=self._retrain_in_thread, args=(done,)).start()
                else:
                    try:
                        return self._models or self._train()
                    finally:
                        self._training.release()
            first = self._first
            if first is not None:
                first.wait(self.first_wait)
            return self._models
        try:
            stale = self._stale(models)
        except Exception:
            log.exception("suggestions: staleness check failed")
            stale = False
        if stale and self._training.acquire(blocking=False):
            if self.background:
                threading.Thread(target=self._retrain_in_thread).start()
            else:
                try:
                    models = self._train()
                finally:
                    self._training.release()
        return models

    def _retrain_in_thread(self, done: threading.Event | None = None) -> None:
        try:
            self._train()
        except Exception:
            log.exception("suggestions: training failed")
        finally:
            self._training.release()
            if done is not None:
                done.set()
            connections.close_all()

    def _train(self) -> _Models:
        """Build both models from the history; called with `_training` held."""
        started = time.monotonic()
        n_cat, n_led = self._counts()
        models = _Models(timezone.now(), started, n_cat, n_led)
        try:
            self._train_categories(models)
        except Exception:
            log.exception("suggestions: category model failed")
            models.classifier = None
            models.category_reason = "分类模型训练失败"
        try:
            self._train_departments(models)
        except Exception:
            log.exception("suggestions: department model failed")
            models.suggester = None
            models.department_reason = "派单模型训练失败"
        self._models = models
        self._checked = time.monotonic()
        self.trainings += 1
        log.info(
            "suggestions: trained on %d categorised, %d dispatched appeals in %.1f s",
            n_cat,
            n_led,
            time.monotonic() - started,
        )
        return models

    def _train_categories(self, models: _Models) -> None:
        rows = list(
            Appeal.objects.filter(category__isnull=False, merged_into__isnull=True)
            .order_by("-id")
            .values_list("title", "body", "category_id")[: self.max_train]
        )
        labels = {c for _, _, c in rows}
        if len(rows) < self.min_history or len(labels) < 2:
            models.category_reason = (
                f"历史数据不足：已分类诉求 {len(rows)} 条、{len(labels)} 个类别，"
                f"至少需要 {self.min_history} 条、2 个类别"
            )
            return
        every = {c.pk: c for c in Category.objects.all()}

        def names(pk: int) -> tuple[str, ...]:
            out: list[str] = []
            node = every.get(pk)
            while node is not None and len(out) < 5:
                out.append(node.name)
                node = every.get(node.parent_id) if node.parent_id else None
            return tuple(reversed(out))

        models.categories = {pk: (every[pk], names(pk)) for pk in labels if pk in every}
        clf = CategoryClassifier(load_taxonomy(TAXONOMY_CSV), prior_strength=0.0)
        clf.fit((t, b, str(c)) for t, b, c in rows if c in models.categories)
        models.classifier = clf

    def _train_departments(self, models: _Models) -> None:
        rows = list(
            Appeal.objects.filter(lead_org__isnull=False, merged_into__isnull=True)
            .exclude(state=State.RETURNED)
            .order_by("-id")
            .values_list("title", "body", "category_id", "region__code", "lead_org_id", "hub_id")[
                : self.max_train
            ]
        )
        orgs = list(
            Org.objects.filter(is_active=True)
            .exclude(kind__in=(*PARTY_KINDS, OrgKind.HUB))
            .select_related("region")
        )
        keys = _function_keys(orgs)
        records = [
            RoutingRecord(f"{t}\n{b}", keys[o], str(c) if c else None, code)
            for t, b, c, code, o, _ in rows
            if o in keys
        ]
        functions = {r.department for r in records}
        if len(records) < self.min_history or len(functions) < 2:
            models.department_reason = (
                f"历史数据不足：已派单诉求 {len(records)} 条、{len(functions)} 类单位，"
                f"至少需要 {self.min_history} 条、2 类单位"
            )
            return
        for org in orgs:
            models.functions.setdefault(keys[org.pk], []).append(org)
        models.hub_counts = Counter((hub, o) for *_, o, hub in rows)
        models.suggester = DepartmentSuggester().fit(records)

    # -- duplicates ----------------------------------------------------------------------------

    def _recent(self, hub_id: int, after: int) -> Any:
        since = timezone.now() - timedelta(days=self.window_days)
        return (
            Appeal.objects.filter(hub_id=hub_id, pk__gt=after, created_at__gte=since)
            .filter(discipline_org__isnull=True)  # a sealed 举报 is never offered to merge
            .order_by("pk")
            .values_list("pk", "title", "body")
        )

    def hub_index(self, hub_id: int) -> _HubIndex:
        """The hub's index, with every appeal created since the last call added."""
        with self._hubs_lock:
            entry = self._hubs.get(hub_id)
            if entry is None or time.monotonic() - entry.built >= self.max_age:
                entry = _HubIndex(DuplicateIndex(), 0, time.monotonic())
                self._hubs[hub_id] = entry
        with entry.lock:
            for pk, title, body in self._recent(hub_id, entry.last_id):
                entry.index.add(pk, f"{title}\n{body}")
                entry.last_id = pk
        return entry

    def duplicates(self, appeal: Appeal, limit: int = 5) -> tuple[DuplicateChoice, ...]:
        if appeal.sealed:
            return ()
        entry = self.hub_index(appeal.hub_id)
        with entry.lock:
            found = entry.index.query(f"{appeal.title}\n{appeal.body}", limit + 5)
        sims = {pk: s for pk, s in found if pk != appeal.pk}
        if not sims:
            return ()
        since = timezone.now() - timedelta(days=self.window_days)
        rows = (
            Appeal.objects.filter(pk__in=list(sims), merged_into__isnull=True)
            .filter(Q(state__in=OPEN_STATES) | Q(created_at__gte=since))
            .values_list("pk", "tracking_no", "title", "state")
        )
        out = [DuplicateChoice(pk, no, title, state, sims[pk]) for pk, no, title, state in rows]
        out.sort(key=lambda d: (-d.similarity, -d.appeal_id))
        return tuple(out[:limit])

    # -- one suggestion ------------------------------------------------------------------------

    def _scope_path(self, appeal: Appeal) -> str:
        path = self._scopes.get(appeal.hub_id)
        if path is None:
            path = appeal.hub.scope.path
            self._scopes[appeal.hub_id] = path
        return path

    def suggest(self, appeal: Appeal) -> Suggestion:
        started = time.perf_counter()
        reasons: list[str] = []
        categories: tuple[CategoryChoice, ...] = ()
        departments: tuple[OrgChoice, ...] = ()
        duplicates: tuple[DuplicateChoice, ...] = ()
        models = None
        try:
            models = self.models()
        except Exception:
            log.exception("suggestions: models unavailable")
            reasons.append("模型暂不可用")
        if models is None and not reasons:
            reasons.append("模型训练中，请稍后刷新")
        if models is not None:
            categories = _guarded(reasons, "分类建议失败", lambda: self._categories(models, appeal))
            if not categories and models.category_reason:
                reasons.append(models.category_reason)
            departments = _guarded(
                reasons, "派单建议失败", lambda: self._departments(models, appeal, categories)
            )
            if not departments and models.department_reason:
                reasons.append(models.department_reason)
        duplicates = _guarded(reasons, "查重失败", lambda: self.duplicates(appeal))
        return Suggestion(
            categories,
            departments,
            duplicates,
            tuple(reasons),
            models.trained_at if models else None,
            (time.perf_counter() - started) * 1000,
        )

    @staticmethod
    def _categories(models: _Models, appeal: Appeal) -> tuple[CategoryChoice, ...]:
        if models.classifier is None:
            return ()
        known = models.categories
        prediction = models.classifier.predict(appeal.title, appeal.body, k=3 + 4)
        out = []
        for label, p in prediction.top:
            if label.isdigit() and int(label) in known:
                category, names = known[int(label)]
                out.append(CategoryChoice(category, names, p))
        return tuple(out[:3])

    def _departments(
        self, models: _Models, appeal: Appeal, categories: tuple[CategoryChoice, ...]
    ) -> tuple[OrgChoice, ...]:
        """The likeliest kinds of org (function), each resolved to the org of that kind the
        hub may dispatch to: one whose area holds the appeal's place if any, then the one the
        hub dispatched to most often, then the most local."""
        if models.suggester is None:
            return ()
        category_id = appeal.category_id or (categories[0].category.pk if categories else None)
        scope = self._scope_path(appeal)
        region = appeal.region
        ranked = models.suggester.suggest(
            f"{appeal.title}\n{appeal.body}",
            str(category_id) if category_id else None,
            region.code,
            k=len(models.suggester.departments),
        )
        out: list[OrgChoice] = []
        for key, p in ranked:
            candidates = [o for o in models.functions.get(key, ()) if o.path.startswith(scope)]
            if not candidates:
                continue
            local = [o for o in candidates if region.path.startswith(o.region.path)]
            best = max(
                local or candidates,
                key=lambda o: (
                    models.hub_counts[(appeal.hub_id, o.pk)],
                    len(o.region.path),
                    -o.pk,
                ),
            )
            if all(c.org != best for c in out):
                out.append(OrgChoice(best, p))
                if len(out) == 3:
                    break
        return tuple(out)


def _function_keys(orgs: list[Org]) -> dict[int, str]:
    """What an org does, shared by its peers elsewhere: kind, level and name without place
    names, so that 黄州区住房和城乡建设局 and 麻城市住房和城乡建设局 are one class
    (department:3:住房和城乡建设局) and every county's appeals teach every county."""
    codes = {c for org in orgs for c in org.region.path.split("/") if c}
    regions = Region.objects.filter(code__in=codes, level__gt=Level.CENTRAL)
    names = {r.code: [n for n in (r.name, r.short_name) if n] for r in regions}
    out = {}
    for org in orgs:
        places = {n for c in org.region.path.split("/") if c for n in names.get(c, ())}
        name = org.name
        for place in sorted(places, key=len, reverse=True):
            name = name.replace(place, "")
        out[org.pk] = f"{org.kind}:{org.level}:{name or org.name}"
    return out


def _guarded(reasons: list[str], failed: str, part: Callable[[], tuple]) -> tuple:
    try:
        return part()
    except Exception:
        log.exception("suggestions: %s", failed)
        reasons.append(failed)
        return ()


ENGINE = Engine()


def suggest(appeal: Appeal, user) -> Suggestion | None:
    """The engine's suggestion for a dispatcher (or admin) looking at `appeal`; None for anyone
    else. Never raises for lack of history or a failing model: the parts are empty, with reasons.
    """
    if not (policy(user).roles(appeal) & SUGGESTING_ROLES):
        return None
    return ENGINE.suggest(appeal)
