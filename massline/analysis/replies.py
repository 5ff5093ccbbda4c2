"""Reply quality (答复质量) for accountability: does the official reply answer the appeal?

- relevance 0..1: the share of the appeal's key terms (its content words, title words counting
  double, the 12 heaviest) and named places that the reply takes up.
- completeness 0..1: the mean of three parts, each 0..1, measured on the reply without its
  courtesy and acknowledgement phrases (已收悉, 高度重视, 感谢 …, the signature date):
  * answered: the message is cut into its points, each question asked (请问…？, 能否, 何时 …)
    and each demand made (希望/要求/请…); a message with neither has one point, its complaint.
    A question is answered when the reply takes up its words and gives the kind of answer it
    asks for (a time for 何时, a number for 多少, a yes or no for 能否, steps for 如何 …); a
    demand when the reply reports it done, commits to it, or refuses it with a reason. A reply
    that only refers the resident elsewhere answers nothing.
  * explained: a law, policy or document cited (《…》, 第…条, …号), an inquiry's findings
    (经调查/经核实 …), a reason (因/由于 …) or the steps actually taken.
  * committed: for a demand, the action done, or someone doing something by a stated time;
    an action with no time or no one responsible counts half, "将加强/适时/研究" nothing. A
    message that only asks questions needs no commitment: this part then follows `answered`.
  Length and set phrases earn nothing: they are removed before any part is measured.
- timeliness_days: working days from the day after the appeal to the day of the reply
  (Mon–Fri unless an `is_workday(date) -> bool` is given, e.g. the Chinese calendar with 调休).
- flags: `template` (set phrases with little else: completeness below 0.5 and either little
  else to say or little on the matter), `short`, `off_topic`, `no_reply`, `late` (more working
  days than `limit_days`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .dates import parse_time
from .text import default_segmenter, normalise, strip_boilerplate

__all__ = ["Point", "ReplyQuality", "assess", "points", "working_days"]

_TEMPLATE = re.compile(
    r"已收悉|收悉|已阅悉|留言已阅|已阅|已获悉|高度重视|转(?:交|至|给|到)?(?:相关|有关)(?:职能)?(?:部门|单位)"
    r"|已转(?:交|办)|感谢您?(?:对我们工作)?的(?:关注|支持|信任|理解)|正在(?:调查|核实|处理|研究)中?"
    r"|将(?:尽快|及时|认真)?(?:调查|核实|处理|研究)|请耐心等待|我们会(?:认真)?(?:研究|考虑)"
)
_COURTESY = re.compile(
    r"(?:尊敬的|亲爱的)?(?:网友|网民|市民|来信人)?(?:朋友|同志)?[“\"]?[A-Za-z0-9\u4e00-\u9fa5]{0,12}[”\"]?"
    r"[:：,，]?\s*(?:您好|你好)[!！。,，:：]*"
    r"|(?:首先|再次|非常|衷心)?(?:感谢|谢谢)[^。！!]{0,40}?(?:关注|关心|支持|理解|信任|监督|付出|来信)[^。！!]{0,12}[。！!]?"
    r"|祝您?[^。！!]{0,16}[。！!]"
    r"|[^。！!，,]{0,40}(?:已收悉|已获悉|已阅悉|留言已阅|来信收悉|收到您的)[^。！!，,]{0,20}[。！!，,]?"
    r"|[^。！!]{0,30}高度重视[，,]?"
    r"|现(?:将|就)?[^。！!:：]{0,20}(?:回复|答复|说明)如下[:：]?"
    r"|(?:特此|专此|专项)(?:回复|答复)[。!！]?"
)
_SIGNATURE = re.compile(
    r"(?:[\u4e00-\u9fa5A-Za-z0-9]{0,20}\s*)?"
    r"(?:\d{4}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*\d{1,2}\s*日?|二[○〇零][\u4e00-\u9fa5]{2,8}日)[。.\s]*$"
)
_SENTENCE = re.compile(r"(?<=[。！？!?；;\n])")

_WHEN = re.compile(
    r"何时|什么时候|多久|多长时间|几时|哪天|哪一天|到什么时候|进度|时间表|何日|啥时候"
)
_AMOUNT = re.compile(r"多少|几个|多高|多远|多大|标准是|收费标准|补贴标准|怎么算|怎样计算|如何计算")
_WHERE = re.compile(r"哪里|在哪|哪个部门|哪家|何处|找谁|哪个单位|什么地方|哪些网点|地址在")
_HOW = re.compile(
    r"怎么办|怎么(?:办理|申请|补办|算|做|处理|报销|查询|领取|缴纳|交|操作|弄|迁)|如何(?!处理|解决|监管)"
    r"|流程|手续|需要哪些|哪些材料|什么材料|什么证件|步骤|办法"
)
_WHY = re.compile(
    r"为什么|为何|什么原因|原因是|凭什么|何故|怎么回事|何在|怎么(?:还|又|没|不|会|能|就|老是|总是)"
)
_WHETHER = re.compile(
    r"能否|可否|是否|能不能|可不可以|会不会|有没有|可以吗|能吗|吗[?？]|合法吗|算不算|该不该|行不行|要不要"
)
_QUESTION_CUE = re.compile(r"[?？]|请问|想问|咨询|想了解|想知道")
_DEMAND = re.compile(
    r"希望|要求|请求|恳请|恳求|(?<![申邀聘提])请(?!问|假|教|示|客)|建议|盼|望|呼吁|督促|敦促|务必|尽快"
    r"|严查|查处|处理一下|管一管|管管"
)
# A point with fewer content words of its own than this (请问有没有人管？ 这合法吗？) is about the
# message's matter: it takes the title's words too.
_FEW_TERMS = 2

_TIME = re.compile(
    r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日|\d{1,2}月(?:底|中旬|上旬|下旬|份|前|起)"
    r"|\d{1,2}日前|年底|年内|月底|近期内|近日|\d+(?:个)?(?:工作日|天|日|周|个月|年)(?:内|后|之内)?"
    r"|[一二三四五六七八九十两半]+(?:个)?(?:工作日|天|周|个月|年)(?:内|后)?|本周|下周|本月|下月|明年|今年"
    r"|上半年|下半年|\d+[:：]\d\d|季度|汛期|开学前|春节前|暂无[\u4e00-\u9fa5]{0,4}计划|无法确定"
)
_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千万两]+(?:元|个|人|户|次|年|%|米|公里|分贝|倍)")
_VERDICT = re.compile(
    r"可以|不可以|可(?!能)|不能|能够|无法|不得|不予|符合|不符合|属于|不属于|存在|不存在|需要|不需要|无需"
    r"|须|应当|应|合法|违法|违规|不合规|属实|不属实|与事实不符|暂无|没有|不会|会|是|否|准予|同意|不同意|允许"
)
_PLACE = re.compile(
    r"[\u4e00-\u9fa5A-Za-z0-9]{1,12}?(?:局|中心|窗口|大厅|街道|社区|派出所|所|处|科|股|站|网点|医院|银行|大队|公司|政府|办)"
    r"|\d{3,4}-?\d{4,8}|电话|地址|APP|app|公众号|网站|平台|热线"
)
_STEPS = re.compile(
    r"携带|提供|准备|提交|申请|申领|填写|登录|下载|办理|到[\u4e00-\u9fa5]{1,12}(?:窗口|大厅|中心|局|所)"
    r"|[(（]?[一二三四五六七八九十\d][)）、.．]|首先|然后|其次|一是|二是"
)
_REASON = re.compile(
    r"因为|由于|因此|所以|鉴于|原因|因(?=[\u4e00-\u9fa5])|导致|造成|系[\u4e00-\u9fa5]|属于|为了"
)
_CITATION = re.compile(
    r"《[^》]{2,60}》|第[一二三四五六七八九十百零\d]+条|[〔\[（(【]\s*\d{4}\s*[〕\]）)】]\s*\d+\s*号"
    r"|\d+号(?:文|令)|(?:根据|依据|按照|依照|依法|按规定|规定)"
    r"|(?:法|条例|办法|规定|细则|标准|规范|方案|意见|通知)(?:规定|要求|明确)"
)
_FINDINGS = re.compile(
    r"经(?:过)?(?:调查|核实|查|现场|了解|检查|检测|监测|核查|查实|勘查|调取|核对|询问|走访|协调|研究|审核)"
    r"|(?:调查|核实|检查|检测|监测)(?:发现|结果|显示|情况)|现场(?:查看|检查|核实|调查|勘察)"
)
_ACTION_VERB = (
    r"(?:维修|修复|修缮|整改|清理|清除|清运|拆除|查处|处罚|罚款|取缔|关停|停业|更换|安装|铺设|完成|办结|发放|补发"
    r"|退还|退回|支付|解决|落实|改造|调整|恢复|疏通|封堵|治理|执法|检查|核查|立案|下达|回访|补办|办理|开通"
    r"|设置|增设|施工|启动|整治|纳入|审批|受理|召开|撤销|暂停|约谈|劝导|劝离|暂扣|拖移|批评|教育|诫勉"
    r"|处理|处置|填补|填埋|清洗|消毒|检测|复检|监测|划线|施划|张贴|公示|巡查|值守|停止|改正|申请|移交"
    r"|联系|沟通|协调|督促|责令|要求|通知|告知|反馈|组织|安排|派出|出动|上门|登记|核发|报送|上报|签订|承诺)"
)
_DONE = re.compile(
    r"(?:已|已经|现已|目前已|均已|已于|于\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日|当场|立即|随即|迅速|及时)"
    r"[\u4e00-\u9fa5，,、\d月日上下午时]{0,14}?"
    + _ACTION_VERB
    + r"|"
    + _ACTION_VERB
    + r"[\u4e00-\u9fa5]{0,6}?了|(?:责令|要求|督促)[\u4e00-\u9fa5]{1,20}"
)
_FUTURE = re.compile(
    r"(?:将|拟|计划|预计|争取|力争|准备|安排|定于|会|即将)[\u4e00-\u9fa5，,\d月日年底前内]{0,16}?"
    + _ACTION_VERB
    + r"|预计[\u4e00-\u9fa5\d]{0,12}(?:完工|通车|完成|开工|投用|建成|开考|交付|交房)"
)
_VAGUE = re.compile(
    r"(?:将|会|要)?(?:进一步|继续|持续|不断|切实|积极|认真|适时|逐步)(?:加强|加大|关注|研究|推进|完善|改进|提升|做好|督促|争取)"
    r"|条件成熟|另行(?:公布|通知)|研究解决|共同努力"
)
_REFUSAL = re.compile(
    r"否则|只能|不宜|无法|不能|不予|不符合|不属于|不存在|与事实不符|不属实|未发现|暂不|不具备|不得|不可"
)
_REFERRAL = re.compile(
    r"转(?:交|至|给|到|办|送)|建议您?(?:直接)?(?:咨询|拨打|致电|联系|向|到|前往|通过|登录|登陆)"
    r"|请您?(?:直接)?(?:咨询|致电|拨打|联系|到|前往|登录|登陆)|具体(?:请|可)?(?:咨询|询问)|详询|另行答复"
    r"|已(?:进行过|作过|做过)回复"
)
_UNIT = re.compile(
    r"[\u4e00-\u9fa5A-Za-z0-9]{1,10}?"
    r"(?:局|委员会|委|办公室|办|中心|街道|社区|居委会|村委会|村|镇政府|乡政府|人民政府|政府|镇|公司|派出所"
    r"|分局|大队|中队|支队|管理处|管理所|管委会|法院|检察院|医院|学校|集团|站|科|股|物业|执法人员|民警|工作人员)"
    r"|我局|我办|我委|我院|我司|我校|我街道|我镇|我中心|本局"
)
_NON_WORD = re.compile(r"[\W_]+")
_OVERDUE = re.compile(r"还没|还不|还未|迟迟|一直没|一直不|至今|仍未|仍然没|尚未|才能|何时才|拖了")
_CUE_WORDS = frozenset(
    [
        "请问",
        "想问",
        "咨询",
        "了解",
        "能否",
        "可否",
        "是否",
        "能不能",
        "可不可以",
        "会不会",
        "有没有",
        "可以",
        "什么时候",
        "何时",
        "多久",
        "怎么",
        "怎么办",
        "如何",
        "为什么",
        "为何",
        "哪里",
        "哪些",
        "多少",
        "希望",
        "要求",
        "请求",
        "恳请",
        "恳求",
        "建议",
        "盼望",
        "尽快",
        "早日",
        "谢谢",
        "领导",
        "有关",
        "相关",
        "部门",
        "政府",
        "问题",
        "情况",
        "现在",
        "一直",
        "我们",
        "本人",
    ]
)


@dataclass(frozen=True, slots=True)
class ReplyQuality:
    relevance: float
    completeness: float
    timeliness_days: int | None
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Point:
    """One thing the message asks: `kind` is when, amount, where, how, why, whether, what
    (questions), demand, or complaint (the whole message when it asks nothing explicitly)."""

    kind: str
    text: str
    terms: tuple[str, ...]


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
    weights: defaultdict[str, float] = defaultdict(float)
    for w in seg.tokens(normalise(title)):
        if len(w) > 1:
            weights[w] += 2.0
    for w in seg.tokens(strip_boilerplate(normalise(body))):
        if len(w) > 1:
            weights[w] += 1.0
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return dict(top)


_QUESTION_KINDS = (
    ("when", _WHEN),
    ("why", _WHY),
    ("where", _WHERE),
    ("amount", _AMOUNT),
    ("how", _HOW),
    ("whether", _WHETHER),
)


def _kind(sentence: str) -> str | None:
    for kind, pattern in _QUESTION_KINDS:
        if pattern.search(sentence):
            return kind
    if _QUESTION_CUE.search(sentence):
        return "what"
    if _DEMAND.search(sentence):
        return "demand"
    return None


def points(title: str, body: str, limit: int = 6) -> list[Point]:
    """The questions and demands of a message, in order, at most `limit` (the last ones kept
    are the latest, usually the actual requests after the story)."""
    seg = default_segmenter()
    title, body = normalise(title or ""), strip_boilerplate(normalise(body or ""))

    def content(text: str) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(w for w in seg.tokens(text) if len(w) > 1 and w not in _CUE_WORDS)
        )

    matter = content(title or body[:200])
    found: list[Point] = []
    seen: set[str] = set()
    for sentence in [title, *_SENTENCE.split(body)]:
        sentence = sentence.strip()
        kind = _kind(sentence) if sentence else None
        if kind is None:
            continue
        terms = content(sentence)
        if len(terms) < _FEW_TERMS:
            terms = tuple(dict.fromkeys(terms + matter))
        key = " ".join(terms)
        if key in seen:
            continue
        seen.add(key)
        found.append(Point(kind, sentence, terms))
    questions = [p for p in found if p.kind != "demand"]
    demands = [p for p in found if p.kind == "demand"]
    chosen = (
        questions[:limit] + demands[-max(1, limit - len(questions)) :] if demands else questions
    )
    chosen = chosen[:limit]
    if not chosen:
        terms = tuple(dict.fromkeys(w for w in seg.tokens(title or body[:200]) if len(w) > 1))
        chosen = [Point("complaint", title or body[:200], terms)]
    return chosen


def _substance(reply: str) -> str:
    """The reply without salutation, thanks, acknowledgement, set phrases and signature."""
    text = _SIGNATURE.sub("", reply)
    text = _COURTESY.sub("", text)
    text = _TEMPLATE.sub("", text)
    return text.strip(" ，,。.!！:：")


def _taken(point: Point, compact: str) -> float:
    """Share of the point's character pairs found in the reply: robust to how either text
    happens to be segmented (公摊算 / 公摊)."""
    pairs = {t[i : i + 2] for t in point.terms for i in range(len(t) - 1)}
    if not pairs:
        return 1.0
    return sum(1 for p in pairs if p in compact) / len(pairs)


def _answers(point: Point, reply: str, compact: str) -> float:
    touched = min(1.0, 0.3 + _taken(point, compact))
    kind = point.kind
    if kind == "when":
        form = bool(_TIME.search(reply))
    elif kind == "amount":
        form = bool(_NUMBER.search(reply))
    elif kind == "where":
        form = bool(_PLACE.search(reply))
    elif kind == "how":
        form = bool(_STEPS.search(reply))
    elif kind == "why":
        form = bool(_REASON.search(reply) or _FINDINGS.search(reply))
    elif kind == "whether":
        form = bool(_VERDICT.search(reply))
    elif kind == "what":
        form = len(_NON_WORD.sub("", reply)) >= 20
    else:
        form = bool(_FUTURE.search(reply) or _REFUSAL.search(reply))
    form = form or bool(_DONE.search(reply))
    return touched if form else 0.3 * touched


def _completeness(title: str, body: str, reply: str) -> tuple[float, str]:
    text = _substance(reply)
    compact = _NON_WORD.sub("", text)
    if len(compact) < 8:
        return 0.0, compact
    asked = points(title, body)
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    referral_only = all(_REFERRAL.search(s) or len(_NON_WORD.sub("", s)) < 8 for s in sentences)
    if referral_only:
        return 0.0, compact
    answered = sum(_answers(p, text, compact) for p in asked) / len(asked)
    explained = 0.0
    done = bool(_DONE.search(text))
    unit = bool(_UNIT.search(text))
    if _CITATION.search(text) or _FINDINGS.search(text) or (done and unit):
        explained = 1.0
    elif _REASON.search(text) or done:
        explained = 0.75
    elif _VERDICT.search(text):
        explained = 0.25
    acting = any(
        p.kind in ("demand", "complaint") or (p.kind in ("why", "when") and _OVERDUE.search(p.text))
        for p in asked
    )
    if acting:
        timed = bool(_FUTURE.search(text)) and bool(_TIME.search(text))
        if (done or timed) and unit:
            committed = 1.0
        elif done or timed or (_REFUSAL.search(text) and explained >= 0.75):
            committed = 0.6
        elif _FUTURE.search(text):
            committed = 0.3
        else:
            committed = 0.0
        if _VAGUE.search(text) and committed < 1.0:
            committed *= 0.5
    else:
        committed = answered
    return (answered + explained + committed) / 3, compact


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
    completeness, substance = _completeness(title, body, reply)
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
