"""Chinese full-text search that works the same on SQLite and PostgreSQL.

Title and body are segmented with rjieba (search mode: whole words and their parts) into
`Appeal.search_text`, space-separated. SQLite indexes that column with FTS5; PostgreSQL with a
GIN index over the token array, so matching never depends on the database's text-search locale.
"""

import re
import unicodedata
from functools import cache

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"\w", re.UNICODE)


@cache
def _jieba():
    import rjieba

    return rjieba


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def index_text(*parts: str) -> str:
    text = _normalise(" ".join(p for p in parts if p))
    return " ".join(dict.fromkeys(t for t in _jieba().cut_for_search(text) if _WORD.search(t)))


def query_tokens(q: str) -> list[str]:
    tokens = [t for t in _jieba().cut(_normalise(q)) if _WORD.search(t) and not t.isspace()]
    return list(dict.fromkeys(t.replace('"', "").strip() for t in tokens if t.strip()))[:12]


def search(qs: QuerySet, q: str) -> QuerySet:
    tokens = query_tokens(q)
    if not tokens:
        return qs
    table = qs.model._meta.db_table
    if connection.vendor == "postgresql":
        return qs.filter(
            pk__in=RawSQL(
                f"SELECT id FROM {table} WHERE string_to_array(search_text, ' ') @> %s::text[]",
                (tokens,),
            )
        )
    match = " AND ".join(f'"{t}"' for t in tokens)
    return qs.filter(
        pk__in=RawSQL(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s", (match,))
    )
