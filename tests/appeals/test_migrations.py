"""Migrations that rebuild the appeal table on SQLite must leave its search indexes working."""

import pytest
from django.db import connection

TRIGGERS = {
    f"appeals_appeal_{index}_{event}" for index in ("fts", "pfts") for event in ["ai", "ad", "au"]
}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 triggers exist on SQLite only")
def test_both_search_indexes_keep_their_triggers_after_every_migration(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
    assert names >= TRIGGERS
