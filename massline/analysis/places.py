"""Which regions of the region tree a text names, and which one is where the matter is.

Every region is found by its full name ("黄州区") and by a short form ("黄州") made by dropping
the administrative suffix; short forms of one character and those that are everyday words
("和平", "城关") are never used. Finding the strings is the easy half; a string is a place only if:

- it stands as a word: a general dictionary segmentation must not cut through it, so 容美 in
  美容美发, 黄梅 in 黄梅戏 and 长治 in 长治久安 are not places (the suffix of a full name may
  join the next character: 黄冈市民, 浠水县城, 清泉镇上);
- a short form is not the start of a road, dish or brand: 北京路, 中山北路, 兰州拉面, 北京时间;
- a county's short form, or a two-character full name (和县 in 建设局和县领导), has a named
  ancestor or lies in the home area ("公安" in 公安分局 is no county; outside home only 浠水县
  in full, or 湖北浠水, is taken); a county right after an unknown or anonymised city (F市南湖区)
  is not taken; so do the few city short
  forms that are everyday words or brands (日照, 开封, 普洱);
- a town has support: its county (the region it hangs under) named in the text, or, with no
  county named, it lies in the deployment's home area, is the only town of that name there,
  the name is not a common one (城关镇, 南湖街道: more than two loaded towns carry it; 高桥镇,
  温泉镇: more than ten towns of China carry it, `town_namesakes`, unless the home city is
  named), and the text names no county and no place outside home (nor an unknown one just
  before the town, as in A9市太平桥镇). A town's short form needs its county just before it
  (浠水清泉). So a bare 黄花镇 on a board from another province is no 湖北 town, and a bare
  高桥镇 on the 黄冈 board is not taken for 红安县高桥镇;
- a name shared by several regions (鼓楼区, 南湖街道) is resolved by the ancestors the text names,
  then by the home area; when neither decides, it is left out rather than guessed.

Each place named gets a context: "compared" when it is only a comparison or an example
(向北京、广州学习, 像深圳那样, 上海等城市早就…), "elsewhere" when it is where the writer comes from
or works (从深圳回来, 在东莞打工), "address" when it introduces where the writer lives or the
matter is (我是…村民, 位于, 家住), "" otherwise. `find` lists the places the text locates
something in (compared ones left out); `mentions` lists them all with their context.

`locate` picks one primary place, where the problem is, with a confidence in [0, 1]: the most
specific region of the best-supported chain of named regions (a town under its named county
under its named city), weighing address cues up, "elsewhere" down and the home area slightly up;
rival chains lower the confidence, and two rival towns of one named county give the county.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import ahocorasick

__all__ = [
    "Location",
    "PlaceIndex",
    "PlaceMatch",
    "Places",
    "Region",
    "load_regions",
    "short_forms",
    "short_name",
    "town_namesakes",
]

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
     "西区", "南区", "北区", "中区", "新城区", "新区", "开发区", "高新区", "经济开发区",
     "老城区", "古城区"}
)  # fmt: skip


# Short forms of cities that are also everyday words or brands (日照 sunlight, 开封 unsealed,
# 阿里 the company, 普洱 the tea): they count only under a named ancestor or at home.
_WORDY = frozenset(
    {"日照", "开封", "白银", "阿里", "中卫", "普洱", "金华", "莆田", "黄山", "白山", "和田",
     "玉树", "山南", "包头", "承德", "泰安", "红河", "黑河", "大庆", "海东", "海北", "海西",
     "吉安", "安顺", "宁德", "三明", "永州", "德阳", "乐山", "清远", "云浮", "资阳"}
)  # fmt: skip
_CLAUSE_BREAK = re.compile(r"[，。！？；：,.!?;:\n（）()【】\[\]“”\"]")
_LIST_GAP = re.compile(r"(?:[、/和与及或跟]|以及|还有)?")
_ROAD_OR_BRAND = re.compile(
    r"(?:[东西南北中]|[一二三四五六七八九十]+)?(?:路(?![灯面况边口段过费基线费])|大街|大道|街(?![道头坊上区])"
    r"|巷|胡同|东路|西路|南路|北路|中路)"
    r"|老街|(?:戏|大学|银行|卫视|日报|晚报|电视台|时间)"
    r"|的?(?:拉面|烤鸭|小吃|火锅|热干面|米粉|板鸭|牛肉面|特产)"
)
_COMPARED_BEFORE = re.compile(
    r"(?:像|好像|就像|比|比起|相比|对比|参照|参考|借鉴|学习|对标|效仿|仿照|不如|如同|好比|人家|"
    r"比如|例如|譬如|看看|看看人家)$"
)
_COMPARED_AFTER = re.compile(
    # after the place or after a list that goes on with names not in the tree (、上海等城市)
    r"(?:(?:[、/和与及或]|以及)[\u4e00-\u9fff]{2,5}?)*"
    r"(?:等(?:大|一线|发达|先进|兄弟)?城市|等(?:发达|先进)地区|一样|那样|的做法|的经验|的先进|"
    r"的模式|学习|看齐|相比|比起来)"
)
_LIST_GOES_ON = re.compile(
    r"(?:(?:[、/和与及或]|以及)[\u4e00-\u9fff]{2,5}?)*(?:[、/和与及或]|以及)"
)
_LEARN = re.compile(r"学习|看齐|取经|借鉴")
_ELSEWHERE_BEFORE = re.compile(
    r"(?:从|来自|前往|赶往|赴|离开|远在|外出|调到|调往|嫁到|转到|转往|飞往|到外地)$"
)
_ELSEWHERE_AFTER = re.compile(
    r"(?:的?(?:打工|务工|出差|定居|做生意)|回来|回到|过来|来的|来到|那边)"
)
_ADDRESS_BEFORE = re.compile(
    r"(?:位于|地址[是为:：]?|住址[是为:：]?|家住|住在|居住在|我是|我们是|本人是|本人系|我系|"
    r"户籍在?|所在地?|坐落于?|地处|生活在|定居在)$"
)
_ADDRESS_AFTER = re.compile(r"村民|居民|业主|住户|村委会|居委会")
_WINDOW = 12
_ADMIN_BEFORE = re.compile(r"(?<![我本全该])[市县区州旗]$")
_ANONYMOUS_BEFORE = re.compile(r"[A-Za-z0-9][市县区州]$")
_ABBREVIATED = "州市县区"
# A town name carried by more loaded towns than this (城关镇, 南湖街道) is too common to be
# taken alone, even at home.
_GENERIC_TOWN = 2
# A bare town name that more towns of China than this carry (高桥镇 23, 温泉镇 17, 东湖街道 18)
# says nothing about which of them is meant, even when one of them is at home: it needs its
# county or its city named. Rarer names (巴河镇 2, 顺河镇 6) are taken at home as before.
_COMMON_NAME = 10


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    parent_code: str | None
    level: int


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """A region named at text[start:end]; `context` is "", "address", "elsewhere" or "compared"."""

    code: str
    name: str
    start: int
    end: int
    context: str = ""

    @property
    def compared(self) -> bool:
        return self.context == "compared"


@dataclass(frozen=True, slots=True)
class Location:
    """Where the matter is: one region, how sure (0–1), and the mentions that support it."""

    region: Region
    confidence: float
    evidence: tuple[PlaceMatch, ...]


@dataclass(frozen=True, slots=True)
class Places:
    primary: Location | None
    mentions: tuple[PlaceMatch, ...]


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    key: str
    entries: tuple[tuple[str, bool], ...]
    context: str = ""


def short_forms(name: str, level: int) -> list[str]:
    """Shorter names people use for a region: "麻城市" -> ["麻城"], never one character."""
    form = short_name(name)
    return [form] if len(form) >= 2 and form != name and form not in _COMMON_WORDS else []


def _record(item: Region | Mapping[str, Any]) -> Region:
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


@cache
def town_namesakes() -> dict[str, int]:
    """How many towns of China carry each name (only names carried by two or more).

    Shipped as data/town_namesakes.tsv (built by bench/build_namesakes.py from the source of
    regions.json): the tree holds only the loaded provinces' towns, so it cannot tell alone
    that a name is common across the country.
    """
    raw = resources.files(__package__).joinpath("data/town_namesakes.tsv").read_text("utf-8")
    out: dict[str, int] = {}
    for line in raw.splitlines():
        name, _, count = line.partition("\t")
        if name and not name.startswith("#"):
            out[name] = int(count)
    return out


_jieba = None
_jieba_lock = threading.Lock()


def _word_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the multi-character words of a plain dictionary segmentation (no new words)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import rjieba

                _jieba = rjieba.Jieba()
    spans = []
    at = 0
    for token in _jieba.cut(text, False):
        if len(token) > 1:
            spans.append((at, at + len(token)))
        at += len(token)
    return spans


def _stands_alone(start: int, end: int, joins: bool, spans: list[tuple[int, int]]) -> bool:
    for i, j in spans:
        if i < start < j:
            return False
        if i < end < j and not (joins and (i == end - 1 or i == start)):
            return False
    return True


def _of_places(i: int, j: int, bounds: set[tuple[int, int]]) -> bool:
    """Whether text[i:j] is a run of names (上海市浦东新区 is one dictionary word)."""
    reach = {i}
    for at in range(i, j):
        if at in reach:
            reach.update(e for s, e in bounds if s == at and e <= j)
    return j in reach


class PlaceIndex:
    """Aho–Corasick over every region name and short form; the work per text is linear in it.

    `home` is the deployment's own area (a region code at any level, e.g. 421100 黄冈市).
    `namesakes` is how many towns of China carry a town name (default: `town_namesakes()`).
    """

    def __init__(
        self,
        regions: Iterable[Region | Mapping[str, Any]],
        home: str | None = None,
        namesakes: Mapping[str, int] | None = None,
    ):
        self.regions: dict[str, Region] = {}
        for item in regions:
            region = _record(item)
            self.regions[region.code] = region
        if home and self.regions and home not in self.regions:
            raise ValueError(f"本地行政区划 {home} 不在行政区划树中")
        self.home = home or None
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
        self._town_names = Counter(r.name for r in self.regions.values() if r.level >= TOWN)
        self._namesakes = town_namesakes() if namesakes is None else namesakes
        self._home_chain = (
            frozenset(self.ancestors(self.home)) | {self.home} if self.home else frozenset()
        )

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

    def at_home(self, code: str) -> bool:
        """Whether the region lies in the home area (the home region itself or below it)."""
        return self.home is not None and (code == self.home or self.home in self.ancestors(code))

    def _near_home(self, code: str) -> bool:
        return code in self._home_chain or self.at_home(code)

    # -- finding ---------------------------------------------------------------------------

    def _hits(self, text: str) -> list[_Hit]:
        found = [
            (end + 1 - len(key), end + 1, key, entries)
            for end, (key, entries) in self._automaton.iter(text)
        ]
        if not found:
            return []
        bounds = {(start, end) for start, end, _, _ in found}
        bounds.update(
            (start, end + 1) for start, end, _, _ in found if text[end : end + 1] in _ABBREVIATED
        )
        spans = [(i, j) for i, j in _word_spans(text) if not _of_places(i, j, bounds)]
        kept: list[tuple[int, int, str, tuple[tuple[str, bool], ...]]] = []
        for start, end, key, entries in sorted(found, key=lambda h: (h[0] - h[1], h[0])):
            if any(start < e and s < end for s, e, _, _ in kept):
                continue
            full = any(not short for _, short in entries)
            if not _stands_alone(start, end, full and len(key) >= 3, spans):
                continue
            if not full and _ROAD_OR_BRAND.match(text, end):
                continue
            kept.append((start, end, key, entries))
        kept.sort()
        return self._with_context(text, [_Hit(*k) for k in kept])

    def _with_context(self, text: str, hits: list[_Hit]) -> list[_Hit]:
        out: list[_Hit] = []
        i = 0
        previous_end, previous = 0, ""
        while i < len(hits):
            j = i
            while j + 1 < len(hits) and _LIST_GAP.fullmatch(text, hits[j].end, hits[j + 1].start):
                j += 1
            start, end = hits[i].start, hits[j].end
            before = text[max(0, start - _WINDOW) : start]
            breaks = list(_CLAUSE_BREAK.finditer(before))
            if breaks:
                before = before[breaks[-1].end() :]
            after = text[end : end + _WINDOW]
            cut = _CLAUSE_BREAK.search(after)
            clause_after = after[: cut.start()] if cut else after
            if (
                (previous == "compared" and _LIST_GOES_ON.fullmatch(text, previous_end, start))
                or _COMPARED_BEFORE.search(before)
                or _COMPARED_AFTER.match(clause_after)
                or (before.endswith("向") and _LEARN.search(clause_after))
            ):
                context = "compared"
            elif _ELSEWHERE_BEFORE.search(before) or _ELSEWHERE_AFTER.match(clause_after):
                context = "elsewhere"
            elif _ADDRESS_BEFORE.search(before) or _ADDRESS_AFTER.search(clause_after):
                context = "address"
            else:
                context = ""
            out.extend(_Hit(h.start, h.end, h.key, h.entries, context) for h in hits[i : j + 1])
            previous_end, previous = end, context
            i = j + 1
        return out

    def _resolve(
        self, text: str, hits: list[_Hit], named: dict[str, list[_Hit]], strict: bool = True
    ) -> list[tuple[_Hit, Region]]:
        """One region per hit given the regions named; `strict` False for the first, loose pass."""
        located = [
            code
            for code, where in named.items()
            if any(h.context not in ("compared", "elsewhere") for h in where)
        ]
        county_named = strict and any(self.regions[c].level == COUNTY for c in located)
        away_named = strict and any(
            self.regions[c].level <= COUNTY and not self._near_home(c) for c in located
        )
        out: list[tuple[_Hit, Region]] = []
        for hit in hits:
            own = {c for c, _ in hit.entries}
            best, best_score, tied = None, None, False
            for code, short in hit.entries:
                region = self.regions[code]
                ancestors = self.ancestors(code)
                named_ancestors = sum(1 for a in ancestors if a in named and a not in own)
                home = self.at_home(code)
                if region.name in _GENERIC_FULL and not named_ancestors:
                    continue
                bare = short or (region.level == COUNTY and len(region.name) == 2)
                if (
                    bare
                    and not named_ancestors
                    and not home
                    and (region.level == COUNTY or hit.key in _WORDY)
                ):
                    continue
                if (
                    region.level == COUNTY
                    and not named_ancestors
                    and _ANONYMOUS_BEFORE.search(text, 0, hit.start)
                ):
                    continue
                if region.level >= TOWN and not self._town_supported(
                    region,
                    short,
                    hit,
                    named,
                    own,
                    home and not county_named and not away_named,
                    text,
                ):
                    continue
                score = (named_ancestors, home, not short, -region.level)
                if best_score is None or score > best_score:
                    best, best_score, tied = region, score, False
                elif score == best_score:
                    tied = True
            if best is not None and not tied:
                out.append((hit, best))
        return out

    def _town_supported(
        self,
        region: Region,
        short: bool,
        hit: _Hit,
        named: dict[str, list[_Hit]],
        own: set[str],
        alone_at_home: bool,
        text: str,
    ) -> bool:
        parent = region.parent_code
        mentions = named.get(parent, []) if parent is not None and parent not in own else []
        if short:
            return any(0 <= hit.start - m.end <= 2 for m in mentions)
        if mentions:
            return True
        if not alone_at_home or self._town_names[region.name] > _GENERIC_TOWN:
            return False
        if self._namesakes.get(region.name, 1) > _COMMON_NAME and not any(
            code in named and self.regions[code].level >= CITY
            for code in self.ancestors(region.code)
        ):
            return False
        if _ADMIN_BEFORE.search(text, 0, hit.start):
            ancestors = self.ancestors(region.code)
            return any(m.end == hit.start for code in ancestors for m in named.get(code, []))
        return True

    def mentions(self, text: str) -> list[PlaceMatch]:
        """Every place the text names, in text order, each with its context."""
        if not self._names or not text:
            return []
        hits = self._hits(text)
        if not hits:
            return []
        loose: dict[str, list[_Hit]] = {}
        for hit in hits:
            for code, _ in hit.entries:
                loose.setdefault(code, []).append(hit)
        first = self._resolve(text, hits, loose, strict=False)
        # Contexts again over the names that are places: in 比如深圳 the 比如 of 比如县 is none.
        kept = self._with_context(text, [hit for hit, _ in first])
        named: dict[str, list[_Hit]] = {}
        for hit, (_, region) in zip(kept, first, strict=True):
            named.setdefault(region.code, []).append(hit)
        return [
            PlaceMatch(region.code, region.name, hit.start, hit.end, hit.context)
            for hit, region in self._resolve(text, kept, named)
        ]

    def find(self, text: str) -> list[PlaceMatch]:
        """The places the text locates something in: every mention but comparisons/examples."""
        return [m for m in self.mentions(text) if not m.compared]

    # -- the primary place -----------------------------------------------------------------

    def locate(self, text: str, min_confidence: float = 0.0) -> Location | None:
        """Where the matter is, or None when the text names no place for it."""
        found = self.primary_of(self.mentions(text))
        return found if found is not None and found.confidence >= min_confidence else None

    def extract(self, text: str) -> Places:
        """The primary place and every mention, from one pass over the text."""
        found = self.mentions(text)
        return Places(self.primary_of(found), tuple(found))

    def best(self, text: str) -> Region | None:
        """The most specific region consistent with the others the text names."""
        found = self.locate(text)
        return found.region if found else None

    def best_of(self, matches: Iterable[PlaceMatch]) -> Region | None:
        found = self.primary_of(matches)
        return found.region if found else None

    def primary_of(self, matches: Iterable[PlaceMatch]) -> Location | None:
        """The primary place among mentions (as `mentions` or `find` gave them)."""
        located = [m for m in matches if not m.compared and m.code in self.regions]
        if not located:
            return None
        weight = {"address": 2.0, "elsewhere": 0.3}
        by_code: dict[str, list[PlaceMatch]] = {}
        for m in located:
            by_code.setdefault(m.code, []).append(m)
        codes = set(by_code)
        below = {a for c in codes for a in self.ancestors(c)}
        leaves = [c for c in codes if c not in below]

        def chain(code: str) -> list[str]:
            return [code] + [a for a in self.ancestors(code) if a in codes]

        def evidence(names: Iterable[str]) -> float:
            return sum(weigh(m) for c in names for m in by_code[c])

        def weigh(m: PlaceMatch) -> float:
            # working in the home area (在黄州区打工) is no sign that the matter is elsewhere
            if m.context == "elsewhere" and self.at_home(m.code):
                return 1.0
            return weight.get(m.context, 1.0)

        def rank(code: str) -> tuple[float, int, tuple[int, ...]]:
            home = 0.5 if self.at_home(code) else 0.0
            return (evidence(chain(code)) + home, self.regions[code].level, _neg(code))

        leaves.sort(key=rank, reverse=True)

        def rivalry(best: str) -> tuple[float, list[tuple[str, float]]]:
            """Evidence for `best` that no rival shares, and each rival's own evidence."""
            mine_codes = set(chain(best))
            rivals = []
            shared: set[str] = set()
            for other in leaves:
                if other == best or best in self.ancestors(other):
                    continue
                theirs = chain(other)
                shared.update(c for c in theirs if c in mine_codes)
                strength = evidence([c for c in theirs if c not in mine_codes])
                if self.at_home(best) and not self.at_home(other):
                    strength *= 0.5
                rivals.append((other, strength))
            return evidence(mine_codes - shared), rivals

        best = leaves[0]
        mine, rivals = rivalry(best)
        if rivals:
            other, strength = max(rivals, key=lambda r: r[1])
            common = [c for c in chain(other) if c in set(chain(best))]
            if strength >= 0.8 * mine and common:
                best = common[0]
                mine, rivals = rivalry(best)
        rival_total = sum(strength for _, strength in rivals)
        supporting = [c for c in chain(best)]
        region = self.regions[best]
        leaf_mentions = by_code[best]
        confidence = {1: 0.8, 2: 0.9}.get(len(supporting), 0.95)
        if all(m.end - m.start != len(m.name) for m in leaf_mentions):
            confidence -= 0.1
        support = [m for c in supporting for m in by_code[c]]
        contexts = [m.context for m in support]
        if "address" in contexts:
            confidence += 0.03
        if all(m.context == "elsewhere" and not self.at_home(m.code) for m in support):
            confidence *= 0.55
        if rival_total:
            confidence *= mine / (mine + rival_total) if mine else 0.5
        evidence_matches = tuple(m for m in located if m.code in supporting)
        return Location(region, round(min(confidence, 0.99), 3), evidence_matches)


def _neg(code: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in code)
