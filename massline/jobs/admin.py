from django.contrib import admin

from massline.jobs.models import Tick, WorkerBeat


@admin.register(Tick)
class TickAdmin(admin.ModelAdmin):
    list_display = ["slot", "job", "claimed_at", "finished_at", "result"]
    list_filter = ["job"]
    readonly_fields = ["job", "slot", "claimed_at", "task_id", "finished_at", "result"]

    def has_add_permission(self, request):
        return False


@admin.register(WorkerBeat)
class WorkerBeatAdmin(admin.ModelAdmin):
    list_display = ["worker_id", "host", "pid", "started_at", "seen_at"]
    readonly_fields = ["worker_id", "host", "pid", "started_at", "seen_at"]

    def has_add_permission(self, request):
        return False
