"""The per-step ledger (derived from appeal events) and its monthly rollup per org.

Both tables are derived data: `rollup.refresh` rebuilds an appeal's steps from its events and
recounts the (org, month) rows they touch; `massline ledger --rebuild` makes them anew.
"""

from django.db import models

from massline.appeals.models import Appeal
from massline.orgs.models import Org


class StepKind(models.TextChoices):
    DISPATCH = "dispatch", "派单"
    SIGN = "sign", "签收"
    REPLY = "reply", "答复"
    CO = "co", "协办"


class Outcome(models.TextChoices):
    DONE = "done", "完成"
    RETURNED = "returned", "退回"
    TRANSFERRED = "transferred", "转派"
    ENDED = "ended", "终止"


class Cause(models.TextChoices):
    """How the org came to hold the step: a new appeal or a transfer is work received; a
    re-dispatch after a return, a refused return or a reopening is the same work again."""

    NEW = "new", "新件"
    TRANSFER = "transfer", "转派"
    REDISPATCH = "redispatch", "重新派单"
    REFUSED = "refused", "退回被驳回"
    REOPEN = "reopen", "重办"


RECEIVING = (Cause.NEW, Cause.TRANSFER, Cause.REDISPATCH, Cause.REOPEN)
"""The causes under which a lead step is work the org received (收件): a refused return is the
same holder's work going on."""


class LedgerStep(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="ledger")
    seq = models.PositiveSmallIntegerField()
    round = models.PositiveSmallIntegerField("轮次")
    kind = models.CharField("环节", max_length=10, choices=StepKind.choices)
    cause = models.CharField("来由", max_length=12, choices=Cause.choices)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    started_at = models.DateTimeField("开始")
    due_at = models.DateTimeField("时限")
    ended_at = models.DateTimeField("结束", null=True, blank=True)
    outcome = models.CharField("结果", max_length=12, choices=Outcome.choices, blank=True)
    on_time = models.BooleanField("按时", null=True)
    decided_at = models.DateTimeField(
        "判定时间",
        null=True,
        blank=True,
        help_text="按时完成的环节以完成时判定，超时的以时限判定；在期限内未完成的尚未判定。",
    )
    used = models.FloatField("用时比例", null=True, blank=True)
    workdays = models.FloatField("用时（工作日）", null=True, blank=True)
    extensions = models.PositiveSmallIntegerField("延期次数", default=0)
    shirked = models.BooleanField("推诿", default=False)
    reworked = models.BooleanField("重办", default=False)
    unrated = models.BooleanField("未评价", default=False)
    first_time = models.BooleanField("一次办结", default=False)

    class Meta:
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"
        ordering = ["appeal_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["appeal", "seq"], name="ledger_step_seq")]
        indexes = [
            models.Index(fields=["org", "decided_at"], name="ledger_org_decided"),
            models.Index(fields=["org", "started_at"], name="ledger_org_started"),
            models.Index(fields=["org", "ended_at"], name="ledger_org_ended"),
            models.Index(
                fields=["due_at"],
                name="ledger_open_due",
                condition=models.Q(ended_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id}#{self.seq} {self.get_kind_display()}"


class OrgMonth(models.Model):
    """One org's own counts for one month (its subtree is the sum over the subtree's rows).

    收件 counts distinct appeals, and one appeal may reach several orgs of a subtree in a month
    (a transfer, a re-dispatch after a return). So that a subtree's distinct count is still a
    sum of rows, an appeal's receiving orgs of the month are taken in path order (a depth-first
    order of the tree) and each adjacent pair adds one to `received_shared` of the pair's
    nearest common org: any subtree holding k of the appeal's orgs holds exactly k − 1 of these
    pairs, so Σ received − Σ received_shared over the subtree counts the appeal once."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")
    received = models.PositiveIntegerField("收件（主办）", default=0)
    received_shared = models.PositiveIntegerField(
        "收件（下属单位共有）",
        default=0,
        help_text="同月由本单位下属的两个单位先后收到的诉求数（按单位路径相邻计）："
        "下属单位收件之和减去它们，即本单位及下属单位收到的不同诉求数。",
    )
    dispatch_received = models.PositiveIntegerField("收件（派单中心）", default=0)
    dispatch_judged = models.PositiveIntegerField("派单判定", default=0)
    dispatch_on_time = models.PositiveIntegerField("按时派单", default=0)
    sign_judged = models.PositiveIntegerField("签收判定", default=0)
    sign_on_time = models.PositiveIntegerField("按时签收", default=0)
    reply_judged = models.PositiveIntegerField("答复判定", default=0)
    reply_on_time = models.PositiveIntegerField("按时答复", default=0)
    co_judged = models.PositiveIntegerField("协办判定", default=0)
    co_on_time = models.PositiveIntegerField("按时协办", default=0)
    replies = models.PositiveIntegerField("答复件", default=0)
    first_time = models.PositiveIntegerField("一次办结", default=0)
    reworked = models.PositiveIntegerField("重办", default=0)
    unrated = models.PositiveIntegerField("未评价", default=0)
    returns = models.PositiveIntegerField("退回", default=0)
    shirked = models.PositiveIntegerField("推诿", default=0)
    extensions = models.PositiveIntegerField("延期", default=0)
    ratings = models.PositiveIntegerField("评价", default=0)
    satisfied = models.PositiveIntegerField("满意", default=0)
    basic = models.PositiveIntegerField("基本满意", default=0)
    dissatisfied = models.PositiveIntegerField("不满意", default=0)
    resolved = models.PositiveIntegerField("已解决", default=0)
    workdays_sum = models.FloatField("答复用时合计（工作日）", default=0)

    class Meta:
        verbose_name = "月度考核数据"
        verbose_name_plural = "月度考核数据"
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="org_month_once")]
        indexes = [models.Index(fields=["month", "org"], name="org_month_by_month")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%Y-%m}"


COUNTERS: tuple[str, ...] = tuple(
    f.name for f in OrgMonth._meta.fields if isinstance(f, models.PositiveIntegerField)
)
"""What OrgMonth counts per org and month; `figures` turns sums of them into rates."""
SUMS: tuple[str, ...] = (*COUNTERS, "workdays_sum")


class Cursor(models.Model):
    """How far `rollup.refresh` has read the event log."""

    name = models.CharField(max_length=40, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_event_id}"
