"""Near-duplicates: perturbed copies of real messages found incrementally, beside O(n²) Jaccard.

The stream is every real message with a body in ../shared/data (labelled_sample, labelled_train,
hot_sample, reply_sample) in a shuffled order, with perturbed copies of some of them inserted at
random later positions. Six kinds of copy, `--per-kind` of each:

- reorder   the body's sentences in another order
- punct     half of the punctuation changed (，。！、；, . ! or nothing), spaces, "！！！" added
- numbers   every number changed (house numbers, dates, amounts), same number of digits
- greeting  a salutation before and a closing after (some of them the boilerplate stripper
            does not know)
- drop      one paragraph (a run of consecutive sentences, 15–45 % of the body) left out; only
            originals of 3 or more sentences
- mixed     all at once: a paragraph dropped (when there are 3 sentences), one pair of
            sentences swapped, punct, numbers, greeting, and the title edited

and, as hard negatives, `--per-kind` messages on the same subject as an original that are not
copies of it: its title and its first sentence, then sentences of other messages of the same
class, the borrowed part at most a third of the text (how a second resident often starts).

Each message, original or copy, is checked against everything before it and then indexed, as
intake does. A flag is the best earlier match. It is right when the two belong to one family:
a copy and its original, and originals that are themselves near-copies of each other (exact
character 3-gram Jaccard ≥ 0.5, found once with the O(n²) reference; the real board has a few).
Recall = copies flagged with a right match / copies; precision = right flags / all flags, over
originals and copies alike, so a flag between two different messages on one subject counts
against it.

Reference: exact character 3-gram Jaccard of each message against every earlier one (a sparse
matrix product), flag the best at ≥ 0.6 (the issue's reference) and at the threshold that gives
it the best recall at precision ≥ 0.98. Goal: recall ≥ 0.95 at precision ≥ 0.98.

`--speed N` also times check-and-add on N synthetic messages against datasketch's MinHashLSH.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import read, require_data, synthetic

from massline.analysis.duplicates import DuplicateIndex, prepare

KINDS = ("reorder", "punct", "numbers", "greeting", "drop", "mixed")
GOAL_RECALL, GOAL_PRECISION = 0.95, 0.98
_SENT = re.compile(r"(?<=[。！？!?；;])")
_PUNCT = re.compile(r"[，。！？、；：,.!?;:]")
_NUMBER = re.compile(r"\d+")
GREETINGS = (
    "尊敬的领导：您好！",
    "尊敬的市长您好，",
    "各位领导好！",
    "领导您好：",
    "您好，",
    "你好！",
    "亲爱的政府工作人员，你们好！",
    "尊敬的相关部门领导：",
)
CLOSINGS = (
    "谢谢！",
    "望领导重视，谢谢！",
    "恳请领导给予关注，盼复。",
    "麻烦领导看一下，急急急！",
    "希望有关部门重视！",
    "此致 敬礼！",
    "辛苦了！",
    "请尽快回复，万分感谢！！",
)


def sentences(text: str) -> list[str]:
    return [s for s in _SENT.split(text) if s.strip()]


def reorder(body: str, rng: random.Random) -> str:
    parts = sentences(body)
    for _ in range(10):
        shuffled = parts[:]
        rng.shuffle(shuffled)
        if shuffled != parts:
            return "".join(shuffled)
    return body


def punct(text: str, rng: random.Random) -> str:
    choices = ("，", "。", "！", "、", "；", ",", ".", "!", " ", "")
    out = _PUNCT.sub(lambda m: rng.choice(choices) if rng.random() < 0.5 else m.group(), text)
    return out + rng.choice(("！！！", "？？", "", "……"))


def numbers(text: str, rng: random.Random) -> str:
    def change(m: re.Match) -> str:
        n = len(m.group())
        while True:
            new = str(rng.randrange(10 ** (n - 1) if n > 1 else 0, 10**n))
            if new != m.group():
                return new

    return _NUMBER.sub(change, text)


def greeting(text: str, rng: random.Random) -> str:
    return rng.choice(GREETINGS) + text + rng.choice(CLOSINGS)


def drop(body: str, rng: random.Random) -> str | None:
    parts = sentences(body)
    total = len(body)
    spans = [
        (i, j)
        for i in range(len(parts))
        for j in range(i + 1, len(parts) + 1)
        if 0.15 <= sum(map(len, parts[i:j])) / total <= 0.45
    ]
    if not spans:
        return None
    i, j = rng.choice(spans)
    return "".join(parts[:i] + parts[j:])


def swap_one(body: str, rng: random.Random) -> str:
    parts = sentences(body)
    if len(parts) < 2:
        return body
    i = rng.randrange(len(parts) - 1)
    parts[i], parts[i + 1] = parts[i + 1], parts[i]
    return "".join(parts)


def perturb(kind: str, title: str, body: str, rng: random.Random) -> tuple[str, str] | None:
    if kind == "reorder":
        return (title, reorder(body, rng)) if len(sentences(body)) >= 2 else None
    if kind == "punct":
        return title, punct(body, rng)
    if kind == "numbers":
        return (title, numbers(body, rng)) if _NUMBER.search(body) else None
    if kind == "greeting":
        return title, greeting(body, rng)
    if kind == "drop":
        return (title, dropped) if (dropped := drop(body, rng)) else None
    body = drop(body, rng) or body if len(sentences(body)) >= 3 else body
    body = greeting(numbers(punct(swap_one(body, rng), rng), rng), rng)
    return rng.choice(("", "关于", "再次反映：")) + punct(title, rng), body


def build(per_kind: int, seed: int) -> tuple[list[dict], dict[int, int]]:
    """The stream (dicts with title, body, kind, source) and, per copy, its original's row."""
    originals = []
    seen = set()
    for name in ("labelled_sample.csv", "labelled_train.csv", "hot_sample.csv", "reply_sample.csv"):
        for row in read(name):
            key = (row["title"], row["body"])
            if row["body"].strip() and key not in seen:
                seen.add(key)
                originals.append(
                    {
                        "title": row["title"],
                        "body": row["body"],
                        "kind": "original",
                        "label": row.get("label", ""),
                    }
                )
    rng = random.Random(seed)
    rng.shuffle(originals)
    copies = []
    for kind in KINDS:
        made = 0
        for source in rng.sample(range(len(originals)), len(originals)):
            if made == per_kind:
                break
            o = originals[source]
            result = perturb(kind, o["title"], o["body"], rng)
            if result is None or result == (o["title"], o["body"]):
                continue
            copies.append({"title": result[0], "body": result[1], "kind": kind, "source": source})
            made += 1
    by_label: dict[str, list[str]] = {}
    for o in originals:
        by_label.setdefault(o["label"], []).extend(sentences(o["body"])[1:])
    made = 0
    for source in rng.sample(range(len(originals)), len(originals)):
        o = originals[source]
        parts = sentences(o["body"])
        if made == per_kind or not parts or not o["label"]:
            continue
        borrowed = len(o["title"]) + len(parts[0])
        body = parts[0]
        while len(body) + len(o["title"]) < 3 * borrowed:
            body += rng.choice(by_label[o["label"]])
        copies.append({"title": o["title"], "body": body, "kind": "same-subject", "source": source})
        made += 1
    slots: dict[int, list[dict]] = {}
    for c in copies:
        slots.setdefault(rng.randrange(c["source"] + 1, len(originals) + 1), []).append(c)
    stream: list[dict] = []
    origin: dict[int, int] = {}
    position = {}
    for i in range(len(originals) + 1):
        for c in slots.get(i, []):
            if c["kind"] in KINDS:
                origin[len(stream)] = position[c["source"]]
            stream.append(c)
        if i < len(originals):
            position[i] = len(stream)
            stream.append(originals[i])
    return stream, origin


def shingle_matrix(texts: list[str]) -> sparse.csr_matrix:
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for r, t in enumerate(texts):
        grams = {t[k : k + 3] for k in range(max(1, len(t) - 2))} if t else set()
        for g in grams:
            rows.append(r)
            cols.append(vocab.setdefault(g, len(vocab)))
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(texts), len(vocab)))


def exact_jaccard(texts: list[str]) -> np.ndarray:
    """All-pairs Jaccard of character 3-gram sets (the O(n²) reference), lower triangle only."""
    x = shingle_matrix(texts)
    inter = (x @ x.T).toarray()
    sizes = np.asarray(x.sum(axis=1)).ravel()
    union = sizes[:, None] + sizes[None, :] - inter
    jac = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
    return np.tril(jac, k=-1)


def families(stream: list[dict], origin: dict[int, int], jac: np.ndarray) -> list[int]:
    parent = list(range(len(stream)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    originals = np.array([i for i, m in enumerate(stream) if m["kind"] not in KINDS])
    sub = jac[np.ix_(originals, originals)]
    for a, b in zip(*np.nonzero(sub >= 0.5), strict=True):
        parent[find(int(originals[a]))] = find(int(originals[b]))
    for copy, source in origin.items():
        parent[find(copy)] = find(source)
    return [find(i) for i in range(len(stream))]


def score(flags: dict[int, int], stream, family) -> tuple[float, float, int, dict[str, float]]:
    right = {i for i, j in flags.items() if family[i] == family[j]}
    copies = [i for i, m in enumerate(stream) if m["kind"] in KINDS]
    recall = sum(i in right for i in copies) / len(copies)
    precision = len(right) / len(flags) if flags else 1.0
    by_kind = {}
    for kind in KINDS:
        members = [i for i in copies if stream[i]["kind"] == kind]
        by_kind[kind] = sum(i in right for i in members) / len(members)
    return recall, precision, len(flags) - len(right), by_kind


def reference_flags(jac: np.ndarray, threshold: float) -> dict[int, int]:
    best = jac.argmax(axis=1)
    value = jac[np.arange(len(jac)), best]
    return {i: int(best[i]) for i in np.nonzero(value >= threshold)[0].tolist()}


def line(name: str, recall: float, precision: float, wrong: int, by_kind, extra: str = "") -> str:
    kinds = " ".join(f"{k} {v:.3f}" for k, v in by_kind.items())
    return (
        f"  {name:<34} recall {recall:.3f}  precision {precision:.3f} ({wrong} wrong flags)"
        f"{extra}\n    per kind: {kinds}"
    )


def speed(n: int) -> None:
    from datasketch import MinHash, MinHashLSH

    texts = [prepare(m["title"] + m["body"]) for m in synthetic(n, seed=11)]
    index = DuplicateIndex(capacity=10**6)
    t0 = time.process_time()
    for i, t in enumerate(texts):
        index.check_and_add(i, t)
    ours = (time.process_time() - t0) / n
    lsh, t0 = MinHashLSH(num_perm=64, params=(16, 4)), time.process_time()
    for i, t in enumerate(texts):
        m = MinHash(num_perm=64)
        m.update_batch([t[k : k + 3].encode("utf-8") for k in range(max(1, len(t) - 2))])
        lsh.query(m)
        lsh.insert(i, m)
    theirs = (time.process_time() - t0) / n
    print(f"speed on {n:,} synthetic texts: DuplicateIndex {ours * 1e3:.3f} ms per check-and-add,"
          f" datasketch MinHashLSH (64 perm, 16x4, unverified) {theirs * 1e3:.3f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-kind", type=int, default=100, help="copies of each kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--speed", type=int, default=0, help="also time N synthetic messages")
    args = parser.parse_args()
    require_data()
    stream, origin = build(args.per_kind, args.seed)
    texts = [prepare(f"{m['title']}\n{m['body']}") for m in stream]
    t0 = time.process_time()
    jac = exact_jaccard(texts)
    ref_seconds = time.process_time() - t0
    family = families(stream, origin, jac)
    n_copies = len(origin)
    kinds = Counter(m["kind"] for m in stream)
    print(f"near-duplicates: {len(stream):,} messages in the stream, {kinds['original']:,} real "
          f"originals, {n_copies} perturbed copies ({args.per_kind} of each kind: "
          f"{', '.join(KINDS)}), {kinds['same-subject']} same-subject non-copies")  # fmt: skip
    print(f"  goal: recall >= {GOAL_RECALL} at precision >= {GOAL_PRECISION}, incremental")

    index = DuplicateIndex()
    flags: dict[int, int] = {}
    t0 = time.process_time()
    for i, m in enumerate(stream):
        found = index.check_and_add(i, f"{m['title']}\n{m['body']}", limit=1)
        if found:
            flags[i] = found[0][0]
    ms = (time.process_time() - t0) / len(stream) * 1e3
    recall, precision, wrong, by_kind = score(flags, stream, family)
    met = "met" if recall >= GOAL_RECALL and precision >= GOAL_PRECISION else "MISSED"
    print(line("massline DuplicateIndex (default)", recall, precision, wrong, by_kind,
               f"  {ms:.3f} ms CPU per check-and-add  -> goal {met}"))  # fmt: skip

    per_check = ref_seconds / len(stream) * 1e3
    r, p, w, k = score(reference_flags(jac, 0.6), stream, family)
    print(line("reference: exact 3-gram Jaccard>=0.6", r, p, w, k,
               f"  {per_check:.3f} ms per message (all pairs, sparse product)"))  # fmt: skip
    best = None
    for t in np.arange(0.20, 0.95, 0.025):
        r, p, w, k = score(reference_flags(jac, float(t)), stream, family)
        if p >= GOAL_PRECISION and (best is None or r > best[1]):
            best = (float(t), r, p, w, k)
    if best:
        t, r, p, w, k = best
        print(line(f"reference at its best >= {t:.3f}", r, p, w, k))
    if args.speed:
        speed(args.speed)


if __name__ == "__main__":
    main()
