"""Training the models from the platform's confirmed history, as the worker does.

A version is three bundles per kind: `full.zip` (every example), `fold0.zip` (even appeal ids)
and `fold1.zip` (odd ids). The folds give the version its honest figures (each half scored by
the model that did not learn it: top-1 and top-3) and score the appeals the full model learned
from (see `ModelVersion`). Files are the engine's own bundles: JSON and NumPy arrays, no pickle.

Confirmed history: for categories, appeals that carry a category (chosen by the resident,
kept or corrected by the dispatcher); for departments, appeals that were dispatched (their lead
org, merged and returned ones left out). Each department is learned as the kind of org it is
(`function_keys`), so that every county's history teaches every county.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from massline.analysis.classify import CategoryClassifier, load_taxonomy
from massline.analysis.routing import DepartmentSuggester, RoutingRecord
from massline.appeals.models import Appeal, State
from massline.appeals.suggestions import PARTY_KINDS, _function_keys
from massline.appeals.taxonomy import TAXONOMY_CSV
from massline.core.audit import audit
from massline.opinion.models import ModelKind, ModelVersion
from massline.orgs.models import Org, OrgKind

MIN_EXAMPLES = 20
MAX_EXAMPLES = 20_000
WORSE_BY = 0.02
"""A new version goes live by itself unless its held-out top-1 is this much below the live one's."""


class NotEnoughHistory(Exception):
    pass


@dataclass(frozen=True)
class Example:
    pk: int
    title: str
    body: str
    label: str
    category: str | None = None
    region_code: str | None = None


def model_dir() -> Path:
    return Path(getattr(settings, "OPINION_MODEL_DIR", settings.VAR_DIR / "models"))


def department_orgs() -> list[Org]:
    return list(
        Org.objects.filter(is_active=True)
        .exclude(kind__in=(*PARTY_KINDS, OrgKind.HUB))
        .select_related("region")
    )


def examples(kind: str) -> list[Example]:
    base = Appeal.objects.filter(merged_into__isnull=True).order_by("-id")
    if kind == ModelKind.CATEGORY:
        rows = base.filter(category__isnull=False).values_list("pk", "title", "body", "category_id")
        return [Example(pk, t, b, str(c)) for pk, t, b, c in rows[:MAX_EXAMPLES]]
    keys = _function_keys(department_orgs())
    rows = (
        base.filter(lead_org__isnull=False)
        .exclude(state=State.RETURNED)
        .values_list("pk", "title", "body", "lead_org_id", "category_id", "region__code")
    )
    return [
        Example(pk, t, b, keys[o], str(c) if c else None, code)
        for pk, t, b, o, c, code in rows[:MAX_EXAMPLES]
        if o in keys
    ]


def _fit(kind: str, rows: Sequence[Example]) -> Any:
    if kind == ModelKind.CATEGORY:
        clf = CategoryClassifier(load_taxonomy(TAXONOMY_CSV), prior_strength=0.0)
        return clf.fit((r.title, r.body, r.label) for r in rows)
    return DepartmentSuggester().fit(
        RoutingRecord(f"{r.title}\n{r.body}", r.label, r.category, r.region_code) for r in rows
    )


def ranked(kind: str, model: Any, row: Example, k: int = 3) -> list[tuple[str, float]]:
    if kind == ModelKind.CATEGORY:
        return list(model.predict(row.title, row.body, k=k).top)
    return list(model.suggest(f"{row.title}\n{row.body}", row.category, row.region_code, k=k))


def load_model(kind: str, path: Path) -> Any:
    cls = CategoryClassifier if kind == ModelKind.CATEGORY else DepartmentSuggester
    return cls.load(path)


def train(kind: str, *, activate: bool | None = None) -> ModelVersion:
    """Train one version of `kind` from the history and store it. `activate`: True always,
    False never, None (the schedule) unless it is clearly worse than the live version."""
    rows = examples(kind)
    labels = {r.label for r in rows}
    if len(rows) < MIN_EXAMPLES or len(labels) < 2:
        raise NotEnoughHistory(
            f"历史数据不足：{len(rows)} 条、{len(labels)} 类，至少需要 {MIN_EXAMPLES} 条、2 类"
        )
    folds = [[r for r in rows if r.pk % 2 == i] for i in (0, 1)]
    full = _fit(kind, rows)
    fold_models = [_fit(kind, f) if len({r.label for r in f}) >= 2 else full for f in folds]
    hits1 = hits3 = 0
    for i, model in enumerate(fold_models):
        for row in folds[1 - i]:
            top = [label for label, _ in ranked(kind, model, row)]
            hits1 += bool(top) and top[0] == row.label
            hits3 += row.label in top
    number = (
        ModelVersion.objects.filter(kind=kind).order_by("-number").values_list("number", flat=True)
    ).first() or 0
    number += 1
    directory = model_dir() / f"{kind}-v{number}-{timezone.now():%Y%m%d%H%M%S}"
    directory.mkdir(parents=True, exist_ok=True)
    try:
        full.save(directory / "full.zip")
        for i, model in enumerate(fold_models):
            model.save(directory / f"fold{i}.zip")
        with transaction.atomic():
            version = ModelVersion.objects.create(
                kind=kind,
                number=number,
                directory=str(directory),
                trained_through=max(r.pk for r in rows),
                examples=len(rows),
                classes=len(labels),
                top1=round(hits1 / len(rows), 4),
                top3=round(hits3 / len(rows), 4),
            )
            audit("opinion.model_trained", None, version, kind=kind, number=number)
    except Exception:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    live = ModelVersion.objects.filter(kind=kind, is_active=True).first()
    if activate is None:
        activate = live is None or (version.top1 or 0) >= (live.top1 or 0) - WORSE_BY
    if activate:
        from massline.opinion.services import activate_model

        activate_model(version.pk, None)
    return version


def train_all(*, activate: bool | None = None) -> list[ModelVersion | str]:
    """Both kinds; a kind without enough history gives its reason instead of a version."""
    out: list[ModelVersion | str] = []
    for kind in ModelKind.values:
        try:
            out.append(train(kind, activate=activate))
        except NotEnoughHistory as exc:
            out.append(f"{ModelKind(kind).label}：{exc}")
    return out


def scheduled(now: Any = None) -> int:
    """The periodic job: train both kinds; returns how many versions were made."""
    return sum(isinstance(v, ModelVersion) for v in train_all())
