from django.contrib import admin

from massline.notices.models import Delivery, Notice


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = ["channel", "status", "attempts", "error", "sent_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "level", "title", "read_at"]
    list_filter = ["level"]
    search_fields = ["title", "key", "recipient__username"]
    readonly_fields = [f.name for f in Notice._meta.fields]
    inlines = [DeliveryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
