"""A synthetic message board of about 4,000 messages with known hot matters, for bench/topics.py.

What a year of a city's board looks like, as far as hot topics go:

- the long tail: every real message of ../shared/data with a body (labelled_sample,
  labelled_train, reply_sample) and real subjects (subjects_train, title only), each from its own
  resident at a random time of the year, most with no likes, a few widely liked;
- MATTERS: six matters that many different residents raise within a few weeks, each resident in
  his own words (titles and bodies put together from several ways of naming the place, the
  problem, its effects and the demand, plus sentences any resident might add; a quarter of the
  titles do not name the place), a few residents twice, with likes;
- BURSTS: four residents who each post the same personal grievance dozens of times within two
  or three days, in slightly varied words, with hardly any likes: large, but one person.

The hot matters are the six MATTERS; a hotness index that ranks by size alone puts the bursts
first, one that ignores likes and people cannot tell them apart.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from _corpus import read

START = datetime(2019, 1, 1)
YEAR = timedelta(days=365)

GENERIC = (
    "我们已经多次向有关部门反映，但一直没有得到解决。",
    "希望政府能够重视老百姓的呼声。",
    "这个问题已经持续很长时间了。",
    "请相关部门尽快给个说法。",
    "周边很多居民都有意见。",
    "打了12345热线也没有下文。",
    "作为普通市民，我们真的很无奈。",
    "恳请领导百忙之中关注一下。",
    "",
    "",
)
GREETINGS = ("", "", "尊敬的领导：您好！", "您好，", "各位领导好！")

MATTERS: dict[str, dict[str, tuple[str, ...]]] = {
    "丽发新城搅拌站": {
        "where": ("A2区丽发新城小区", "丽发新城", "A2区暮云街道丽发新城", "丽发新城小区旁边"),
        "title": (
            "附近搅拌站噪音扰民",
            "旁建搅拌站粉尘污染严重",
            "搅拌站日夜施工扰民",
            "居民强烈要求搬迁搅拌站",
            "混凝土搅拌站影响居民生活",
        ),
        "what": (
            "小区附近新建了一个混凝土搅拌站，每天24小时作业。",
            "搅拌站离小区不到200米，噪音震耳欲聋。",
            "搅拌站的粉尘飘进小区，阳台上一层灰。",
            "大型搅拌车进进出出，晚上也不停。",
            "这个搅拌站没有任何环评公示就开工了。",
        ),
        "detail": (
            "晚上根本无法入睡，孩子第二天上学没精神。",
            "家里老人有呼吸道疾病，粉尘让病情加重。",
            "窗户都不敢开，衣服也不能晒在外面。",
            "搅拌车把路面压坏了，泥浆洒得到处都是。",
        ),
        "ask": (
            "强烈要求环保部门查处，搅拌站搬离居民区。",
            "请问这个搅拌站有没有合法手续？",
            "希望尽快关停这个搅拌站。",
        ),
    },
    "伊景园车位捆绑": {
        "where": ("A市伊景园滨河苑", "伊景园滨河苑", "A市武广新城伊景园滨河苑", "滨河苑"),
        "title": (
            "捆绑销售车位",
            "开发商强制购买车位才能收房",
            "车位捆绑销售侵害购房者权益",
            "不买车位不给办理交房",
            "车位价格虚高还强行搭售",
        ),
        "what": (
            "开发商要求业主必须购买车位，否则不予交房。",
            "车位捆绑销售，一个车位要价十几万。",
            "销售人员说不买车位就不能签合同。",
            "我们是刚需购房，根本不需要车位，却被强制搭售。",
        ),
        "detail": (
            "这属于违法捆绑销售，侵害了消费者的自主选择权。",
            "车位的产权也不清楚，开发商拒绝出示证明。",
            "很多业主为此已经拖了几个月没能收房。",
            "这是广铁集团职工的定向商品房，也被这样搭售。",
        ),
        "ask": (
            "请住建部门和物价部门查处开发商的违规行为。",
            "要求取消车位捆绑，按合同交房。",
            "希望政府为购房者主持公道。",
        ),
    },
    "58车贷": {
        "where": ("A市58车贷", "58车贷平台", "西地省58车贷案", "58车贷"),
        "title": (
            "案件进展缓慢",
            "受害人请求尽快追赃",
            "爆雷后投资人血本无归",
            "案件何时立案侦查",
            "平台负责人卷款跑路",
        ),
        "what": (
            "58车贷平台爆雷已经半年多，投资人的钱至今没有着落。",
            "我在58车贷投了十几万，是全家的积蓄。",
            "58车贷的实际控制人至今还没有被追究。",
            "经侦部门对58车贷案的进展一直没有通报。",
        ),
        "detail": (
            "很多受害人是退休老人，养老钱全部被骗。",
            "平台的资产去向不明，怀疑已经被转移。",
            "我们多次到经侦大队询问都没有答复。",
            "有的受害人因为这件事家庭破裂。",
        ),
        "ask": (
            "恳请公安机关加快侦办进度，追回赃款。",
            "请求公开案件进展，给受害人一个交代。",
            "希望尽快冻结平台负责人的资产。",
        ),
    },
    "东湖水厂停水": {
        "where": ("A4区东湖街道", "东湖片区", "A4区东湖街道东湖村", "东湖新村一带"),
        "title": (
            "频繁停水",
            "自来水浑浊发黄",
            "停水不提前通知",
            "连续三天没有自来水",
            "水压低高层用不上水",
        ),
        "what": (
            "这一个月已经停了五六次水，每次都不提前通知。",
            "水龙头放出来的自来水是黄色的，还有沉淀。",
            "连续三天没有自来水，做饭洗澡都成问题。",
            "高层住户水压太低，白天基本用不上水。",
        ),
        "detail": (
            "打电话问自来水公司，说是东湖水厂管网改造。",
            "家里有婴儿，只能去超市买桶装水。",
            "担心水质有问题，不敢给孩子喝。",
            "听说是供水管道老化爆管。",
        ),
        "ask": (
            "请供水公司尽快恢复正常供水并检测水质。",
            "希望停水前提前发布通知。",
            "要求水务部门彻底解决管网老化问题。",
        ),
    },
    "滨江学校划片": {
        "where": ("A3区滨江学校", "滨江学校", "A3区滨江新城滨江学校", "滨江小学"),
        "title": (
            "学区划片不合理",
            "小区孩子入学被划到远处",
            "学位不足孩子上学难",
            "对口入学政策突然改变",
            "请求调整招生划片范围",
        ),
        "what": (
            "我们小区离滨江学校只有五百米，今年却被划到了三公里外的学校。",
            "买房时开发商承诺对口滨江学校，现在划片变了。",
            "滨江学校学位不够，片区内的孩子都上不了。",
            "今年的招生划片方案没有征求家长意见就公布了。",
        ),
        "detail": (
            "孩子每天上学要转两趟公交，路上很不安全。",
            "很多家长为了学位才在这里买房。",
            "周边几个小区的家长都在联名反映这个问题。",
            "教育局给的解释是学位紧张，但没有新建学校的计划。",
        ),
        "ask": (
            "请教育局重新考虑划片方案，就近入学。",
            "希望尽快扩建学校增加学位。",
            "请公开划片的依据。",
        ),
    },
    "金桂路公交撤站": {
        "where": ("A7县金桂路", "金桂路公交站", "A7县星沙街道金桂路", "金桂路口"),
        "title": (
            "公交站被撤销",
            "公交线路调整后出行不便",
            "请求恢复公交站点",
            "撤站后老人上班族出行困难",
            "公交改线绕远",
        ),
        "what": (
            "金桂路的公交站突然被撤了，附近居民要走一公里去坐车。",
            "公交线路调整以后，金桂路一带没有公交车了。",
            "撤站没有任何公示，居民都不知道。",
            "原来经过金桂路的三条线路都改道了。",
        ),
        "detail": (
            "附近有好几个老旧小区，老人多，出行很不方便。",
            "上班族每天早上要多花半个小时。",
            "雨天走过去一身湿，孩子上学也不方便。",
            "附近还有一所医院，看病的人也受影响。",
        ),
        "ask": (
            "请交通局恢复金桂路公交站。",
            "希望公交公司重新规划线路，方便居民。",
            "请问撤站的理由是什么？",
        ),
    },
}

BURSTS = (
    (
        "工资",
        "我在A6区恒达建筑公司工地干活，老板拖欠我的工资{n}元，已经半年了。",
        ("讨要工资", "拖欠农民工工资", "请帮我讨回血汗钱", "老板拖欠工资不给"),
    ),
    (
        "邻居",
        "我家楼上邻居每天半夜在家里剁东西，已经{n}天了，我找物业找派出所都没用。",
        ("楼上邻居噪音", "邻居半夜制造噪音", "楼上扰民", "邻居吵得睡不着"),
    ),
    (
        "退款",
        "我在A1区一家健身房办了卡，花了{n}元，健身房关门了，老板不退钱。",
        ("健身房不退款", "办卡后健身房跑路", "要求健身房退钱", "预付卡退款难"),
    ),
    (
        "违建",
        "我家旁边的邻居私自加盖了{n}层，挡住了我家采光，城管来了几次都没拆。",
        ("邻居违建挡光", "私自加盖违章建筑", "违建不拆", "举报邻居违建"),
    ),
)


def _likes(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    return int(rng.expovariate(1 / mean))


def board(seed: int = 2019, tail_subjects: int = 1700) -> tuple[list[dict], dict[str, str]]:
    """Messages (id, title, body, created_at, likes, person) in time order and the truth:
    message id -> the matter ("matter:…") or burst ("burst:…") it belongs to; the tail is absent."""
    rng = random.Random(seed)
    rows: list[dict] = []
    truth: dict[str, str] = {}

    def add(title: str, body: str, at: datetime, likes: int, person: str, label: str = ""):
        mid = f"b{len(rows)}"
        rows.append({"id": mid, "title": title, "body": body, "created_at": at, "likes": likes,
                     "person": person})  # fmt: skip
        if label:
            truth[mid] = label

    tail = []
    for name in ("labelled_sample.csv", "labelled_train.csv", "reply_sample.csv"):
        tail += [(r["title"], r["body"]) for r in read(name) if r["body"].strip()]
    subjects = [r["title"] for r in read("subjects_train.csv")]
    tail += [(t, "") for t in rng.sample(subjects, tail_subjects)]
    for n, (title, body) in enumerate(tail):
        at = START + rng.random() * YEAR
        likes = _likes(rng, 0.6) if rng.random() < 0.99 else rng.randrange(50, 400)
        add(title, body, at, likes, f"t{n}")

    for m, (name, parts) in enumerate(MATTERS.items()):
        people = rng.randrange(15, 45)
        begin = START + rng.random() * (YEAR - timedelta(days=70))
        weeks = rng.randrange(2, 9)
        like_mean = rng.choice((1.0, 3.0, 8.0))
        for p in range(people):
            for _ in range(2 if rng.random() < 0.15 else 1):
                at = begin + rng.random() * timedelta(weeks=weeks)
                named = rng.random() < 0.75
                title = (rng.choice(parts["where"]) if named else "") + rng.choice(parts["title"])
                sentences = rng.sample(parts["what"], rng.randint(1, 2))
                sentences += rng.sample(parts["detail"], rng.randint(0, 3))
                sentences.append(rng.choice(parts["ask"]))
                sentences.append(rng.choice(GENERIC))
                rng.shuffle(sentences)
                where = rng.choice(parts["where"])
                body = rng.choice(GREETINGS) + f"我是{where}的居民。" * (
                    not named or rng.random() < 0.3
                )
                body += "".join(sentences)
                add(title, body, at, _likes(rng, like_mean), f"m{m}p{p}", f"matter:{name}")

    for b, (name, template, titles) in enumerate(BURSTS):
        begin = START + rng.random() * (YEAR - timedelta(days=5))
        for _ in range(rng.randrange(30, 80)):
            at = begin + rng.random() * timedelta(days=rng.choice((2, 3)))
            body = template.format(n=rng.choice((3, 5, 8, 12, 3000, 8600, 20000)))
            body += rng.choice(GENERIC) + rng.choice(("请帮帮我！", "求求你们了！", "", "急！"))
            add(rng.choice(titles), body, at, int(rng.random() < 0.1), f"burst{b}",
                f"burst:{name}")  # fmt: skip

    rows.sort(key=lambda r: r["created_at"])
    return rows, truth
