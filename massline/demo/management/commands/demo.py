from django.core.management.base import BaseCommand, CommandError, CommandParser

from massline.appeals.models import State
from massline.demo.loader import MIN_COUNT, load_demo

FACT_LABELS = {
    "merged": "并案",
    "transferred": "转派",
    "returned": "退回",
    "co_handled": "有协办单位",
    "supervised": "督办",
    "escalated": "超期自动升级",
    "overdue_open": "在办超期",
    "severe_open": "其中严重超期",
    "ratings": "评价",
    "rated_satisfied": "满意",
    "rated_basic": "基本满意",
    "rated_dissatisfied": "不满意",
    "extensions_pending": "延期待审批",
    "extensions_approved": "延期已批准",
}


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "加载黄冈市演示数据：行政区划、机构、各角色演示账号和近90天的诉求（可重复执行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=900, help="诉求条数（默认 900）")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
        parser.add_argument(
            "--reset", action="store_true", help="删除已有的全部诉求后重新生成（只用于演示库）"
        )

    def handle(self, *args, count: int, seed: int, reset: bool, **options) -> None:
        if count < MIN_COUNT:
            raise CommandError(f"--count 至少为 {MIN_COUNT}")
        try:
            summary = load_demo(seed=seed, count=count, reset=reset)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        out = self.stdout
        if summary.skipped:
            out.write("诉求表已有数据，未新增演示诉求（如需重新生成，请加 --reset）。")
        else:
            out.write(f"已生成 {summary.created} 条演示诉求，用时 {summary.seconds:.1f} 秒。")
        states = "，".join(f"{State(s).label} {n}" for s, n in summary.by_state.items())
        out.write(f"按状态：{states}")
        facts = "，".join(f"{FACT_LABELS.get(k, k)} {v}" for k, v in summary.facts.items())
        out.write(f"其中：{facts}")
        out.write("")
        out.write("演示账号（仅用于演示，密码明文打印）：")
        rows = [("用户名", "密码", "角色", "机构")]
        rows += [(x.username, x.password, x.role, x.org) for x in summary.logins]
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        for row in rows:
            cells = [_pad(cell, w) for cell, w in zip(row, widths, strict=False)]
            out.write("  ".join([*cells, row[3]]))
        out.write("群众账号用手机号登录。")
        out.write("")
        out.write(f"各机构的派单员和承办人（按所属政府，密码同为 {summary.logins[0].password}）：")
        staff = [login for logins in summary.staff.values() for login in logins]
        width = max((_width(x.org) for x in staff), default=0)
        for government, logins in summary.staff.items():
            out.write(government)
            for x in logins:
                out.write(f"  {_pad(x.org, width)}  {_pad(x.role, 6)}  {x.username}")
