"""The hub's knowledge base (知识库): answers to what residents ask again and again — policy,
office hours, procedures — that dispatchers answer a 咨询 with and residents read before
they send one."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from massline.appeals.models import Category
from massline.appeals.search import index_text
from massline.orgs.models import Org


class Entry(models.Model):
    title = models.CharField(
        "问题", max_length=100, help_text="群众会怎么问，如：社保卡丢了怎么补办"
    )
    answer = models.TextField(
        "答复内容", help_text="直接答复群众的文字：政策依据、办理地点、时间、材料、电话"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, verbose_name="分类"
    )
    org = models.ForeignKey(
        Org,
        on_delete=models.PROTECT,
        related_name="knowledge_entries",
        verbose_name="所属单位",
        help_text="维护本条的派单中心；市级条目全市各县（市、区）可见，县级条目只在本县可见。",
    )
    keywords = models.CharField(
        "关键词、同义词",
        max_length=300,
        blank=True,
        help_text="用空格或逗号分开，如：社保卡 社会保障卡 补卡 挂失",
    )
    is_public = models.BooleanField("公开", default=True, help_text="群众留言时可看到")
    valid_from = models.DateField("生效日期", null=True, blank=True)
    valid_until = models.DateField(
        "失效日期", null=True, blank=True, help_text="政策到期后不再显示"
    )
    reviewed_at = models.DateField("最近审核", null=True, blank=True)
    key_text = models.TextField(editable=False, default="")
    answer_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
        verbose_name="更新人",
    )

    class Meta:
        verbose_name = "知识库条目"
        verbose_name_plural = "知识库"
        ordering = ["org_id", "title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.key_text = index_text(self.title, self.keywords.replace(",", " ").replace("，", " "))
        self.answer_text = index_text(self.answer)
        super().save(*args, **kwargs)

    def in_force(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_until is None or today <= self.valid_until
        )
