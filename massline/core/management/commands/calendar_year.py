from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from massline.core.calendar import calendar_warnings, load_year_schedule, year_schedule
from massline.core.workdays import ScheduleDay, ScheduleError, parse_schedule


class Command(BaseCommand):
    help = (
        "录入或查看某年的节假日安排。CSV 每行：日期,是否上班,名称，"
        "如 2027-02-06,0,春节 或 2027-02-20,1,调休上班。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="年份，如 2027")
        parser.add_argument("--file", type=Path, help="该年安排的 CSV 文件（UTF-8）")
        parser.add_argument("--note", default="", help="备注，如通知文号")
        parser.add_argument(
            "--replace", action="store_true", help="同时删除该年中文件未列出的已有日期"
        )
        parser.add_argument("--show", action="store_true", help="列出该年的放假日和调休上班日")

    def handle(
        self,
        *args: Any,
        year: int,
        file: Path | None,
        note: str,
        replace: bool,
        show: bool,
        **options: Any,
    ) -> None:
        if not 2000 <= year <= 2100:
            raise CommandError(f"年份 {year} 超出范围（2000–2100）")
        if file is None and not show:
            raise CommandError("请用 --file 指定要录入的文件，或用 --show 查看该年安排")
        if file is not None:
            self._load(year, file, note or f"由 {file.name} 导入", replace)
        if show:
            self._show(year)

    def _load(self, year: int, file: Path, note: str, replace: bool) -> None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取文件 {file}：{exc}") from exc
        try:
            days = parse_schedule(text, year)
        except ScheduleError as exc:
            raise CommandError(f"{file}：{exc}") from exc
        result = load_year_schedule(year, days, note=note, replace=replace)
        self.stdout.write(
            self.style.SUCCESS(
                f"{year}年安排已录入：新增 {result.created} 天，更新 {result.updated} 天"
                + (f"，删除 {result.deleted} 天" if replace else "")
                + "。"
            )
        )

    def _show(self, year: int) -> None:
        for warning in calendar_warnings(date(year, 1, 1), date(year, 1, 1)):
            self.stdout.write(self.style.WARNING(warning))
        days = year_schedule(year)
        holidays = [d for d in days if not d.is_workday]
        workdays = [d for d in days if d.is_workday]
        self.stdout.write(f"{year}年放假 {len(holidays)} 天：")
        for day in holidays:
            self.stdout.write(_line(day))
        self.stdout.write(f"{year}年调休上班 {len(workdays)} 天：")
        for day in workdays:
            self.stdout.write(_line(day))


def _line(day: ScheduleDay) -> str:
    return f"  {day.date} 周{'一二三四五六日'[day.date.weekday()]} {day.name}".rstrip()
