"""The monthly 考核 report as an XLSX workbook: one sheet per table, frozen Chinese headers,
numbers stored as numbers (rates as percentages)."""

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from massline.assessment import figures as fg
from massline.assessment.selectors import Overview

RATE_COLUMNS = [
    "response", "on_time", "resolution", "satisfaction", "first_time", "return_rate", "rework",
    "unrated",
]  # fmt: skip
COUNT_COLUMNS = ["received", "replies", "returns", "shirked", "extensions", "ratings"]
HEADER_FILL = PatternFill("solid", fgColor="F2E6E6")


def _header(names: list[str]) -> list[str]:
    labels = {r.key: r.label for r in fg.RATES}
    labels.update({k: v[0] for k, v in fg.COUNTS.items()})
    labels.update(score="综合得分", mean_days="平均答复用时（工作日）", overdue_now="当前超期")
    return [str(labels.get(n, n)) for n in names]


def _sheet(wb: Workbook, title: str, head: list[str], rows: list[list[Any]], rates: set[int]):
    ws = wb.create_sheet(title)
    ws.append(head)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        ws.append(row)
    for col in rates:
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = "0.0%"
    ws.freeze_panes = "B2"
    for i, name in enumerate(head, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(30, len(name) * 2 + 2))
    return ws


COLUMNS = ["score", *RATE_COLUMNS, *COUNT_COLUMNS, "mean_days", "overdue_now"]


def _figures_row(f: fg.Figures) -> list[Any]:
    row = f.as_row()
    return [row[k] for k in COLUMNS]


RATE_AT = {COLUMNS.index(k) for k in RATE_COLUMNS}


def workbook(view: Overview) -> bytes:
    wb = Workbook()
    for blank in list(wb.worksheets):
        wb.remove(blank)
    unit, period = view.unit, view.period
    summary = [
        [f"{unit.name}（{period.label}）", *_figures_row(view.now)],
        [f"{unit.name}（{view.before.label}）", *_figures_row(view.then)],
    ]
    _sheet(wb, "总体情况", ["单位与期间", *_header(COLUMNS)], summary, {i + 2 for i in RATE_AT})
    for group, rows in view.rankings.items():
        name = fg.GROUPS[group][0]
        table = [
            [
                r.rank,
                r.org.name,
                {"red": "红榜", "black": "黑榜"}.get(r.honour, ""),
                *_figures_row(r.figures),
            ]
            for r in rows
        ]
        head = ["排名", "单位", "红黑榜", *_header(COLUMNS)]
        _sheet(wb, f"{name}排名", head, table, {i + 4 for i in RATE_AT})
    trend = [[f"{m:%Y-%m}", *_figures_row(f)] for m, f in view.trend]
    _sheet(wb, "月度趋势", ["月份", *_header(COLUMNS)], trend, {i + 2 for i in RATE_AT})
    how = [[str(r.label), str(r.how)] for r in fg.RATES]
    how += [[str(label), str(text)] for label, text in fg.COUNTS.values()]
    how += [["平均答复用时", str(fg.MEAN_DAYS_HOW)], ["当前超期", str(fg.OVERDUE_HOW)]]
    how.append(["综合得分", fg.score_how()])
    ws = _sheet(wb, "指标说明", ["指标", "计算方法"], how, set())
    ws.column_dimensions["B"].width = 90
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
