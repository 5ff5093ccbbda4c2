from django.contrib import admin
from django.db import transaction

from massline.appeals.models import (
    Appeal,
    AppealEvent,
    Attachment,
    AutomationRule,
    Category,
    DeadlinePolicy,
    ExtensionRequest,
    FollowUp,
    Rating,
    SupervisionCase,
)
from massline.appeals.privacy import masker
from massline.core.admin import AppendOnlyAdmin
from massline.core.audit import audit

SEALED_FIELDS = frozenset(
    {"title", "body", "location", "contact_name", "contact_phone", "submitted_by", "registered_by"}
)
"""What of a sealed 举报 the admin pages do not show as stored: its reporter and the words
that may name them (shown masked instead)."""


def _masked(appeal: Appeal, text: str) -> str:
    return masker(appeal, see_original=not appeal.sealed)(text)


class SealedEventColumns:
    """An event's actor and note as the admin shows them: a sealed 举报's reporter masked."""

    @admin.display(description="操作人")
    def who(self, event: AppealEvent) -> str:
        if event.actor_id is None:
            return "—"
        if event.appeal.sealed and event.actor_id == event.appeal.submitted_by_id:
            return "举报人（保密）"
        return str(event.actor)

    @admin.display(description="说明")
    def shown_note(self, event: AppealEvent) -> str:
        return _masked(event.appeal, event.note)


class EventInline(SealedEventColumns, admin.TabularInline):
    model = AppealEvent
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "action",
        "who",
        "actor_role",
        "actor_org",
        "from_state",
        "to_state",
        "shown_note",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """Read-only but for the category and the priority: state, ratings, replies and the
    resident's own words change only through the workflow's actions, and every edit made
    here leaves an audit event with the old and new values."""

    EDITABLE = ("category", "priority")

    list_display = [
        "tracking_no",
        "shown_title",
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
    raw_id_fields = ["category"]
    inlines = [EventInline]
    exclude = ["search_text", "public_search_text", "idempotency_key"]

    def get_readonly_fields(self, request, obj=None):
        return [
            f.name
            for f in self.model._meta.get_fields()
            if f.concrete and f.name not in self.EDITABLE and f.name not in self.exclude
        ] + ["shown_title", "shown_body", "reporter"]

    def get_fields(self, request, obj=None):
        shown = ("shown_title", "shown_body", "reporter")
        fields = [f for f in super().get_fields(request, obj) if f not in shown]
        if obj is not None and obj.sealed:
            return [*shown, *(f for f in fields if f not in SEALED_FIELDS)]
        return fields

    @admin.display(description="标题")
    def shown_title(self, appeal: Appeal) -> str:
        return _masked(appeal, appeal.title)

    @admin.display(description="内容")
    def shown_body(self, appeal: Appeal) -> str:
        return _masked(appeal, appeal.body)

    @admin.display(description="举报人")
    def reporter(self, appeal: Appeal) -> str:
        return "保密（仅承办的纪检监察机关承办人可见）"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            changes = {
                name: [_plain(form.initial.get(name)), _plain(form.cleaned_data.get(name))]
                for name in form.changed_data
            }
            super().save_model(request, obj, form, change)
            audit("appeal.admin_changed", actor=request.user, target=obj, changes=changes)


def _plain(value):
    return getattr(value, "pk", value)


@admin.register(AppealEvent)
class AppealEventAdmin(SealedEventColumns, AppendOnlyAdmin):
    list_display = [
        "created_at",
        "appeal",
        "action",
        "who",
        "actor_role",
        "from_state",
        "to_state",
    ]
    list_filter = ["action", "actor_role", "to_state"]
    search_fields = ["appeal__tracking_no", "note"]
    list_select_related = ["appeal", "actor"]

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f not in ("actor", "note")]
        return (
            [*fields, "shown_note"]
            if obj is not None and obj.appeal.sealed
            else [*fields, "actor", "note"]
        )

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "shown_note"]


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
        "dispatch_hours",
        "sign_hours",
        "reply_days",
        "warn_ratio",
        "severe_factor",
        "reset_on_transfer",
        "supervised_days",
        "rating_days",
        "max_extensions",
        "max_extension_days",
    ]


@admin.register(Rating)
class RatingAdmin(AppendOnlyAdmin):
    list_display = ["appeal", "round", "verdict", "resolved", "org", "created_at"]
    list_filter = ["verdict", "resolved"]
    raw_id_fields = ["appeal", "org"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(AppendOnlyAdmin):
    list_display = ["appeal", "org", "days", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["appeal", "org", "requested_by", "decided_by"]


@admin.register(Attachment)
class AttachmentAdmin(AppendOnlyAdmin):
    list_display = ["appeal", "name", "content_type", "size", "created_at"]
    raw_id_fields = ["appeal", "uploaded_by"]


@admin.register(AutomationRule)
class AutomationRuleAdmin(admin.ModelAdmin):
    """The automatic actions: switch each on or off and tune its days and sample."""

    list_display = ["key", "enabled", "days", "percent"]
    list_editable = ["enabled", "days", "percent"]

    def get_readonly_fields(self, request, obj=None):
        return ["key"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changed = {f: form.cleaned_data.get(f) for f in form.changed_data}
            audit("automation_rule.changed", actor=request.user, target=obj, **changed)


@admin.register(FollowUp)
class FollowUpAdmin(AppendOnlyAdmin):
    list_display = ["appeal", "round", "reason", "hub", "due_at", "done_at", "outcome"]
    list_filter = ["reason", "outcome"]
    search_fields = ["appeal__tracking_no"]
    raw_id_fields = ["appeal", "hub", "done_by"]


@admin.register(SupervisionCase)
class SupervisionCaseAdmin(AppendOnlyAdmin):
    list_display = ["title", "org", "created_by", "created_at"]
    search_fields = ["title", "note"]
    raw_id_fields = ["org", "created_by", "appeals"]
