"""Chinese full-text search that works the same on SQLite and PostgreSQL.

Title and body are segmented with rjieba (search mode: whole words and their parts) into
`Appeal.search_text`, space-separated. SQLite indexes that column with FTS5; PostgreSQL with a
GIN index over the token array, so matching never depends on the database's text-search locale.
"""

import re
import unicodedata
from functools import cache
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import F, Func, Lookup, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"\w", re.UNICODE)


@cache
def _jieba():
    import rjieba

    return rjieba


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def index_text(*parts: str) -> str:
    """Search-mode tokens plus every dictionary word of two or more characters found anywhere
    (full mode): a word the sentence splits otherwise (供电所 in "供电所说") is still found."""
    text = _normalise(" ".join(p for p in parts if p))
    jieba = _jieba()
    whole = (t for t in jieba.cut_all(text) if len(t) >= 2)
    tokens = (t for t in (*jieba.cut_for_search(text), *whole) if _WORD.search(t))
    return " ".join(dict.fromkeys(tokens))


def query_tokens(q: str) -> list[str]:
    tokens = [t for t in _jieba().cut(_normalise(q)) if _WORD.search(t) and not t.isspace()]
    return list(dict.fromkeys(t.replace('"', "").strip() for t in tokens if t.strip()))[:12]


COLUMNS = {False: ("search_text", "_fts"), True: ("public_search_text", "_pfts")}


def search(qs: QuerySet, q: str, *, masked: bool = False) -> QuerySet:
    """Appeals whose words contain every word of `q`. With `masked`, only the text as the
    public reads it (personal data masked) is matched, so a search cannot reveal what the
    page hides."""
    tokens = query_tokens(q)
    if not tokens:
        return qs
    table = qs.model._meta.db_table
    column, fts = COLUMNS[masked]
    if connection.vendor == "postgresql":
        return qs.filter(_pg_contains(column, tokens))
    match = " AND ".join(f'"{t}"' for t in tokens)
    return qs.filter(
        pk__in=RawSQL(f"SELECT rowid FROM {table}{fts} WHERE {table}{fts} MATCH %s", (match,))
    )


def _pg_contains(column: str, tokens: list[str]) -> Lookup:
    """string_to_array(column, ' ') @> tokens: the GIN index's own expression, written as an
    expression so that the column takes the alias of whichever query it lands in (a page of
    results is picked in a subquery, core/pagination.py)."""
    words: ArrayField[Any, Any] = ArrayField(TextField())
    split = Func(F(column), Value(" "), function="string_to_array", output_field=words)
    contains = words.get_lookup("contains")
    assert contains is not None
    return contains(split, tokens)
