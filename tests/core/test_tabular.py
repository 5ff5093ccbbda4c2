"""The project's one tabular writer: text that looks like a formula stays text, numbers stay
numbers, in XLSX and in CSV."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from massline.core.tabular import Sheet, csv_lines, xlsx

TRAPS = ["=1+1", "+86 713", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x","y")']


def test_text_that_begins_like_a_formula_is_a_string_cell_read_back_as_written():
    data = xlsx([Sheet("表[1]:*?/", ["名称", "数"], [[t, i] for i, t in enumerate(TRAPS)])])
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert ws.title == "表_1_____"
    rows = list(ws.iter_rows(min_row=2))
    assert [r[0].value for r in rows] == [t.replace("\r", "\n") for t in TRAPS]  # XML has no CR
    assert {r[0].data_type for r in rows} == {"s"}
    assert [r[1].value for r in rows] == list(range(len(TRAPS)))


def test_numbers_dates_and_percent_columns_keep_their_types():
    data = xlsx([Sheet("s", ["率", "数", "日"], [[0.5, Decimal("2.5"), date(2026, 12, 1)]], {0})])
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    rate, number, day = ws[2]
    assert rate.value == 0.5 and rate.number_format == "0.0%"
    assert number.value == 2.5 and day.value.date() == date(2026, 12, 1)
    assert ws.freeze_panes == "B2" and ws["A1"].font.bold


@pytest.mark.parametrize("trap", TRAPS)
def test_csv_prefixes_formula_like_text_with_an_apostrophe_and_leaves_numbers(trap):
    text = "".join(csv_lines(["名称", "数"], [[trap, -3]]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows[1] == ["'" + trap, "-3"]
