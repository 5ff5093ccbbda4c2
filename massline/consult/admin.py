from django.contrib import admin

from massline.consult.models import Comment, Consultation, Decision, Revision


class RevisionInline(admin.TabularInline):
    model = Revision
    extra = 0
    readonly_fields = ("number", "note", "created_by", "created_at")
    fields = readonly_fields


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "org", "audience", "opens_at", "closes_at", "report_published_at"]
    list_filter = ["audience", "premoderate"]
    search_fields = ["title"]
    raw_id_fields = ["org", "region", "party_org", "created_by"]
    inlines = [RevisionInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["consultation", "author", "status", "supports", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["consultation", "paragraph", "revision", "author", "moderated_by", "decision"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["title", "consultation", "outcome", "decided_at"]
    list_filter = ["outcome"]
    raw_id_fields = ["consultation", "decided_by"]
