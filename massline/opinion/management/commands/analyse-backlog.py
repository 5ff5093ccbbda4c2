"""`massline analyse-backlog --since … --until …`: analyse a period's appeals again (after a
model change), or those never analysed (`--missing`), in this process, in batches."""

from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from massline.appeals.models import Appeal
from massline.opinion import backlog


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{name} 须为日期，如 2026-11-01：{text!r}") from None


class Command(BaseCommand):
    help = "重新分析一段时间内提交的诉求（模型更新后使用）；--missing 只分析尚未分析的。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", required=True, help="起始日期（含），如 2026-11-01")
        parser.add_argument("--until", help="截止日期（含），默认今天")
        parser.add_argument("--missing", action="store_true", help="只分析尚未分析的诉求")

    def handle(self, *args, since: str, until: str | None, missing: bool, **options) -> None:
        first = _day(since, "--since")
        last = _day(until, "--until") if until else timezone.localdate()
        if last < first:
            raise CommandError("--until 不能早于 --since")
        start = timezone.make_aware(datetime.combine(first, time.min))
        end = timezone.make_aware(datetime.combine(last, time.max))
        qs = Appeal.objects.filter(created_at__gte=start, created_at__lte=end)
        if missing:
            qs = qs.filter(analysis__isnull=True)
        ids = list(qs.order_by("pk").values_list("pk", flat=True))
        done = backlog.analyse(ids)
        self.stdout.write(f"已分析 {done} 件，失败 {len(ids) - done} 件（{first} 至 {last}）。")
