"""The one writer of tables for people's spreadsheets (XLSX and CSV), for the whole project.

Text from users or administrators (an org's name, a title) can begin like a formula:
`=HYPERLINK("http://evil.example","交通")` is a live link in a spreadsheet that opens it. Every
cell goes through `cell_value`: numbers, dates and booleans stay what they are; text stays text.
In XLSX a text cell is stored as a string, whatever it begins with (spreadsheets never
evaluate a string cell), so it reads exactly as written. CSV has no cell types, so text that
begins with = + - @, a tab or a CR gets a leading apostrophe, as OWASP advises.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="F2E6E6")
SHEET_TITLE_UNSAFE = re.compile(r"[\[\]:*?/\\]")
PLAIN = (int, float, Decimal, date, datetime, bool)


def cell_value(value: Any) -> Any:
    """What a cell holds: None, a number, a date or a boolean as itself; anything else as text."""
    if value is None or isinstance(value, PLAIN):
        return value
    return str(value)


def csv_text(value: Any) -> str:
    value = cell_value(value)
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    if isinstance(value, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


@dataclass
class Sheet:
    """One table: a title, a header row and rows; percent columns are 0-based indexes."""

    title: str
    head: Sequence[str]
    rows: Iterable[Sequence[Any]]
    percent: set[int] = field(default_factory=set)
    widths: dict[int, int] = field(default_factory=dict)
    freeze: str = "B2"


def _write(ws: Any, row_no: int, values: Sequence[Any]) -> list[Cell]:
    cells = []
    for col, raw in enumerate(values, start=1):
        value = cell_value(raw)
        cell = ws.cell(row=row_no, column=col)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells


def xlsx(sheets: Iterable[Sheet]) -> bytes:
    """A workbook of the sheets: bold frozen header, percent columns formatted as 0.0 %."""
    wb = Workbook()
    for blank in list(wb.worksheets):
        wb.remove(blank)
    for sheet in sheets:
        ws = wb.create_sheet(SHEET_TITLE_UNSAFE.sub("_", sheet.title)[:31] or "Sheet")
        for cell in _write(ws, 1, [str(h) for h in sheet.head]):
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row_no, row in enumerate(sheet.rows, start=2):
            for cell in _write(ws, row_no, row):
                if cell.column - 1 in sheet.percent:
                    cell.number_format = "0.0%"
        ws.freeze_panes = sheet.freeze
        for i, name in enumerate(sheet.head):
            width = sheet.widths.get(i, max(10, min(30, len(str(name)) * 2 + 2)))
            ws.column_dimensions[get_column_letter(i + 1)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class _Line:
    def write(self, text: str) -> str:
        return text


def csv_lines(head: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV text line by line (for a streamed download), UTF-8 BOM first so that Excel reads
    the Chinese right."""
    out = csv.writer(_Line())
    yield "\ufeff" + out.writerow([csv_text(h) for h in head])
    for row in rows:
        yield out.writerow([csv_text(v) for v in row])
