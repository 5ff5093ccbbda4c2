"""XLSX for the consultation's exports: a frozen bold header, text cells that a spreadsheet
would read as a formula neutralised (CSV/formula injection: = + - @, tab, CR)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that begins like a formula gets a leading apostrophe (') so that
    spreadsheet programs show it as text; numbers and dates pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """One sheet per (title, header, rows)."""
    wb = Workbook()
    for blank in list(wb.worksheets):
        wb.remove(blank)
    for title, head, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append(list(head))
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in rows:
            ws.append([safe_cell(v) for v in row])
        ws.freeze_panes = "A2"
        for i, name in enumerate(head, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(60, len(name) * 3))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
