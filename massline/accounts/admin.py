from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from massline.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "real_name", "phone", "is_staff", "is_active", "date_joined"]
    search_fields = ["username", "real_name", "phone"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("实名信息", {"fields": ["real_name", "phone", "phone_verified_at"]}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    raw_id_fields = ["user"]
