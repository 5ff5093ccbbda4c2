from typing import Any, NoReturn, TypeVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class CalendarDay(models.Model):
    """An administrator's verdict on one date; it overrides the holiday package."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField(
        "上班", help_text="勾选：这一天上班（如调休上班的周六）；不勾选：放假。"
    )
    name = models.CharField("名称", max_length=50, blank=True, help_text="如“春节”“调休上班”。")
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日"
        verbose_name_plural = "节假日"

    def __str__(self) -> str:
        verdict = "上班" if self.is_workday else "放假"
        return f"{self.date} {self.name or verdict}（{verdict}）"


class CalendarYear(models.Model):
    """An administrator has entered this year's whole official schedule.

    (国务院办公厅关于该年部分节假日安排的通知); days of a listed year that have no CalendarDay
    row are Monday–Friday working days and no fallback warning is shown for the year.
    """

    year = models.PositiveSmallIntegerField(
        "年份", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    note = models.CharField("备注", max_length=200, blank=True, help_text="如通知的文号或来源。")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "已录入年度"
        verbose_name_plural = "已录入年度"

    def __str__(self) -> str:
        return f"{self.year}年"


class AppendOnlyError(ValueError):
    """Records of what happened are written once and never changed or removed."""


_M = TypeVar("_M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only")

    def purge(self) -> int:
        """Remove rows without the model's guard: only for wiping a demo or test database."""
        return self._raw_delete(self.db)


class AppendOnlyModel(models.Model):
    """A base for audit trails: saving twice, deleting, and bulk update/delete all refuse."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self._meta.label} rows are append-only")


class AuditEvent(AppendOnlyModel):
    """An append-only record of a state change outside an appeal's own timeline
    (registrations, API tokens, calendar schedules, demo loads). Admin edits have Django's log."""

    action = models.CharField("动作", max_length=40, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="操作人",
    )
    target_type = models.CharField("对象类型", max_length=40, blank=True)
    target_id = models.CharField("对象", max_length=40, blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
