from django.contrib import admin

from massline.core.models import AuditEvent, CalendarDay, CalendarYear


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "is_workday", "name", "note", "updated_at"]
    list_filter = ["is_workday"]
    search_fields = ["name", "note", "date"]
    date_hierarchy = "date"
    ordering = ["-date"]

    @admin.display(description="星期")
    def weekday(self, obj: CalendarDay) -> str:
        return "周" + "一二三四五六日"[obj.date.weekday()]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "note", "created_at"]
    search_fields = ["year", "note"]
    readonly_fields = ["created_at"]


class AppendOnlyAdmin(admin.ModelAdmin):
    """For records that are never added, edited or deleted by hand (audit trails)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(AppendOnlyAdmin):
    list_display = ["created_at", "action", "actor", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_id", "actor__username"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "action", "actor", "target_type", "target_id", "data"]
