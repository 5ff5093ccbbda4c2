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


CATEGORY_WORDS_CSV = Path(__file__).resolve().parents[1] / "data" / "category_words.csv"
"""Words and synonyms residents use for a category (路灯, 井盖 → 城市公共设施): level1, level2,
level3 (empty: the level-2 category itself) and the words, space-separated."""

UNUSED_IN_HUANGGANG = (
    ("城乡建设", "城市建设和市政管理", "地铁城铁"),
    ("城乡建设", "城市建设和市政管理", "冬季采暖"),
)
"""What the 黄冈 demo switches off (no metro, no central heating): each deployment switches off
the categories it has no use for (the admin's 启用, or `massline categories --off`)."""


def find_category(Category, l1: str, l2: str = "", l3: str = ""):
    """The category of a path of names, or None."""
    found = None
    for name in (n for n in (l1, l2, l3) if n):
        found = Category.objects.filter(name=name, parent=found).first()
        if found is None:
            return None
    return found


def load_category_words(Category, path: Path = CATEGORY_WORDS_CSV) -> list[str]:
    """Give each listed category its words (replacing what it had); returns the paths that name
    no category, for the caller to report."""
    import csv

    missing = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            cat = find_category(Category, row["level1"], row["level2"], row["level3"])
            if cat is None:
                missing.append(
                    "/".join(p for p in (row["level1"], row["level2"], row["level3"]) if p)
                )
                continue
            cat.keywords = " ".join(row["words"].split())
            cat.save(update_fields=["keywords"])
    return missing
