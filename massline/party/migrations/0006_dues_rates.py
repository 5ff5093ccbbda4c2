from django.db import migrations

from massline.party.dues import DEFAULT_RATES


def seed(apps, schema_editor):
    DuesRate = apps.get_model("party", "DuesRate")
    for row in DEFAULT_RATES:
        DuesRate.objects.get_or_create(category=row["category"], above=row["above"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("party", "0005_dues")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
