from django.contrib import admin
from django.db import transaction

from massline.core.audit import audit
from massline.knowledge import policy
from massline.knowledge.models import Entry


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Administrators edit every entry, a hub's dispatchers their hub's; each save and each
    deletion leaves an audit event with what changed."""

    list_display = ["title", "org", "category", "is_public", "valid_until", "reviewed_at"]
    list_filter = ["is_public", "org", "category"]
    search_fields = ["title", "keywords", "answer"]
    fields = [
        "title",
        "answer",
        "category",
        "org",
        "keywords",
        "is_public",
        ("valid_from", "valid_until"),
        "reviewed_at",
    ]

    def get_queryset(self, request):
        return policy.editable(request.user).select_related("org", "category")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "org":
            kwargs["queryset"] = policy.owners(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            changes = {
                name: [_plain(form.initial.get(name)), _plain(form.cleaned_data.get(name))]
                for name in form.changed_data
            }
            obj.updated_by = request.user
            super().save_model(request, obj, form, change)
            audit("knowledge.entry_saved", actor=request.user, target=obj, changes=changes)

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit("knowledge.entry_deleted", actor=request.user, target=obj, title=obj.title)
            super().delete_model(request, obj)


def _plain(value):
    value = getattr(value, "pk", value)
    return value.isoformat() if hasattr(value, "isoformat") else value
