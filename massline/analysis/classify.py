"""Category classifier for appeals: learns from labelled (title, body, label).

Features (chosen once by 5-fold CV on the 495-message sample, see bench/classify.py):
char 1–3-gram TF-IDF of title + body start, word 1–2-gram TF-IDF of rjieba tokens, char 1–2-gram
and word TF-IDF of the title alone (the title is the densest signal), and, for every node of the
category tree (levels 1, 2 and 3), how many of its names are found in title and body. The tree
is knowledge 495 examples cannot teach: it adds about 8 points of macro-F1 on the sample. A
one-vs-rest LinearSVC with balanced class weights is the model; the softmax of its decision
values, with a temperature fitted on out-of-fold scores, gives the confidence.

Learning from a confirmed category (``learn_one``) is a passive-aggressive step on the linear
weights (milliseconds, vocabulary fixed) and the example is kept; ``refit`` rebuilds everything
from the kept examples (vocabulary included). With no labels at all the taxonomy's own words
classify (cold start); with few labels the two are blended, the taxonomy fading as labels come.
"""

from __future__ import annotations

import io
import json
import math
import re
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import add
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .text import Segmenter, default_segmenter, normalise, strip_boilerplate

__all__ = [
    "MODEL_VERSION",
    "CategoryClassifier",
    "LinearModel",
    "ModelFormatError",
    "Prediction",
    "load_taxonomy",
    "taxonomy_terms",
]

MODEL_FORMAT = "massline-classifier"
MODEL_VERSION = 1
_GENERIC_TERMS = frozenset({"其他", "管理", "建设", "问题", "其它"})


class ModelFormatError(ValueError):
    """The file is not a model this version of massline can read."""


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    top: list[tuple[str, float]] = field(default_factory=list)


def load_taxonomy(path: str | Path) -> list[tuple[str, str, str]]:
    """Rows (level1, level2, level3) of a taxonomy CSV with that header."""
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"level1", "level2", "level3"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"分类表 {path} 缺少列：{', '.join(sorted(missing))}")
        return [(r["level1"].strip(), r["level2"].strip(), r["level3"].strip()) for r in reader]


def _rows(rows: Iterable[Sequence[str]]) -> list[tuple[str, str, str]]:
    out = []
    for row in rows:
        cells = [str(c).strip() for c in row][:3]
        cells += [""] * (3 - len(cells))
        if cells[0]:
            out.append((cells[0], cells[1], cells[2]))
    return sorted(set(out))


def taxonomy_terms(rows: Iterable[Sequence[str]]) -> dict[str, list[str]]:
    """Level-1 class → its level-2/level-3 names (generic ones like 其他 left out)."""
    terms: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        level1, *lower = (cell.strip() for cell in row)
        if not level1:
            continue
        terms[level1].add(level1)
        for name in lower:
            if name and name not in _GENERIC_TERMS:
                terms[level1].add(name)
    return {label: sorted(words) for label, words in sorted(terms.items())}


class _TermMatcher:
    """Counts, per class, the taxonomy terms (and their 2+ character words) found in a text.

    Compound names are also split with the plain dictionary ("住房公积金" → 住房, 公积金): the
    parts carry most of the signal (+3 points macro-F1 over whole names only).
    """

    def __init__(self, terms: Mapping[str, Iterable[str]]):
        self.classes = sorted(terms)
        owners: dict[str, set[int]] = defaultdict(set)
        for index, label in enumerate(self.classes):
            for term in terms[label]:
                owners[term].add(index)
                for word in default_segmenter().tokens(term):
                    if len(word) >= 2 and word not in _GENERIC_TERMS:
                        owners[word].add(index)
        self.owners = {term: tuple(sorted(indices)) for term, indices in owners.items()}
        self._automaton = _automaton(
            {term: [(i, 1.0 / len(ids)) for i in ids] for term, ids in self.owners.items()}
        )

    def counts(self, text: str) -> np.ndarray:
        out = np.zeros(len(self.classes))
        for column, total in _count_hits(self._automaton, text).items():
            out[column] = total
        return out


def _automaton(payloads: Mapping[str, list[tuple[int, float]]]):
    """An Aho–Corasick automaton whose terms carry their (column, share) pairs; None if empty."""
    import ahocorasick

    if not payloads:
        return None
    automaton = ahocorasick.Automaton()
    for term, pairs in payloads.items():
        automaton.add_word(term, pairs)
    automaton.make_automaton()
    return automaton


def _count_hits(automaton, text: str) -> dict[int, float]:
    """Column → sum of the shares of the terms found (only columns with a hit)."""
    out: dict[int, float] = {}
    if automaton is None or not text:
        return out
    for _, pairs in automaton.iter(text):
        for column, share in pairs:
            out[column] = out.get(column, 0.0) + share
    return out


@dataclass
class _Doc:
    title: str
    body: str
    title_tokens: str
    body_tokens: str
    hits: tuple[dict[int, float], dict[int, float]] | None = None  # taxonomy, on first use


def _tfidf(kind: str, ngrams: tuple[int, int], sublinear: bool, max_features: int | None):
    from sklearn.feature_extraction.text import TfidfVectorizer

    if kind == "char":
        return TfidfVectorizer(
            analyzer="char",
            ngram_range=ngrams,
            sublinear_tf=sublinear,
            max_features=max_features,
            dtype=np.float32,
        )
    return TfidfVectorizer(
        tokenizer=str.split,
        token_pattern=None,
        lowercase=False,
        ngram_range=ngrams,
        sublinear_tf=sublinear,
        max_features=max_features,
        dtype=np.float32,
    )


# Character n-grams read only the body's start: as accurate, and long letters cost no more.
_CHAR_BODY_LIMIT = 400
# name, analyzer, n-grams, sublinear tf, field, weight
_BLOCKS = (
    ("text_chars", "char", (1, 3), False, "text", 1.0),
    ("text_words", "word", (1, 2), True, "text_tokens", 1.0),
    ("title_chars", "char", (1, 2), True, "title", 1.0),
    ("title_words", "word", (1, 1), True, "title_tokens", 1.0),
)
# Weight of the tree-node counts per level (level 1 aggregates its whole subtree).
_LEVEL_WEIGHTS = (0.5, 0.4, 0.3)


class _TaxonomyFeatures:
    """log(1 + hits) of each tree node's names in the title and in the body, per level."""

    def __init__(self, rows: Sequence[tuple[str, str, str]]):
        level2: dict[str, set[str]] = defaultdict(set)
        level3: dict[str, set[str]] = defaultdict(set)
        for l1, l2, l3 in rows:
            names = {n for n in (l2, l3) if n and n not in _GENERIC_TERMS}
            if l2 and names:
                level2[f"{l1}/{l2}"] |= names
            if l2 and l3 and l3 not in _GENERIC_TERMS:
                level3[f"{l1}/{l2}/{l3}"].add(l3)
        self.classes = _TermMatcher(taxonomy_terms(rows))
        matchers = (self.classes, _TermMatcher(level2), _TermMatcher(level3))
        self._levels = [(m, w) for m, w in zip(matchers, _LEVEL_WEIGHTS, strict=True) if m.classes]
        self._weights = np.array(
            [w for m, w in self._levels for _ in range(2 * len(m.classes))], dtype=np.float32
        )
        # Every level's terms in one automaton (one pass over a text instead of three); its
        # columns are the classes of all levels one after another, and `_columns` maps a hit
        # in the title (column c) or the body (c + _per_text) to its feature column.
        payloads: dict[str, list[tuple[int, float]]] = defaultdict(list)
        title_columns: list[int] = []
        body_columns: list[int] = []
        start = 0
        for matcher, _weight in self._levels:
            n = len(matcher.classes)
            for term, indices in matcher.owners.items():
                payloads[term] += [(start + i, 1.0 / len(indices)) for i in indices]
            title_columns += range(2 * start, 2 * start + n)
            body_columns += range(2 * start + n, 2 * start + 2 * n)
            start += n
        self._all = _automaton(payloads)
        self._per_text = start
        self._columns = np.array(title_columns + body_columns, dtype=np.intp)

    @property
    def width(self) -> int:
        return len(self._weights)

    def _hits(self, doc: _Doc) -> tuple[dict[int, float], dict[int, float]]:
        if doc.hits is None:
            doc.hits = (_count_hits(self._all, doc.title), _count_hits(self._all, doc.body))
        return doc.hits

    def class_hits(self, doc: _Doc) -> tuple[np.ndarray, np.ndarray]:
        """`self.classes.counts` of the title and of the body, from the shared pass."""
        width = len(self.classes.classes)
        out = np.zeros((2, width))
        for row, hits in enumerate(self._hits(doc)):
            for column, total in hits.items():
                if column < width:
                    out[row, column] = total
        return out[0], out[1]

    def row(self, doc: _Doc) -> tuple[np.ndarray, np.ndarray]:
        """One document's non-zero (columns, values), equal to its row of `transform`."""
        title, body = self._hits(doc)
        keys = np.array([*title, *(c + self._per_text for c in body)], dtype=np.intp)
        cols = self._columns[keys]
        totals = np.array([*title.values(), *body.values()], dtype=np.float32)
        values = np.log1p(totals) * self._weights[cols]
        order = np.argsort(cols)
        return cols[order], values[order]

    def transform(self, docs: Sequence[_Doc]) -> sp.csr_matrix:
        blocks = []
        for matcher, weight in self._levels:
            hits = [np.concatenate([matcher.counts(d.title), matcher.counts(d.body)]) for d in docs]
            dense = np.log1p(np.asarray(hits, dtype=np.float32).reshape(len(docs), -1))
            blocks.append(sp.csr_matrix(dense * weight))
        if not blocks:
            return sp.csr_matrix((len(docs), 0), dtype=np.float32)
        return sp.hstack(blocks, format="csr", dtype=np.float32)


_WHITE_SPACES = re.compile(r"\s\s+")


def _word_ngrams(words: list[str], low: int, high: int) -> list[str]:
    """The word n-grams (low ≤ n ≤ high) joined by a space, as sklearn's word analyzer makes."""
    grams = list(words) if low == 1 else []
    layer = words
    for n in range(2, high + 1):
        layer = list(map(add, map(add, layer, repeat(" ")), words[n - 1 :]))
        if n >= low:
            grams += layer
    return grams


# A character n-gram as one integer: 21 bits per code point + 1, so that n-grams of different
# lengths never share a key and a trigram fits in 63 bits.
_CODE_BITS = 21


def _char_keys(text: str, low: int, high: int) -> np.ndarray:
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    codes = codes.astype(np.int64) + 1
    parts = [codes] if low == 1 else []
    layer = codes
    for n in range(2, high + 1):
        layer = (layer[:-1] << _CODE_BITS) | codes[n - 1 :]
        if n >= low:
            parts.append(layer)
    return np.concatenate(parts)


def _term_keys(terms: list[str], high: int) -> np.ndarray:
    """The `_char_keys` of vocabulary terms (each one n-gram of 1 to `high` characters)."""
    codes = np.array(terms, dtype=f"<U{high}").view("<u4").reshape(len(terms), high)
    codes = codes.astype(np.int64) + 1
    lengths = np.fromiter(map(len, terms), np.int64, len(terms))
    keys = np.zeros(len(terms), dtype=np.int64)
    for j in range(high):
        keys = np.where(j < lengths, (keys << _CODE_BITS) | codes[:, j], keys)
    return keys


class _Block:
    """A fitted TF-IDF block (as `_tfidf` configures it): its analyzer and vocabulary lookup."""

    def __init__(self, vec, source: str, weight: float, offset: int):
        self.source = source
        self.weight = weight
        self.offset = offset
        self.idf = np.asarray(vec.idf_)
        self.sublinear = vec.sublinear_tf
        self.chars = vec.analyzer == "char"
        self.lowercase = vec.lowercase
        self.low, self.high = vec.ngram_range
        vocabulary: dict[str, int] = vec.vocabulary_
        if self.chars:
            # Character n-grams are looked up as integer keys in one sorted array, vectorised:
            # a dict lookup per n-gram was most of the cost of a single prediction.
            if self.high * _CODE_BITS > 63:
                raise ValueError("字符 n-gram 超过 3 个字符，无法编码为 64 位整数")
            terms = list(vocabulary)
            keys = _term_keys(terms, self.high)
            order = np.argsort(keys, kind="stable")
            self.keys = keys[order]
            self.key_columns = np.fromiter(vocabulary.values(), np.intp, len(terms))[order]
        else:
            self.vocabulary = vocabulary

    def ids(self, text: str) -> np.ndarray:
        """Vocabulary columns of the text's n-grams, once per occurrence, in no given order."""
        if self.lowercase:
            text = text.lower()
        if self.chars:
            keys = _char_keys(_WHITE_SPACES.sub(" ", text), self.low, self.high)
            if not self.keys.size:
                return np.zeros(0, np.intp)
            keys.sort()
            pos = np.minimum(np.searchsorted(self.keys, keys), self.keys.size - 1)
            return self.key_columns[pos[self.keys[pos] == keys]]
        grams = _word_ngrams(text.split(), self.low, self.high)
        ids = np.array(list(map(self.vocabulary.get, grams, repeat(-1))), dtype=np.intp)
        return ids[ids >= 0]


def _runs(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start index and length of each run of equal values in a sorted non-empty array."""
    first = np.empty(ids.size, dtype=bool)
    first[0] = True
    np.not_equal(ids[1:], ids[:-1], out=first[1:])
    starts = first.nonzero()[0]
    ends = np.empty_like(starts)
    ends[:-1] = starts[1:]
    ends[-1] = ids.size
    return starts, ends - starts


class _Featuriser:
    def __init__(self, taxonomy: _TaxonomyFeatures, max_features: int):
        self.taxonomy = taxonomy
        self.max_features = max_features
        self.vectorizers: dict = {}
        self._blocks: list[_Block] = []
        self._taxonomy_offset = 0

    def _compile(self) -> None:
        self._blocks = []
        offset = 0
        for name, _kind, _ngrams, _sub, source, weight in _BLOCKS:
            vec = self.vectorizers[name]
            self._blocks.append(_Block(vec, source, weight, offset))
            offset += len(vec.vocabulary_)
        self._taxonomy_offset = offset
        self._ends = np.array([b.offset + len(b.idf) for b in self._blocks])
        self._sublinear = np.array([b.sublinear for b in self._blocks])
        self._weights = np.array([b.weight for b in self._blocks], dtype=np.float32)
        self._idf = np.concatenate([b.idf.astype(np.float64) for b in self._blocks])

    @property
    def width(self) -> int:
        return self._taxonomy_offset + self.taxonomy.width

    @staticmethod
    def _field(doc: _Doc, name: str) -> str:
        if name == "text":
            return f"{doc.title}。{doc.body[:_CHAR_BODY_LIMIT]}"
        if name == "text_tokens":
            return f"{doc.title_tokens} {doc.body_tokens}"
        return getattr(doc, name)

    def fit_transform(self, docs: Sequence[_Doc]) -> sp.csr_matrix:
        blocks = []
        for name, kind, ngrams, sublinear, source, weight in _BLOCKS:
            vec = _tfidf(kind, ngrams, sublinear, self.max_features)
            blocks.append(weight * vec.fit_transform([self._field(d, source) for d in docs]))
            # Plain ints (sklearn leaves NumPy ints after max_features): faster lookups in `rows`.
            vec.vocabulary_ = {term: int(i) for term, i in vec.vocabulary_.items()}
            self.vectorizers[name] = vec
        self._compile()
        blocks.append(self.taxonomy.transform(docs))
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    def rows(self, docs: Sequence[_Doc]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each document's non-zero (columns, values): the rows of `transform`, built directly.

        On one or a few documents `transform` is mostly fixed overhead (input validation,
        analyzer set-up, sparse matrices, hstack); this path has none, costs about a tenth of it
        on a single appeal, and is faster on large batches too.
        """
        out = []
        for doc in docs:
            cols, values = self._tfidf_row(doc)
            tax_cols, tax_values = self.taxonomy.row(doc)
            out.append(
                (
                    np.concatenate([cols, tax_cols + self._taxonomy_offset]),
                    np.concatenate([values, tax_values]),
                )
            )
        return out

    def _tfidf_row(self, doc: _Doc) -> tuple[np.ndarray, np.ndarray]:
        """All TF-IDF blocks at once, computed as `TfidfVectorizer.transform` does: float32
        counts, 1 + log tf, × idf, l2 norm per block (float64 sum of float32 squares), × weight.
        """
        ids = np.concatenate([b.ids(self._field(doc, b.source)) + b.offset for b in self._blocks])
        if not ids.size:
            return ids, np.zeros(0, np.float32)
        ids.sort()
        starts, counts = _runs(ids)
        cols = ids[starts]
        tf = counts.astype(np.float32)
        block = np.searchsorted(self._ends, cols, side="right")
        log = self._sublinear[block]
        tf[log] = np.log(tf[log]) + 1.0
        values = (tf * self._idf[cols]).astype(np.float32)
        segments, lengths = _runs(block)
        norms = np.sqrt(np.add.reduceat(np.square(values).astype(np.float64), segments))
        values = (values / np.repeat(norms, lengths)).astype(np.float32)
        return cols, values * self._weights[block]

    def transform(self, docs: Sequence[_Doc]) -> sp.csr_matrix:
        """The sklearn path, kept as the reference `rows` is tested against."""
        blocks = [
            weight * self.vectorizers[name].transform([self._field(d, source) for d in docs])
            for name, _kind, _ngrams, _sub, source, weight in _BLOCKS
        ]
        blocks.append(self.taxonomy.transform(docs))
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        meta, arrays = {}, {}
        for name, vec in self.vectorizers.items():
            terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
            arrays[f"{name}.terms"] = np.array(terms, dtype=str)
            arrays[f"{name}.idf"] = vec.idf_.astype(np.float64)
            meta[name] = len(terms)
        return meta, arrays

    def restore(self, arrays: Mapping[str, np.ndarray]) -> None:
        for name, kind, ngrams, sublinear, _source, _weight in _BLOCKS:
            vec = _tfidf(kind, ngrams, sublinear, self.max_features)
            terms = arrays[f"{name}.terms"].tolist()
            vec.vocabulary_ = {term: i for i, term in enumerate(terms)}
            vec.idf_ = arrays[f"{name}.idf"]
            self.vectorizers[name] = vec
        self._compile()


class LinearModel:
    """One-vs-rest linear scores with softmax confidences; batch fit + online updates.

    ``fit`` uses LinearSVC; ``update`` is a passive-aggressive (PA-I) step per class row, so a
    confirmed label moves the model at once without touching the vocabulary.
    """

    def __init__(self, C: float = 1.0, seed: int = 0, pa_c: float = 0.01):
        self.C = C
        self.seed = seed
        self.pa_c = pa_c
        self.classes: list[str] = []
        self.coef = np.zeros((0, 0), dtype=np.float32)
        self.intercept = np.zeros(0, dtype=np.float32)
        self.temperature = 1.0

    def _svc(self):
        from sklearn.svm import LinearSVC

        return LinearSVC(C=self.C, class_weight="balanced", random_state=self.seed)

    def _fit_weights(self, X, y) -> tuple[list[str], np.ndarray, np.ndarray]:
        svc = self._svc().fit(X, y)
        classes = [str(c) for c in svc.classes_]
        coef = svc.coef_.astype(np.float32)
        intercept = svc.intercept_.astype(np.float32)
        if len(classes) == 2:
            coef = np.vstack([-coef, coef])
            intercept = np.concatenate([-intercept, intercept])
        return classes, coef, intercept

    def fit(self, X: sp.csr_matrix, y: Sequence[str]) -> LinearModel:
        y = np.asarray(y, dtype=str)
        if len(set(y)) < 2:
            raise ValueError("训练数据至少需要两个不同的类别")
        self.classes, self.coef, self.intercept = self._fit_weights(X, y)
        self.temperature = self._fit_temperature(X, y)
        return self

    def _fit_temperature(self, X, y) -> float:
        """Scale that minimises the log-loss of out-of-fold scores (1.0 if too few examples)."""
        from scipy.optimize import minimize_scalar
        from sklearn.model_selection import StratifiedKFold

        if len(y) < 20 or np.unique(y, return_counts=True)[1].max() < 3:
            return 1.0
        index = {c: i for i, c in enumerate(self.classes)}
        scores = np.zeros((len(y), len(self.classes)), dtype=np.float64)
        splitter = StratifiedKFold(3, shuffle=True, random_state=self.seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            splits = list(splitter.split(np.zeros(len(y)), y))
        for train, test in splits:
            if len(set(y[train])) < 2:
                return 1.0
            classes, coef, intercept = self._fit_weights(X[train], y[train])
            part = np.full((len(test), len(self.classes)), -10.0)
            part[:, [index[c] for c in classes]] = X[test] @ coef.T + intercept
            scores[test] = part
        target = np.array([index[c] for c in y])

        def loss(scale: float) -> float:
            z = scores * scale
            z -= z.max(axis=1, keepdims=True)
            logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            return -float(logp[np.arange(len(y)), target].mean())

        return float(minimize_scalar(loss, bounds=(0.05, 100.0), method="bounded").x)

    def decision(self, X: sp.csr_matrix) -> np.ndarray:
        return np.asarray(X @ self.coef.T) + self.intercept

    def proba(self, X: sp.csr_matrix) -> np.ndarray:
        return self._softmax(self.decision(X))

    def proba_rows(self, rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """`proba` of rows given as (columns, values), without building a sparse matrix."""
        z = np.empty((len(rows), len(self.classes)), dtype=np.float32)
        for i, (cols, values) in enumerate(rows):
            z[i] = self.coef[:, cols] @ values
        return self._softmax(z + self.intercept)

    def _softmax(self, decision: np.ndarray) -> np.ndarray:
        z = decision * self.temperature
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def update(self, x: sp.csr_matrix, label: str) -> None:
        if label not in self.classes:
            self.classes.append(label)
            self.coef = np.vstack([self.coef, np.zeros((1, self.coef.shape[1]), np.float32)])
            self.intercept = np.append(self.intercept, np.float32(-1.0))
        x = sp.csr_matrix(x)
        cols, vals = x.indices, x.data
        scores = self.coef[:, cols] @ vals + self.intercept
        true = self.classes.index(label)
        rivals = scores.copy()
        rivals[true] = -np.inf
        rival = int(np.argmax(rivals))
        loss = 1.0 - (scores[true] - scores[rival])
        if loss <= 0:
            return
        tau = np.float32(min(self.pa_c, loss / (2.0 * (float(vals @ vals) + 1.0))))
        self.coef[true, cols] += tau * vals
        self.coef[rival, cols] -= tau * vals
        self.intercept[true] += tau
        self.intercept[rival] -= tau

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        meta = {"C": self.C, "seed": self.seed, "pa_c": self.pa_c}
        meta |= {"classes": self.classes, "temperature": self.temperature}
        return meta, {"coef": self.coef, "intercept": self.intercept}

    @classmethod
    def restore(cls, meta: Mapping, arrays: Mapping[str, np.ndarray]) -> LinearModel:
        model = cls(C=meta["C"], seed=meta["seed"], pa_c=meta["pa_c"])
        model.classes = list(meta["classes"])
        model.temperature = float(meta["temperature"])
        model.coef = np.array(arrays["coef"], dtype=np.float32)
        model.intercept = np.array(arrays["intercept"], dtype=np.float32)
        return model


def _softmax_top(labels: Sequence[str], probs: np.ndarray, k: int) -> Prediction:
    order = np.argsort(-probs, kind="stable")[:k]
    top = [(labels[i], float(probs[i])) for i in order]
    return Prediction(label=top[0][0], confidence=top[0][1], top=top)


class CategoryClassifier:
    """Predicts an appeal's first-level category with a confidence and the top 3.

    ``prior_strength`` is how many labelled examples the taxonomy's cold-start opinion is worth;
    it is blended in while labels are few and fades as they accumulate.
    """

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
        self.taxonomy = _rows(taxonomy)
        self.user_words = sorted(set(user_words))
        self.seed = seed
        self.C = C
        self.prior_strength = prior_strength
        self.max_features = max_features
        self.examples: list[tuple[str, str, str]] = []
        self.updates_since_fit = 0
        self._model: LinearModel | None = None
        self._segmenter = Segmenter(self.user_words) if self.user_words else default_segmenter()
        self._tree = _TaxonomyFeatures(self.taxonomy)
        self._matcher = self._tree.classes
        self._features = _Featuriser(self._tree, max_features)

    @property
    def classes(self) -> list[str]:
        known = set(self._model.classes) if self._model else set()
        return sorted(known | set(self._matcher.classes))

    @property
    def n_labelled(self) -> int:
        return len(self.examples)

    def _doc(self, title: str, body: str) -> _Doc:
        title = strip_boilerplate(normalise(title or ""))
        body = strip_boilerplate(normalise(body or ""))
        tokens = self._segmenter.tokens
        return _Doc(title, body, " ".join(tokens(title)), " ".join(tokens(body)))

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
        self._model = LinearModel(C=self.C, seed=self.seed).fit(X, labels)
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

    def _prior(self, docs: Sequence[_Doc]) -> np.ndarray:
        """Cold-start class shares from taxonomy terms (title counts double), add-½ smoothed."""
        hits = np.zeros((len(docs), len(self._matcher.classes)))
        for i, doc in enumerate(docs):
            title, body = self._tree.class_hits(doc)
            hits[i] = 2 * title + body
        smoothed = hits + 0.5
        return smoothed / smoothed.sum(axis=1, keepdims=True)

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
            "version": MODEL_VERSION,
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


def write_bundle(path: str | Path, meta: dict, arrays: Mapping[str, np.ndarray]) -> None:
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("meta.json", json.dumps(meta, ensure_ascii=False))
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.save(buffer, np.asarray(array), allow_pickle=False)
            bundle.writestr(f"{name}.npy", buffer.getvalue())
    tmp.replace(path)


def read_bundle(path: str | Path, kind: str) -> tuple[dict, dict[str, np.ndarray]]:
    try:
        with zipfile.ZipFile(path) as bundle:
            meta = json.loads(bundle.read("meta.json").decode("utf-8"))
            if meta.get("format") != MODEL_FORMAT or meta.get("kind") != kind:
                raise ModelFormatError(f"{path} 不是 massline 的{_KIND_NAMES[kind]}模型文件")
            if meta.get("version") != MODEL_VERSION:
                raise ModelFormatError(
                    f"模型文件 {path} 的版本是 {meta.get('version')}，本程序只能读取版本 "
                    f"{MODEL_VERSION}；请用当前版本重新训练（massline analyse train）"
                )
            arrays = {
                name[: -len(".npy")]: np.load(io.BytesIO(bundle.read(name)), allow_pickle=False)
                for name in bundle.namelist()
                if name.endswith(".npy")
            }
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFormatError(f"{path} 不是有效的 massline 模型文件（{exc}）") from exc
    return meta, arrays


_KIND_NAMES = {"category": "分类", "department": "部门推荐"}


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
