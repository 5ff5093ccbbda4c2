from django.core.management.base import BaseCommand

from massline.assessment import rollup


class Command(BaseCommand):
    help = "更新考核台账（办理环节与月度考核数据）；--rebuild 由全部办理记录重新生成。"

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="清空后由全部办理记录重算")

    def handle(self, *args, rebuild: bool = False, **options):
        if rebuild:
            self.stdout.write(f"已重算 {rollup.rebuild()} 件诉求的考核台账。")
        else:
            self.stdout.write(f"已更新 {rollup.refresh()} 件诉求的考核台账。")
