from django.db import migrations

from massline.party.meetings import DEFAULT_KINDS


def seed(apps, schema_editor):
    MeetingKind = apps.get_model("party", "MeetingKind")
    for row in DEFAULT_KINDS:
        MeetingKind.objects.get_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("party", "0003_meetings")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
