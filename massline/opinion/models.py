"""Stored 舆情 analysis: one row per appeal with the model versions that made it, the models
themselves (versioned files), topics, duplicate candidates and keywords."""

from django.db import models
from django.utils import timezone

from massline.appeals.models import Appeal, Category
from massline.orgs.models import Org, Region


class ModelKind(models.TextChoices):
    CATEGORY = "category", "分类模型"
    DEPARTMENT = "department", "派单模型"


class ModelVersion(models.Model):
    """One trained model: a directory of .zip bundles (JSON + NumPy arrays, never pickle).

    `full` learned from every confirmed appeal up to `trained_through`; `fold0` from those with
    an even id, `fold1` from the odd ones. An appeal the model may have learned from
    (id <= trained_through) is scored by the fold that did not see it, so a confidence is never
    the model's score of its own training example."""

    kind = models.CharField("类型", max_length=16, choices=ModelKind.choices)
    number = models.PositiveIntegerField("版本号")
    directory = models.CharField("文件目录", max_length=300)
    trained_at = models.DateTimeField("训练时间", default=timezone.now)
    trained_through = models.PositiveBigIntegerField("训练数据截至诉求ID", default=0)
    examples = models.PositiveIntegerField("训练样本数", default=0)
    classes = models.PositiveIntegerField("类别数", default=0)
    top1 = models.FloatField("留出集首位准确率", null=True, blank=True)
    top3 = models.FloatField("留出集前三准确率", null=True, blank=True)
    is_active = models.BooleanField("当前启用", default=False)
    activated_at = models.DateTimeField("启用时间", null=True, blank=True)

    class Meta:
        verbose_name = "分析模型版本"
        verbose_name_plural = "分析模型版本"
        ordering = ["kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="opinion_model_number"),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(is_active=True),
                name="opinion_one_active_model_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"

    @property
    def label(self) -> str:
        return f"{self.kind}-v{self.number}"


class Topic(models.Model):
    """A matter many residents raise (热点); its appeals are the analyses that point to it."""

    title = models.CharField("话题", max_length=100)
    keywords = models.JSONField("关键词", default=list)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "话题"
        verbose_name_plural = "话题"

    def __str__(self) -> str:
        return self.title


class AnalysisState(models.TextChoices):
    PENDING = "pending", "分析中"
    FAILED = "failed", "分析失败"
    DONE = "done", "已分析"


class AppealAnalysis(models.Model):
    appeal = models.OneToOneField(Appeal, on_delete=models.CASCADE, related_name="analysis")
    state = models.CharField(
        "状态", max_length=10, choices=AnalysisState.choices, default=AnalysisState.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    error = models.CharField("失败原因", max_length=300, blank=True)
    engine = models.CharField("分析引擎", max_length=40, blank=True)
    category_model = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department_model = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category_confidence = models.FloatField("分类置信度", null=True, blank=True)
    categories = models.JSONField("分类前三", default=list, blank=True)
    """[[category_id, confidence], …] best first."""
    departments = models.JSONField("派单前三", default=list, blank=True)
    """[[org_id, confidence], …] best first."""
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    region_confidence = models.FloatField("地点置信度", null=True, blank=True)
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="analyses"
    )
    negativity = models.FloatField("负面程度", default=0.0)
    urgency = models.PositiveSmallIntegerField("紧急程度", default=0)
    urgent_terms = models.JSONField("紧急触发词", default=list, blank=True)
    keywords = models.JSONField("关键词", default=list, blank=True)
    analysed_at = models.DateTimeField("分析时间", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "诉求分析"
        verbose_name_plural = "诉求分析"
        indexes = [models.Index(fields=["state"], name="opinion_analysis_state")]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.get_state_display()}"

    @property
    def is_urgent(self) -> bool:
        return self.urgency > 0

    @property
    def is_negative(self) -> bool:
        return self.negativity >= NEGATIVE


NEGATIVE = 0.5
"""An appeal counts as negative on the overview from this negativity (0–1) up."""


class Keyword(models.Model):
    """One of an appeal's keywords, a row so that a period's keywords are a SQL count."""

    analysis = models.ForeignKey(AppealAnalysis, on_delete=models.CASCADE, related_name="words")
    word = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["analysis", "word"], name="opinion_keyword_once")
        ]
        indexes = [models.Index(fields=["word"], name="opinion_keyword_word")]

    def __str__(self) -> str:
        return self.word


class Relation(models.TextChoices):
    SAME = "same", "疑似重复（可并案）"
    SIMILAR = "similar", "类似事项"


class DuplicateCandidate(models.Model):
    analysis = models.ForeignKey(
        AppealAnalysis, on_delete=models.CASCADE, related_name="duplicates"
    )
    other = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField("相似度")
    relation = models.CharField("关系", max_length=10, choices=Relation.choices)

    class Meta:
        ordering = ["-similarity", "-other_id"]
        constraints = [
            models.UniqueConstraint(fields=["analysis", "other"], name="opinion_duplicate_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()} {self.similarity:.0%}"


class AlertKind(models.TextChoices):
    BURST = "burst", "话题激增"
    URGENT = "urgent", "紧急诉求聚集"


class AlertState(models.TextChoices):
    OPEN = "open", "待处理"
    ACKNOWLEDGED = "acknowledged", "已知悉"
    CLOSED = "closed", "已关闭"


class Alert(models.Model):
    """A topic that flares up, or urgent appeals gathering on one topic, with its evidence."""

    kind = models.CharField("类型", max_length=10, choices=AlertKind.choices)
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="alerts")
    title = models.CharField("预警", max_length=200)
    evidence = models.JSONField("依据", default=dict)
    state = models.CharField(
        "状态", max_length=14, choices=AlertState.choices, default=AlertState.OPEN
    )
    created_at = models.DateTimeField("预警时间", default=timezone.now)
    acknowledged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField("知悉时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)

    class Meta:
        verbose_name = "舆情预警"
        verbose_name_plural = "舆情预警"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "org", "topic"],
                condition=~models.Q(state="closed"),
                name="opinion_one_live_alert",
            )
        ]

    def __str__(self) -> str:
        return self.title
