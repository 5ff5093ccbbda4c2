"""Negativity (0..1) and urgency flags from two lexicons shipped as package data.

`data/sentiment_lexicon.txt` weights words of anger, despair and complaint (positive) and of
thanks and satisfaction (negative). The text is matched with Aho–Corasick, longest match first,
so "不满意" is one word and not a negated "满意". A negator in the few characters before a word
(不, 没有, 未, 并非 …, not across punctuation) flips its weight at 0.8 of its size; an intensifier
(非常, 特别 …) multiplies it by 1.5; exclamation marks add a little. The sum is damped by the
square root of the text's length in units of 300 characters, because long appeals list more
grievances without being proportionally angrier, and squashed with a logistic so that a neutral
enquiry scores about 0.35 and an angry complaint above 0.8.

`data/urgent_terms.txt` lists terms of danger to safety, health, life and wages (燃气泄漏, 坍塌,
自杀, 欠薪 …) with a level: 2 is urgent and raises the appeal's priority, 1 is only a flag. A term
preceded by a negator or by a word of prevention (预防, 防止 …) does not count: "预防溺水" is a
campaign, not an emergency. Nor does a term in a sentence that is hypothetical (万一, 一旦,
隐患 …), about somewhere else (新闻里, 外地 …) or about the past (去年, 2014年 …) unless the same
sentence says it is still going on (还在, 现在 …).

Urgency is more than single words, so patterns over one sentence add what a dispatcher looks
for (bench/urgency.py measures them against hand labels, rules in bench/data/README.md):
`safety` (a smell of gas, a missing manhole cover, a wall cracking and bulging, a live wire
down, people trapped or flooded …), `health` (people vomiting or fainting now, dizzy or
coughing from fumes, contaminated water drunk or untreated waste water let into the water people
live on, a patient cut off from treatment), `vulnerable` (an elderly, disabled or bedridden
person, a child, a pregnant woman or a newborn together with harm or a lost basic need in the
same sentence: beaten, missing, left without water, food or heat, turned out), `deadline` (a
loss within days: 明天强拆, 后天截止, 下周一停水 …) and `wage` (wages unpaid, in any wording).
Each of these is urgent (level 2).

No model on top: without gold sentiment labels a classifier trained on the lexicon's own weak
labels can only learn to imitate the lexicon, and we cannot measure that it does better. When
dispatchers' urgency marks exist, a linear model on them is the next step.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import ahocorasick

from .text import normalise

__all__ = ["Sentiment", "SentimentScorer", "default_scorer", "score"]

_NEGATORS = ("不是", "并非", "并不", "并没", "没有", "毫无", "从未", "不", "没", "未", "无", "别")
_PREVENTION = ("预防", "防止", "防范", "避免", "消除", "杜绝", "排查", "演练", "宣传", "防")
_INTENSIFIERS = ("非常", "特别", "十分", "极其", "极为", "相当", "越来越", "太", "很", "超级")
_BREAK = re.compile(r"[，。！？；：,.!?;:、\s]")
_WINDOW = 4
_SENTENCE = re.compile(r"[。！？!?；;\n]+")
_IN = r"[^。！？!?；;\n]"
_HYPOTHETICAL = re.compile(
    r"万一|一旦|如果|假如|倘若|若是|要是|以免|以防|防止|谨防|建议|宣传|演练|培训|检查一下|排查"
)
_RISK = re.compile(r"隐患|风险")
_ELSEWHERE = re.compile(r"新闻|报道|国外|电视上|别的地方|其他地方|有的地方|外(?:地|省)(?:有|发生)")
_PAST = re.compile(
    r"(?:19|20)\d\d年|去年|前年|年前|当年|曾经|以前|过去|那年|上世纪|小时候|过一次|过几次"
)
_FIGURATIVE = re.compile(r"玩失踪|火爆|爆满|爆棚|爆料|炸(?:了)?锅|急死|气死|笑死|要命的是")
_ONGOING = re.compile(r"还在|仍在|仍然|至今|现在|目前|正在|刚才|刚刚|今天|今晚|此刻|一直|依然")

_VULNERABLE = (
    r"(?:老人|老母|老父|母亲|父亲|我妈|我爸|老伴|爷爷|奶奶|外婆|外公|姥姥|独居|孤寡|空巢|瘫痪|卧床|残疾"
    r"|孕妇|怀孕|产妇|婴儿|新生儿|满月|孩子|小孩|儿童|女儿|儿子|幼儿|学生|病人|患者)"
)
_PLIGHT = (
    r"(?:断水|断粮|断电|断药|停药|没饭吃|不给饭|挨饿|冻着|暖气坏|没有暖气|没地方(?:去|住)|无家可归"
    r"|赶出|换锁|流落|无人照顾|没人照顾|没人管|殴打|打骂|被打|打孩子|围殴|虐待|体罚|淤青|伤痕|关在|罚站"
    r"|走丢|走失|失联|联系不上|没回家|还没回|不见了|找不到了|出不来|倒在地上|晕倒|敲门不应|不应门"
    r"|(?<!差点)(?<!险些)(?<!差一点)(?:摔倒|跌倒|摔伤|摔断)"
    r"|没见" + _IN + r"{0,6}出门|不给开|开不了药|停吃药|吃不上药|买不起药"
    r"|没钱(?:吃药|看病|治病)|不能手术|不给(?:治|看)|辍学|开除|不让上学|被迫离校"
    r"|哭喊|救命|威胁|拿刀|持刀|砍|不让" + _IN + r"{0,6}下车|困人)"
)
_SOON = (
    r"(?:明天|明早|明晚|后天|今晚|今天就|当天就|下周[一二三四五六日天]?|下星期[一二三四五六日天]?|过几天"
    r"|这几天|几天后|[一二两三四五六七\d]天(?:后|内|之内)|月底前|本周|这周|最后一天|就要|马上要|即将)"
)
_LOSS = (
    r"(?:截止|截至|强拆|拆除|拆迁|拆我|停水|停电|停气|停暖|停药|断药|赶出|换锁|搬走|过期|手术|开除|退学"
    r"|遣返|拘留|断供|收回|查封|冻结|过年|回不了家|交不上|不交" + _IN + r"{0,8}就|最后一天)"
)
_WAGE = (
    r"(?:工资|薪水|薪资|工钱|血汗钱|劳务费|绩效|加班费)" + _IN + r"{0,16}?"
    r"(?:拖欠|欠|没发|不发|未发|没有发|拒付|拒不支付|扣发|克扣|没到位|未到位|拖了|拿不到|讨不到|一分钱|没给)"
    r"|(?:拖欠|欠|拒付|扣发|克扣|拿不到|讨要|讨|拒不支付|没发|不发)" + _IN + r"{0,12}?"
    r"(?:工资|薪水|薪资|工钱|血汗钱|劳务费|绩效|加班费)"
)


def _lead(pattern: str) -> str:
    """A lookahead on the characters that can start a match of `pattern` (an alternation of
    literal-led branches): Python's re tries every branch at every position otherwise."""
    chars: set[str] = set()
    for piece in pattern.split("|"):
        piece = piece.lstrip("(?:")
        if piece.startswith("["):
            chars.update(piece[1 : piece.index("]")].replace("\\d", "0123456789"))
        elif piece:
            chars.add(piece[0])
    return "(?=[" + "".join(sorted(chars)) + "])"


def _gated(pattern: str) -> re.Pattern[str]:
    return re.compile(_lead(pattern) + "(?:" + pattern + ")")


_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "safety",
        _gated(
            r"(?:煤气|燃气|天然气|液化气)"
            + _IN
            + r"{0,6}?(?:味|漏|嘶嘶)|嘶嘶"
            + _IN
            + r"{0,4}?响|冒(?:黑)?烟|冒火花"
            r"|井盖"
            + _IN
            + r"{0,6}?(?:不见|丢|没了|被偷|缺失|坏了)|(?:裂开|裂了|开裂|裂缝)"
            + _IN
            + r"{0,12}?"
            r"(?:鼓|倾斜|往外|下沉|掉|住着|还在|继续)|承重墙|(?:脚手架|塔吊|广告牌|墙)"
            + _IN
            + r"{0,6}?"
            r"(?:歪|倒|松|晃|掉)|电线"
            + _IN
            + r"{0,10}?(?:断|掉|落|冒|裸露在)|(?:卡在|困在|关着|被困)"
            r"|困人|淹了|往"
            + _IN
            + r"{0,8}?灌|渗水|泥土往下滑|山体"
            + _IN
            + r"{0,4}?滑|翻了|(?:桶|罐|管)"
            + _IN
            + r"{0,4}?"
            r"(?:在漏|漏了|泄漏)|电鱼|咬伤|围殴|拿刀|持刀|报废"
            + _IN
            + r"{0,6}?(?:车|船)"
            + _IN
            + r"{0,8}?营运"
            r"|整栋楼都在(?:发抖|晃)|岌岌可危|随时" + _IN + r"{0,6}?(?:倒|塌|掉)"
        ),
    ),
    (
        "health",
        _gated(
            r"呕吐|拉肚子|腹泻|晕倒|昏倒|头晕恶心|发高烧|高烧|休克|抽搐|呼吸困难|吐血|患病"
            r"|突发"
            + _IN
            + r"{0,4}?(?:脑梗|中风|心梗|心脏病)|(?:中风|脑梗|心梗)"
            + _IN
            + r"{0,6}?(?:倒|昏|不省|送)"
            r"|救护车" + _IN + r"{0,10}?(?:没到|还没来|叫不到|不来|要等)"
            r"|(?:喝|饮用)"
            + _IN
            + r"{0,10}?(?:病|拉|吐|不适)|(?:井水|自来水|饮用水|水)"
            + _IN
            + r"{0,8}?"
            r"(?:发臭|变黑|汽油味|异味|污染)" + _IN + r"{0,12}?(?:喝|饮|生活)|病情加重|重症监护"
            # acute symptoms from fumes; untreated waste water into the water people live on
            r"|(?:气味|刺鼻|废气|油漆味|毒气|臭气|粉尘)" + _IN + r"{0,16}?"
            r"(?:头晕|头痛|恶心|咳嗽|胸闷|流鼻血|喘不过气)"
            r"|(?:废水|污水|黑水|毒水|废液)"
            + _IN
            + r"{0,16}?(?:排入|流入|排进|排到|渗入|流进)"
            + _IN
            + r"{0,12}?(?:饮用|生活|吃水|水源|水井|井水|自来水)"
        ),
    ),
    ("life", _gated(r"活着没意思|不想活|轻生|寻短见|遗书|一死了之")),
    (
        "vulnerable",
        _gated(
            _VULNERABLE
            + r""
            + _IN
            + r"{0,40}?"
            + _PLIGHT
            + "|"
            + _PLIGHT
            + r""
            + _IN
            + r"{0,40}?"
            + _VULNERABLE
        ),
    ),
    (
        "deadline",
        _gated(
            _SOON + r"" + _IN + r"{0,30}?" + _LOSS + "|" + _LOSS + r"" + _IN + r"{0,20}?" + _SOON
        ),
    ),
    ("wage", _gated(_WAGE)),
)


@dataclass(frozen=True, slots=True)
class Sentiment:
    negativity: float
    urgent: bool
    level: int
    flags: tuple[str, ...]
    terms: tuple[str, ...]


def _read(name: str) -> list[list[str]]:
    raw = resources.files(__package__).joinpath(f"data/{name}").read_text("utf-8")
    rows = []
    for line in raw.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def _automaton(entries: Mapping[str, object]) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for word, value in entries.items():
        auto.add_word(word, (word, value))
    auto.make_automaton()
    return auto


def _context(text: str, start: int) -> str:
    before = text[max(0, start - _WINDOW) : start]
    parts = _BREAK.split(before)
    return parts[-1] if parts else ""


def _plain(context: str) -> str:
    """The context without intensifiers: the 别 of 特别 is no negator (特别刺鼻, 特别危险)."""
    for word in _INTENSIFIERS:
        context = context.replace(word, "")
    return context


class SentimentScorer:
    def __init__(
        self,
        lexicon: dict[str, float] | None = None,
        urgent: dict[str, tuple[str, int]] | None = None,
    ):
        if lexicon is None:
            lexicon = {row[0]: float(row[1]) for row in _read("sentiment_lexicon.txt")}
        if urgent is None:
            urgent = {row[0]: (row[1], int(row[2])) for row in _read("urgent_terms.txt")}
        self.lexicon = lexicon
        self.urgent_terms = urgent
        self._lex = _automaton(lexicon)
        self._urgent = _automaton(urgent)

    def negativity(self, text: str) -> float:
        raw = 0.0
        for end, (word, weight) in self._lex.iter_long(text):
            context = _context(text, end + 1 - len(word))
            plain = context
            for i in _INTENSIFIERS:
                if i in plain:
                    plain = plain.replace(i, "")
                    weight *= 1.5
            if any(n in plain[-2:] for n in _NEGATORS):
                weight = -0.8 * weight
            raw += weight
        raw += 0.15 * min(5, text.count("!") + text.count("！"))
        raw /= math.sqrt(1.0 + len(text) / 300.0)
        return 1.0 / (1.0 + math.exp(-1.5 * (raw - 0.4)))

    def urgency(self, text: str) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
        text = _FIGURATIVE.sub("，", text)
        starts = [0] + [m.end() for m in _SENTENCE.finditer(text)]
        states: dict[int, tuple[bool, bool]] = {}

        def state(pos: int) -> tuple[bool, bool]:
            """(remote, discounted) for the sentence around `pos`: remote sentences (past,
            elsewhere, hypothetical) count for nothing, discounted ones only as a flag."""
            i = bisect_right(starts, pos) - 1
            if i not in states:
                end = starts[i + 1] if i + 1 < len(starts) else len(text)
                sentence = text[starts[i] : end]
                if _HYPOTHETICAL.search(sentence) or _ELSEWHERE.search(sentence):
                    states[i] = (True, True)
                else:
                    remote = bool(_PAST.search(sentence)) and not _ONGOING.search(sentence)
                    states[i] = (remote, remote or bool(_RISK.search(sentence)))
            return states[i]

        level = 0
        flags: set[str] = set()
        terms: list[str] = []
        spans = []
        for end, (word, (flag, lvl)) in self._urgent.iter_long(text):
            start = end + 1 - len(word)
            spans.append((start, end + 1))
            context = _context(text, start)
            plain = _plain(context)
            if any(n in plain for n in _NEGATORS) or any(p in context for p in _PREVENTION):
                continue
            if state(start)[1]:
                lvl = min(lvl, 1)
            level = max(level, lvl)
            flags.add(flag)
            if word not in terms:
                terms.append(word)
        for flag, pattern in _PATTERNS:
            for found in pattern.finditer(text):
                if state(found.start())[0]:
                    continue
                context = _context(text, found.start())
                if any(n in _plain(context)[-1:] for n in _NEGATORS) or any(
                    p in context for p in _PREVENTION
                ):
                    continue
                level = 2
                flags.add(flag)
                covered = any(a < found.end() and found.start() < b for a, b in spans)
                if not covered and found.group() not in terms:
                    terms.append(found.group())
                break
        return level, tuple(sorted(flags)), tuple(terms)

    def score(self, text: str, normalised: bool = False) -> Sentiment:
        clean = text if normalised else normalise(text)
        level, flags, terms = self.urgency(clean)
        return Sentiment(
            negativity=round(self.negativity(clean), 4),
            urgent=level >= 2,
            level=level,
            flags=flags,
            terms=terms,
        )


@cache
def default_scorer() -> SentimentScorer:
    return SentimentScorer()


def score(text: str) -> Sentiment:
    return default_scorer().score(text)
