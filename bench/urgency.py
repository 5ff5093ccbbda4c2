"""The urgent flag of `massline analyse sentiment` against hand labels: precision and recall.

Reads bench/data/urgency_labelled.csv (labelling rules in bench/data/README.md). Rows whose
`source` is a file of ../shared/data are joined with it by id at run time (text = title + "。" +
body, as the CLI scores it); without the folder they are skipped and the figures cover the
written rows only. The rules were tuned on the `dev` part; `holdout` was not looked at.

    .venv/bin/python bench/urgency.py            # both parts, the figures to report
    .venv/bin/python bench/urgency.py --dev      # development part only (for tuning)
    .venv/bin/python bench/urgency.py --dev --errors   # its misses and false alarms
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from massline.analysis.sentiment import default_scorer  # noqa: E402

LABELS = ROOT / "bench/data/urgency_labelled.csv"
SHARED = ROOT.parent / "shared/data"
GOAL_RECALL, GOAL_PRECISION = 0.9, 0.7


def part_of(source: str, row_id: str) -> str:
    digest = hashlib.sha1(f"{source}:{row_id}".encode()).hexdigest()
    return "holdout" if int(digest, 16) % 3 == 0 else "dev"


def load() -> tuple[list[dict], int]:
    with open(LABELS, encoding="utf-8", newline="") as fh:
        labelled = list(csv.DictReader(fh))
    shared: dict[str, dict[str, dict]] = {}
    rows, skipped = [], 0
    for row in labelled:
        source = row["source"]
        text = row["text"]
        if source != "own":
            if source not in shared:
                path = SHARED / source
                shared[source] = {}
                if path.exists():
                    with open(path, encoding="utf-8", newline="") as fh:
                        shared[source] = {r["id"]: r for r in csv.DictReader(fh)}
            found = shared[source].get(row["id"])
            if found is None:
                skipped += 1
                continue
            text = f"{found['title']}。{found['body']}"
        rows.append(
            {**row, "text": text, "urgent": int(row["urgent"]), "part": part_of(source, row["id"])}
        )
    return rows, skipped


def wilson(k: int, n: int) -> str:
    if n == 0:
        return "  —  "
    z, p = 1.96, k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"{p:.3f} ({max(0.0, centre - half):.2f}–{min(1.0, centre + half):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", action="store_true", help="只看开发集（调规则时用）")
    parser.add_argument("--errors", action="store_true", help="列出开发集的漏报与误报")
    args = parser.parse_args()
    rows, skipped = load()
    if skipped:
        print(f"注意：{skipped} 条共享数据行未找到（{SHARED} 不存在或缺行），已跳过")
    scorer = default_scorer()
    for row in rows:
        result = scorer.score(row["text"])
        row["flagged"], row["terms"] = int(result.urgent), result.terms
    groups = [("dev", [r for r in rows if r["part"] == "dev"])]
    if not args.dev:
        groups += [
            ("holdout (never tuned on)", [r for r in rows if r["part"] == "holdout"]),
            ("all", rows),
            ("all, real messages only", [r for r in rows if r["source"] != "own"]),
            ("  real, dev", [r for r in rows if r["source"] != "own" and r["part"] == "dev"]),
            (
                "  real, holdout",
                [r for r in rows if r["source"] != "own" and r["part"] == "holdout"],
            ),
            ("all, written messages only", [r for r in rows if r["source"] == "own"]),
        ]
    print(
        f"Urgent flag (goal: recall ≥ {GOAL_RECALL} at precision ≥ {GOAL_PRECISION}); "
        f"labels: {LABELS.relative_to(ROOT)}"
    )
    print(f"{'part':<28}{'n':>5}{'urgent':>7}{'flagged':>8}  {'precision (95% CI)':<21}"
          f"{'recall (95% CI)':<21}goal")  # fmt: skip
    for name, group in groups:
        if not group:
            continue
        tp = sum(1 for r in group if r["urgent"] and r["flagged"])
        flagged = sum(r["flagged"] for r in group)
        urgent = sum(r["urgent"] for r in group)
        met = urgent and flagged and tp / urgent >= GOAL_RECALL and tp / flagged >= GOAL_PRECISION
        print(
            f"{name:<28}{len(group):>5}{urgent:>7}{flagged:>8}  {wilson(tp, flagged):<21}"
            f"{wilson(tp, urgent):<21}{'met' if met else 'missed'}"
        )
    if args.errors:
        dev = [r for r in rows if r["part"] == "dev"]
        print("\n-- missed (urgent, not flagged)")
        for r in dev:
            if r["urgent"] and not r["flagged"]:
                print(f"{r['id']:>8} {r['text'][:110]}")
        print("\n-- false alarms (flagged, not urgent)")
        for r in dev:
            if r["flagged"] and not r["urgent"]:
                print(f"{r['id']:>8} {' '.join(r['terms'])} | {r['text'][:100]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
