import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from massline.orgs.models import Level, Region
from massline.orgs.regions import DEFAULT_PATH, load_regions


class Command(BaseCommand):
    help = "从 regions.json 加载或更新行政区划（可重复执行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--within", help="只加载代码以此开头的区划及其上级，如 4211（黄冈市）或 42（湖北省）"
        )
        parser.add_argument(
            "--file", type=Path, help=f"行政区划 JSON 文件（默认 {DEFAULT_PATH.name}）"
        )

    def handle(self, *args, within: str | None, file: Path | None, **options) -> None:
        started = time.perf_counter()
        try:
            written = load_regions(file, within=within)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        per_level = dict(Region.objects.values_list("level").annotate(n=Count("id")))
        levels = "，".join(f"{label} {per_level.get(value, 0)}" for value, label in Level.choices)
        self.stdout.write(
            f"新增或更新 {written} 条，用时 {elapsed:.2f} 秒；"
            f"现有行政区划 {sum(per_level.values())} 条（{levels}）"
        )
