"""Finding the entries that answer a question, ranked by the words they share with it.

Words are the appeals' own Chinese segmentation (`appeals.search.index_text`); an entry's
title and keywords weigh more than its answer, and an entry of the question's category
(or of a category above it) comes first among equals. A hub keeps hundreds of entries, not
millions: they are ranked in Python after the database has picked those in scope and in force.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from massline.appeals.models import Category
from massline.appeals.search import index_text
from massline.knowledge.models import Entry

KEY_WEIGHT = 3
CATEGORY_BONUS = 2


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: int


def in_force(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    today = timezone.localdate()
    return entries.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
    )


def _lineage(category: Category | None) -> set[int]:
    found: set[int] = set()
    while category is not None:
        found.add(category.pk)
        category = category.parent
    return found


def matching(
    entries: QuerySet[Entry],
    text: str,
    *,
    category: Category | None = None,
    limit: int = 5,
) -> list[Match]:
    """The entries in force sharing words with `text`, best first. With no words but a
    category, the category's entries."""
    words = {w for w in index_text(text[:2000]).split() if len(w) >= 2}
    lineage = _lineage(category)
    found = []
    for entry in in_force(entries).select_related("category", "org"):
        shared = KEY_WEIGHT * len(words & set(entry.key_text.split()))
        shared += len(words & set(entry.answer_text.split()))
        in_category = entry.category_id in lineage
        if not shared and not (in_category and not words):
            continue
        found.append(Match(entry, shared + (CATEGORY_BONUS if in_category else 0)))
    found.sort(key=lambda m: (-m.score, m.entry.title))
    return found[:limit]
