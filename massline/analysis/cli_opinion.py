"""CLI subcommands of the opinion part: topics, duplicates, places, sentiment, reply-quality.

`register(subparsers)` adds them to `massline analyse` (cli.py runs them). Each reads
a UTF-8 CSV with a header, writes CSV to stdout and exits with status 2 and a message that names
the file, row and column when the input is malformed.

- topics: optional columns created_at (messages are taken in time order), likes, and person
  (a resident id; without it every message counts as a different resident).
- places: start/end are character offsets into the string title + "\n" + body as given;
  with --primary, one row per appeal instead: where the matter is, and how sure (0–1).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tqdm import tqdm

from .csvio import InputError, read_rows, writer
from .dates import format_time

if TYPE_CHECKING:
    from _csv import Writer

    from .places import PlaceIndex

_T = TypeVar("_T")

__all__ = ["register"]

DEFAULT_REGIONS = Path(__file__).resolve().parents[1] / "data" / "regions.json"


def _progress(items: Iterable[_T], desc: str) -> tqdm[_T]:
    return tqdm(items, desc=desc, file=sys.stderr, delay=1.0, leave=False)


def _chronological(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if any(r.get("created_at") is None for r in rows):
        return rows
    return sorted(rows, key=lambda r: r["created_at"])


def _writer() -> Writer:
    return writer()


def _place_index(path: str | None, required: bool, home: str | None = None) -> PlaceIndex | None:
    from .places import PlaceIndex, load_regions

    source = Path(path) if path else DEFAULT_REGIONS
    if not source.exists():
        if required or path:
            raise InputError(f"{source}：找不到行政区划文件（用 --regions 指定）")
        return None
    try:
        return PlaceIndex(load_regions(source), home=home)
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{source}：行政区划文件格式错误（{exc}）") from None


# -- commands ----------------------------------------------------------------------------------


def cmd_topics(args: argparse.Namespace) -> int:
    from .text import Segmenter, default_segmenter, normalise, strip_boilerplate
    from .topics import TopicTracker

    rows = _chronological(
        read_rows(args.input, ["id", "title", "body"], ["created_at", "likes", "person"])
    )
    index = _place_index(args.regions, required=False)
    seg = Segmenter(index.words()) if index is not None else default_segmenter()
    docs = []
    for row in _progress(rows, "分词"):
        title_n, body_n = normalise(row["title"]), normalise(row["body"])
        names = []
        if index is not None:
            names = list(dict.fromkeys(m.name for m in index.find(f"{title_n}\n{body_n}")))
        docs.append((seg.tokens(title_n), seg.tokens(strip_boilerplate(body_n)), names))
    tracker = TopicTracker(threshold=args.threshold)
    tracker.fit_idf(t + b for t, b, _ in docs)
    if args.background:
        background = read_rows(args.background, ["id", "title", "body"])
        tracker.fit_idf(
            seg.tokens(normalise(r["title"])) + seg.tokens(strip_boilerplate(normalise(r["body"])))
            for r in _progress(background, "背景语料")
        )
    for row, (title_words, body_words, names) in zip(_progress(rows, "聚类"), docs, strict=True):
        tracker.add(
            row["id"],
            title_words,
            body_words,
            title=row["title"].strip(),
            at=row.get("created_at"),
            person=(row.get("person") or "").strip() or None,
            likes=row.get("likes", 0),
            places=names,
        )
    out = _writer()
    out.writerow(
        ["rank", "topic_id", "hotness", "size", "people", "first_at", "last_at", "places",
         "keywords", "title", "ids"]
    )  # fmt: skip
    summaries = tracker.summaries()
    if args.top is not None:
        summaries = summaries[: args.top]
    for rank, s in enumerate(summaries, 1):
        out.writerow(
            [rank, s.topic_id, f"{s.hotness:.4f}", s.size, s.people, format_time(s.first_at),
             format_time(s.last_at), " ".join(s.places), " ".join(s.keywords), s.title,
             " ".join(str(i) for i in s.ids)]
        )  # fmt: skip
    return 0


def cmd_duplicates(args: argparse.Namespace) -> int:
    from .duplicates import DuplicateIndex

    rows = _chronological(read_rows(args.input, ["id", "title", "body"], ["created_at"]))
    index = DuplicateIndex(threshold=args.threshold)
    ids = {row["line"]: row["id"] for row in rows}
    out = _writer()
    out.writerow(["id", "duplicate_of", "similarity"])
    for row in _progress(rows, "查重"):
        found = index.check_and_add(row["line"], f"{row['title']}\n{row['body']}", limit=1)
        if found:
            line, similarity = found[0]
            out.writerow([row["id"], ids[line], f"{similarity:.3f}"])
    return 0


def cmd_places(args: argparse.Namespace) -> int:
    rows = read_rows(args.input, ["id", "title", "body"])
    index = _place_index(args.regions, required=True, home=args.home)
    assert index is not None  # required: a missing file raised InputError
    out = _writer()
    if args.primary:
        out.writerow(["id", "region_code", "region_name", "confidence"])
        for row in _progress(rows, "地名"):
            found = index.locate(f"{row['title']}\n{row['body']}")
            region = found.region if found else None
            out.writerow(
                [row["id"], region.code, region.name, f"{found.confidence:.3f}"]
                if found and region
                else [row["id"], "", "", ""]
            )
        return 0
    out.writerow(["id", "region_code", "region_name", "start", "end"])
    for row in _progress(rows, "地名"):
        for m in index.find(f"{row['title']}\n{row['body']}"):
            out.writerow([row["id"], m.code, m.name, m.start, m.end])
    return 0


def cmd_sentiment(args: argparse.Namespace) -> int:
    from .sentiment import default_scorer

    rows = read_rows(args.input, ["id", "title", "body"])
    scorer = default_scorer()
    out = _writer()
    out.writerow(["id", "negativity", "urgent", "flags"])
    for row in _progress(rows, "情感"):
        result = scorer.score(f"{row['title']}。{row['body']}")
        out.writerow(
            [row["id"], f"{result.negativity:.4f}", int(result.urgent), " ".join(result.flags)]
        )
    return 0


def cmd_reply_quality(args: argparse.Namespace) -> int:
    from .replies import assess

    rows = read_rows(args.input, ["id", "title", "body", "reply"], ["created_at", "replied_at"])
    out = _writer()
    out.writerow(["id", "relevance", "completeness", "timeliness_days", "flags"])
    for row in _progress(rows, "答复"):
        q = assess(
            row["title"],
            row["body"],
            row["reply"],
            row.get("created_at"),
            row.get("replied_at"),
            limit_days=args.limit_days,
        )
        days = "" if q.timeliness_days is None else q.timeliness_days
        out.writerow(
            [row["id"], f"{q.relevance:.4f}", f"{q.completeness:.4f}", days, " ".join(q.flags)]
        )
    return 0


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="INPUT.csv", help="UTF-8 CSV，含表头 id,title,body")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the opinion subcommands to an argparse subparsers object."""
    p = subparsers.add_parser(
        "topics",
        help="热点话题（最热在前）",
        description="可选列：created_at（按时间顺序处理）、likes（点赞）、person（留言人，用于统计人数）",
    )
    _add_common(p)
    p.add_argument("--top", type=int, default=None, help="只输出前 N 个话题")
    p.add_argument("--threshold", type=float, default=0.2, help="加入话题的最低余弦相似度")
    p.add_argument("--regions", default=None, help="行政区划 JSON（默认随包数据）")
    p.add_argument(
        "--background", default=None, help="背景语料 CSV（id,title,body），只用于词频统计"
    )
    p.set_defaults(func=cmd_topics)

    p = subparsers.add_parser("duplicates", help="重复诉求")
    _add_common(p)
    p.add_argument("--threshold", type=float, default=0.6, help="判为重复的最低相似度")
    p.set_defaults(func=cmd_duplicates)

    p = subparsers.add_parser(
        "places",
        help="文中提到的行政区划",
        description=(
            "输出 id,region_code,region_name,start,end；start/end 为在“标题+换行+正文”中的字符位置"
        ),
    )
    _add_common(p)
    p.add_argument("--regions", default=None, help="行政区划 JSON（默认随包数据）")
    p.add_argument("--home", default=None, help="本地行政区划代码，用于消歧")
    p.add_argument(
        "--primary",
        action="store_true",
        help="每条诉求一行：问题所在地 id,region_code,region_name,confidence（无则留空）",
    )
    p.set_defaults(func=cmd_places)

    p = subparsers.add_parser("sentiment", help="负面程度与紧急标记")
    _add_common(p)
    p.set_defaults(func=cmd_sentiment)

    p = subparsers.add_parser("reply-quality", help="答复质量")
    _add_common(p)
    p.add_argument("--limit-days", type=int, default=None, help="办理时限（工作日），超出标记 late")
    p.set_defaults(func=cmd_reply_quality)
