"""The admin's model switch: make a version live, or roll back to the one before, in one step."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from massline.core.errors import DomainError
from massline.opinion.models import Alert, AppealAnalysis, ModelVersion, Topic
from massline.opinion.services import activate_model, rollback_model


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "is_active",
        "trained_at",
        "examples",
        "classes",
        "top1",
        "top3",
        "activated_at",
    ]
    list_filter = ["kind", "is_active"]
    readonly_fields = [f.name for f in ModelVersion._meta.fields]
    actions = ["activate", "rollback"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="启用所选版本")
    def activate(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        chosen = list(queryset)
        if len({v.kind for v in chosen}) != len(chosen):
            self.message_user(request, "每类模型只能启用一个版本。", messages.ERROR)
            return
        for version in chosen:
            activate_model(version.pk, request.user)
            self.message_user(request, f"已启用{version}。", messages.SUCCESS)

    @admin.action(description="回滚到上一启用版本（按所选版本的类型）")
    def rollback(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        for kind in sorted({v.kind for v in queryset}):
            try:
                version = rollback_model(kind, request.user)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"已回滚到{version}。", messages.SUCCESS)


@admin.register(AppealAnalysis)
class AppealAnalysisAdmin(admin.ModelAdmin):
    list_display = ["appeal", "state", "category", "urgency", "topic", "analysed_at", "attempts"]
    list_filter = ["state", "urgency"]
    search_fields = ["appeal__tracking_no"]
    readonly_fields = [f.name for f in AppealAnalysis._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "created_at", "updated_at"]
    search_fields = ["title"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Read-only: alerts are raised by the sweep and acknowledged or closed on the overview."""

    list_display = ["title", "kind", "state", "org", "created_at", "acknowledged_by", "closed_by"]
    list_filter = ["kind", "state"]
    readonly_fields = [f.name for f in Alert._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
