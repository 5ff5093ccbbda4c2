"""The monthly 考核 report as an XLSX workbook: one sheet per table, frozen Chinese headers,
numbers stored as numbers (rates as percentages), written by the project's one tabular writer."""

from typing import Any

from massline.assessment import figures as fg
from massline.assessment.selectors import Overview
from massline.core.tabular import Sheet, xlsx

RATE_COLUMNS = [
    "response", "on_time", "resolution", "satisfaction", "first_time", "return_rate", "rework",
    "unrated",
]  # fmt: skip
COUNT_COLUMNS = ["received", "replies", "returns", "shirked", "extensions", "ratings"]


def _header(names: list[str]) -> list[str]:
    labels = {r.key: r.label for r in fg.RATES}
    labels.update({k: v[0] for k, v in fg.COUNTS.items()})
    labels.update(score="综合得分", mean_days="平均答复用时（工作日）", overdue_now="当前超期")
    return [str(labels.get(n, n)) for n in names]


COLUMNS = ["score", *RATE_COLUMNS, *COUNT_COLUMNS, "mean_days", "overdue_now"]


def _figures_row(f: fg.Figures, ranked: bool = True) -> list[Any]:
    """An unranked unit's rates and score are left empty, as its page shows them (—)."""
    row = f.as_row()
    if not ranked:
        row.update({k: None for k in ("score", *RATE_COLUMNS)})
    return [row[k] for k in COLUMNS]


RATE_AT = {COLUMNS.index(k) for k in RATE_COLUMNS}


def workbook(view: Overview) -> bytes:
    unit, period = view.unit, view.period
    summary = [
        [f"{unit.name}（{period.label}）", *_figures_row(view.now)],
        [f"{unit.name}（{view.before.label}）", *_figures_row(view.then)],
    ]
    rates = {i + 1 for i in RATE_AT}
    sheets = [Sheet("总体情况", ["单位与期间", *_header(COLUMNS)], summary, rates)]
    for group, rows in view.rankings.items():
        name = fg.GROUPS[group][0]
        table = [
            [
                r.rank,
                r.org.name,
                {"red": "红榜", "black": "黑榜"}.get(r.honour, "") if r.rank else "不参与排名",
                *_figures_row(r.figures, ranked=r.rank is not None),
            ]
            for r in rows
        ]
        head = ["排名", "单位", "红黑榜", *_header(COLUMNS)]
        sheets.append(Sheet(f"{name}排名", head, table, {i + 3 for i in RATE_AT}))
    trend = [[f"{m:%Y-%m}", *_figures_row(f)] for m, f in view.trend]
    sheets.append(Sheet("月度趋势", ["月份", *_header(COLUMNS)], trend, rates))
    direct = [[period.label, view.direct_now], [view.before.label, view.direct_then]]
    sheets.append(Sheet("直接答复", ["期间", f"{unit.name}直接答复件数"], direct))
    how = [[str(r.label), r.how_text()] for r in fg.RATES]
    how += [[str(label), str(text)] for label, text in fg.COUNTS.values()]
    how.append(["件数", str(fg.STEPS_NOTE)])
    how += [["平均答复用时", str(fg.MEAN_DAYS_HOW)], ["当前超期", str(fg.OVERDUE_HOW)]]
    how.append(["直接答复", str(fg.DIRECT_HOW)])
    how.append(["综合得分", fg.score_how()])
    how.append(["排名", fg.ranking_rule()])
    sheets.append(Sheet("指标说明", ["指标", "计算方法"], how, widths={1: 90}))
    return xlsx(sheets)
