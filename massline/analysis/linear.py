"""One-vs-rest linear scores with temperature-scaled softmax confidences (category, department)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import scipy.sparse as sp


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
