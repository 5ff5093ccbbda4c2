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
campaign, not an emergency.

No model on top: without gold sentiment labels a classifier trained on the lexicon's own weak
labels can only learn to imitate the lexicon, and we cannot measure that it does better. When
dispatchers' urgency marks exist, a linear model on them is the next step.
"""

from __future__ import annotations

import math
import re
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


def _automaton(entries: dict[str, object]) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for word, value in entries.items():
        auto.add_word(word, (word, value))
    auto.make_automaton()
    return auto


def _context(text: str, start: int) -> str:
    before = text[max(0, start - _WINDOW) : start]
    parts = _BREAK.split(before)
    return parts[-1] if parts else ""


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
        level = 0
        flags: set[str] = set()
        terms: list[str] = []
        for end, (word, (flag, lvl)) in self._urgent.iter_long(text):
            context = _context(text, end + 1 - len(word))
            if any(n in context for n in _NEGATORS) or any(p in context for p in _PREVENTION):
                continue
            level = max(level, lvl)
            flags.add(flag)
            if word not in terms:
                terms.append(word)
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
