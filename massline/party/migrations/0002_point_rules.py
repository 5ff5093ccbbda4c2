from django.db import migrations

from massline.party.points import DEFAULT_RULES


def seed(apps, schema_editor):
    PointRule = apps.get_model("party", "PointRule")
    for row in DEFAULT_RULES:
        PointRule.objects.get_or_create(kind=row["kind"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("party", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
