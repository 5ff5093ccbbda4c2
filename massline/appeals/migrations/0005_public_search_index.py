"""A second search column holding the words as the public reads them (personal data masked),
indexed like the first: FTS5 on SQLite, a GIN token array on PostgreSQL."""

from importlib import import_module

from django.db import migrations, models

FIRST_INDEX = import_module("massline.appeals.migrations.0002_search_index")

SQLITE_UP = [
    # Adding a column rebuilds the table on SQLite, which drops the first index's triggers.
    *FIRST_INDEX.SQLITE_DOWN[:3],
    *FIRST_INDEX.SQLITE_UP[1:],
    "INSERT INTO appeals_appeal_fts(appeals_appeal_fts) VALUES ('rebuild')",
    "CREATE VIRTUAL TABLE appeals_appeal_pfts USING fts5("
    "public_search_text, content='appeals_appeal', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER appeals_appeal_pfts_ai AFTER INSERT ON appeals_appeal BEGIN "
    "INSERT INTO appeals_appeal_pfts(rowid, public_search_text) "
    "VALUES (new.id, new.public_search_text); END",
    "CREATE TRIGGER appeals_appeal_pfts_ad AFTER DELETE ON appeals_appeal BEGIN "
    "INSERT INTO appeals_appeal_pfts(appeals_appeal_pfts, rowid, public_search_text) "
    "VALUES ('delete', old.id, old.public_search_text); END",
    "CREATE TRIGGER appeals_appeal_pfts_au AFTER UPDATE OF public_search_text ON appeals_appeal "
    "BEGIN INSERT INTO appeals_appeal_pfts(appeals_appeal_pfts, rowid, public_search_text) "
    "VALUES ('delete', old.id, old.public_search_text); "
    "INSERT INTO appeals_appeal_pfts(rowid, public_search_text) "
    "VALUES (new.id, new.public_search_text); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS appeals_appeal_pfts_au",
    "DROP TRIGGER IF EXISTS appeals_appeal_pfts_ad",
    "DROP TRIGGER IF EXISTS appeals_appeal_pfts_ai",
    "DROP TABLE IF EXISTS appeals_appeal_pfts",
]
PG_UP = [
    "CREATE INDEX appeals_appeal_public_search_gin ON appeals_appeal "
    "USING gin (string_to_array(public_search_text, ' '))"
]
PG_DOWN = ["DROP INDEX IF EXISTS appeals_appeal_public_search_gin"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


def backfill(apps, schema_editor):
    from massline.appeals.privacy import index_appeal

    Appeal = apps.get_model("appeals", "Appeal")
    for appeal in Appeal.objects.select_related("submitted_by").iterator(chunk_size=500):
        index_appeal(appeal)
        Appeal.objects.filter(pk=appeal.pk).update(public_search_text=appeal.public_search_text)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0004_policy_limits")]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="public_search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(
            run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
