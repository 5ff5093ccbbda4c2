"""Full-text index over Appeal.search_text: FTS5 on SQLite, a GIN token array on PostgreSQL."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE appeals_appeal_fts USING fts5("
    "search_text, content='appeals_appeal', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER appeals_appeal_fts_ai AFTER INSERT ON appeals_appeal BEGIN "
    "INSERT INTO appeals_appeal_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER appeals_appeal_fts_ad AFTER DELETE ON appeals_appeal BEGIN "
    "INSERT INTO appeals_appeal_fts(appeals_appeal_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER appeals_appeal_fts_au AFTER UPDATE OF search_text ON appeals_appeal BEGIN "
    "INSERT INTO appeals_appeal_fts(appeals_appeal_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO appeals_appeal_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS appeals_appeal_fts_au",
    "DROP TRIGGER IF EXISTS appeals_appeal_fts_ad",
    "DROP TRIGGER IF EXISTS appeals_appeal_fts_ai",
    "DROP TABLE IF EXISTS appeals_appeal_fts",
]
PG_UP = [
    "CREATE INDEX appeals_appeal_search_gin ON appeals_appeal "
    "USING gin (string_to_array(search_text, ' '))"
]
PG_DOWN = ["DROP INDEX IF EXISTS appeals_appeal_search_gin"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
