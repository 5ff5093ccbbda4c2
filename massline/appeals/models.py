from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from massline.core.models import AppendOnlyModel
from massline.orgs.models import Org, Region


class Kind(models.TextChoices):
    COMPLAINT = "complaint", "投诉"
    SUGGESTION = "suggestion", "建议"
    CONSULTATION = "consultation", "咨询"
    HELP = "help", "求助"
    REPORT = "report", "举报"
    PRAISE = "praise", "表扬"
    DISCLOSURE = "disclosure", "依申请公开"


class State(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    ACCEPTED = "accepted", "已受理"
    ASSIGNED = "assigned", "已派单"
    IN_PROGRESS = "in_progress", "办理中"
    REPLIED = "replied", "已答复"
    CLOSED = "closed", "已办结"
    REJECTED = "rejected", "不予受理"
    RETURNED = "returned", "已退回"
    REOPENED = "reopened", "重办"
    WITHDRAWN = "withdrawn", "已撤回"


class Channel(models.TextChoices):
    """How an appeal reached the platform; all but the website are registered by a dispatcher."""

    WEB = "web", "网站"
    HOTLINE = "hotline", "12345热线"
    WECHAT = "wechat", "微信"
    LETTER = "letter", "信件"
    VISIT = "visit", "来访"


OPEN_STATES = (
    State.SUBMITTED,
    State.ACCEPTED,
    State.ASSIGNED,
    State.IN_PROGRESS,
    State.RETURNED,
    State.REOPENED,
)


class Category(models.Model):
    """The 3-level subject taxonomy (一级/二级/三级分类)."""

    name = models.CharField("名称", max_length=60)
    level = models.PositiveSmallIntegerField("级别")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField(
        "启用",
        default=True,
        help_text="本地没有的事项（如没有地铁）可停用，群众和工作人员都不再看到。",
    )
    keywords = models.CharField(
        "关键词",
        max_length=300,
        blank=True,
        help_text="群众常用的说法，空格分开，如“路灯 井盖 下水道”；选择分类时可按这些词查找。",
    )

    class Meta:
        verbose_name = "分类"
        verbose_name_plural = "分类"
        ordering = ["level", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_under_parent")
        ]

    def __str__(self) -> str:
        return self.name


class DeadlinePolicy(models.Model):
    """Time limits per kind; administrators edit these rows, the code has only defaults."""

    kind = models.CharField("类型", max_length=16, choices=Kind.choices, unique=True)
    sign_hours = models.PositiveSmallIntegerField("签收时限（工作小时）", default=24)
    reply_days = models.PositiveSmallIntegerField("答复时限（工作日）", default=13)
    warn_ratio = models.FloatField("预警比例", default=0.8)
    severe_factor = models.FloatField("严重超期倍数", default=3.0)
    dispatch_hours = models.PositiveSmallIntegerField(
        "派单时限（工作小时）",
        default=24,
        help_text="派单中心从收到（或退回、重办）到派出的时限，按工作日的小时计。",
    )
    reset_on_transfer = models.BooleanField("转派重新计时", default=False)
    supervised_days = models.PositiveSmallIntegerField("督办时限（工作日）", default=5)
    rating_days = models.PositiveSmallIntegerField(
        "评价期限（工作日）",
        default=5,
        help_text="答复后群众可在此期限内评价；期满未评价的方可由派单中心办结。",
    )
    max_extensions = models.PositiveSmallIntegerField("延期次数上限", default=2)
    max_extension_days = models.PositiveSmallIntegerField("累计延期上限（工作日）", default=20)

    class Meta:
        verbose_name = "办理时限"
        verbose_name_plural = "办理时限"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.reply_days}个工作日"


ANONYMOUS_REPORTER = "anonymous-reporter"
"""The username of the one account, never able to log in, that anonymous 举报 belong to: their
reporters follow them with a 查询码 and password (`ReportAccess`)."""

NOT_PUBLISHED = (State.SUBMITTED, State.REJECTED, State.WITHDRAWN)
PUBLIC_UNMERGED = Q(is_public=True, merged_into__isnull=True)
ON_PUBLIC_BOARD = PUBLIC_UNMERGED & ~Q(state__in=NOT_PUBLISHED)
"""The public board's condition, written once: `public()` filters by it, `on_public_board`
says it of one appeal. The board's partial indexes hold `PUBLIC_UNMERGED` rows and the state as
a column: SQLite uses a partial index only for terms it can compare without their bound values,
and Django binds the states."""
NOT_MERGED = Q(merged_into__isnull=True)
"""The staff's work lists hold an appeal merged into another (并案) under its primary only."""


class AppealQuerySet(models.QuerySet):
    def public(self):
        """The public board; `Appeal.on_public_board` says the same of one appeal."""
        return self.filter(ON_PUBLIC_BOARD)


class Appeal(models.Model):
    tracking_no = models.CharField("编号", max_length=24, unique=True, editable=False)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容", max_length=5000)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="appeals")
    location = models.CharField("具体地点", max_length=200, blank=True)
    is_public = models.BooleanField("公开", default=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appeals"
    )
    channel = models.CharField("来源渠道", max_length=12, choices=Channel.choices, default="web")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="代为登记人",
        help_text="电话、信件、来访等由派单中心代群众登记的工作人员",
    )
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, editable=False)

    state = models.CharField(
        "状态", max_length=16, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    hub = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="hub_appeals", verbose_name="受理中心"
    )
    lead_org = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_appeals",
        verbose_name="主办单位",
    )
    co_orgs = models.ManyToManyField(
        Org, blank=True, related_name="co_appeals", verbose_name="协办单位"
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        verbose_name="并入",
        db_index=False,
    )
    """Indexed only where set (`appeal_merged`): nearly every appeal has none, and an index of
    NULLs looked selective to a planner without statistics and was chosen for every list."""
    accused_org = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="被反映单位",
        help_text="诉求反映其问题的单位：该单位及其下属单位回避，不受理、不承办本诉求。",
    )
    about_official = models.BooleanField("反映公职人员问题", default=False)
    discipline_org = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sealed_reports",
        verbose_name="受理纪检监察机关",
        help_text="反映公职人员问题的举报只由该机关办理，举报人身份只有其承办人可见。",
    )
    related_report = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retaliations",
        verbose_name="关联举报",
        help_text="打击报复投诉所关联的原举报。",
    )
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    supervised = models.BooleanField("督办", default=False)
    supervision_due_at = models.DateTimeField(
        "督办期限", null=True, blank=True, help_text="督办要求的答复期限；答复期限不晚于它。"
    )
    priority = models.PositiveSmallIntegerField("优先级", default=0)

    created_at = models.DateTimeField("提交时间", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    dispatch_due_at = models.DateTimeField(
        "派单期限",
        null=True,
        blank=True,
        help_text="派单中心须在此前派出（或不予受理、并案）；退回和重办时重新起算。",
    )
    assigned_at = models.DateTimeField("派单时间", null=True, blank=True)
    sign_due_at = models.DateTimeField("签收期限", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    reply_clock_from = models.DateTimeField(null=True, blank=True, editable=False)
    reply_due_at = models.DateTimeField("答复期限", null=True, blank=True, db_index=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    reply_text = models.TextField("答复内容", blank=True)
    reply_org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    search_text = models.TextField(blank=True, editable=False)
    public_search_text = models.TextField(blank=True, editable=False)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = "诉求"
        verbose_name_plural = "诉求"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"], name="appeal_idempotent_submit"
            )
        ]
        indexes = [
            models.Index(fields=["state", "reply_due_at"]),
            models.Index(
                fields=["merged_into"], condition=Q(merged_into__isnull=False), name="appeal_merged"
            ),
            # The public board newest first, and its count read from the index alone, also when
            # filtered by kind, place or category (SQLite reads the index alone only if it
            # holds every column the query names, the condition's too).
            models.Index(
                fields=[
                    "-created_at",
                    "-id",
                    "state",
                    "is_public",
                    "merged_into",
                    "kind",
                    "region",
                    "category",
                ],
                condition=PUBLIC_UNMERGED,
                name="appeal_board",
            ),
            # The home page's latest public replies.
            models.Index(
                fields=["-replied_at"],
                condition=PUBLIC_UNMERGED & Q(replied_at__isnull=False),
                name="appeal_board_replied",
            ),
            # The work lists (queues.py) and their counts: a hub's or a handling org's appeals in
            # given states, by deadline then age, without reading the table.
            models.Index(
                fields=["state", "hub", "reply_due_at", "created_at", "id"],
                condition=NOT_MERGED,
                name="appeal_queue_by_hub",
            ),
            models.Index(
                fields=["state", "lead_org", "reply_due_at", "created_at", "id"],
                condition=NOT_MERGED,
                name="appeal_queue_by_lead_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_no} {self.title}"

    @property
    def on_public_board(self) -> bool:
        return self.is_public and self.merged_into_id is None and self.state not in NOT_PUBLISHED

    @property
    def sealed(self) -> bool:
        """A 举报 about an official's conduct: handled by a 纪检监察 org, its reporter sealed."""
        return self.discipline_org_id is not None


class AppealEvent(AppendOnlyModel):
    """One step of an appeal's life: the audit trail and the public timeline. Never changed;
    written only by `massline.appeals.events`."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("动作", max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField("角色", max_length=20)
    actor_org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField("原状态", max_length=16, blank=True)
    to_state = models.CharField("新状态", max_length=16)
    note = models.TextField("说明", blank=True)
    internal_note = models.TextField("内部备注", blank=True)
    is_public = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["created_at", "id"]
        # The month's replies on the home page (figures.py): one action in a time range.
        indexes = [models.Index(fields=["action", "created_at"], name="appeal_event_action_time")]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.action}"


class Attachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to="appeals/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.name


class Verdict(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class Rating(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField("轮次")
    org = models.ForeignKey(Org, null=True, on_delete=models.PROTECT, related_name="ratings")
    verdict = models.CharField("评价", max_length=16, choices=Verdict.choices)
    resolved = models.BooleanField("已解决")
    comment = models.TextField("意见", blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        constraints = [
            models.UniqueConstraint(fields=["appeal", "round"], name="rating_once_per_round")
        ]
        # The month's ratings on the home page (figures.py).
        indexes = [models.Index(fields=["created_at"], name="rating_created")]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}（第{self.round}轮）"


class ExtensionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        DENIED = "denied", "未批准"

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="extensions")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    days = models.PositiveSmallIntegerField("延期工作日")
    reason = models.TextField("理由")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"

    def __str__(self) -> str:
        return f"延期{self.days}个工作日（{self.get_status_display()}）"


class DailyCounter(models.Model):
    """Per-day sequence behind tracking numbers like HG20261123-000123."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class AutomationRule(models.Model):
    """An automatic action administrators switch on and tune; the code has only defaults."""

    class Key(models.TextChoices):
        CLOSE_UNRATED = "close_unrated", "逾期未评价自动办结"
        FOLLOW_UP_DISSATISFIED = "follow_up_dissatisfied", "不满意件回访"
        FOLLOW_UP_SAMPLE = "follow_up_sample", "办结件抽样回访"

    key = models.CharField("规则", max_length=32, choices=Key.choices, unique=True)
    enabled = models.BooleanField("启用", default=True)
    days = models.PositiveSmallIntegerField(
        "工作日",
        default=0,
        help_text="逾期未评价办结：评价期满后再等待的工作日；回访：完成回访的时限。",
    )
    percent = models.PositiveSmallIntegerField(
        "抽样比例（%）", default=0, help_text="抽样回访：办结件中抽取回访的百分比。"
    )

    class Meta:
        verbose_name = "自动规则"
        verbose_name_plural = "自动规则"

    def __str__(self) -> str:
        return self.get_key_display()


class FollowUp(models.Model):
    """A call or visit (回访) the hub owes a resident after a rating or a closing."""

    class Reason(models.TextChoices):
        DISSATISFIED = "dissatisfied", "群众不满意"
        SAMPLE = "sample", "抽样回访"

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", "群众认可办理结果"
        DISSATISFIED = "dissatisfied", "群众仍不满意"
        UNREACHABLE = "unreachable", "联系不上"

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="follow_ups")
    round = models.PositiveSmallIntegerField("轮次")
    hub = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("原因", max_length=16, choices=Reason.choices)
    due_at = models.DateTimeField("回访期限")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    done_at = models.DateTimeField("回访时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField("回访结果", max_length=16, choices=Outcome.choices, blank=True)
    note = models.TextField("回访记录", blank=True)
    reopened = models.BooleanField("已重办", default=False)

    class Meta:
        verbose_name = "回访"
        verbose_name_plural = "回访"
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "round"], name="follow_up_once_per_round")
        ]
        indexes = [models.Index(fields=["hub", "done_at"], name="follow_up_open")]

    def __str__(self) -> str:
        return f"{self.appeal_id} 回访（{self.get_reason_display()}）"


class SupervisionCase(models.Model):
    """A leader's 督办单: one instruction over one appeal or a group of them."""

    title = models.CharField("督办事项", max_length=100)
    note = models.TextField("督办意见")
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name="督办单位"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("督办时间", default=timezone.now)
    appeals = models.ManyToManyField(Appeal, related_name="supervision_cases")

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ReportAccess(models.Model):
    """How a reporter without an account follows their 举报: a 查询码 of which only a digest is
    kept, and the password they chose (hashed as account passwords are)."""

    appeal = models.OneToOneField(Appeal, on_delete=models.PROTECT, related_name="access")
    code_digest = models.CharField(max_length=64, unique=True, editable=False)
    password = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "匿名举报查询凭证"
        verbose_name_plural = "匿名举报查询凭证"

    def __str__(self) -> str:
        return f"{self.appeal_id} 查询凭证"


class Follow(models.Model):
    """A resident who has the same matter follows a public appeal instead of sending a copy
    (关注, “+1”): counted on the appeal and told of its reply."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField("关注时间", default=timezone.now)

    class Meta:
        verbose_name = "关注"
        verbose_name_plural = "关注"
        constraints = [models.UniqueConstraint(fields=["appeal", "user"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.appeal_id}"
