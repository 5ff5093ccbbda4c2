"""征求意见 (drafts put to the public, article by article) and 网上调研 (surveys).

A draft's paragraphs keep their identity across revisions (`Paragraph`); each revision holds
its own wording of them (`ParagraphText`), so a comment made on revision 1 stays attached to
its paragraph when revision 2 rewords, moves or drops it.
"""

from datetime import time, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from massline.orgs.models import Org, Region


class Audience(models.TextChoices):
    PUBLIC = "public", "社会公众"
    RESIDENTS = "residents", "本地区实名居民"
    PARTY = "party", "本组织党员"


class Consultation(models.Model):
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="consultations")
    title = models.CharField("标题", max_length=200)
    summary = models.TextField("起草说明", blank=True)
    audience = models.CharField(
        "征求对象", max_length=12, choices=Audience.choices, default=Audience.PUBLIC
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="居民所在地区",
    )  # fmt: skip
    party_org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="党组织",
    )  # fmt: skip
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("截止时间")
    premoderate = models.BooleanField("先审后发", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    report_summary = models.TextField("采纳情况说明", blank=True)
    report_published_at = models.DateTimeField("采纳情况公布时间", null=True, blank=True)

    class Meta:
        verbose_name = "征求意见"
        verbose_name_plural = "征求意见"
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def closes_label(self) -> str:
        """When the window closes, as a reader says it: a window ending at midnight ends at
        24:00 of its last day (Beijing time)."""
        local = timezone.localtime(self.closes_at)
        if local.time() == time.min:
            last = local.date() - timedelta(days=1)
            return f"{last.year}年{last.month}月{last.day}日 24:00"
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


class Revision(models.Model):
    """One wording of the whole draft; number 1 is the text put to consultation."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField("稿次")
    note = models.TextField("修改说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "修订稿"
        verbose_name_plural = "修订稿"
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="revision_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.consultation} 第{self.number}稿"


class Paragraph(models.Model):
    """A paragraph's identity across revisions: comments hang here, not on one wording."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="paragraphs"
    )

    class Meta:
        verbose_name = "段落"
        verbose_name_plural = "段落"

    def __str__(self) -> str:
        return f"段落 {self.pk}"


class ParagraphText(models.Model):
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="texts")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="texts")
    position = models.PositiveIntegerField("顺序")
    article = models.CharField("条", max_length=40, blank=True)
    text = models.TextField("内容")

    class Meta:
        verbose_name = "段落文本"
        verbose_name_plural = "段落文本"
        ordering = ["revision", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "paragraph"], name="paragraph_once_per_revision"
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Outcome(models.TextChoices):
    ADOPTED = "adopted", "采纳"
    PARTLY = "partly", "部分采纳"
    NOT_ADOPTED = "not_adopted", "未采纳"


class Decision(models.Model):
    """The org's answer to one comment or a group of similar comments."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="decisions"
    )
    title = models.CharField("意见归纳", max_length=200)
    outcome = models.CharField("采纳情况", max_length=12, choices=Outcome.choices)
    reason = models.TextField("理由")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "采纳情况"
        verbose_name_plural = "采纳情况"
        ordering = ["consultation", "id"]

    def __str__(self) -> str:
        return self.title


class CommentStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    PUBLISHED = "published", "已发布"
    REJECTED = "rejected", "未通过审核"


class Comment(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments"
    )
    paragraph = models.ForeignKey(
        Paragraph, null=True, blank=True, on_delete=models.CASCADE, related_name="comments",
        help_text="空：对全文的意见",
    )  # fmt: skip
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consult_comments"
    )
    body = models.TextField("意见")
    status = models.CharField(
        "状态", max_length=10, choices=CommentStatus.choices, default=CommentStatus.PUBLISHED
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.CharField("审核理由", max_length=200, blank=True)
    supports = models.PositiveIntegerField("支持数", default=0)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "意见"
        verbose_name_plural = "意见"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["consultation", "status"])]

    def __str__(self) -> str:
        return self.body[:40]


class Support(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="support_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "支持"
        verbose_name_plural = "支持"
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="support_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.comment_id}"


class Milestone(models.Model):
    """A step in carrying out what a consultation adopted: due by a date, done with evidence."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="milestones"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="milestones", verbose_name="采纳事项"
    )
    title = models.CharField("节点", max_length=200)
    due_on = models.DateField("计划完成日期")
    done_on = models.DateField("完成日期", null=True, blank=True)
    evidence = models.TextField("完成情况", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "落实节点"
        verbose_name_plural = "落实节点"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


# --- 网上调研 --------------------------------------------------------------------------------


class Survey(models.Model):
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField("标题", max_length=200)
    intro = models.TextField("说明", blank=True)
    audience = models.CharField(
        "调查对象", max_length=12, choices=Audience.choices, default=Audience.PUBLIC
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="居民所在地区",
    )  # fmt: skip
    party_org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="党组织",
    )  # fmt: skip
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("截止时间")
    quota = models.PositiveIntegerField("样本上限", null=True, blank=True)
    results_public = models.BooleanField("公开调查结果", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "网上调研"
        verbose_name_plural = "网上调研"
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    closes_label = Consultation.closes_label


class QuestionKind(models.TextChoices):
    SINGLE = "single", "单选"
    MULTIPLE = "multiple", "多选"
    RATING = "rating", "评分"
    MATRIX = "matrix", "矩阵"
    RANKING = "ranking", "排序"
    TEXT = "text", "填空"
    REGION = "region", "地区"


class Question(models.Model):
    """One question. `show_if` ({"question": position, "options": [index, …]}) shows it only
    when that earlier question's answer holds one of the options; `skip` ({option index:
    position}) on a single-choice question jumps past the questions before that position."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField("题号")
    kind = models.CharField("题型", max_length=10, choices=QuestionKind.choices)
    text = models.CharField("题目", max_length=300)
    required = models.BooleanField("必答", default=True)
    options = models.JSONField("选项", default=list, blank=True)
    rows = models.JSONField("矩阵行", default=list, blank=True)
    scale = models.PositiveSmallIntegerField("评分满分", default=5)
    show_if = models.JSONField("显示条件", default=dict, blank=True)
    skip = models.JSONField("跳题", default=dict, blank=True)
    quotas = models.JSONField("选项配额", default=dict, blank=True, help_text="{选项序号: 人数}")

    class Meta:
        verbose_name = "题目"
        verbose_name_plural = "题目"
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="survey_responses"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "答卷"
        verbose_name_plural = "答卷"
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent"], name="one_response_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"


class Answer(models.Model):
    """One piece of an answer: a chosen option, a matrix row's option, an option's rank, a
    rating, a text or a region; a multiple choice is one row per option."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice = models.PositiveSmallIntegerField(null=True, blank=True)
    row = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "答案"
        verbose_name_plural = "答案"
        indexes = [models.Index(fields=["question", "choice"])]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice or self.number or self.text[:20]}"


# --- 信息发布 / 解读回应 / 辟谣 --------------------------------------------------------------


class PublicationKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", "通知公告"
    POLICY = "policy", "政策文件"
    INTERPRETATION = "interpretation", "政策解读"
    REFUTATION = "refutation", "辟谣"


class Category(models.Model):
    """A subject the public browses by (住房城建, 交通出行 …), across kinds."""

    name = models.CharField("名称", max_length=40, unique=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "信息分类"
        verbose_name_plural = "信息分类"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Publication(models.Model):
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="publications")
    kind = models.CharField("类别", max_length=16, choices=PublicationKind.choices)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="publications",
        verbose_name="分类",
    )  # fmt: skip
    title = models.CharField("标题", max_length=200)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    body = models.TextField("正文")
    rumour = models.TextField("谣言内容", blank=True, help_text="辟谣：网上流传的说法")
    interprets = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="interpretations",
        verbose_name="所解读的文件",
    )  # fmt: skip
    published_at = models.DateTimeField("发布时间", default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "信息发布"
        verbose_name_plural = "信息发布"
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Inquiry(models.Model):
    """A question a reader asks under a publication; public once the org has answered."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="inquiries")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("问题")
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "咨询"
        verbose_name_plural = "咨询"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


# --- 在线访谈 --------------------------------------------------------------------------------


class Interview(models.Model):
    """A leader answers residents' questions live at a set time; the page stays as the
    transcript afterwards."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="interviews")
    title = models.CharField("主题", max_length=200)
    guests = models.CharField("访谈嘉宾", max_length=200)
    intro = models.TextField("简介", blank=True)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "在线访谈"
        verbose_name_plural = "在线访谈"
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="interview_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class QuestionStatus(models.TextChoices):
    SUBMITTED = "submitted", "待选"
    PICKED = "picked", "已选"
    ANSWERED = "answered", "已回答"
    HIDDEN = "hidden", "未选用"


class InterviewQuestion(models.Model):
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="questions")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("问题")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        "状态", max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.SUBMITTED
    )
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    answer = models.TextField("回答", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    answered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    appeal_tracking_no = models.CharField("转为诉求", max_length=32, blank=True)

    class Meta:
        verbose_name = "访谈提问"
        verbose_name_plural = "访谈提问"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]
