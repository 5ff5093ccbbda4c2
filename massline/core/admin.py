from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from massline.core.models import AuditEvent, CalendarDay, CalendarYear

if TYPE_CHECKING:
    # ModelAdmin takes its model as a type parameter in django-stubs only (not at run time)
    CalendarDayAdminBase = admin.ModelAdmin[CalendarDay]
    CalendarYearAdminBase = admin.ModelAdmin[CalendarYear]
    AnyModelAdmin = admin.ModelAdmin[Any]
else:
    CalendarDayAdminBase = CalendarYearAdminBase = AnyModelAdmin = admin.ModelAdmin


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarDayAdminBase):
    list_display = ["date", "weekday", "is_workday", "name", "note", "updated_at"]
    list_filter = ["is_workday"]
    search_fields = ["name", "note", "date"]
    date_hierarchy = "date"
    ordering = ["-date"]

    @admin.display(description="星期")
    def weekday(self, obj: CalendarDay) -> str:
        return "周" + "一二三四五六日"[obj.date.weekday()]


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarYearAdminBase):
    list_display = ["year", "note", "created_at"]
    search_fields = ["year", "note"]
    readonly_fields = ["created_at"]


class AppendOnlyAdmin(AnyModelAdmin):
    """For records that are never added, edited or deleted by hand (audit trails)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(AppendOnlyAdmin):
    list_display = ["created_at", "action", "actor", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_id", "actor__username"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "action", "actor", "target_type", "target_id", "data"]
