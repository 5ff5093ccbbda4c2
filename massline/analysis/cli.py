"""`massline analyse SUBCOMMAND ...`: the engine on CSV files, no database.

Adding a subcommand: write ``add_arguments(parser)`` and ``run(args) -> int`` and put them in
``COMMANDS`` (or call ``register`` from another module listed in ``REGISTRARS``). Raise
``InputError`` for a malformed input: ``main`` prints it and exits with status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from tqdm import tqdm

from . import cli_opinion
from .csvio import InputError, read_rows, writer

__all__ = ["COMMANDS", "REGISTRARS", "main", "progress"]

DEFAULT_TAXONOMY = Path(__file__).resolve().parents[1] / "data" / "taxonomy.csv"
_BATCH = 256
# Not needed by train/classify, but checked when present so that a broken export is caught early.
_CHECKED = ("created_at", "likes", "dislikes")

_T = TypeVar("_T")


def progress(items: Iterable[_T], desc: str, total: int | None = None) -> tqdm[_T]:
    """A tqdm bar on stderr that appears only when the work lasts over a second."""
    return tqdm(items, desc=desc, total=total, file=sys.stderr, delay=1.0, leave=False)


def _batches(items: Sequence[_T], size: int = _BATCH) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# -- train ----------------------------------------------------------------------------------


def _add_train(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="TRAIN.csv", help="UTF-8 CSV，含表头 id,title,body,label")
    parser.add_argument("--model", required=True, metavar="MODEL", help="模型文件（写入）")
    parser.add_argument(
        "--taxonomy",
        metavar="TAXONOMY.csv",
        default=None,
        help="分类表 level1,level2,level3，用作先验词表（默认随包分类表）",
    )
    parser.add_argument(
        "--user-words", metavar="FILE", default=None, help="用户词典：每行一个地名或机构名"
    )
    parser.add_argument("--seed", type=int, default=0, help="随机种子（默认 0）")


def _taxonomy(path: str | None) -> list[tuple[str, str, str]]:
    from .classify import load_taxonomy

    source = Path(path) if path else DEFAULT_TAXONOMY
    if not source.exists():
        if path:
            raise InputError(f"{source}：找不到分类表文件")
        return []
    try:
        return load_taxonomy(source)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{source}：分类表格式错误（{exc}）") from None


def _user_words(path: str | None) -> list[str]:
    if not path:
        return []
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}：无法读取用户词典（{exc}）") from None
    return [line.split()[0] for line in text.splitlines() if line.strip()]


def _run_train(args: argparse.Namespace) -> int:
    from .classify import CategoryClassifier

    rows = read_rows(
        args.input, ("id", "title", "body", "label"), _CHECKED, non_empty=("id", "label")
    )
    if len({r["label"].strip() for r in rows}) < 2:
        raise InputError(f"{args.input}：列 label 至少需要两个不同的类别才能训练")
    clf = CategoryClassifier(_taxonomy(args.taxonomy), _user_words(args.user_words), seed=args.seed)
    examples = [(r["title"], r["body"], r["label"].strip()) for r in rows]
    print(f"训练中：{len(examples)} 条留言……", file=sys.stderr)
    clf.fit(examples)
    clf.save(args.model)
    print(
        f"已训练：{len(examples)} 条留言，{len(set(e[2] for e in examples))} 个类别；"
        f"模型已保存到 {args.model}",
        file=sys.stderr,
    )
    return 0


# -- classify -------------------------------------------------------------------------------


def _add_classify(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="INPUT.csv", help="UTF-8 CSV，含表头 id,title,body")
    parser.add_argument("--model", required=True, metavar="MODEL", help="train 生成的模型文件")


def _run_classify(args: argparse.Namespace) -> int:
    from .classify import CategoryClassifier, ModelFormatError

    if not Path(args.model).exists():
        raise InputError(f"{args.model}：找不到模型文件（先运行 massline analyse train）")
    try:
        clf = CategoryClassifier.load(args.model)
    except ModelFormatError as exc:
        raise InputError(str(exc)) from None
    rows = read_rows(args.input, ("id", "title", "body"), _CHECKED)
    out = writer()
    out.writerow(["id", "label", "confidence"])
    bar = progress(_batches(rows), "分类", total=-(-len(rows) // _BATCH))
    for batch in bar:
        predictions = clf.predict_many([(r["title"], r["body"]) for r in batch])
        for row, prediction in zip(batch, predictions, strict=True):
            out.writerow([row["id"], prediction.label, f"{prediction.confidence:.4f}"])
    return 0


Command = tuple[str, Callable[[argparse.ArgumentParser], None], Callable[..., int]]

COMMANDS: dict[str, Command] = {
    "train": ("训练分类模型（label 列为类别）", _add_train, _run_train),
    "classify": ("按模型给留言分类 → id,label,confidence", _add_classify, _run_classify),
}

# Modules whose ``register(subparsers)`` adds more subcommands (each sets ``func`` on its parser).
REGISTRARS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [
    cli_opinion.register
]

_USER_ERRORS: tuple[type[Exception], ...] = (InputError,)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="massline analyse", description="民意分析引擎：读 CSV，写 CSV 到标准输出"
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, add_arguments, run) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        add_arguments(sub)
        sub.set_defaults(func=run)
    for register in REGISTRARS:
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        status: int = args.func(args)
        return status
    except _USER_ERRORS as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
