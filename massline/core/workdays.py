"""The working-day calendar behind every deadline (办理时限).

A day is a working day according to, in this order:

1. an administrator's override for that date (``True``: a 调休 Saturday; ``False``: a holiday);
2. the ``chinesecalendar`` package, for the years it knows (its *horizon*);
3. Monday to Friday, for a year beyond the horizon.  When the administrator has entered that
   year's whole schedule (国务院办公厅关于部分节假日安排的通知) the year is *maintained*; otherwise
   it is a *fallback* year and staff are warned that its deadlines ignore holidays.

Time limits run on working days only, 24 hours each.  A limit of N working days set at a
moment on a working day ends at the same wall-clock time on the N-th working day after it.
A limit set on a non-working day starts at 00:00 of the next working day — the rule of the
12345 centres ("节假日受理的，自节假日后第一个工作日起算") — so it ends at the close of the
N-th working day counting that day as the first; such an end is given as 23:59:59 of that day,
never as 00:00 of the day after, which could be a holiday.

Pure Python: no Django, so the appeal workflow, the benches and the tests share it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache
from itertools import accumulate
from typing import Literal, NamedTuple

from chinese_calendar import constants as package_constants

DAY = timedelta(days=1)
DAY_SECONDS = 86400.0
END_OF_DAY = time(23, 59, 59)

YearSource = Literal["package", "maintained", "fallback"]


@dataclass(frozen=True)
class _Package:
    first_year: int
    last_year: int
    holidays: Mapping[date, str]
    workdays: Mapping[date, str]


@cache
def _package() -> _Package:
    holidays = package_constants.holidays
    years = [d.year for d in holidays]
    return _Package(min(years), max(years), holidays, package_constants.workdays)


def package_horizon() -> tuple[int, int]:
    """First and last year the installed ``chinesecalendar`` knows (2004–2026 for 1.11)."""
    package = _package()
    return package.first_year, package.last_year


def package_day_name(day: date) -> str | None:
    """The Chinese name the package gives an exceptional day: "春节" or "调休上班（春节）"."""
    package = _package()
    if day in package.holidays:
        return _chinese_holiday_name(package.holidays[day])
    if day in package.workdays:
        return f"调休上班（{_chinese_holiday_name(package.workdays[day])}）"
    return None


def _chinese_holiday_name(english: str) -> str:
    try:
        chinese: str = package_constants.Holiday(english).chinese
        return chinese
    except ValueError:
        return english


class WorkCalendar:
    """Working days from overrides, the holiday package and Monday–Friday, in that order.

    ``tz``: when given, aware datetimes are read (and results returned) in this zone, so a
    UTC timestamp is judged by the local date; naive datetimes are taken as local wall-clock.
    Per-year tables (a flag and a running count per day) are built on first use.
    """

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        maintained_years: Iterable[int] = (),
        tz: tzinfo | None = None,
    ) -> None:
        self._overrides_by_year: dict[int, dict[date, bool]] = {}
        for day, is_workday in (overrides or {}).items():
            self._overrides_by_year.setdefault(day.year, {})[day] = bool(is_workday)
        self.maintained_years = frozenset(maintained_years)
        self.tz = tz
        self._tables: dict[int, tuple[int, bytes, list[int]]] = {}

    @property
    def horizon(self) -> tuple[int, int]:
        return package_horizon()

    def year_source(self, year: int) -> YearSource:
        first, last = package_horizon()
        if first <= year <= last:
            return "package"
        if year in self.maintained_years:
            return "maintained"
        return "fallback"

    def fallback_years(self, start: date, end: date) -> list[int]:
        """Years from ``start`` to ``end`` (inclusive) that nobody has told us the holidays of."""
        low, high = sorted((start.year, end.year))
        return [y for y in range(low, high + 1) if self.year_source(y) == "fallback"]

    def marked_days(self, year: int) -> dict[date, bool]:
        """Every day of ``year`` that the package or an override names, with its verdict."""
        marked: dict[date, bool] = {}
        if self.year_source(year) == "package":
            package = _package()
            marked.update((d, False) for d in package.holidays if d.year == year)
            marked.update((d, True) for d in package.workdays if d.year == year)
        marked.update(self._overrides_by_year.get(year, {}))
        return dict(sorted(marked.items()))

    def _table(self, year: int) -> tuple[int, bytes, list[int]]:
        table = self._tables.get(year)
        if table is None:
            table = self._tables[year] = self._build_table(year)
        return table

    def _build_table(self, year: int) -> tuple[int, bytes, list[int]]:
        first = date(year, 1, 1)
        length = (date(year + 1, 1, 1) - first).days
        days = [first + timedelta(days=i) for i in range(length)]
        if self.year_source(year) == "package":
            package = _package()
            flags = bytearray(
                d in package.workdays or (d.weekday() < 5 and d not in package.holidays)
                for d in days
            )
        else:
            flags = bytearray(d.weekday() < 5 for d in days)
        for day, is_workday in self._overrides_by_year.get(year, {}).items():
            flags[(day - first).days] = is_workday
        return first.toordinal(), bytes(flags), list(accumulate(flags, initial=0))

    def is_workday(self, day: date) -> bool:
        if isinstance(day, datetime):
            day = self._local(day).date()
        start, flags, _ = self._table(day.year)
        return bool(flags[day.toordinal() - start])

    def next_workday(self, day: date) -> date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += DAY
        return day

    def count_workdays(self, start: date, end: date) -> int:
        """Working days in ``[start, end)``."""
        total = 0
        while start < end:
            first, flags, prefix = self._table(start.year)
            stop = min(end.toordinal(), first + len(flags))
            total += prefix[stop - first] - prefix[start.toordinal() - first]
            start = date(start.year + 1, 1, 1)
        return total

    def _local(self, moment: datetime) -> datetime:
        if self.tz is not None and moment.tzinfo is not None:
            return moment.astimezone(self.tz)
        return moment

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment when ``hours`` of working-day time have passed since ``start``."""
        if hours < 0:
            raise ValueError("hours must not be negative")
        local = self._local(start)
        zone = local.tzinfo
        wall = local.replace(tzinfo=None)
        day = wall.date()
        if not self.is_workday(day):
            day = self.next_workday(day + DAY)
            wall = datetime.combine(day, time.min)
        remaining = timedelta(hours=hours)
        while True:
            left_today = datetime.combine(day + DAY, time.min) - wall
            if remaining < left_today:
                end = wall + remaining
                break
            if remaining == left_today:
                end = datetime.combine(day, END_OF_DAY)
                break
            remaining -= left_today
            day = self.next_workday(day + DAY)
            wall = datetime.combine(day, time.min)
        return end.replace(tzinfo=zone)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Deadline of a limit of ``days`` working days set at ``start`` (see module docstring)."""
        return self.add_working_hours(start, 24 * days)

    def working_seconds_between(self, a: datetime, b: datetime) -> float:
        """Seconds of working-day time from ``a`` to ``b`` (negative when ``b`` is earlier)."""
        a, b = self._local(a), self._local(b)
        if a.tzinfo is not None and b.tzinfo is not a.tzinfo:
            b = b.astimezone(a.tzinfo)
        if b < a:
            return -self.working_seconds_between(b, a)
        wall_a, wall_b = a.replace(tzinfo=None), b.replace(tzinfo=None)
        day_a, day_b = wall_a.date(), wall_b.date()
        if day_a == day_b:
            return (wall_b - wall_a).total_seconds() if self.is_workday(day_a) else 0.0
        total = self.count_workdays(day_a + DAY, day_b) * DAY_SECONDS
        if self.is_workday(day_a):
            total += (datetime.combine(day_a + DAY, time.min) - wall_a).total_seconds()
        if self.is_workday(day_b):
            total += (wall_b - datetime.combine(day_b, time.min)).total_seconds()
        return total

    def working_days_between(self, a: datetime, b: datetime) -> float:
        return self.working_seconds_between(a, b) / DAY_SECONDS


class ScheduleDay(NamedTuple):
    date: date
    is_workday: bool
    name: str


class ScheduleError(ValueError):
    """A schedule file that cannot be loaded; the message names the line, in Chinese."""


_TRUE = {"1", "true", "yes", "y", "t", "是", "上班", "班", "工作日"}
_FALSE = {"0", "false", "no", "n", "f", "否", "放假", "休", "休息", "节假日"}


def parse_schedule(text: str, year: int) -> list[ScheduleDay]:
    """Parse a year's schedule as CSV ``date,is_workday,name`` (header and ``#`` lines allowed).

    ``is_workday`` is 1/0, true/false, 是/否 or 上班/放假; ``name`` (e.g. "春节") may be left out.
    """
    rows: list[ScheduleDay] = []
    seen: dict[date, int] = {}
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    for raw in reader:
        number = reader.line_num
        cells = [c.strip() for c in raw]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if not rows and cells[0].lower() in {"date", "日期"}:
            continue
        if len(cells) not in (2, 3):
            raise ScheduleError(
                f"第{number}行：应有 2 或 3 列（日期,是否上班,名称），实际 {len(cells)} 列"
            )
        try:
            day = date.fromisoformat(cells[0].replace("/", "-"))
        except ValueError:
            raise ScheduleError(
                f"第{number}行：日期“{cells[0]}”无效，应写作 {year}-01-01 这样的格式"
            ) from None
        if day.year != year:
            raise ScheduleError(f"第{number}行：日期 {day} 不属于 {year} 年")
        if day in seen:
            raise ScheduleError(f"第{number}行：日期 {day} 与第{seen[day]}行重复")
        flag = cells[1].lower()
        if flag not in _TRUE | _FALSE:
            raise ScheduleError(
                f"第{number}行：是否上班“{cells[1]}”无法识别，请填 1/0、是/否 或 上班/放假"
            )
        name = cells[2] if len(cells) == 3 else ""
        if len(name) > 50:
            raise ScheduleError(f"第{number}行：名称过长（最多 50 个字）")
        seen[day] = number
        rows.append(ScheduleDay(day, flag in _TRUE, name))
    if not rows:
        raise ScheduleError("文件中没有任何日期")
    return rows
