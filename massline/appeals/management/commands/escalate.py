from django.core.management.base import BaseCommand

from massline.appeals.workflow import escalate_severely_overdue


class Command(BaseCommand):
    help = "把严重超期的诉求升级为督办（由定时任务每小时运行一次）。"

    def handle(self, *args, **options):
        count = escalate_severely_overdue()
        self.stdout.write(f"升级督办：{count} 件")
