"""Category classifier benchmark: repeated stratified CV on all labelled data, plus a held-out part.

Two datasets, separately: full messages (labelled_sample.csv + labelled_train.csv, title and
body) and subjects (subjects_train.csv, title only). Each is split once (seeded, stratified)
into a development part (80 %) and a held-out part (20 %) that no choice was tuned on. On the
development part, massline and the plain reference (char 1–3 TF-IDF of title + body, LinearSVC)
run on the same repeated stratified k-fold splits; every figure is the mean over folds with a
95 % confidence interval corrected for the overlap of training sets (Nadeau & Bengio), and the
paired difference massline − reference gets the same interval. Then both are trained once on
the whole development part and scored once on the held-out part.

Figures: macro-F1, accuracy, top-3 accuracy, ECE of the top confidence (10 bins; the
reference's confidence is the softmax of its raw decision values, it has no calibration), and
prediction ms/message on one core (one message per call, as the intake path classifies). ECE
measured on one fold of a few hundred messages is biased upwards by the noise of its bins, so
it is also given pooled over each repeat's out-of-fold predictions ("pooled ECE", mean over
repeats). The goals of issue 11 are checked at the end of each dataset.

  .venv/bin/python bench/classify.py                  # default: 5-fold × 2 repeats (< 5 min)
  .venv/bin/python bench/classify.py --repeats 5      # tighter intervals
  .venv/bin/python bench/classify.py --explore        # also the alternatives tried (CLASSIFY.md)
  .venv/bin/python bench/classify.py --dev-only       # while choosing: the held-out part untouched

fastText is scored with --explore only if a fastText binding is importable (it is no dependency
of massline): `pip install fasttext-numpy2`.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score  # noqa: E402
from sklearn.model_selection import RepeatedStratifiedKFold, train_test_split  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from massline.analysis.category import MEMBERS  # noqa: E402
from massline.analysis.classify import (  # noqa: E402
    CategoryClassifier,
    expected_calibration_error,
    load_taxonomy,
)
from massline.analysis.text import default_segmenter, normalise  # noqa: E402

DATA = Path(__file__).resolve().parents[1].parent / "shared/data"
HOLDOUT_SEED = 2026
METRICS = ("macro-F1", "accuracy", "top-3", "ECE")
GOALS = {"macro-F1 gain": 0.03, "ECE": 0.05, "top-3": 0.98, "ms/message": 2.0}

Rows = list[tuple[str, str, str]]
# A model: train rows → predict(pairs) → (labels, probability matrix)
Model = Callable[[Rows], Callable[[list[tuple[str, str]]], tuple[list[str], np.ndarray]]]


def read(name: str) -> Rows:
    path = DATA / name
    if not path.exists():
        sys.exit(f"bench/classify.py: {path} not found (expected the shared data folder)")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [(r["title"], r["body"] or "", r["label"]) for r in csv.DictReader(handle)]


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def reference(rows: Rows):
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
    svc = LinearSVC().fit(
        vec.fit_transform([f"{t} {b}" for t, b, _ in rows]), [y for *_, y in rows]
    )
    labels = [str(c) for c in svc.classes_]

    def predict(pairs):
        return labels, softmax(svc.decision_function(vec.transform([f"{t} {b}" for t, b in pairs])))

    return predict


def massline_model(taxonomy, cls=CategoryClassifier, seed: int = 0) -> Model:
    def train(rows: Rows):
        clf = cls(taxonomy, seed=seed).fit(rows)
        return clf.predict_proba

    return train


def variant(name: str, members) -> type[CategoryClassifier]:
    return type(name, (CategoryClassifier,), {"members": members})


def scores(y: np.ndarray, labels: list[str], probs: np.ndarray) -> dict[str, float]:
    order = np.argsort(-probs, axis=1, kind="stable")
    names = np.asarray(labels)
    pred = names[order[:, 0]]
    top3 = (names[order[:, :3]] == y[:, None]).any(axis=1)
    conf = probs[np.arange(len(y)), order[:, 0]]
    return {
        "macro-F1": f1_score(y, pred, average="macro", labels=sorted(set(y))),
        "accuracy": accuracy_score(y, pred),
        "top-3": float(top3.mean()),
        "ECE": expected_calibration_error(conf, pred == y),
    }


def interval(values: np.ndarray, folds: int) -> tuple[float, float]:
    """Mean and half-width of the 95 % CI of a k-fold mean, with the Nadeau–Bengio correction
    (variance × (1/n + n_test/n_train)) for training sets that overlap between folds."""
    n = len(values)
    mean = float(np.mean(values))
    if n < 2:
        return mean, float("nan")
    var = float(np.var(values, ddof=1)) * (1.0 / n + 1.0 / (folds - 1))
    return mean, float(stats.t.ppf(0.975, n - 1) * np.sqrt(var))


def ms_per_message(train: Model, rows: Rows, pairs: list[tuple[str, str]]) -> float:
    predict = train(rows)
    predict(pairs[:5])
    started = time.perf_counter()
    for pair in pairs:
        predict([pair])
    return 1000 * (time.perf_counter() - started) / len(pairs)


def cross_validate(models: dict[str, Model], rows: Rows, folds: int, repeats: int, seed: int):
    y = np.array([label for *_, label in rows])
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    out = {name: {m: [] for m in METRICS} | {"train s": []} for name in models}
    # Per model and repeat, the out-of-fold top confidence and whether the top label was right.
    pooled = {name: np.zeros((repeats, 2, len(y))) for name in models}
    for fold, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(len(y)), y)):
        train_rows = [rows[i] for i in train_idx]
        pairs = [(rows[i][0], rows[i][1]) for i in test_idx]
        for name, train in models.items():
            started = time.perf_counter()
            predict = train(train_rows)
            out[name]["train s"].append(time.perf_counter() - started)
            labels, probs = predict(pairs)
            for metric, value in scores(y[test_idx], labels, probs).items():
                out[name][metric].append(value)
            top = probs.argmax(axis=1)
            pooled[name][fold // folds, 0, test_idx] = probs[np.arange(len(top)), top]
            pooled[name][fold // folds, 1, test_idx] = np.asarray(labels)[top] == y[test_idx]
    cv = {name: {m: np.array(v) for m, v in figures.items()} for name, figures in out.items()}
    for name, conf_correct in pooled.items():
        cv[name]["pooled ECE"] = np.array(
            [expected_calibration_error(conf, correct > 0) for conf, correct in conf_correct]
        )
    return cv


def show_cv(cv, folds: int, ours: str = "massline", ref: str = "reference") -> None:
    header = "".join(f"{m:>20}" for m in METRICS)
    print(f"  {'model':<34}{header}{'pooled ECE':>12}{'train s/fold':>14}")
    for name, figures in cv.items():
        cells = "".join(
            "{:>20}".format("{:.4f} ± {:.4f}".format(*interval(figures[m], folds))) for m in METRICS
        )
        pooled = figures["pooled ECE"].mean()
        print(f"  {name:<34}{cells}{pooled:>12.4f}{figures['train s'].mean():>14.1f}")
    if ours in cv and ref in cv:
        cells = "".join(
            "{:>20}".format("{:+.4f} ± {:.4f}".format(*interval(cv[ours][m] - cv[ref][m], folds)))
            for m in METRICS
        )
        print(f"  {'difference massline − reference':<34}{cells}")


def show_goals(cv, held: dict[str, dict[str, float]]) -> None:
    ours, ref = cv["massline"], cv["reference"]
    checks = [
        (
            "macro-F1 ≥ reference + 0.03",
            (ours["macro-F1"] - ref["macro-F1"]).mean(),
            held["massline"]["macro-F1"] - held["reference"]["macro-F1"],
            GOALS["macro-F1 gain"],
            True,
        ),
        ("ECE ≤ 0.05", ours["ECE"].mean(), held["massline"]["ECE"], GOALS["ECE"], False),
        ("top-3 ≥ 0.98", ours["top-3"].mean(), held["massline"]["top-3"], GOALS["top-3"], True),
    ]
    print(f"\n  goals{'':<29}{'CV':>12}{'held out':>12}")
    for label, on_cv, on_held, goal, above in checks:
        verdicts = [(v >= goal) if above else (v <= goal) for v in (on_cv, on_held)]
        verdict = "met" if all(verdicts) else "MISSED" if not any(verdicts) else "mixed"
        print(f"  {label:<34}{on_cv:>12.4f}{on_held:>12.4f}  {verdict}")
    speed = held["massline"]["ms/message"]
    verdict = "met" if speed <= GOALS["ms/message"] else "MISSED"
    print(f"  {'prediction ≤ 2 ms/message':<34}{'':>12}{speed:>12.3f}  {verdict}")


def run_dataset(name: str, rows: Rows, taxonomy, args) -> None:
    y = np.array([label for *_, label in rows])
    dev_idx, held_idx = train_test_split(
        np.arange(len(y)), test_size=0.2, stratify=y, random_state=HOLDOUT_SEED
    )
    dev, held = [rows[i] for i in dev_idx], [rows[i] for i in held_idx]
    print(
        f"\n== {name}: {len(rows)} messages, {len(set(y))} classes; development {len(dev)}, "
        f"held out {len(held)} (stratified, seed {HOLDOUT_SEED})"
    )
    models: dict[str, Model] = {
        "massline": massline_model(taxonomy, seed=args.seed),
        "reference": reference,
    }
    if args.explore:
        for label, chosen in (
            ("v1: blocks + taxonomy, SVC", ["blocks"]),
            ("whole-text chars, SVC", ["chars"]),
            ("NB-SVM chars + words", ["nbsvm"]),
            ("blocks + chars", ["blocks", "chars"]),
            ("blocks + NB-SVM", ["blocks", "nbsvm"]),
        ):
            cls = variant(label, tuple(MEMBERS[m] for m in chosen))
            models[label] = massline_model(taxonomy, cls, args.seed)
        models["complement NB chars"] = complement_nb
        if fasttext_available():
            models["fastText words + bigrams"] = fasttext_model
    print(
        f"\n  cross-validation on the development part: {args.folds}-fold × {args.repeats} "
        f"repeats (seed {args.seed}); mean ± 95 % CI (corrected resampled t)"
    )
    cv = cross_validate(models, dev, args.folds, args.repeats, args.seed)
    show_cv(cv, args.folds)
    if args.dev_only:
        return

    print("\n  held out (trained once on the whole development part, scored once):")
    y_held = np.array([label for *_, label in held])
    pairs = [(t, b) for t, b, _ in held]
    print(f"  {'model':<34}" + "".join(f"{m:>12}" for m in METRICS) + f"{'ms/message':>12}")
    held_figures = {}
    for model_name in ("massline", "reference"):
        predict = models[model_name](dev)
        figures = scores(y_held, *predict(pairs))
        figures["ms/message"] = ms_per_message(models[model_name], dev, pairs[: args.timed])
        held_figures[model_name] = figures
        cells = "".join(f"{figures[m]:>12.4f}" for m in METRICS)
        print(f"  {model_name:<34}{cells}{figures['ms/message']:>12.3f}")

    cold = CategoryClassifier(taxonomy)
    labels, probs = cold.predict_proba([(t, b) for t, b, _ in held])
    pred = np.asarray(labels)[probs.argmax(axis=1)]
    print(
        f"\n  cold start (taxonomy words only, no labels) on the held-out part: accuracy "
        f"{accuracy_score(y_held, pred):.4f}, macro-F1 over its classes "
        f"{f1_score(y_held, pred, average='macro', labels=sorted(set(y_held))):.4f}"
    )
    show_goals(cv, held_figures)


def complement_nb(rows: Rows):
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.naive_bayes import ComplementNB

    vec = CountVectorizer(analyzer="char", ngram_range=(1, 3))
    model = ComplementNB(alpha=0.3).fit(
        vec.fit_transform([f"{t}。{b}" for t, b, _ in rows]), [y for *_, y in rows]
    )
    labels = [str(c) for c in model.classes_]

    def predict(pairs):
        X = vec.transform([f"{t}。{b}" for t, b in pairs])
        return labels, model.predict_proba(X)

    return predict


def fasttext_available() -> bool:
    try:
        import fasttext  # noqa: F401
    except ImportError:
        return False
    return True


def fasttext_model(rows: Rows):
    """fastText supervised (one thread, seeded): rjieba words of title + body, word bigrams."""
    import tempfile

    import fasttext

    segmenter = default_segmenter()

    def words(title: str, body: str) -> str:
        return " ".join(segmenter.tokens(normalise(f"{title}。{body}"))).replace("\n", " ")

    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt") as handle:
        handle.writelines(f"__label__{y} {words(t, b)}\n" for t, b, y in rows)
        handle.flush()
        model = fasttext.train_supervised(
            handle.name, epoch=25, lr=0.5, wordNgrams=2, dim=50, minCount=1, thread=1, seed=0
        )
    labels = sorted({y for *_, y in rows})
    column = {f"__label__{y}": i for i, y in enumerate(labels)}

    def predict(pairs):
        probs = np.zeros((len(pairs), len(labels)))
        for i, (t, b) in enumerate(pairs):
            names, values = model.predict(words(t, b), k=-1)
            probs[i, [column[n] for n in names]] = values
        return labels, probs

    return predict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timed", type=int, default=200, help="messages timed one by one")
    parser.add_argument("--datasets", default="full,subjects")
    parser.add_argument("--explore", action="store_true", help="also score the alternatives")
    parser.add_argument(
        "--dev-only", action="store_true", help="cross-validation only, the held-out part untouched"
    )
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    taxonomy = load_taxonomy(DATA / "taxonomy.csv")
    datasets = {
        "full": ("full messages", lambda: read("labelled_sample.csv") + read("labelled_train.csv")),
        "subjects": ("subjects (title only)", lambda: read("subjects_train.csv")),
    }
    started = time.perf_counter()
    for key in args.datasets.split(","):
        label, load = datasets[key.strip()]
        run_dataset(label, load(), taxonomy, args)
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
