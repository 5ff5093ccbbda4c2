"""`massline train-models`: train the category and department models from the history."""

from django.core.management.base import BaseCommand, CommandParser

from massline.opinion.models import ModelVersion
from massline.opinion.training import train_all


class Command(BaseCommand):
    help = "用平台已确认的历史数据训练分类和派单模型，保存为新版本（默认不比现用版本差时启用）。"

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--activate", action="store_true", help="训练后一律启用")
        group.add_argument("--no-activate", action="store_true", help="训练后不启用")

    def handle(self, *args, activate: bool, no_activate: bool, **options) -> None:
        choice = True if activate else False if no_activate else None
        for result in train_all(activate=choice):
            if isinstance(result, ModelVersion):
                live = "（已启用）" if _live(result) else "（未启用）"
                self.stdout.write(
                    f"{result}：{result.examples} 条样本、{result.classes} 类，"
                    f"留出集首位准确率 {result.top1:.1%}，前三 {result.top3:.1%}{live}"
                )
            else:
                self.stdout.write(result)


def _live(version: ModelVersion) -> bool:
    return ModelVersion.objects.filter(pk=version.pk, is_active=True).exists()
