from django.contrib import admin

from massline.assessment.models import LedgerStep, OrgMonth
from massline.core.admin import AppendOnlyAdmin


@admin.register(LedgerStep)
class LedgerStepAdmin(AppendOnlyAdmin):
    """Derived from the appeals' events (`massline ledger --rebuild` makes it anew)."""

    list_display = ["appeal", "seq", "kind", "org", "started_at", "due_at", "ended_at", "on_time"]
    list_filter = ["kind", "outcome", "on_time", "shirked", "reworked"]
    search_fields = ["appeal__tracking_no", "org__name"]
    raw_id_fields = ["appeal", "org"]


@admin.register(OrgMonth)
class OrgMonthAdmin(AppendOnlyAdmin):
    list_display = ["org", "month", "received", "reply_judged", "reply_on_time", "ratings"]
    search_fields = ["org__name"]
    date_hierarchy = "month"
    raw_id_fields = ["org"]
