"""The one CSV reader of the engine's command line: UTF-8 (BOM tolerated), header required.

Every problem becomes an ``InputError`` whose message (in Chinese, for the user) names the file,
the line and the column, so a 10 000-row export can be fixed without guessing.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .dates import parse_time

if TYPE_CHECKING:
    from _csv import Writer

__all__ = ["INTEGER_COLUMNS", "TIME_COLUMNS", "InputError", "read_rows", "writer"]

TIME_COLUMNS = ("created_at", "replied_at")
INTEGER_COLUMNS = ("likes", "dislikes")


class InputError(ValueError):
    """A malformed input file; the message is for the user."""


def _name(path: str | Path) -> str:
    return "标准输入" if str(path) == "-" else str(path)


def _read_text(path: str | Path) -> str:
    """The whole file decoded ("-" is standard input), so a bad byte can be given its line."""
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}：无法打开文件（{exc.strerror}）") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{_name(path)} 第 {line} 行：不是 UTF-8 编码"
            f"（第 {exc.start + 1} 个字节无法解码）；请另存为 UTF-8 CSV"
        ) from None


def read_rows(
    path: str | Path,
    required: Sequence[str] = ("id",),
    optional: Sequence[str] = (),
    *,
    non_empty: Sequence[str] = ("id",),
) -> list[dict[str, Any]]:
    """Rows as dicts holding ``line`` (the file's line number), ``id`` and the named columns.

    Times (created_at, replied_at) become datetimes or None, likes/dislikes ints (empty → 0).
    Repeated ids are allowed: real exports contain the same message posted twice.
    """
    reader = csv.DictReader(io.StringIO(_read_text(path), newline=""))
    path = _name(path)
    try:
        header = [name.strip() for name in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise InputError(f"{path} 第 1 行：CSV 格式错误（{exc}）") from None
    if not header:
        raise InputError(f"{path}：文件为空，缺少表头")
    reader.fieldnames = header
    missing = [c for c in ("id", *required) if c not in header]
    if missing:
        raise InputError(
            f"{path} 第 1 行（表头）：缺少列 {', '.join(dict.fromkeys(missing))}"
            f"（现有列：{', '.join(header)}）"
        )
    wanted = [c for c in dict.fromkeys((*required, *optional)) if c in header and c != "id"]
    rows = []
    try:
        for raw in reader:
            line = reader.line_num
            if None in raw or any(raw[c] is None for c in header):
                raise InputError(f"{path} 第 {line} 行：列数与表头不一致（表头 {len(header)} 列）")
            row: dict[str, Any] = {"line": line, "id": raw["id"].strip()}
            for column in wanted:
                row[column] = raw[column]
            for column in non_empty:
                if column in row and not str(row[column]).strip():
                    raise InputError(f"{path} 第 {line} 行，列 {column}：不能为空")
            for column in TIME_COLUMNS:
                if column in row:
                    try:
                        row[column] = parse_time(row[column])
                    except ValueError:
                        raise InputError(
                            f"{path} 第 {line} 行，列 {column}：无法识别的时间 {row[column]!r}"
                            "（应为 2020-01-06 12:09:38 这样的格式）"
                        ) from None
            for column in INTEGER_COLUMNS:
                if column in row:
                    value = row[column].strip()
                    if value and not value.lstrip("-").isdigit():
                        raise InputError(
                            f"{path} 第 {line} 行，列 {column}：应为整数，实为 {value!r}"
                        )
                    row[column] = int(value) if value else 0
            rows.append(row)
    except csv.Error as exc:
        raise InputError(f"{path} 第 {reader.line_num} 行：CSV 格式错误（{exc}）") from None
    return rows


def writer(stream: IO[str] | None = None) -> Writer:
    return csv.writer(stream or sys.stdout, lineterminator="\n")
