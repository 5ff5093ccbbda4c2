"""Category classifier for appeals: learns from labelled (title, body, label).

Features (features.py): TF-IDF blocks of character and word n-grams (title + body start, the
title alone, the whole text) and, for every node of the category tree (levels 1, 2 and 3), how
many of its names are found in title and body; the tree is knowledge a few hundred examples
cannot teach. The model is an ensemble of one-vs-rest linear members, each reading some of the
blocks (``MEMBERS``), weighted to minimise the log-loss of their out-of-fold scores; since every
member is linear the ensemble is a single weight matrix, and the softmax of its scores is the
confidence. Members and blocks were chosen on repeated cross-validation over all the labelled
data (bench/classify.py, bench/CLASSIFY.md).

Learning from a confirmed category (``learn_one``) is a passive-aggressive step on the linear
weights (milliseconds, vocabulary fixed) and the example is kept; ``refit`` rebuilds everything
from the kept examples (vocabulary included). With no labels at all the taxonomy's own words
classify (cold start); with few labels the two are blended, the taxonomy fading as labels come.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .bundle import MODEL_FORMAT, VERSIONS, read_bundle, write_bundle
from .features import Doc, Featuriser
from .linear import LinearModel
from .taxonomy import TaxonomyFeatures, taxonomy_rows
from .text import Segmenter, default_segmenter, normalise, strip_boilerplate

# The ensemble's members: learner (linear.LinearModel) and the feature blocks it reads.
MEMBERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "blocks": ("svc", ("text_chars", "text_words", "title_chars", "title_words", "taxonomy")),
    "chars": ("svc", ("full_chars",)),
    "nbsvm": ("nbsvm", ("full_chars", "text_words")),
}


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    top: list[tuple[str, float]] = field(default_factory=list)


def _softmax_top(labels: Sequence[str], probs: np.ndarray, k: int) -> Prediction:
    order = np.argsort(-probs, kind="stable")[:k]
    top = [(labels[i], float(probs[i])) for i in order]
    return Prediction(label=top[0][0], confidence=top[0][1], top=top)


class CategoryClassifier:
    """Predicts an appeal's first-level category with a confidence and the top 3.

    ``prior_strength`` is how many labelled examples the taxonomy's cold-start opinion is worth;
    it is blended in while labels are few and fades as they accumulate.
    """

    members: tuple[tuple[str, tuple[str, ...]], ...] = tuple(MEMBERS.values())

    def __init__(
        self,
        taxonomy: Iterable[Sequence[str]] = (),
        user_words: Iterable[str] = (),
        *,
        seed: int = 0,
        C: float = 1.0,
        prior_strength: float = 20.0,
        max_features: int = 200_000,
    ):
        self.taxonomy = taxonomy_rows(taxonomy)
        self.user_words = sorted(set(user_words))
        self.seed = seed
        self.C = C
        self.prior_strength = prior_strength
        self.max_features = max_features
        self.examples: list[tuple[str, str, str]] = []
        self.updates_since_fit = 0
        self._model: LinearModel | None = None
        self._segmenter = Segmenter(self.user_words) if self.user_words else default_segmenter()
        self._tree = TaxonomyFeatures(self.taxonomy)
        self._matcher = self._tree.classes
        self._features = Featuriser(self._tree, max_features)

    @property
    def classes(self) -> list[str]:
        known = set(self._model.classes) if self._model else set()
        return sorted(known | set(self._matcher.classes))

    @property
    def n_labelled(self) -> int:
        return len(self.examples)

    def _doc(self, title: str, body: str) -> Doc:
        title = strip_boilerplate(normalise(title or ""))
        body = strip_boilerplate(normalise(body or ""))
        tokens = self._segmenter.tokens
        return Doc(title, body, " ".join(tokens(title)), " ".join(tokens(body)))

    def fit(self, examples: Iterable[tuple[str, str, str]]) -> CategoryClassifier:
        """Train from scratch on (title, body, label); replaces what was learned before."""
        self.examples = [(t or "", b or "", str(label)) for t, b, label in examples]
        return self.refit()

    def refit(self) -> CategoryClassifier:
        """Rebuild vocabulary and weights from every kept example."""
        self.updates_since_fit = 0
        labels = [label for _, _, label in self.examples]
        if len(set(labels)) < 2:
            self._model = None
            return self
        docs = [self._doc(t, b) for t, b, _ in self.examples]
        X = self._features.fit_transform(docs)
        members = [(kind, self._features.columns(names)) for kind, names in self.members]
        self._model = LinearModel(C=self.C, seed=self.seed).fit(X, labels, members)
        return self

    def learn_one(self, title: str, body: str, label: str) -> None:
        """Take in one dispatcher-confirmed category at once.

        A known label costs one passive-aggressive step (milliseconds); a label the model has
        never seen triggers a refit, since one small step cannot build a new class.
        """
        self.examples.append((title or "", body or "", str(label)))
        if self._model is None or str(label) not in self._model.classes:
            self.refit()
            return
        (cols, values), *_ = self._features.rows([self._doc(title, body)])
        x = sp.csr_matrix(
            (values, cols, [0, len(cols)]), shape=(1, self._features.width), dtype=np.float32
        )
        self._model.update(x, str(label))
        self.updates_since_fit += 1

    def _prior(self, docs: Sequence[Doc]) -> np.ndarray:
        """Cold-start class shares from taxonomy terms (title counts double), add-½ smoothed."""
        hits = np.zeros((len(docs), len(self._matcher.classes)))
        for i, doc in enumerate(docs):
            title, body = self._tree.class_hits(doc)
            hits[i] = 2 * title + body
        smoothed = hits + 0.5
        shares: np.ndarray = smoothed / smoothed.sum(axis=1, keepdims=True)
        return shares

    def predict_proba(self, pairs: Sequence[tuple[str, str]]) -> tuple[list[str], np.ndarray]:
        docs = [self._doc(t, b) for t, b in pairs]
        labels = self.classes
        if not labels:
            raise ValueError("分类器既没有训练数据也没有分类表，无法预测")
        column = {label: i for i, label in enumerate(labels)}
        probs = np.zeros((len(docs), len(labels)))
        model_weight = 0.0
        if self._model is not None:
            n = len(self.examples)
            model_weight = 1.0 if not self.taxonomy else n / (n + self.prior_strength)
            cols = [column[c] for c in self._model.classes]
            probs[:, cols] += model_weight * self._model.proba_rows(self._features.rows(docs))
        if self.taxonomy and model_weight < 1.0:
            cols = [column[c] for c in self._matcher.classes]
            probs[:, cols] += (1.0 - model_weight) * self._prior(docs)
        return labels, probs

    def predict_many(self, pairs: Sequence[tuple[str, str]], k: int = 3) -> list[Prediction]:
        if not pairs:
            return []
        labels, probs = self.predict_proba(pairs)
        return [_softmax_top(labels, row, k) for row in probs]

    def predict(self, title: str, body: str = "", k: int = 3) -> Prediction:
        return self.predict_many([(title, body)], k)[0]

    def save(self, path: str | Path) -> None:
        """One zip file: JSON metadata + NumPy arrays (no pickle, so loading is safe)."""
        meta = {
            "format": MODEL_FORMAT,
            "version": VERSIONS["category"],
            "kind": "category",
            "taxonomy": self.taxonomy,
            "user_words": self.user_words,
            "seed": self.seed,
            "C": self.C,
            "prior_strength": self.prior_strength,
            "max_features": self.max_features,
            "examples": self.examples,
            "updates_since_fit": self.updates_since_fit,
            "model": None,
        }
        arrays: dict[str, np.ndarray] = {}
        if self._model is not None:
            model_meta, model_arrays = self._model.state()
            feature_meta, feature_arrays = self._features.state()
            meta["model"] = model_meta | {"features": feature_meta}
            arrays = model_arrays | feature_arrays
        write_bundle(path, meta, arrays)

    @classmethod
    def load(cls, path: str | Path) -> CategoryClassifier:
        meta, arrays = read_bundle(path, "category")
        clf = cls(
            [tuple(row) for row in meta["taxonomy"]],
            meta["user_words"],
            seed=meta["seed"],
            C=meta["C"],
            prior_strength=meta["prior_strength"],
            max_features=meta["max_features"],
        )
        clf.examples = [tuple(e) for e in meta["examples"]]
        clf.updates_since_fit = meta["updates_since_fit"]
        if meta["model"] is not None:
            clf._model = LinearModel.restore(meta["model"], arrays)
            clf._features.restore(arrays)
        return clf


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool]) -> float:
    """Mean |accuracy − confidence| over 10 equal-width bins, weighted by bin size."""
    conf = np.asarray(confidences, dtype=float)
    hit = np.asarray(correct, dtype=float)
    total = 0.0
    for low in np.linspace(0.0, 0.9, 10):
        mask = (conf > low) & (conf <= low + 0.1) if low else (conf <= 0.1)
        if mask.any():
            total += mask.sum() * abs(hit[mask].mean() - conf[mask].mean())
    return total / max(len(conf), 1) if len(conf) else math.nan
