from django.contrib import admin

from massline.party.models import (
    CommitteeSeat,
    CommunityReport,
    Course,
    DuesRate,
    Exam,
    Lesson,
    Meeting,
    MeetingKind,
    PartyMember,
    PointEntry,
    PointRule,
    Question,
    Suggestion,
    Transfer,
    Wish,
)


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):
    """The points table: administrators edit the values, caps and time units."""

    list_display = [
        "kind",
        "points",
        "perfect_points",
        "daily_cap",
        "unit_seconds",
        "min_seconds",
        "active",
    ]
    list_editable = [
        "points",
        "perfect_points",
        "daily_cap",
        "unit_seconds",
        "min_seconds",
        "active",
    ]


@admin.register(PointEntry)
class PointEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "member", "kind", "points", "reason"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in PointEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PartyMember)
class PartyMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "stage", "status", "points_total"]
    list_filter = ["stage", "status"]
    search_fields = ["name", "phone"]
    raw_id_fields = ["user"]


@admin.register(CommitteeSeat)
class CommitteeSeatAdmin(admin.ModelAdmin):
    list_display = ["branch", "post", "member", "term_start", "term_end"]
    raw_id_fields = ["member"]


class LessonInline(admin.StackedInline):
    model = Lesson
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "org", "published"]
    inlines = [LessonInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["stem", "kind", "difficulty", "tags", "active"]
    list_filter = ["kind", "difficulty", "active"]
    search_fields = ["stem", "tags"]


@admin.register(Exam)
class ExamAdmin(admin.ModelAdmin):
    list_display = ["title", "org", "opens_at", "closes_at", "duration_minutes", "pass_mark"]


@admin.register(MeetingKind)
class MeetingKindAdmin(admin.ModelAdmin):
    """The required frequencies of 三会一课: administrators edit period and count."""

    list_display = ["name", "code", "period", "required", "active", "position"]
    list_editable = ["period", "required", "active", "position"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "branch", "kind", "title", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["title"]


@admin.register(DuesRate)
class DuesRateAdmin(admin.ModelAdmin):
    """The 党费 rate table."""

    list_display = ["category", "above", "percent", "amount"]
    list_editable = ["percent", "amount"]


@admin.register(Wish)
class WishAdmin(admin.ModelAdmin):
    list_display = ["created_at", "branch", "title", "status"]
    list_filter = ["status"]
    search_fields = ["title"]
    raw_id_fields = ["resident", "posted_by", "claimed_by"]


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ["released_at", "member", "from_branch", "to_branch", "status"]
    raw_id_fields = ["member"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "member", "org", "title", "answered_at"]
    raw_id_fields = ["member"]


@admin.register(CommunityReport)
class CommunityReportAdmin(admin.ModelAdmin):
    list_display = ["member", "community", "reported_on", "active"]
    raw_id_fields = ["member"]
