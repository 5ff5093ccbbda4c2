"""Loading the region tree from massline/data/regions.json (built by scripts/build_regions.py).

The file lists provinces (level 1) to towns/streets (level 4); the loader adds the country as the
root and stores every level one higher, so that Region.level matches orgs.Level (中央 1 … 乡镇 5).
The country has no GB/T 2260 code; it gets "100000", the code 民政部 and map services use for
中华人民共和国, which sorts before every province.

`place_index()` gives the analysis engine the same file as a place extractor, with the
deployment's own area (settings.MASSLINE_REGION) as home; the engine never reads settings itself.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from massline.analysis import places

from .models import Level, Region

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "regions.json"
NATION_CODE = "100000"
NATION_NAME = "中华人民共和国"
BATCH = 500
log = logging.getLogger(__name__)


def short_name(name: str) -> str:
    """The name people use without the administrative suffix (see analysis.places.short_name)."""
    return "中国" if name == NATION_NAME else places.short_name(name)


@dataclass(frozen=True, slots=True)
class _Row:
    code: str
    name: str
    parent: str | None
    level: int


def _read(path: Path) -> dict[str, _Row]:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, list):
        raise ValueError(f"{path}：行政区划文件应为 JSON 列表")
    rows = {NATION_CODE: _Row(NATION_CODE, NATION_NAME, None, Level.CENTRAL)}
    for item in data:
        try:
            code, name, level = str(item["code"]), str(item["name"]).strip(), int(item["level"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}：无效的行政区划条目 {item!r}") from exc
        if not 1 <= level <= 4:
            raise ValueError(f"{path}：{code} {name} 的层级 {level} 应为 1–4")
        parent = item.get("parent") or NATION_CODE
        rows[code] = _Row(code, name, str(parent), level + 1)
    for row in rows.values():
        if row.parent is not None and row.parent not in rows:
            raise ValueError(f"{path}：{row.code} {row.name} 的上级 {row.parent} 不存在")
    return rows


def _subtree(rows: dict[str, _Row], prefix: str) -> dict[str, _Row]:
    keep = {code for code in rows if code.startswith(prefix)}
    if not keep:
        raise ValueError(f"没有代码以 {prefix} 开头的行政区划")
    for code in list(keep):
        parent = rows[code].parent
        while parent is not None and parent not in keep:
            keep.add(parent)
            parent = rows[parent].parent
    return {code: rows[code] for code in keep}


def load_regions(path: str | Path | None = None, within: str | None = None) -> int:
    """Create or update the regions of `path` (default: the shipped regions.json).

    With `within` only the regions whose code starts with it are loaded, plus their ancestors.
    Returns how many rows were created or updated; a second run returns 0.
    """
    rows = _read(Path(path) if path else DEFAULT_PATH)
    if within:
        rows = _subtree(rows, within.strip())
    with transaction.atomic():
        return _upsert(rows)


def _upsert(rows: dict[str, _Row]) -> int:
    columns = ("id", "code", "name", "short_name", "level", "parent_id", "path")
    existing = {r["code"]: r for r in Region.objects.values(*columns)}
    ids = {code: r["id"] for code, r in existing.items()}
    paths: dict[str, str] = {}
    moved: list[tuple[str, str]] = []
    written = 0
    fields = ["name", "short_name", "level", "parent", "path"]
    for level in sorted({row.level for row in rows.values()}):
        create, update = [], []
        for row in sorted((r for r in rows.values() if r.level == level), key=lambda r: r.code):
            parent_id = ids[row.parent] if row.parent else None
            path = (paths[row.parent] if row.parent else "") + row.code + "/"
            paths[row.code] = path
            wanted = {
                "name": row.name,
                "short_name": short_name(row.name),
                "level": row.level,
                "parent_id": parent_id,
                "path": path,
            }
            old = existing.get(row.code)
            if old is None:
                create.append(Region(code=row.code, **wanted))
            elif any(old[k] != v for k, v in wanted.items()):
                update.append(Region(id=old["id"], code=row.code, **wanted))
                if old["path"] != path:
                    moved.append((old["path"], path))
        Region.objects.bulk_create(create, batch_size=BATCH)
        if any(r.pk is None for r in create):
            ids.update(Region.objects.filter(level=level).values_list("code", "id"))
        else:
            ids.update((r.code, r.pk) for r in create)
        Region.objects.bulk_update(update, fields, batch_size=BATCH)
        written += len(create) + len(update)
    for old, new in sorted(moved, key=lambda m: -len(m[0])):
        written += Region.objects.filter(path__startswith=old).update(
            path=Concat(Value(new), Substr("path", len(old) + 1))
        )
    return written


def place_index(path: str | Path | None = None, home: str | None = None) -> places.PlaceIndex:
    """The place extractor of this deployment, built once per process and file.

    `home` defaults to settings.MASSLINE_REGION, the deployment's own area: towns named there
    without their county are taken as its towns. Towns are known only for the provinces that
    regions.json was built with (`make regions PROVINCES=420000,430000`); a home province without
    them is logged, since its bare town names would then go unrecognised.
    """
    return _place_index(str(path or DEFAULT_PATH), home or settings.MASSLINE_REGION)


@cache
def _place_index(path: str, home: str) -> places.PlaceIndex:
    regions = places.load_regions(path)
    if not any(r.code == home for r in regions):
        raise ImproperlyConfigured(f"MASSLINE_REGION={home} 不是 {path} 中的行政区划代码")
    index = places.PlaceIndex(regions, home=home)
    province = (index.ancestors(home) or (home,))[-1]
    towns = (r for r in index.regions.values() if r.level == places.TOWN)
    if not any(province in index.ancestors(r.code) for r in towns):
        log.warning(
            "%s 不含%s的乡镇（街道）；请运行 make regions PROVINCES=%s",
            path,
            index.regions[province].name,
            province,
        )
    return index
