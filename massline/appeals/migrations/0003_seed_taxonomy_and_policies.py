from django.db import migrations

POLICIES = {
    "consultation": 3,
    "help": 3,
    "complaint": 13,
    "suggestion": 13,
    "report": 13,
    "praise": 5,
    "disclosure": 20,
}


def seed(apps, schema_editor):
    from massline.appeals.taxonomy import load_taxonomy

    load_taxonomy(apps.get_model("appeals", "Category"))
    DeadlinePolicy = apps.get_model("appeals", "DeadlinePolicy")
    for kind, days in POLICIES.items():
        DeadlinePolicy.objects.get_or_create(kind=kind, defaults={"reply_days": days})


class Migration(migrations.Migration):
    dependencies = [("appeals", "0002_search_index")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
