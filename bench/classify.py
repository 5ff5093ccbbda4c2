"""Category classifier benchmark on the shared labelled sample.

Stratified 5-fold CV of our classifier and of the reference (char 1–3-gram TF-IDF + LinearSVC)
on the same folds; then incremental learning: the last fold learned one message at a time
versus a full refit. Run: .venv/bin/python bench/classify.py
"""

from __future__ import annotations

import csv
import re
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from massline.analysis.classify import (
    CategoryClassifier,
    expected_calibration_error,
    load_taxonomy,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared/data"
SEED = 42


def load() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    sample, taxonomy = DATA / "labelled_sample.csv", DATA / "taxonomy.csv"
    for path in (sample, taxonomy):
        if not path.exists():
            sys.exit(f"bench/classify.py: {path} not found (expected the shared data folder)")
    with open(sample, encoding="utf-8-sig", newline="") as handle:
        rows = [(r["title"], r["body"], r["label"]) for r in csv.DictReader(handle)]
    return rows, load_taxonomy(taxonomy)


def report(name: str, y, pred, train_s: float, predict_s: float, n_pred: int) -> None:
    f1 = f1_score(y, pred, average="macro")
    acc = accuracy_score(y, pred)
    print(
        f"{name:<34} macro-F1 {f1:.4f}  accuracy {acc:.4f}  "
        f"train {train_s:6.2f} s/fold  predict {1000 * predict_s / n_pred:6.3f} ms/message"
    )


def main() -> None:
    rows, terms = load()
    y = np.array([label for _, _, label in rows])
    folds = list(StratifiedKFold(5, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y))
    print(f"{len(rows)} messages, {len(set(y))} classes, stratified 5-fold (seed {SEED})\n")

    ref_pred = np.empty(len(y), dtype=object)
    ref_train = ref_predict = 0.0
    for train, test in folds:
        started = time.perf_counter()
        vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
        X = vec.fit_transform([rows[i][0] + " " + rows[i][1] for i in train])
        svc = LinearSVC().fit(X, y[train])
        ref_train += time.perf_counter() - started
        started = time.perf_counter()
        ref_pred[test] = svc.predict(vec.transform([rows[i][0] + " " + rows[i][1] for i in test]))
        ref_predict += time.perf_counter() - started
    report("reference char1-3 TF-IDF+LinearSVC", y, ref_pred, ref_train / 5, ref_predict, len(y))

    pred = np.empty(len(y), dtype=object)
    conf = np.zeros(len(y))
    in_top3 = np.zeros(len(y), dtype=bool)
    our_train = our_predict = 0.0
    for train, test in folds:
        started = time.perf_counter()
        clf = CategoryClassifier(terms, seed=SEED).fit([rows[i] for i in train])
        our_train += time.perf_counter() - started
        started = time.perf_counter()
        out = clf.predict_many([(rows[i][0], rows[i][1]) for i in test])
        our_predict += time.perf_counter() - started
        pred[test] = [p.label for p in out]
        conf[test] = [p.confidence for p in out]
        in_top3[test] = [
            y[i] in {label for label, _ in p.top} for i, p in zip(test, out, strict=True)
        ]
    report("massline CategoryClassifier", y, pred, our_train / 5, our_predict, len(y))
    ece = expected_calibration_error(conf, pred == y)
    print(f"  top-3 accuracy {in_top3.mean():.4f}; calibration error (ECE, 10 bins) {ece:.4f}")
    for threshold in (0.5, 0.7, 0.9):
        sure = conf >= threshold
        print(
            f"  confidence >= {threshold}: {sure.mean():6.1%} of messages, "
            f"accuracy {(pred[sure] == y[sure]).mean():.4f}"
        )

    cold = CategoryClassifier(terms, seed=SEED)
    out = cold.predict_many([(t, b) for t, b, _ in rows])
    cold_pred = np.array([p.label for p in out])
    cold_f1 = f1_score(y, cold_pred, average="macro", labels=sorted(set(y)))
    print(
        f"\ncold start (taxonomy words only, no labels, 15 candidate classes): "
        f"accuracy {accuracy_score(y, cold_pred):.4f}, "
        f"macro-F1 over the 7 classes {cold_f1:.4f}"
    )

    print("\nincremental learning: train on folds 1-3, then learn fold 4, evaluate on fold 5")
    base_idx = np.concatenate([folds[0][1], folds[1][1], folds[2][1]])
    stream_idx, test_idx = folds[3][1], folds[4][1]
    test_pairs = [(rows[i][0], rows[i][1]) for i in test_idx]
    stream_pairs = [(rows[i][0], rows[i][1]) for i in stream_idx]

    def score(clf: CategoryClassifier) -> str:
        held = np.array([x.label for x in clf.predict_many(test_pairs)])
        seen = np.array([x.label for x in clf.predict_many(stream_pairs)])
        return (
            f"fold 5: macro-F1 {f1_score(y[test_idx], held, average='macro'):.4f} "
            f"accuracy {accuracy_score(y[test_idx], held):.4f} | "
            f"fold 4 (the learned ones) accuracy {accuracy_score(y[stream_idx], seen):.4f}"
        )

    clf = CategoryClassifier(terms, seed=SEED).fit([rows[i] for i in base_idx])
    print(f"  {'before (folds 1-3 only)':<30}{score(clf)}")
    started = time.perf_counter()
    for i in stream_idx:
        clf.learn_one(*rows[i])
    per_update = (time.perf_counter() - started) / len(stream_idx)
    print(f"  {f'learn_one x{len(stream_idx)} (online PA)':<30}{score(clf)}")
    print(f"      {1000 * per_update:.2f} ms per update")
    started = time.perf_counter()
    clf.refit()
    refit_s = time.perf_counter() - started
    print(f"  {'full refit on folds 1-4':<30}{score(clf)}")
    print(f"      {refit_s:.2f} s per refit ({len(clf.examples)} examples)")

    print("\ncost at larger history (synthetic: sentences recombined within each class)")
    for size in (2_000, 8_000):
        examples = synthetic(rows, size)
        started = time.perf_counter()
        big = CategoryClassifier(terms, seed=SEED).fit(examples)
        fit_s = time.perf_counter() - started
        started = time.perf_counter()
        for title, body, label in examples[:50]:
            big.learn_one(title, body, label)
        update_ms = 1000 * (time.perf_counter() - started) / 50
        started = time.perf_counter()
        big.predict_many([(t, b) for t, b, _ in examples[:500]])
        predict_ms = 1000 * (time.perf_counter() - started) / 500
        print(
            f"  {size:>6} examples: full fit {fit_s:6.1f} s, learn_one {update_ms:5.2f} ms, "
            f"predict {predict_ms:5.2f} ms/message"
        )


def synthetic(rows: list[tuple[str, str, str]], size: int) -> list[tuple[str, str, str]]:
    rng = np.random.default_rng(SEED)
    by_label: dict[str, list[tuple[str, list[str]]]] = {}
    for title, body, label in rows:
        sentences = [s for s in re.split(r"(?<=[。！？!?])", body) if s.strip()] or [body]
        by_label.setdefault(label, []).append((title, sentences))
    labels = sorted(by_label)
    out = []
    for _ in range(size):
        label = labels[rng.integers(len(labels))]
        pool = by_label[label]
        title = pool[rng.integers(len(pool))][0]
        body = "".join(
            rng.choice(pool[rng.integers(len(pool))][1]) for _ in range(rng.integers(2, 6))
        )
        out.append((title, body, label))
    return out


if __name__ == "__main__":
    main()
