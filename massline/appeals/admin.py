from django.contrib import admin

from massline.appeals.models import (
    Appeal,
    AppealEvent,
    Attachment,
    Category,
    DeadlinePolicy,
    ExtensionRequest,
    Rating,
)
from massline.core.admin import AppendOnlyAdmin


class EventInline(admin.TabularInline):
    model = AppealEvent
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "action",
        "actor",
        "actor_role",
        "actor_org",
        "from_state",
        "to_state",
        "note",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """Read-mostly: state changes go through the workflow (API), never through this form, and
    the resident's own words (indexed for search) are not edited by staff."""

    list_display = [
        "tracking_no",
        "title",
        "kind",
        "state",
        "region",
        "lead_org",
        "supervised",
        "created_at",
        "reply_due_at",
    ]
    list_filter = ["state", "kind", "supervised", "is_public", "created_at"]
    search_fields = ["tracking_no", "title", "body"]
    date_hierarchy = "created_at"
    list_select_related = ["region", "lead_org"]
    raw_id_fields = [
        "category",
        "region",
        "hub",
        "lead_org",
        "merged_into",
        "submitted_by",
        "reply_org",
    ]
    filter_horizontal = ["co_orgs"]
    inlines = [EventInline]
    readonly_fields = [
        "tracking_no",
        "title",
        "body",
        "location",
        "state",
        "version",
        "round",
        "hub",
        "lead_org",
        "co_orgs",
        "merged_into",
        "supervised",
        "assigned_at",
        "sign_due_at",
        "signed_at",
        "reply_due_at",
        "replied_at",
        "closed_at",
        "reply_text",
        "reply_org",
        "submitted_by",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(AppealEvent)
class AppealEventAdmin(AppendOnlyAdmin):
    list_display = [
        "created_at",
        "appeal",
        "action",
        "actor",
        "actor_role",
        "from_state",
        "to_state",
    ]
    list_filter = ["action", "actor_role", "to_state"]
    search_fields = ["appeal__tracking_no", "note"]
    list_select_related = ["appeal", "actor"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["parent"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "sign_hours",
        "reply_days",
        "warn_ratio",
        "severe_factor",
        "reset_on_transfer",
        "supervised_days",
    ]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["appeal", "round", "verdict", "resolved", "org", "created_at"]
    list_filter = ["verdict", "resolved"]
    raw_id_fields = ["appeal", "org"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ["appeal", "org", "days", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["appeal", "org", "requested_by", "decided_by"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["appeal", "name", "content_type", "size", "created_at"]
    raw_id_fields = ["appeal", "uploaded_by"]
