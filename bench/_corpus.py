"""Shared data loading for the opinion benchmarks: the real samples and synthetic recombinations."""

from __future__ import annotations

import csv
import random
import re
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared/data"
_SENTENCE = re.compile(r"(?<=[。！？!?；;])")


def require_data() -> Path:
    if not (DATA / "labelled_sample.csv").exists():
        sys.exit(f"找不到基准数据目录 {DATA}（需要 labelled_sample.csv 等文件）")
    return DATA


def read(name: str) -> list[dict]:
    with open(require_data() / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def real_messages() -> list[dict]:
    """All real messages of the three samples (title, body, created_at, likes)."""
    out = []
    for name in ("labelled_sample.csv", "hot_sample.csv", "reply_sample.csv"):
        for row in read(name):
            out.append(row)
    return out


def synthetic(n: int, seed: int = 0, start: datetime = datetime(2024, 1, 1)) -> Iterator[dict]:
    """`n` messages recombined from the sample's titles and sentences, 2 minutes apart on average.

    Each synthetic message borrows a real title and 2–6 sentences of bodies of the same class,
    so topics exist (shared titles and sentences) without being copies of one another.
    """
    rows = read("labelled_sample.csv")
    by_label: dict[str, list[str]] = {}
    titles: dict[str, list[str]] = {}
    for row in rows:
        parts = [s.strip() for s in _SENTENCE.split(row["body"]) if len(s.strip()) > 4]
        by_label.setdefault(row["label"], []).extend(parts)
        titles.setdefault(row["label"], []).append(row["title"])
    labels = sorted(by_label)
    rng = random.Random(seed)
    at = start
    for i in range(n):
        label = labels[rng.randrange(len(labels))]
        title = rng.choice(titles[label])
        sentences = by_label[label]
        body = "".join(rng.choice(sentences) for _ in range(rng.randint(2, 6)))
        at += timedelta(seconds=rng.expovariate(1 / 120))
        yield {
            "id": f"s{i}",
            "title": title,
            "body": body,
            "at": at,
            "person": f"u{rng.randrange(max(10, n // 3))}",
            "likes": rng.choice((0, 0, 0, 1, 2, 5)),
        }
