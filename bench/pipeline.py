"""Throughput and latency of the whole opinion pipeline against rjieba segmentation alone.

Part 1 runs every real message of ../shared/data (normalise, segment, classify, places,
duplicates, topic update, sentiment, burst counters) and, in the same run, rjieba on the same
texts. Part 2 streams 10k and 100k synthetic messages (1M with --million) through one Analyser
with bounded state (duplicate index capacity 200k, topics retired after 30 quiet days, 1,000
member ids kept per topic) and prints the per-message cost and RSS per tenth of the run, to show
both stay flat.

Both wall-clock and CPU time are printed: on a shared machine the wall clock also counts time
spent waiting for a core, so CPU time is the figure to compare between runs.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import read, real_messages, require_data, synthetic

from massline.analysis.dates import parse_time
from massline.analysis.duplicates import DuplicateIndex
from massline.analysis.pipeline import Analyser
from massline.analysis.places import PlaceIndex, load_regions
from massline.analysis.text import Segmenter
from massline.analysis.topics import TopicTracker

REGIONS = Path(__file__).resolve().parents[1] / "massline/data/regions.json"


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def classifier():
    try:
        from massline.analysis.classify import CategoryClassifier
    except ImportError:
        return None
    rows = read("labelled_sample.csv")
    model = CategoryClassifier()
    model.fit((r["title"], r["body"], r["label"]) for r in rows)
    return model


def make_analyser(places, model) -> Analyser:
    return Analyser(
        classifier=model,
        places=places,
        segmenter=Segmenter(places.words()) if places is not None else None,
        duplicates=DuplicateIndex(capacity=200_000),
        topics=TopicTracker(horizon_days=30, max_topics=50_000, member_limit=1000),
    )


def timed_run(analyser: Analyser, messages: list[dict], batch: int = 0) -> tuple[list, float]:
    """Per-message wall latencies and total CPU seconds of the analyser over the messages."""
    wall: list[float] = []
    cpu0 = time.process_time()
    if batch:
        for start in range(0, len(messages), batch):
            chunk = messages[start : start + batch]
            t0 = time.perf_counter()
            analyser.analyse_many(chunk)
            wall += [(time.perf_counter() - t0) / len(chunk)] * len(chunk)
    else:
        for m in messages:
            t0 = time.perf_counter()
            analyser.analyse(m["id"], m["title"], m["body"], at=m["at"], likes=m["likes"])
            wall.append(time.perf_counter() - t0)
    return wall, time.process_time() - cpu0


def line(name: str, wall: list[float], cpu: float, n: int) -> str:
    return (
        f"  {name:<34}: {n / sum(wall):7.0f} msg/s wall, {n / cpu:7.0f} msg/s CPU;"
        f"  p50 {pct(wall, 0.5) * 1e3:6.3f} ms  p99 {pct(wall, 0.99) * 1e3:6.3f} ms"
        f"  CPU {cpu / n * 1e3:6.3f} ms/msg"
    )


def real_run(places, model) -> None:
    messages = [
        {
            "id": f"r{n}",
            "title": m["title"],
            "body": m["body"],
            "at": parse_time(m.get("created_at") or None),
            "likes": int(m.get("likes") or 0),
        }
        for n, m in enumerate(real_messages())
    ]
    n = len(messages)
    chars = sum(len(m["title"]) + len(m["body"]) for m in messages) / n
    print(f"real texts: {n} messages of ../shared/data (mean {chars:.0f} characters)")
    seg = Segmenter(places.words() if places is not None else ())
    seg.cut("预热")
    wall = []
    cpu0 = time.process_time()
    for m in messages:
        t0 = time.perf_counter()
        seg.cut(m["title"])
        seg.cut(m["body"])
        wall.append(time.perf_counter() - t0)
    floor_cpu = time.process_time() - cpu0
    print(line("rjieba cut alone (the floor)", wall, floor_cpu, n))
    variants = [("pipeline, no classifier", None, 0)]
    if model is not None:
        variants += [("pipeline + classifier, one by one", model, 0)]
        variants += [("pipeline + classifier, batches of 64", model, 64)]
    for name, clf, batch in variants:
        analyser = make_analyser(places, clf)
        analyser.analyse("warm", "预热", "预热一下")
        wall, cpu = timed_run(analyser, messages, batch)
        print(line(name, wall, cpu, n) + f"  = {floor_cpu / cpu:.2f} of the floor (CPU)")
    stages(messages[:300], places, model)


def stages(messages, places, model) -> None:
    """CPU cost of each stage as the pipeline calls it, to see where the time goes."""
    from massline.analysis.duplicates import compact
    from massline.analysis.sentiment import default_scorer
    from massline.analysis.text import normalise, strip_boilerplate

    seg = Segmenter(places.words() if places is not None else ())
    scorer = default_scorer()
    dup = DuplicateIndex()
    topics = TopicTracker()
    cost: dict[str, float] = {}

    def timed(name, fn, *a, **kw):
        t0 = time.process_time()
        out = fn(*a, **kw)
        cost[name] = cost.get(name, 0.0) + time.process_time() - t0
        return out

    for n, m in enumerate(messages):
        title = timed("normalise", normalise, m["title"])
        body = timed("normalise", normalise, m["body"])
        body_m = timed("normalise", strip_boilerplate, body)
        tw = timed("segment", seg.tokens, title)
        bw = timed("segment", seg.tokens, body_m)
        if model is not None:
            timed("classify", model.predict, title, body_m)
        if places is not None:
            timed("places", places.find, f"{title}\n{body}")
        sig = timed("duplicates", dup.signature, compact(title + body_m), prepared=True)
        timed("duplicates", dup.query_signature, sig)
        timed("duplicates", dup.add_signature, n, sig)
        timed("topics", topics.add, n, tw, bw, title=title, at=m["at"])
        timed("sentiment", scorer.score, f"{title}\n{body}", True)
    print("  CPU ms per message by stage: " + ", ".join(
        f"{k} {v / len(messages) * 1e3:.3f}" for k, v in cost.items()
    ))  # fmt: skip


def scale_run(n: int, places, model) -> None:
    analyser = make_analyser(places, model)
    tenth = n // 10
    means: list[str] = []
    rss: list[str] = []
    cpu0 = time.process_time()
    wall0 = time.perf_counter()
    mark = cpu0
    for k, m in enumerate(synthetic(n, seed=n), 1):
        analyser.analyse(m["id"], m["title"], m["body"], at=m["at"], person=m["person"],
                         likes=m["likes"])  # fmt: skip
        if k % tenth == 0:
            now = time.process_time()
            means.append(f"{(now - mark) / tenth * 1e3:.2f}")
            rss.append(f"{rss_mb():.0f}")
            mark = now
    cpu = time.process_time() - cpu0
    wall = time.perf_counter() - wall0
    print(
        f"synthetic {n:>9,}: {wall:7.1f} s wall, {cpu / n * 1e3:.3f} ms CPU per message; "
        f"CPU ms per message by tenth: {' '.join(means)}"
    )
    print(
        f"  {'':>18} RSS MB by tenth: {' '.join(rss)}; peak {peak_mb():.0f} MB; live topics "
        f"{len(analyser.topics):,}, retired {analyser.topics.retired:,}, duplicate index "
        f"{len(analyser.duplicates):,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 messages")
    parser.add_argument("--no-classify", action="store_true", help="leave the classifier out")
    parser.add_argument(
        "--classify-at-scale", action="store_true", help="keep the classifier in the 10k+ runs"
    )
    parser.add_argument("--sizes", default="10000,100000", help="synthetic sizes")
    args = parser.parse_args()
    require_data()
    places = PlaceIndex(load_regions(REGIONS)) if REGIONS.exists() else None
    model = None if args.no_classify else classifier()
    print(
        f"stages: normalise, segment, classify ({'CategoryClassifier' if model else 'none'}), "
        f"places ({f'{len(places)} regions' if places else 'no regions.json'}), duplicates, "
        "topics, sentiment, burst counters"
    )
    real_run(places, model)
    sizes = [int(x) for x in args.sizes.split(",") if x] + ([1_000_000] if args.million else [])
    scale_model = model if args.classify_at_scale else None
    print(
        f"synthetic runs: {', '.join(f'{s:,}' for s in sizes)} messages, classifier "
        f"{'in' if scale_model else 'left out (its cost per message is constant)'}"
        + ("" if args.million else "; 1,000,000 skipped (pass --million: about 15 CPU minutes)")
    )
    for n in sizes:
        scale_run(n, places, scale_model)


if __name__ == "__main__":
    main()
