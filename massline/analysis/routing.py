"""Department suggestion: which org handled appeals like this one before.

Same machinery as the category classifier (one-vs-rest linear model, softmax confidences,
passive-aggressive step per confirmed dispatch). The features are the appeal's words plus its
category and its place: the region code enters at every level of the GB/T 2260 tree (province
2 digits, city 4, county 6, town 9, village 12), so that a town never seen before still votes
for its county's departments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from .bundle import MODEL_FORMAT, VERSIONS, read_bundle, write_bundle
from .linear import LinearModel
from .text import Segmenter, default_segmenter, normalise, strip_boilerplate

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

__all__ = ["DepartmentSuggester", "RoutingRecord"]

_REGION_LEVELS = (2, 4, 6, 9, 12)
_META_WEIGHT = 1.0


@dataclass(frozen=True)
class RoutingRecord:
    """One past dispatch: the appeal's text, category and region, and the department chosen."""

    text: str
    department: str
    category: str | None = None
    region_code: str | None = None


def _meta_tokens(category: str | None, region_code: str | None) -> str:
    out = []
    if category:
        out.append("cat=" + category.strip().replace(" ", "_"))
    code = (region_code or "").strip()
    if code.isdigit():
        code = code.rstrip("0") or "0"
        for length in _REGION_LEVELS:
            if len(code) <= length:
                out.append(f"reg{length}={code.ljust(length, '0')}")
                break
            out.append(f"reg{length}={code[:length]}")
    elif code:
        out.append("reg=" + code)
    return " ".join(out)


def _word_vectorizer() -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        tokenizer=str.split,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, 2),
        sublinear_tf=True,
        dtype=np.float32,
    )


def _meta_vectorizer() -> CountVectorizer:
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        tokenizer=str.split, token_pattern=None, lowercase=False, binary=True, dtype=np.float32
    )


def _unit_rows(X: sp.csr_matrix) -> sp.csr_matrix:
    from sklearn.preprocessing import normalize

    return normalize(X)


class DepartmentSuggester:
    """Suggests departments for an appeal; learns from each dispatch the dispatchers confirm."""

    def __init__(self, user_words: Iterable[str] = (), *, seed: int = 0, C: float = 1.0):
        self.user_words = sorted(set(user_words))
        self.seed = seed
        self.C = C
        self.records: list[RoutingRecord] = []
        self.updates_since_fit = 0
        self._segmenter = Segmenter(self.user_words) if self.user_words else default_segmenter()
        self._model: LinearModel | None = None
        self._words = _word_vectorizer()
        self._meta = _meta_vectorizer()

    @property
    def departments(self) -> list[str]:
        return list(self._model.classes) if self._model else []

    def _texts(self, records: Sequence[RoutingRecord]) -> tuple[list[str], list[str]]:
        words = [
            " ".join(self._segmenter.tokens(strip_boilerplate(normalise(r.text or ""))))
            for r in records
        ]
        return words, [_meta_tokens(r.category, r.region_code) for r in records]

    def _transform(self, records: Sequence[RoutingRecord]) -> sp.csr_matrix:
        words, meta = self._texts(records)
        return sp.hstack(
            [self._words.transform(words), _META_WEIGHT * _unit_rows(self._meta.transform(meta))],
            format="csr",
            dtype=np.float32,
        )

    def fit(self, records: Iterable[RoutingRecord | Sequence[Any]]) -> DepartmentSuggester:
        """Learn from past dispatches: RoutingRecord or (text, category, region_code, dept)."""
        self.records = [self._record(r) for r in records]
        return self.refit()

    @staticmethod
    def _record(item: RoutingRecord | Sequence[Any]) -> RoutingRecord:
        if isinstance(item, RoutingRecord):
            return item
        text, category, region_code, department = item
        return RoutingRecord(text, str(department), category, region_code)

    def refit(self) -> DepartmentSuggester:
        self.updates_since_fit = 0
        departments = [r.department for r in self.records]
        if len(set(departments)) < 2:
            self._model = None
            return self
        words, meta = self._texts(self.records)
        self._words = _word_vectorizer()
        self._meta = _meta_vectorizer()
        X = sp.hstack(
            [
                self._words.fit_transform(words),
                _META_WEIGHT * _unit_rows(self._meta.fit_transform(meta)),
            ],
            format="csr",
            dtype=np.float32,
        )
        self._model = LinearModel(C=self.C, seed=self.seed).fit(X, departments)
        return self

    def learn_one(
        self,
        text: str,
        department: str,
        category: str | None = None,
        region_code: str | None = None,
    ) -> None:
        record = RoutingRecord(text, str(department), category, region_code)
        self.records.append(record)
        if self._model is None or record.department not in self._model.classes:
            self.refit()
            return
        self._model.update(self._transform([record]), record.department)
        self.updates_since_fit += 1

    def suggest(
        self,
        text: str,
        category: str | None = None,
        region_code: str | None = None,
        k: int = 3,
    ) -> list[tuple[str, float]]:
        """Up to k (department, probability), most likely first; [] before any history."""
        if self._model is None:
            if self.records:
                return [(self.records[0].department, 1.0)]
            return []
        probs = self._model.proba(self._transform([RoutingRecord(text, "", category, region_code)]))
        order = np.argsort(-probs[0], kind="stable")[:k]
        return [(self._model.classes[i], float(probs[0, i])) for i in order]

    def suggest_many(
        self, rows: Sequence[tuple[str, str | None, str | None]], k: int = 3
    ) -> list[list[tuple[str, float]]]:
        """`suggest` for many (text, category, region_code) at once: one transform, one product."""
        if self._model is None or not rows:
            return [self.suggest(t, c, r, k) for t, c, r in rows]
        records = [RoutingRecord(t, "", c, r) for t, c, r in rows]
        probs = self._model.proba(self._transform(records))
        out = []
        for row in probs:
            order = np.argsort(-row, kind="stable")[:k]
            out.append([(self._model.classes[i], float(row[i])) for i in order])
        return out

    def save(self, path: str | Path) -> None:
        meta = {
            "format": MODEL_FORMAT,
            "version": VERSIONS["department"],
            "kind": "department",
            "user_words": self.user_words,
            "seed": self.seed,
            "C": self.C,
            "records": [[r.text, r.department, r.category, r.region_code] for r in self.records],
            "updates_since_fit": self.updates_since_fit,
            "model": None,
        }
        arrays: dict[str, np.ndarray] = {}
        if self._model is not None:
            model_meta, arrays = self._model.state()
            meta["model"] = model_meta
            for name, vec in (("words", self._words), ("meta", self._meta)):
                terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
                arrays[f"{name}.terms"] = np.array(terms, dtype=str)
                if name == "words":
                    arrays[f"{name}.idf"] = vec.idf_.astype(np.float64)
        write_bundle(path, meta, arrays)

    @classmethod
    def load(cls, path: str | Path) -> DepartmentSuggester:
        meta, arrays = read_bundle(path, "department")
        out = cls(meta["user_words"], seed=meta["seed"], C=meta["C"])
        out.records = [RoutingRecord(*r) for r in meta["records"]]
        out.updates_since_fit = meta["updates_since_fit"]
        if meta["model"] is not None:
            out._model = LinearModel.restore(meta["model"], arrays)
            for name, vec in (("words", out._words), ("meta", out._meta)):
                terms = arrays[f"{name}.terms"].tolist()
                vec.vocabulary_ = {term: i for i, term in enumerate(terms)}
                if name == "words":
                    vec.idf_ = arrays[f"{name}.idf"]
        return out
