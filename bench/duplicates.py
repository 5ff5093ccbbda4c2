"""Our numpy MinHash + compact LSH against datasketch's MinHash + MinHashLSH, same texts.

Both index 64-permutation signatures of character 3-grams in 16 bands x 4 rows. Prints the
cost of one check-and-add, the RSS growth per indexed text, and how many duplicate pairs
(estimated Jaccard >= 0.6 against an earlier text) each finds on synthetic messages in which
every tenth message is an edited copy of an earlier one.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import require_data, synthetic

from massline.analysis.duplicates import DuplicateIndex, prepare


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


def corpus(n: int) -> list[str]:
    rng = random.Random(1)
    texts: list[str] = []
    for m in synthetic(n, seed=11):
        if texts and rng.random() < 0.1:
            base = rng.choice(texts)
            cut = rng.randrange(len(base) // 2, len(base))
            texts.append(base[:cut] + "请尽快处理")
        else:
            texts.append(prepare(m["title"] + m["body"]))
    return texts


def ours(texts: list[str]) -> tuple[float, float, int]:
    index = DuplicateIndex(capacity=10**6)
    r0, t0 = rss_mb(), time.process_time()
    found = sum(bool(index.check_and_add(i, t)) for i, t in enumerate(texts))
    return (time.process_time() - t0) / len(texts), (rss_mb() - r0) / len(texts), found


def theirs(texts: list[str]) -> tuple[float, float, int]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(num_perm=64, params=(16, 4))
    sigs = {}
    r0, t0 = rss_mb(), time.process_time()
    found = 0
    for i, t in enumerate(texts):
        m = MinHash(num_perm=64)
        m.update_batch([t[k : k + 3].encode("utf-8") for k in range(max(1, len(t) - 2))])
        hits = [j for j in lsh.query(m) if sigs[j].jaccard(m) >= 0.6]
        found += bool(hits)
        lsh.insert(i, m)
        sigs[i] = m
    return (time.process_time() - t0) / len(texts), (rss_mb() - r0) / len(texts), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    require_data()
    texts = corpus(args.n)
    print(f"{args.n:,} texts, mean {sum(map(len, texts)) / len(texts):.0f} characters")
    for name, run in (("massline DuplicateIndex", ours), ("datasketch MinHashLSH", theirs)):
        cost, kb, found = run(texts)
        print(f"  {name:<24}: {cost * 1e3:.3f} ms CPU per check-and-add, "
              f"{kb * 1024:.2f} KB RSS per text, {found:,} texts flagged as repeats")  # fmt: skip


if __name__ == "__main__":
    main()
