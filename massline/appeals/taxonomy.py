"""The shipped 3-level category tree (massline/data/taxonomy.csv: level1, level2, level3)."""

from pathlib import Path

from massline.analysis.classify import load_taxonomy as read_taxonomy_csv

TAXONOMY_CSV = Path(__file__).resolve().parents[1] / "data" / "taxonomy.csv"


def load_taxonomy(Category, path: Path = TAXONOMY_CSV) -> int:
    """Create any missing category of the tree; returns how many were created. Idempotent."""
    created = 0
    cache: dict[tuple, object] = {}

    def node(name, level, parent):
        nonlocal created
        key = (name, parent.pk if parent else None)
        if key not in cache:
            obj, made = Category.objects.get_or_create(
                name=name, parent=parent, defaults={"level": level}
            )
            created += made
            cache[key] = obj
        return cache[key]

    for l1, l2, l3 in read_taxonomy_csv(path):
        top = node(l1, 1, None)
        mid = node(l2, 2, top) if l2 else None
        if l3 and mid:
            node(l3, 3, mid)
    return created
