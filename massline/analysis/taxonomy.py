"""The category tree (level1, level2, level3) as knowledge: its terms and their counts in a text."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from .text import default_segmenter

if TYPE_CHECKING:
    import ahocorasick

    from .features import Doc

_GENERIC_TERMS = frozenset({"其他", "管理", "建设", "问题", "其它"})


def load_taxonomy(path: str | Path) -> list[tuple[str, str, str]]:
    """Rows (level1, level2, level3) of a taxonomy CSV with that header."""
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"level1", "level2", "level3"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"分类表 {path} 缺少列：{', '.join(sorted(missing))}")
        return [(r["level1"].strip(), r["level2"].strip(), r["level3"].strip()) for r in reader]


def taxonomy_rows(rows: Iterable[Sequence[str]]) -> list[tuple[str, str, str]]:
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


def _automaton(
    payloads: Mapping[str, list[tuple[int, float]]],
) -> ahocorasick.Automaton | None:
    """An Aho–Corasick automaton whose terms carry their (column, share) pairs; None if empty."""
    import ahocorasick

    if not payloads:
        return None
    automaton = ahocorasick.Automaton()
    for term, pairs in payloads.items():
        automaton.add_word(term, pairs)
    automaton.make_automaton()
    return automaton


def _count_hits(automaton: ahocorasick.Automaton | None, text: str) -> dict[int, float]:
    """Column → sum of the shares of the terms found (only columns with a hit)."""
    out: dict[int, float] = {}
    if automaton is None or not text:
        return out
    for _, pairs in automaton.iter(text):
        for column, share in pairs:
            out[column] = out.get(column, 0.0) + share
    return out


# Weight of the tree-node counts per level (level 1 aggregates its whole subtree).
_LEVEL_WEIGHTS = (0.5, 0.4, 0.3)


class TaxonomyFeatures:
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

    def _hits(self, doc: Doc) -> tuple[dict[int, float], dict[int, float]]:
        if doc.hits is None:
            doc.hits = (_count_hits(self._all, doc.title), _count_hits(self._all, doc.body))
        return doc.hits

    def class_hits(self, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
        """`self.classes.counts` of the title and of the body, from the shared pass."""
        width = len(self.classes.classes)
        out = np.zeros((2, width))
        for row, hits in enumerate(self._hits(doc)):
            for column, total in hits.items():
                if column < width:
                    out[row, column] = total
        return out[0], out[1]

    def row(self, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
        """One document's non-zero (columns, values), equal to its row of `transform`."""
        title, body = self._hits(doc)
        keys = np.array([*title, *(c + self._per_text for c in body)], dtype=np.intp)
        cols = self._columns[keys]
        totals = np.array([*title.values(), *body.values()], dtype=np.float32)
        values = np.log1p(totals) * self._weights[cols]
        order = np.argsort(cols)
        return cols[order], values[order]

    def transform(self, docs: Sequence[Doc]) -> sp.csr_matrix:
        blocks = []
        for matcher, weight in self._levels:
            hits = [np.concatenate([matcher.counts(d.title), matcher.counts(d.body)]) for d in docs]
            dense = np.log1p(np.asarray(hits, dtype=np.float32).reshape(len(docs), -1))
            blocks.append(sp.csr_matrix(dense * weight))
        if not blocks:
            return sp.csr_matrix((len(docs), 0), dtype=np.float32)
        return sp.hstack(blocks, format="csr", dtype=np.float32)
