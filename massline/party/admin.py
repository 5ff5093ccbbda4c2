from django.contrib import admin

from massline.party.models import (
    CommitteeSeat,
    Course,
    Exam,
    Lesson,
    PartyMember,
    PointEntry,
    PointRule,
    Question,
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
