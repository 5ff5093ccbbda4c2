"""Streaming topics on the real hot sample and on synthetic corpora, for a person to judge.

hot_sample.csv (30 messages with likes) is run twice: alone, and with labelled_sample.csv as the
background corpus for document frequencies (what a deployment has: its history). The ground
truth a reader can check: ids 360100–360109 are one matter (魅力之城 小区 ground-floor
restaurants: fumes and noise) and 360110–360114 another (经济学院 forced internships).
Then 10k and 100k synthetic messages recombined from labelled_sample sentences: time per message,
topics found, and the top topics.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import read, require_data, synthetic

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="synthetic corpus sizes")
    args = parser.parse_args()
    require_data()
    hot_sample(background=False)
    hot_sample(background=True)
    for n in (int(x) for x in args.sizes.split(",") if x):
        synthetic_run(n)


if __name__ == "__main__":
    main()
