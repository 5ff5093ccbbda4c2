"""Text normalisation and segmentation shared by every part of the engine."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "Segmenter",
    "default_segmenter",
    "normalise",
    "stopwords",
    "strip_boilerplate",
    "tokens",
]

# Full-width forms that are the normal way to write Chinese punctuation stay as they are;
# every other full-width ASCII variant (letters, digits, symbols) becomes half-width.
_KEEP_FULL_WIDTH = set("，。！？：；（）、“”‘’《》【】")
_WIDTH_TABLE = {
    code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in _KEEP_FULL_WIDTH
}
_WIDTH_TABLE[0x3000] = 0x20
_WIDTH_TABLE[0x00A0] = 0x20
_WHITESPACE = re.compile(r"\s+")
_EXCEL_ESCAPE = re.compile(r"_x000[dDaA]_")

_converter: Any = None
_traditional: frozenset[str] = frozenset()
_converter_lock = threading.Lock()


def _t2s() -> Any:
    """The opencc converter and the characters it would change, both built once on first use.

    opencc-python-reimplemented is pure Python (about 0.5 ms for a 400-character appeal), so
    text with none of those characters, nearly every appeal, skips it.
    """
    global _converter, _traditional
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                import opencc

                converter = opencc.OpenCC("t2s")
                folder = Path(opencc.__file__).parent / "dictionary"
                changing: set[str] = set()
                for line in (folder / "TSCharacters.txt").read_text("utf-8").splitlines():
                    key, _, values = line.partition("\t")
                    if values.split() and values.split()[0] != key:
                        changing.add(key)
                for line in (folder / "TSPhrases.txt").read_text("utf-8").splitlines():
                    key = line.partition("\t")[0]
                    if key and changing.isdisjoint(key):
                        converted = converter.convert(key)
                        if len(converted) == len(key):
                            pairs = zip(key, converted, strict=True)
                            changing.update(a for a, b in pairs if a != b)
                _traditional = frozenset(changing)
                _converter = converter
    return _converter


def normalise(text: str) -> str:
    """Half-width ASCII, simplified characters, single spaces, no outer whitespace."""
    if not text:
        return ""
    text = _EXCEL_ESCAPE.sub(" ", text.translate(_WIDTH_TABLE))
    if not text.isascii():
        converter = _t2s()
        if not _traditional.isdisjoint(text):
            text = converter.convert(text)
    return _WHITESPACE.sub(" ", text).strip()


_ADDRESSEE = (
    r"(?:[\u4e00-\u9fa5A-Za-z0-9]{0,12}?"
    r"(?:领导|书记|市长|县长|区长|镇长|乡长|主任|局长|省长|厅长|部长|处长|同志|工作人员|政府|网友|您|你))"
)
_LEADING = [
    re.compile(
        r"^\s*(?:尊敬的|敬爱的|亲爱的)"
        + _ADDRESSEE
        + r"?(?:们)?\s*[:：,，!！]?\s*(?:您好|你好)?\s*[:：,，!！。]*"
    ),
    re.compile(r"^\s*" + _ADDRESSEE + r"(?:们)?\s*[:：,，]?\s*(?:您好|你好)\s*[:：,，!！。]*"),
    re.compile(r"^\s*(?:您好|你好|领导好|大家好)\s*[:：,，!！。]*"),
]
_ANYWHERE = re.compile(
    r"(?:感谢您?百忙之中[\u4e00-\u9fa5]{0,10}?(?:查看|阅读|抽空|处理)[\u4e00-\u9fa5]{0,8}?[,，。!！]"
    r"|此致\s*[,，]?\s*敬礼\s*[!！。]*)"
)
_TRAILING = re.compile(
    r"(?:[,，\s]*(?:"
    r"(?:非常|十分|万分)?(?:谢谢|感谢|多谢)(?:您|你|领导|各位领导|政府|你们|您们)?(?:了)?"
    r"|(?:恳请|希望|望|请)(?:各位|有关|相关)?(?:领导|部门|政府)(?:能|们)?(?:给予|予以|高度)?(?:重视|关注|关心|回复|支持)"
    r"|盼复|期待(?:您的)?回复|静候佳音|辛苦了|此致|敬礼"
    r")[,，。!！~～\s]*)+$"
)


def strip_boilerplate(text: str) -> str:
    """Remove salutations and closings that every appeal shares; used only for modelling."""
    for pattern in _LEADING:
        stripped = pattern.sub("", text, count=1)
        if stripped != text:
            text = stripped
            break
    text = _ANYWHERE.sub("", text)
    return _TRAILING.sub("", text).strip()


@cache
def stopwords() -> frozenset[str]:
    raw = resources.files(__package__).joinpath("data/stopwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in raw.splitlines() if line.strip())


def _is_noise(token: str) -> bool:
    if not token.strip():
        return True
    for ch in token:
        cat = unicodedata.category(ch)
        if not (cat[0] in "PSZ" or ch.isdigit() or ch in "."):
            return False
    return True


class Segmenter:
    """rjieba with our own user words (region and org names stay single tokens)."""

    def __init__(self, user_words: Iterable[str] = ()):
        import rjieba

        self._jieba = rjieba.Jieba()
        self._stop = stopwords()
        self.add_words(user_words)

    def add_words(self, words: Iterable[str]) -> None:
        for word in words:
            word = word.strip()
            if word:
                self._jieba.add_word(word, None, None)

    def cut(self, text: str) -> list[str]:
        return self._jieba.cut(text, True) if text else []

    def tokens(self, text: str) -> list[str]:
        """Content words: no stopwords, punctuation, whitespace or bare numbers."""
        stop = self._stop
        return [t for t in self.cut(text) if t not in stop and not _is_noise(t)]


_default: Segmenter | None = None
_default_lock = threading.Lock()


def default_segmenter() -> Segmenter:
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Segmenter()
    return _default


def tokens(text: str) -> list[str]:
    return default_segmenter().tokens(text)
