"""Which regions of the region tree a text names, with character offsets.

Every region is found by its full name ("黄州区") and by a short form ("黄州") made by
dropping the administrative suffix. Short forms of one character are never used, nor short
forms that are everyday words ("和平", "城关"). A town's short form counts only when one of its
ancestors is named too, because town names collide with ordinary words far more often.

A county's short form needs a named ancestor or a home region that contains it: many county
names are everyday words ("公安" in 公安分局, "资源", "合作"), so outside the home region only
"浠水县" in full, or "湖北浠水", is taken as a place.

A name shared by several regions (there are many "朝阳区") is resolved towards the region whose
ancestors the text also names, then towards the configured home region, then towards the
higher level, then the smaller code, so the answer is deterministic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

__all__ = ["PlaceIndex", "PlaceMatch", "Region", "load_regions", "short_forms", "short_name"]

PROVINCE, CITY, COUNTY, TOWN = 1, 2, 3, 4

_NATIONALITIES = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|"
    "东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|"
    "俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各"
)
_AUTONOMOUS = re.compile(rf"^(.{{2,}}?)(?:(?:{_NATIONALITIES})族?)+自治(?:区|州|县|旗)$")
_ETHNIC_TOWNSHIP = re.compile(rf"^(.{{2,}}?)(?:(?:{_NATIONALITIES})族)+(?:区|乡|镇|苏木)$")
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "街道办事处",
    "管理委员会",
    "街道",
    "办事处",
    "管理处",
    "管委会",
    "管理区",
    "地区",
    "林区",
    "新区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
    "镇",
    "乡",
)
_KEEP_WHOLE = (
    "开发区",
    "工业园区",
    "产业园区",
    "科技园区",
    "化工园区",
    "风景区",
    "度假区",
    "示范区",
    "保护区",
    "旅游区",
    "试验区",
    "实验区",
    "合作区",
    "工业区",
)
_PLACEHOLDERS = frozenset(
    {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "直辖县级行政区划"}
)


def short_name(name: str) -> str:
    """The name people use without the administrative suffix: 黄州区→黄州, 宁夏回族自治区→宁夏.

    A suffix is dropped only when at least two characters remain; functional areas
    (经济开发区, 工业园区 …) and the placeholder rows (市辖区, 省直辖县级行政区划) keep their name.
    """
    if name in _PLACEHOLDERS or name.endswith(_KEEP_WHOLE):
        return name
    match = _AUTONOMOUS.match(name) or _ETHNIC_TOWNSHIP.match(name)
    if match:
        return match.group(1)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            rest = name[: -len(suffix)]
            if suffix.startswith("自治") and rest.endswith("族") and len(rest) > 2:
                rest = rest[:-1]
            return rest
    return name


_COMMON_WORDS = frozenset(
    {
        "和平", "新华", "长安", "城关", "城中", "城东", "城西", "城南", "城北", "城区",
        "市中", "郊区", "矿区", "中心", "经济", "社区", "人民", "工业", "前进", "胜利",
        "红旗", "建设", "解放", "东方", "光明", "永安", "太平", "新市", "新城", "高新",
        "开发", "江北", "江南", "河东", "河西", "东区", "西区", "南区", "北区", "中区",
        "东城", "西城", "北京路", "中山", "青山", "白云", "朝阳", "花园", "新村", "向阳",
        "东风", "团结", "和谐", "幸福", "文化", "友谊", "民主", "新兴", "长江", "黄河",
        "大学", "学院", "火车站", "机场", "港口", "农场", "林场", "城郊", "市区", "县城",
        "大同", "公安", "平和", "资源", "合作", "共和", "安康", "通道", "大方", "和顺",
        "平安", "安宁", "清水", "东乡", "永和", "博爱", "武功", "延长", "安定", "石城",
        "新民", "普安", "民和", "兴国", "正阳",
    }
)  # fmt: skip


_GENERIC_FULL = frozenset(
    {"城区", "郊区", "矿区", "市中区", "城中区", "城东区", "城西区", "城南区", "城北区", "东区",
     "西区", "南区", "北区", "中区", "新城区", "新区", "开发区", "高新区", "经济开发区"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    parent_code: str | None
    level: int


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    code: str
    name: str
    start: int
    end: int


def short_forms(name: str, level: int) -> list[str]:
    """Shorter names people use for a region: "麻城市" -> ["麻城"], never one character."""
    form = short_name(name)
    return [form] if len(form) >= 2 and form != name and form not in _COMMON_WORDS else []


def _record(item: Region | Mapping) -> Region:
    if isinstance(item, Region):
        return item
    parent = item.get("parent_code", item.get("parent"))
    return Region(
        code=str(item["code"]),
        name=str(item["name"]).strip(),
        parent_code=str(parent) if parent not in (None, "") else None,
        level=int(item["level"]),
    )


def load_regions(path: str | Path) -> list[Region]:
    """Read the region tree: a JSON list of {code, name, parent, level}."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, list):
        raise ValueError(f"{path}: 行政区划文件应为 JSON 列表")
    return [_record(item) for item in data]


class PlaceIndex:
    """Aho–Corasick over every region name and short form; `find` is linear in the text."""

    def __init__(self, regions: Iterable[Region | Mapping], home: str | None = None):
        self.regions: dict[str, Region] = {}
        for item in regions:
            region = _record(item)
            self.regions[region.code] = region
        self.home = home
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self._automaton = ahocorasick.Automaton()
        names: dict[str, list[tuple[str, bool]]] = {}
        for region in self.regions.values():
            if not region.name or region.name in _PLACEHOLDERS:
                continue
            names.setdefault(region.name, []).append((region.code, False))
            for form in short_forms(region.name, region.level):
                names.setdefault(form, []).append((region.code, True))
        for key, entries in names.items():
            full = {code for code, short in entries if not short}
            # A full name always wins over the same string as someone else's short form.
            kept = [(c, s) for c, s in entries if not s] if full else entries
            self._automaton.add_word(key, (key, tuple(sorted(kept))))
        self._names = sorted(names)
        if len(self._names):
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self.regions)

    def words(self) -> list[str]:
        """Every name and short form, for the segmenter's user dictionary."""
        return list(self._names)

    def ancestors(self, code: str) -> tuple[str, ...]:
        """Codes of the region's ancestors, nearest first."""
        cached = self._ancestors.get(code)
        if cached is not None:
            return cached
        chain: list[str] = []
        region = self.regions.get(code)
        seen = {code}
        while region is not None and region.parent_code and region.parent_code not in seen:
            seen.add(region.parent_code)
            chain.append(region.parent_code)
            region = self.regions.get(region.parent_code)
        result = tuple(chain)
        self._ancestors[code] = result
        return result

    def _raw(self, text: str) -> list[tuple[int, int, str, tuple[tuple[str, bool], ...]]]:
        if not self._names or not text:
            return []
        return [
            (end + 1 - len(key), end + 1, key, entries)
            for end, (key, entries) in self._automaton.iter_long(text)
        ]

    def find(self, text: str) -> list[PlaceMatch]:
        """Regions named in the text, in text order, each mention resolved to one region."""
        raw = self._raw(text)
        if not raw:
            return []
        mentioned: dict[str, int] = {}
        for _, _, _, entries in raw:
            for code in {c for c, _ in entries}:
                mentioned[code] = mentioned.get(code, 0) + 1
        home_chain = set(self.ancestors(self.home)) | {self.home} if self.home else set()
        out: list[PlaceMatch] = []
        for start, end, _key, entries in raw:
            best = None
            best_score = None
            own = {c for c, _ in entries}
            for code, short in entries:
                region = self.regions[code]
                ancestors = self.ancestors(code)
                named_ancestors = sum(1 for a in ancestors if mentioned.get(a, 0) - (a in own) > 0)
                at_home = bool(home_chain) and (code in home_chain or self.home in ancestors)
                if region.name in _GENERIC_FULL and not named_ancestors:
                    continue
                if (
                    short
                    and not named_ancestors
                    and (region.level >= TOWN or (region.level == COUNTY and not at_home))
                ):
                    continue
                score = (named_ancestors, at_home, not short, -region.level, _neg(code))
                if best_score is None or score > best_score:
                    best, best_score = region, score
            if best is not None:
                out.append(PlaceMatch(best.code, best.name, start, end))
        return out

    def best(self, text: str) -> Region | None:
        """The most specific region consistent with the others the text names."""
        return self.best_of(self.find(text))

    def best_of(self, matches: Iterable[PlaceMatch]) -> Region | None:
        counts: dict[str, int] = {}
        for m in matches:
            counts[m.code] = counts.get(m.code, 0) + 1
        if not counts:
            return None
        best = None
        best_score = None
        for code, count in counts.items():
            ancestors = self.ancestors(code)
            support = sum(counts[a] for a in ancestors if a in counts)
            descendants = sum(1 for other in counts if code in self.ancestors(other))
            region = self.regions[code]
            score = (descendants == 0, support + count, region.level, _neg(code))
            if best_score is None or score > best_score:
                best, best_score = region, score
        return best


def _neg(code: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in code)
