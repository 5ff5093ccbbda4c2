"""Reply completeness against hand labels: ROC-AUC beside the old action/unit/time score.

The column "same-length pairs" is ROC-AUC over the (complete, incomplete) pairs whose replies
differ in length by less than a factor of 1.5, for the completeness score / for length: what the
score knows that length does not.

Reads bench/data/replies_labelled.csv (labelling rules in bench/data/README.md). Rows whose
`source` is a file of ../shared/data are joined with it by id at run time; without the folder
they are skipped and the figures cover the rows written for the purpose only.

    .venv/bin/python bench/replies.py            # both parts, the figures to report
    .venv/bin/python bench/replies.py --dev      # development part only (for tuning)
    .venv/bin/python bench/replies.py --dev --errors 15   # the worst-ranked dev rows
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from massline.analysis.replies import assess  # noqa: E402
from massline.analysis.text import normalise  # noqa: E402

LABELS = ROOT / "bench/data/replies_labelled.csv"
SHARED = ROOT.parent / "shared/data"
GOAL = 0.85

# The completeness score before issue 11, kept here as the reference: a third each for an
# action verb, a unit name and a time expression anywhere in the reply.
_OLD_ACTION = re.compile(
    r"(?:已|已经|现已|目前已|立即|责令|要求|督促|安排|组织|协调|联系|约谈|牵头)"
    r"[\u4e00-\u9fa5]{0,6}?"
    r"(?:维修|修复|整改|清理|清除|拆除|查处|处罚|罚款|取缔|关停|停业|更换|安装|铺设|完成|办结"
    r"|发放|补发|退还|支付|解决|落实|改造|调整|恢复|疏通|封堵|治理|执法|检查|核查|立案|下达|回访"
    r"|补办|办理|开通|设置|增设|施工|启动|整治|纳入|审批|受理|召开|撤销|暂停)"
    r"|(?:已|已经|现已)(?:于|在)?\d{1,2}月"
)
_OLD_UNIT = re.compile(
    r"[\u4e00-\u9fa5A-Za-z0-9]{1,10}?"
    r"(?:局|委员会|委|办公室|办|中心|街道|街道办事处|社区|居委会|村委会|镇政府|乡政府|人民政府|政府"
    r"|公司|派出所|分局|大队|支队|管理处|管理所|管委会|法院|检察院|医院|学校|集团|站)"
)
_OLD_TIME = re.compile(
    r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日|\d{1,2}月(?:底|中旬|上旬|下旬|份)"
    r"|年底|月底|年内|近日内|\d+(?:个)?(?:工作日|天|日|周|个月)内|[一二三四五六七八九十两]+(?:个)?"
    r"(?:工作日|天|周|个月)内|本周|下周|本月|下月|预计|计划于|争取"
)
_OLD_SIGNATURE = re.compile(r"\d{4}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*\d{1,2}\s*日?[。.\s]*$")


def old_completeness(reply: str) -> float:
    reply = normalise(reply or "")
    if not reply:
        return 0.0
    parts = (
        bool(_OLD_ACTION.search(reply)),
        bool(_OLD_UNIT.search(reply)),
        bool(_OLD_TIME.search(_OLD_SIGNATURE.sub("", reply))),
    )
    return sum(parts) / 3


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
        if source != "own":
            if source not in shared:
                path = SHARED / source
                if path.exists():
                    with open(path, encoding="utf-8", newline="") as fh:
                        shared[source] = {r["id"]: r for r in csv.DictReader(fh)}
                else:
                    shared[source] = {}
            found = shared[source].get(row["id"])
            if found is None:
                skipped += 1
                continue
            row = {**row, "title": found["title"], "body": found["body"], "reply": found["reply"]}
        rows.append({**row, "complete": int(row["complete"]), "part": part_of(source, row["id"])})
    return rows, skipped


def auc(scores: list[float], labels: list[int]) -> float:
    """Probability that a complete reply outscores an incomplete one (ties count half)."""
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def matched_auc(scores: list[float], labels: list[int], lengths: list[float]) -> float:
    """`auc` over the (complete, incomplete) pairs whose reply lengths are within a factor of
    1.5 of each other: how well a score ranks when length cannot decide (length itself stays
    near 0.5 by construction, so this shows what a score knows beyond length)."""
    wins = pairs = 0.0
    for s, y, n in zip(scores, labels, lengths, strict=True):
        if not y:
            continue
        for t, z, m in zip(scores, labels, lengths, strict=True):
            if not z and max(n, m) <= 1.5 * min(n, m):
                pairs += 1
                wins += (s > t) + 0.5 * (s == t)
    return wins / pairs if pairs else float("nan")


def bootstrap(scores: list[float], labels: list[int], rounds: int = 400) -> tuple[float, float]:
    import random

    rng = random.Random(11)
    n, values = len(scores), []
    for _ in range(rounds):
        pick = [rng.randrange(n) for _ in range(n)]
        value = auc([scores[i] for i in pick], [labels[i] for i in pick])
        if value == value:
            values.append(value)
    values.sort()
    return values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", action="store_true", help="只看开发集（调参时用）")
    parser.add_argument("--errors", type=int, default=0, help="列出排序最差的 N 条（开发集）")
    args = parser.parse_args()
    rows, skipped = load()
    if skipped:
        print(f"注意：{skipped} 条共享数据行未找到（{SHARED} 不存在或缺行），已跳过")
    for row in rows:
        row["new"] = assess(row["title"], row["body"], row["reply"]).completeness
        row["old"] = old_completeness(row["reply"])
        row["length"] = float(len(normalise(row["reply"])))
    groups = [("dev", [r for r in rows if r["part"] == "dev"])]
    if not args.dev:
        groups += [
            ("holdout", [r for r in rows if r["part"] == "holdout"]),
            ("all", rows),
            ("all, real replies only", [r for r in rows if r["source"] != "own"]),
            ("all, written replies only", [r for r in rows if r["source"] == "own"]),
        ]
    print(f"Reply completeness, ROC-AUC (goal ≥ {GOAL}); labels: {LABELS.relative_to(ROOT)}")
    print(f"{'part':<27}{'n':>5}{'complete':>9}  {'completeness (95% CI)':<26}"
          f"{'old action/unit/time':>21}{'length':>8}{'same-length pairs':>19}  goal")  # fmt: skip
    for name, group in groups:
        if not group:
            continue
        y = [r["complete"] for r in group]
        new = [r["new"] for r in group]
        lo, hi = bootstrap(new, y)
        value = auc(new, y)
        figure = f"{value:.3f} ({lo:.3f}–{hi:.3f})"
        met = "met" if value >= GOAL else "missed"
        old = auc([r["old"] for r in group], y)
        lengths = [r["length"] for r in group]
        length = auc(lengths, y)
        same = f"{matched_auc(new, y, lengths):.3f} / {matched_auc(lengths, y, lengths):.3f}"
        print(
            f"{name:<27}{len(group):>5}{sum(y):>9}  {figure:<26}{old:>21.3f}{length:>8.3f}"
            f"{same:>19}  {met}"
        )
    if args.errors:
        dev = [r for r in rows if r["part"] == "dev"]
        pos = sorted((r for r in dev if r["complete"]), key=lambda r: r["new"])
        neg = sorted((r for r in dev if not r["complete"]), key=lambda r: -r["new"])
        for title, side in (("complete, lowest", pos), ("incomplete, highest", neg)):
            print(f"\n-- {title}")
            for r in side[: args.errors]:
                q = assess(r["title"], r["body"], r["reply"])
                print(f"{r['id']:>8} {q.completeness:.3f} {r['title'][:30]} | {r['reply'][:90]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
