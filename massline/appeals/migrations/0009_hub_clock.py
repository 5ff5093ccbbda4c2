from django.db import migrations, models

HUB_STATES = ("submitted", "accepted", "returned", "reopened")
OPENS = ("submit", "register", "return", "reopen")


def start_hub_clocks(apps, schema_editor):
    """Appeals waiting at a hub get the clock the 考核 ledger already ran for them: from the
    latest submission, return or reopening, plus their kind's dispatch hours."""
    from massline.core.calendar import get_calendar

    Appeal = apps.get_model("appeals", "Appeal")
    AppealEvent = apps.get_model("appeals", "AppealEvent")
    DeadlinePolicy = apps.get_model("appeals", "DeadlinePolicy")
    hours = dict(DeadlinePolicy.objects.values_list("kind", "dispatch_hours"))
    cal = get_calendar()
    waiting = Appeal.objects.filter(state__in=HUB_STATES, merged_into__isnull=True)
    for appeal in waiting.only("pk", "kind", "created_at").iterator():
        started = (
            AppealEvent.objects.filter(appeal_id=appeal.pk, action__in=OPENS)
            .order_by("-created_at", "-id")
            .values_list("created_at", flat=True)
            .first()
        ) or appeal.created_at
        due = cal.add_working_hours(started, hours.get(appeal.kind, 24))
        Appeal.objects.filter(pk=appeal.pk).update(dispatch_due_at=due)


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0008_page_indexes"),
        ("core", "0002_audit_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="dispatch_due_at",
            field=models.DateTimeField(
                blank=True,
                help_text="派单中心须在此前派出（或不予受理、并案）；退回和重办时重新起算。",
                null=True,
                verbose_name="派单期限",
            ),
        ),
        migrations.RunPython(start_hub_clocks, migrations.RunPython.noop),
    ]
