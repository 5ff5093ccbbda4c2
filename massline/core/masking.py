"""Masking of personal data on public pages (title, body, replies); staff see the original.

Rules, each keeping just enough for a reader to tell two items apart:

- mobile phone: first 3 and last 4 digits, ``138****5678`` (a +86 prefix is kept);
- landline with area code (or after 电话/座机/固话): area code, first and last two digits,
  ``0713-8****67``;
- ID card: the 6-digit region and what follows the birth date are kept, the birth date is
  masked: ``421102********123X`` (18 digits), ``421102******123`` (15 digits);
- bank card (16–19 digits passing the Luhn check): first 4 and last 4;
- car plate: province, city letter and last character, ``鄂J·****4``, ``鄂J*****5``;
- e-mail: first character of the user part, ``z***@qq.com``;
- QQ / 微信 numbers written after those words: first 2 and last 2;
- house numbers: the numbers of 栋/幢/座/号楼/单元/层/室 chains (``*栋*单元***室``) and of a
  road's 号 (``人民路**号``);
- the given names (the resident's real name) everywhere: surname kept, ``张*``, ``欧阳**``.

Amounts, dates, times, counts and hotline numbers are left alone: every pattern needs digit
boundaries and a shape (or a keyword) that ordinary numbers do not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_ND = r"(?<![0-9A-Za-z])"  # not glued to a preceding digit or letter
_NDA = r"(?![0-9A-Za-z])"

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)

_ID_CARD = re.compile(
    _ND + r"(\d{6})((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3}[0-9Xx])"
    r"(?![0-9A-Za-z])"
    r"|" + _ND + r"(\d{6})(\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3})" + _NDA
)

_BANK_CARD = re.compile(_ND + r"((?:62|4\d|5[1-5])\d{14,17})" + _NDA)

_NOT_AN_AMOUNT = r"(?![0-9A-Za-z]|\.\d|\s*(?:元|块|万|亿|%))"
_MOBILE = re.compile(
    r"(?<![0-9A-Za-z+])((?:\+|00)?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})" + _NOT_AN_AMOUNT
)

_LANDLINE = re.compile(
    r"(?<![0-9A-Za-z])(\(?(?:010|02\d|0[3-9]\d{2})\)?[ -]?|（(?:010|02\d|0[3-9]\d{2})）)"
    r"([2-9])(\d{4,5})(\d{2})(?:(转|-|ext\.?)(\d{1,5}))?" + _NDA
)

_LOCAL_AFTER_KEYWORD = re.compile(
    r"((?:电话|座机|固话|联系方式|联系电话|tel|TEL|Tel)[:：]?\s*)([2-9])(\d{4,5})(\d{2})" + _NDA
)

_IM_NUMBER = re.compile(r"((?:QQ|qq|微信|wx)(?:号码|号)?[:：]?\s*)(\d{2})(\d{1,9})(\d{2})" + _NDA)

_PLATE = re.compile(
    r"([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼])"
    r"([A-HJ-NP-Za-hj-np-z])([·•.\- ]?)([A-HJ-NP-Za-hj-np-z0-9]{4,5})([A-HJ-NP-Za-hj-np-z0-9])"
    + _NDA
)

_HOUSE_UNIT = r"(?:栋|幢|座|号楼|单元|层|楼|室|号房|房|户|号)"
_HOUSE_STRONG = re.compile(r"栋|幢|号楼|单元|室|号房")
_HOUSE_NUMBER = r"(?:[A-Za-z]?\d{1,5}|[A-Za-z])"
_HOUSE_ELEMENT = re.compile(_HOUSE_NUMBER + _HOUSE_UNIT + r"|\d+$")
_HOUSE_CHAIN = re.compile(
    r"(?<![0-9A-Za-z])(?:" + _HOUSE_NUMBER + _HOUSE_UNIT + r"){1,5}"
    r"(?:\d{1,5}(?![\d年月日号时点分元万个人岁%]))?"
)
_ROOM_LAYOUT = re.compile(r"\d*[厅卫]")
_HOUSE_DASHED = re.compile(r"(?<![0-9-])(\d{1,3}-\d{1,3}-\d{1,5})(?=室|房)")
_ROAD_NUMBER = re.compile(r"(路|街|大道|大街|巷|弄|胡同)(\d{1,5})(?=号)")

_COMPOUND_SURNAME_PAIRS = (
    "欧阳司马上官诸葛东方皇甫尉迟公孙慕容长孙宇文司徒令狐夏侯轩辕"
    "端木独孤南宫西门申屠百里呼延闻人澹台公冶太史钟离濮阳淳于单于"
    "赫连万俟第五左丘东郭南门羊舌微生梁丘公良乐正漆雕壤驷拓跋夹谷"
    "宰父谷梁段干司空司寇亓官仲孙"
)
_COMPOUND_SURNAMES = frozenset(
    _COMPOUND_SURNAME_PAIRS[i : i + 2] for i in range(0, len(_COMPOUND_SURNAME_PAIRS), 2)
)


def _stars(text: str) -> str:
    return "*" * len(text)


def _luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _id_card(m: re.Match[str]) -> str:
    if m.group(1):
        return m.group(1) + _stars(m.group(2)) + m.group(3)
    return m.group(4) + _stars(m.group(5)) + m.group(6)


def _bank_card(m: re.Match[str]) -> str:
    number = m.group(1)
    if not _luhn_ok(number):
        return number
    return number[:4] + _stars(number[4:-4]) + number[-4:]


def _mobile(m: re.Match[str]) -> str:
    return f"{m.group(1) or ''}{m.group(2)}****{m.group(4)}"


def _landline(m: re.Match[str]) -> str:
    extension = f"{m.group(5)}{m.group(6)}" if m.group(5) else ""
    return m.group(1) + m.group(2) + _stars(m.group(3)) + m.group(4) + extension


def _keep_ends(m: re.Match[str]) -> str:
    return m.group(1) + m.group(2) + _stars(m.group(3)) + m.group(4)


def _plate(m: re.Match[str]) -> str:
    body = m.group(4) + m.group(5)
    if not any(ch.isdigit() for ch in body):
        return m.group(0)
    return m.group(1) + m.group(2).upper() + m.group(3) + _stars(m.group(4)) + m.group(5)


def _house_chain(m: re.Match[str]) -> str:
    """Mask a chain like 3栋2单元501室 or A座1201; leave 3室2厅 (a flat's layout) and CT室."""
    text = m.group(0)
    if not any(ch.isdigit() for ch in text) or _ROOM_LAYOUT.match(m.string, m.end()):
        return text
    if not _HOUSE_STRONG.search(text) and len(_HOUSE_ELEMENT.findall(text)) < 2:
        return text
    return re.sub(r"[0-9A-Za-z]", "*", text)


def _mask_name(name: str) -> str:
    keep = 2 if len(name) >= 3 and name[:2] in _COMPOUND_SURNAMES else 1
    return name[:keep] + "".join(ch if ch in "·• " else "*" for ch in name[keep:])


def _kept_number(digits: str) -> re.Pattern[str]:
    """A registered number as it may be written: digits with dashes or spaces between them,
    the area code in brackets, not part of a longer number."""
    between = r"[\s\-－()（）]*"
    return re.compile(r"(?<![0-9])" + between.join(re.escape(d) for d in digits) + r"(?![0-9])")


def mask_personal_data(
    text: str, names: Iterable[str] = (), keep_numbers: Iterable[str] = ()
) -> str:
    """``text`` with phones, ID and bank cards, plates, e-mail, house numbers and names masked.

    ``keep_numbers``: phone numbers (as digits) that stay readable wherever they are written,
    such as a department's registered public numbers, so that residents can call back."""
    if not text:
        return text
    kept: list[str] = []

    def hold(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\ue000{chr(0xE100 + len(kept) - 1)}\ue001"

    for digits in sorted({d for d in keep_numbers if len(d) >= 5}, key=len, reverse=True):
        text = _kept_number(digits).sub(hold, text)
    text = _mask(text, names)
    for i, original in enumerate(kept):
        text = text.replace(f"\ue000{chr(0xE100 + i)}\ue001", original)
    return text


def _mask(text: str, names: Iterable[str]) -> str:
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    text = _ID_CARD.sub(_id_card, text)
    text = _BANK_CARD.sub(_bank_card, text)
    text = _MOBILE.sub(_mobile, text)
    text = _LANDLINE.sub(_landline, text)
    text = _LOCAL_AFTER_KEYWORD.sub(_keep_ends, text)
    text = _IM_NUMBER.sub(_keep_ends, text)
    text = _PLATE.sub(_plate, text)
    text = _HOUSE_DASHED.sub(lambda m: re.sub(r"\d", "*", m.group(1)), text)
    text = _HOUSE_CHAIN.sub(_house_chain, text)
    text = _ROAD_NUMBER.sub(lambda m: m.group(1) + _stars(m.group(2)), text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len)[::-1]:
        text = text.replace(name, _mask_name(name))
    return text
