from django.conf import settings
from django.db import models
from django.utils import timezone


class Level(models.TextChoices):
    INFO = "info", "通知"
    WARNING = "warning", "即将超期"
    OVERDUE = "overdue", "超期"
    SEVERE = "severe", "严重超期"
    SUPERVISION = "supervision", "督办"
    FOLLOW_UP = "follow_up", "回访"


class Notice(models.Model):
    """One message to one person in the in-site notification centre.

    `key` names what the notice is about (an appeal's step and level, a supervision, …); a
    recipient gets each key once, whoever raises it and however often.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    key = models.CharField(max_length=160)
    level = models.CharField("类型", max_length=16, choices=Level.choices, default=Level.INFO)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notice_once_per_recipient")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_unread")]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """A notice sent outside the site (e-mail, SMS): one row per notice and channel, so a
    retried or doubled task sends it once."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        SKIPPED = "skipped", "无地址"
        DECLINED = "declined", "本人已关闭此渠道"

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("渠道", max_length=16)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "通知发送"
        verbose_name_plural = "通知发送"
        constraints = [
            models.UniqueConstraint(fields=["notice", "channel"], name="delivery_once_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.channel} {self.status}"


class ChannelChoice(models.Model):
    """A person's choice to receive no notices by one channel (e-mail, SMS); every channel
    the deployment switched on is on for a person until they switch it off. The in-site
    notification centre cannot be switched off."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_choices"
    )
    channel = models.CharField("渠道", max_length=16)
    enabled = models.BooleanField("接收", default=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "通知渠道选择"
        verbose_name_plural = "通知渠道选择"
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="channel_choice_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel} {'on' if self.enabled else 'off'}"
