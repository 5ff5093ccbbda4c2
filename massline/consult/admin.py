from django.contrib import admin

from massline.consult.models import (
    Category,
    Comment,
    Consultation,
    Decision,
    Inquiry,
    Interview,
    InterviewQuestion,
    Milestone,
    Publication,
    Question,
    Response,
    Revision,
    Survey,
)


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
    search_fields = ["body"]
    raw_id_fields = ["consultation", "paragraph", "revision", "author", "moderated_by", "decision"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["title", "consultation", "outcome", "decided_at"]
    list_filter = ["outcome"]
    search_fields = ["title"]
    raw_id_fields = ["consultation", "decided_by"]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = [
        "position",
        "kind",
        "text",
        "required",
        "options",
        "rows",
        "scale",
        "show_if",
        "skip",
        "quotas",
    ]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "org", "audience", "opens_at", "closes_at", "quota", "results_public"]
    list_filter = ["audience", "results_public"]
    search_fields = ["title"]
    raw_id_fields = ["org", "region", "party_org", "created_by"]
    inlines = [QuestionInline]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Answer sheets are read, never edited: the one-answer rule and the figures rest on them."""

    list_display = ["survey", "created_at"]
    list_filter = ["survey"]
    search_fields = ["survey__title"]
    readonly_fields = ["survey", "respondent", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    search_fields = ["name"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "category", "org", "published_at"]
    list_filter = ["kind", "category"]
    search_fields = ["title", "doc_number"]
    raw_id_fields = ["org", "interprets", "created_by"]


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ["publication", "created_at", "answered_at"]
    search_fields = ["body"]
    raw_id_fields = ["publication", "asker", "answered_by"]


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["title", "org", "guests", "starts_at", "ends_at"]
    search_fields = ["title", "guests"]
    raw_id_fields = ["org", "created_by"]


@admin.register(InterviewQuestion)
class InterviewQuestionAdmin(admin.ModelAdmin):
    list_display = ["interview", "status", "created_at", "answered_at", "appeal_tracking_no"]
    list_filter = ["status"]
    search_fields = ["body"]
    raw_id_fields = ["interview", "asker", "picked_by", "answered_by"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "consultation", "due_on", "done_on"]
    search_fields = ["title"]
    raw_id_fields = ["consultation", "decision", "created_by"]
