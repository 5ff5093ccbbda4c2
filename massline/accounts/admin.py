from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from massline.accounts.models import ApiToken, PhoneCode, User


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


@admin.register(PhoneCode)
class PhoneCodeAdmin(admin.ModelAdmin):
    """Codes are stored hashed; the admin shows only when and how often one was tried."""

    list_display = ["phone", "purpose", "created_at", "expires_at", "attempts", "used_at"]
    list_filter = ["purpose"]
    search_fields = ["phone"]
    readonly_fields = ["phone", "purpose", "created_at", "expires_at", "attempts", "used_at"]
    exclude = ["code_hash"]

    def has_add_permission(self, request):
        return False
