"""Hot topics on the real hot sample, on a real board around it and on synthetic boards.

hot_sample.csv (30 messages with likes) is run twice: alone, and with labelled_sample.csv as the
background corpus for document frequencies (what a deployment has: its history). The ground
truth a reader can check: ids 360100–360109 are one matter (魅力之城 小区 ground-floor
restaurants: fumes and noise) and 360110–360114 another (经济学院 forced internships) -- two of
the four matters that published analyses of the full 4,326-message board rank hottest (the
full board is not in ../shared/data).

Then the real board: hot_sample among the 1,663 other real messages with a body, through the
whole `massline analyse topics` run; and synthetic boards of ~3,800 messages (bench/_board.py:
six matters raised by many residents within weeks, four single-author bursts, a real tail), one
per seed. Each board prints, for massline and for a plain average-linkage reference in the same
run, how many hot matters rank in the top 10, purity and completeness of their topics, where
the bursts rank, and CPU seconds; and massline's top topics with the parts of their hotness.
With --sizes, also 10k / 100k recombined corpora (time per message, topics found).
See bench/TOPICS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _corpus import read, require_data, synthetic

from massline.analysis.cli import main as cli_main
from massline.analysis.dates import format_time, parse_time
from massline.analysis.text import default_segmenter, normalise, strip_boilerplate
from massline.analysis.topics import TopicTracker

TRUTH = {
    "魅力之城": {str(i) for i in range(360100, 360110)},
    "经济学院": {str(i) for i in range(360110, 360115)},
}


def words(title: str, body: str) -> tuple[list[str], list[str]]:
    seg = default_segmenter()
    return seg.tokens(normalise(title)), seg.tokens(strip_boilerplate(normalise(body)))


def show(summaries, n: int) -> None:
    for rank, s in enumerate(summaries[:n], 1):
        ids = " ".join(str(i) for i in s.ids[:12]) + (" …" if len(s.ids) > 12 else "")
        print(
            f"  {rank:>2}. hot {s.hotness:7.2f} size {s.size:>5} people {s.people:>5} "
            f"{format_time(s.first_at)[:10]}..{format_time(s.last_at)[:10]} "
            f"[{' '.join(s.keywords)}] {s.title[:40]} | {ids}"
        )


def hot_sample(background: bool) -> None:
    rows = sorted(read("hot_sample.csv"), key=lambda r: parse_time(r["created_at"]))
    started = time.process_time()
    docs = [words(r["title"], r["body"]) for r in rows]
    tracker = TopicTracker()
    tracker.fit_idf(t + b for t, b in docs)
    if background:
        tracker.fit_idf(
            [*t, *b] for t, b in (words(r["title"], r["body"]) for r in read("labelled_sample.csv"))
        )
    for row, (t, b) in zip(rows, docs, strict=True):
        tracker.add(row["id"], t, b, title=row["title"], at=parse_time(row["created_at"]),
                    likes=int(row["likes"] or 0))  # fmt: skip
    elapsed = time.process_time() - started
    summaries = tracker.summaries()
    label = "with labelled_sample as background idf" if background else "alone"
    print(f"hot_sample.csv {label}: {len(rows)} messages -> {len(summaries)} topics "
          f"in {elapsed * 1000:.0f} ms CPU (segmentation included)")  # fmt: skip
    for name, truth in TRUTH.items():
        best = max(summaries, key=lambda s: len(truth & set(s.ids)))
        found = truth & set(best.ids)
        print(f"  truth {name}: {len(truth)} messages; best topic holds {len(found)} of them "
              f"plus {len(set(best.ids) - truth)} others; the rest in "
              f"{len({s.topic_id for s in summaries if truth & set(s.ids)}) - 1} "
              "other topics")  # fmt: skip
    show(summaries, 5)


def purity(summaries, truth: dict[str, str]) -> tuple[float, float]:
    """Share of messages in their topic's majority matter, and in their matter's majority topic.

    In the synthetic corpora a matter is the borrowed title (bodies are sentences of other
    messages of the same class), so these two figures say how well topics follow matters.
    """
    from collections import Counter

    inside = 0
    by_matter: dict[str, Counter] = {}
    for s in summaries:
        counts = Counter(truth[i] for i in s.ids)
        inside += counts.most_common(1)[0][1]
        for matter, c in counts.items():
            by_matter.setdefault(matter, Counter())[s.topic_id] += c
    total = sum(s.size for s in summaries)
    together = sum(c.most_common(1)[0][1] for c in by_matter.values())
    return inside / total, together / total


def synthetic_run(n: int) -> None:
    tracker = TopicTracker(horizon_days=30, max_topics=50_000)
    truth: dict[str, str] = {}
    retired = []
    tracker.on_retire = retired.append
    started = time.process_time()
    for m in synthetic(n, seed=n):
        truth[m["id"]] = m["title"]
        t, b = words(m["title"], m["body"])
        tracker.add(m["id"], t, b, title=m["title"], at=m["at"], person=m["person"],
                    likes=m["likes"])  # fmt: skip
    elapsed = time.process_time() - started
    summaries = tracker.summaries()
    sizes = sorted((s.size for s in summaries), reverse=True)
    print(f"synthetic {n:,}: {elapsed:.1f} s CPU ({elapsed / n * 1000:.3f} ms per message incl. "
          f"segmentation); live topics {len(summaries):,}, retired {tracker.retired:,}; "
          f"largest sizes {sizes[:5]}; singletons {sum(1 for s in sizes if s == 1):,}")  # fmt: skip
    pure, whole = purity(summaries + retired, truth)
    print(f"  purity {pure:.3f} (messages in their topic's majority matter), "
          f"completeness {whole:.3f} (messages in their matter's majority topic); "
          f"{len(set(truth.values()))} distinct matters")  # fmt: skip
    show(summaries, 5)


def judge(groups: list[list[str]], truth: dict[str, str]) -> dict[str, tuple[int, float, int]]:
    """Per planted matter or burst: rank of the best topic whose majority it is (0 = none),
    share of its messages in its largest topic, and how many topics hold 3 or more of them."""
    out = {}
    for label in sorted(set(truth.values())):
        members = {i for i, lab in truth.items() if lab == label}
        counts = [len(members & set(g)) for g in groups]
        rank = 0
        for r, g in enumerate(groups, 1):
            labels = Counter(truth.get(i, "") for i in g)
            if labels.most_common(1)[0][0] == label:
                rank = r
                break
        out[label] = (rank, max(counts) / len(members), sum(1 for c in counts if c >= 3))
    return out


def matter_purity(
    groups: list[list[str]], truth: dict[str, str], prefix: str
) -> tuple[float, float]:
    """Over the planted labels starting with `prefix`, weighted by their messages: purity = share
    of the topic holding most of a label that is that label (other messages pulled in lower it);
    completeness = share of the label's messages in that topic (a split lowers it)."""
    inside = together = total = 0
    for label in sorted({v for v in truth.values() if v.startswith(prefix)}):
        members = {i for i, lab in truth.items() if lab == label}
        best = max(groups, key=lambda g: len(members & set(g)))
        held = len(members & set(best))
        inside += held / len(best) * len(members)
        together += held
        total += len(members)
    return inside / total, together / total


def report(name: str, groups: list[list[str]], truth: dict[str, str], seconds: float) -> None:
    result = judge(groups, truth)
    matters = {k: v for k, v in result.items() if k.startswith("matter:")}
    top = sum(1 for rank, _, _ in matters.values() if 0 < rank <= 10)
    split = sum(1 for _, _, pieces in matters.values() if pieces > 1)
    bursts = [v[0] for k, v in result.items() if k.startswith("burst:")]
    pure, whole = matter_purity(groups, truth, "matter:")
    print(f"  {name}: {top} of {len(matters)} many-resident matters in the top 10 "
          f"(recall@10 {top / len(matters):.2f}), purity {pure:.3f}, completeness {whole:.3f}, "
          f"{split} split into several topics, single-author bursts ranked "
          f"{sorted(r if r else 9999 for r in bursts)}; {seconds:.1f} s CPU")  # fmt: skip
    for label, (rank, share, pieces) in matters.items():
        shown = rank if rank else "-"
        print(f"    {label[7:]:<10} rank {shown:>4}  {share:4.0%} of its messages in one topic, "
              f"{pieces} topic(s) hold 3+")  # fmt: skip


def average_linkage(docs, threshold: float) -> list[list[int]]:
    """The reference: TF-IDF of the same words, average-linkage clustering on cosine distance,
    clusters ranked by size (ties: more likes is not known to it, so first message first)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [t * 2 + b for t, b in docs]
    x = TfidfVectorizer(analyzer=lambda d: [w for w in d if len(w) > 1], sublinear_tf=True
                        ).fit_transform(texts)  # fmt: skip
    distance = 1.0 - (x @ x.T).toarray()
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(np.clip(distance, 0.0, 2.0), checks=False), method="average")
    labels = fcluster(tree, t=threshold, criterion="distance")
    clusters: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        clusters.setdefault(int(lab), []).append(i)
    return sorted(clusters.values(), key=len, reverse=True)


def run_cli(rows: list[dict]) -> tuple[list[dict], dict, float]:
    """`massline analyse topics` on the rows as a CSV file: its rows, the parts of the hotness
    of each topic (read from the same run: the CLI's columns do not carry them), CPU seconds."""
    columns = [c for c in ("id", "title", "body", "created_at", "likes", "person") if c in rows[0]]
    captured: list = []
    original = TopicTracker.summaries

    def spy(self, *args, **kwargs):
        out = original(self, *args, **kwargs)
        captured.extend(out)
        return out

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "board.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(columns)
            for r in rows:
                at = r.get("created_at")
                values = {
                    **r,
                    "created_at": format_time(at.timestamp()) if isinstance(at, datetime) else at,
                }
                out.writerow([values[c] for c in columns])
        buffer = io.StringIO()
        started = time.process_time()
        with (
            mock.patch.object(TopicTracker, "summaries", spy),
            contextlib.redirect_stdout(buffer),
            contextlib.redirect_stderr(io.StringIO()),
        ):
            code = cli_main(["topics", str(path)])
        seconds = time.process_time() - started
    if code:
        sys.exit(f"massline analyse topics failed with status {code}")
    return (
        list(csv.DictReader(io.StringIO(buffer.getvalue()))),
        {s.topic_id: s for s in captured},
        seconds,
    )


def show_rows(listed: list[dict], summaries: dict, n: int = 10) -> None:
    for r in listed[:n]:
        parts = summaries[int(r["topic_id"])].parts
        shown = " ".join(f"{k[:3]} {v:+.1f}" for k, v in parts.items() if v)
        print(f"    {r['rank']:>3}. hot {float(r['hotness']):6.2f} = {shown:<38} "
              f"size {r['size']:>3} people {r['people']:>3} "
              f"{r['first_at'][:10]}..{r['last_at'][:10]} "
              f"[{r['keywords']}] {r['title'][:24]}")  # fmt: skip


def real_board_run() -> None:
    """hot_sample inside the real messages of the other samples, with their own dates."""
    rows = [dict(r, likes=int(r["likes"] or 0)) for r in read("hot_sample.csv")]
    hot_ids = {r["id"] for r in rows}
    for name in ("labelled_sample.csv", "labelled_train.csv", "reply_sample.csv"):
        for r in read(name):
            if r["body"].strip() and r["id"] not in hot_ids:
                rows.append({"id": f"{name[:3]}{r['id']}", "title": r["title"], "body": r["body"],
                             "created_at": r["created_at"], "likes": 0})  # fmt: skip
    truth = {i: f"matter:{name}" for name, ids in TRUTH.items() for i in ids}
    print("hot_sample.csv inside a real board: its 30 messages (with likes) among "
          f"{len(rows) - 30:,} real messages of labelled_sample, labelled_train and reply_sample "
          "(their own dates, no likes, no person column); of the 4 matters published analyses "
          "of the 4,326-message board rank hottest, hot_sample holds 2 (魅力之城 10 messages, "
          "经济学院 5)")  # fmt: skip
    listed, summaries, seconds = run_cli(rows)
    groups = [r["ids"].split() for r in listed]
    report("massline analyse topics", groups, truth, seconds)
    show_rows(listed, summaries, 5)
    docs = [words(r["title"], r["body"]) for r in rows]
    started = time.process_time()
    clusters = average_linkage(docs, 0.75)
    seconds = time.process_time() - started
    ids = [r["id"] for r in rows]
    report("reference: average linkage (cosine distance 0.75), by size",
           [[ids[i] for i in c] for c in clusters], truth, seconds)  # fmt: skip


def board_run(seed: int) -> None:
    from _board import board

    rows, truth = board(seed)
    matters = len({v for v in truth.values() if v.startswith("matter:")})
    bursts = len({v for v in truth.values() if v.startswith("burst:")})
    in_matters = sum(v.startswith("matter:") for v in truth.values())
    in_bursts = sum(v.startswith("burst:") for v in truth.values())
    print(f"synthetic board (seed {seed}): {len(rows):,} messages over 2019, {matters} matters "
          f"raised by many residents within weeks ({in_matters} messages), {bursts} single-author "
          f"bursts ({in_bursts} messages), the rest one-offs")  # fmt: skip
    print("  goal: every many-resident matter in the top 10, none split; 4,000 messages <= 10 s")
    listed, summaries, seconds = run_cli(rows)
    groups = [r["ids"].split() for r in listed]
    report("massline analyse topics (whole CLI run)", groups, truth, seconds)
    show_rows(listed, summaries, 10)

    docs = [words(r["title"], r["body"]) for r in rows]
    started = time.process_time()
    clusters = average_linkage(docs, 0.75)
    seconds = time.process_time() - started
    ids = [r["id"] for r in rows]
    report("reference: average linkage (cosine distance 0.75), by size",
           [[ids[i] for i in c] for c in clusters], truth, seconds)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="", help="also recombined corpora, e.g. 10000,100000")
    parser.add_argument(
        "--seeds", default="2019,1,3,7,11", help="seeds of the synthetic boards (2019 developed on)"
    )
    args = parser.parse_args()
    require_data()
    hot_sample(background=False)
    hot_sample(background=True)
    real_board_run()
    for seed in (int(x) for x in args.seeds.split(",") if x):
        board_run(seed)
    for n in (int(x) for x in args.sizes.split(",") if x):
        synthetic_run(n)


if __name__ == "__main__":
    main()
