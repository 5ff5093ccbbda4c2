"""Reply quality (答复质量) for accountability: does the official reply answer the appeal?

- relevance 0..1: the share of the appeal's key terms (its content words, title words counting
  double, the 12 heaviest) and named places that the reply takes up.
- completeness 0..1: a third each for a concrete action taken or ordered (已维修, 责令整改 …),
  a responsible unit (区住建局, 桂花坪街道 …) and a time or deadline (5月20日前, 三个工作日内 …).
  The date that closes most replies is their signature, so a date at the very end does not
  count as a time.
- timeliness_days: working days from the day after the appeal to the day of the reply
  (Mon–Fri unless an `is_workday(date) -> bool` is given, e.g. the Chinese calendar with 调休).
- flags: `template` (set phrases such as 已收悉, 高度重视, 转相关部门, at most one of the three
  parts of completeness, and either little else to say or little on the matter),
  `short`, `off_topic`, `no_reply`, `late` (more working days than `limit_days`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .dates import parse_time
from .text import default_segmenter, normalise, strip_boilerplate

__all__ = ["ReplyQuality", "assess", "working_days"]

_TEMPLATE = re.compile(
    r"已收悉|收悉|高度重视|转(?:交|至|给|到)?(?:相关|有关)(?:职能)?(?:部门|单位)|已转(?:交|办)"
    r"|感谢您?(?:对我们工作)?的(?:关注|支持|信任|理解)|正在(?:调查|核实|处理|研究)中?"
    r"|将(?:尽快|及时|认真)?(?:调查|核实|处理|研究)|请耐心等待|我们会(?:认真)?(?:研究|考虑)"
)
_ACTION = re.compile(
    r"(?:已|已经|现已|目前已|立即|责令|要求|督促|安排|组织|协调|联系|约谈|牵头)"
    r"[\u4e00-\u9fa5]{0,6}?"
    r"(?:维修|修复|整改|清理|清除|拆除|查处|处罚|罚款|取缔|关停|停业|更换|安装|铺设|完成|办结"
    r"|发放|补发|退还|支付|解决|落实|改造|调整|恢复|疏通|封堵|治理|执法|检查|核查|立案|下达|回访"
    r"|补办|办理|开通|设置|增设|施工|启动|整治|纳入|审批|受理|召开|撤销|暂停)"
    r"|(?:已|已经|现已)(?:于|在)?\d{1,2}月"
)
_UNIT = re.compile(
    r"[\u4e00-\u9fa5A-Za-z0-9]{1,10}?"
    r"(?:局|委员会|委|办公室|办|中心|街道|街道办事处|社区|居委会|村委会|镇政府|乡政府|人民政府|政府"
    r"|公司|派出所|分局|大队|支队|管理处|管理所|管委会|法院|检察院|医院|学校|集团|站)"
)
_TIME = re.compile(
    r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日|\d{1,2}月(?:底|中旬|上旬|下旬|份)"
    r"|年底|月底|年内|近日内|\d+(?:个)?(?:工作日|天|日|周|个月)内|[一二三四五六七八九十两]+(?:个)?"
    r"(?:工作日|天|周|个月)内|本周|下周|本月|下月|预计|计划于|争取"
)
_NON_WORD = re.compile(r"[\W_]+")
_SIGNATURE_DATE = re.compile(r"\d{4}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*\d{1,2}\s*日?[。.\s]*$")


@dataclass(frozen=True, slots=True)
class ReplyQuality:
    relevance: float
    completeness: float
    timeliness_days: int | None
    flags: tuple[str, ...]


def working_days(
    start: date | datetime,
    end: date | datetime,
    is_workday: Callable[[date], bool] | None = None,
) -> int:
    """Working days after `start` up to and including `end` (0 for a same-day reply)."""
    d0 = start.date() if isinstance(start, datetime) else start
    d1 = end.date() if isinstance(end, datetime) else end
    if d1 <= d0:
        return 0
    if is_workday is None:
        days = (d1 - d0).days
        weeks, extra = divmod(days, 7)
        count = weeks * 5
        for k in range(1, extra + 1):
            if (d0 + timedelta(days=k)).weekday() < 5:
                count += 1
        return count
    return sum(1 for k in range(1, (d1 - d0).days + 1) if is_workday(d0 + timedelta(days=k)))


def key_terms(title: str, body: str, n: int = 12) -> dict[str, float]:
    seg = default_segmenter()
    weights: Counter = Counter()
    for w in seg.tokens(normalise(title)):
        if len(w) > 1:
            weights[w] += 2.0
    for w in seg.tokens(strip_boilerplate(normalise(body))):
        if len(w) > 1:
            weights[w] += 1.0
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return dict(top)


def assess(
    title: str,
    body: str,
    reply: str,
    created_at: str | datetime | None = None,
    replied_at: str | datetime | None = None,
    *,
    places: Sequence[str] = (),
    is_workday: Callable[[date], bool] | None = None,
    limit_days: int | None = None,
) -> ReplyQuality:
    reply = normalise(reply or "")
    created, replied = parse_time(created_at), parse_time(replied_at)
    days = working_days(created, replied, is_workday) if created and replied else None
    flags: list[str] = []
    if not reply:
        flags.append("no_reply")
        return ReplyQuality(0.0, 0.0, days, tuple(flags))
    terms = key_terms(title, body)
    for place in places:
        terms[place] = max(terms.get(place, 0.0), 2.0)
    total = sum(terms.values())
    compact = _NON_WORD.sub("", reply)
    covered = sum(w for t, w in terms.items() if t in compact)
    relevance = covered / total if total else 0.0
    body_of_reply = _SIGNATURE_DATE.sub("", reply)
    parts = (
        bool(_ACTION.search(reply)),
        bool(_UNIT.search(reply)),
        bool(_TIME.search(body_of_reply)),
    )
    completeness = sum(parts) / 3
    substance = _TEMPLATE.sub("", compact)
    if (
        _TEMPLATE.search(compact)
        and completeness < 0.5
        and (len(substance) < 80 or relevance < 0.3)
    ):
        flags.append("template")
    if len(compact) < 30:
        flags.append("short")
    if total and relevance < 0.2:
        flags.append("off_topic")
    if limit_days is not None and days is not None and days > limit_days:
        flags.append("late")
    return ReplyQuality(round(relevance, 4), round(completeness, 4), days, tuple(flags))
