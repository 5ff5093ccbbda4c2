"""Chinese full-text search: the rjieba token index against a naive LIKE scan, on both databases.

For each database it builds a fresh one (SQLite in a temp dir; PostgreSQL in a database it creates
and drops), bulk-loads N generated appeals (title/body/location recombined from the templates
below, plus sentences of ../shared/data/labelled_sample.csv when present) with `search_text`
from `index_text`, then measures:

1. indexing cost: `index_text` CPU per appeal, bulk-load rate with the index, and the marginal
   cost per inserted row with the FTS5 trigger / GIN index against the same insert without it;
2. latency p50/p99 of ~200 queries through `search()`: `.count()` and the first page of 20 by
   -created_at, alone and with a state + region filter;
   on PostgreSQL also the same GIN predicate applied directly (no `pk IN` self-join), and counts
   with a day's appeals waiting in the GIN pending list (fastupdate) before a vacuum;
3. the same for the naive scan (`title|body|location __contains` per whitespace-separated word);
4. recall: for single words that are whole rjieba tokens, every appeal containing the word
   (Python substring scan) must be found by the index; misses are listed with their segmentation.

    .venv/bin/python bench/search.py                   # both databases, 100,000 appeals
    .venv/bin/python bench/search.py --count 20000 --db sqlite
    .venv/bin/python bench/search.py --db postgres --keep    # leave massline_search_bench
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).resolve().parents[1].parent / "shared/data/labelled_sample.csv"
PG_URL = "postgres://postgres@127.0.0.1:5432/massline_search_bench"

COUNTIES = {
    "421102": ("黄州区", ["东湖街道", "赤壁街道", "禹王街道", "南湖街道", "路口镇", "堵城镇"]),
    "421121": ("团风县", ["团风镇", "方高坪镇", "上巴河镇", "淋山河镇"]),
    "421122": ("红安县", ["城关镇", "七里坪镇", "华家河镇", "八里湾镇"]),
    "421123": ("罗田县", ["凤山镇", "骆驼坳镇", "大河岸镇", "九资河镇"]),
    "421124": ("英山县", ["温泉镇", "南河镇", "红山镇", "金家铺镇"]),
    "421125": ("浠水县", ["清泉镇", "散花镇", "巴河镇", "兰溪镇", "洗马镇"]),
    "421126": ("蕲春县", ["漕河镇", "赤东镇", "蕲州镇", "横车镇"]),
    "421127": ("黄梅县", ["黄梅镇", "孔垄镇", "小池镇", "濯港镇"]),
    "421181": ("麻城市", ["龙池桥街道", "鼓楼街道", "宋埠镇", "歧亭镇"]),
    "421182": ("武穴市", ["武穴街道", "田家镇街道", "梅川镇", "龙坪镇"]),
}
ROADS = [
    "东门路",
    "赤壁大道",
    "八一路",
    "明珠大道",
    "新港大道",
    "宝塔大道",
    "黄州大道",
    "七一路",
    "体育路",
    "胜利街",
    "清泉大道",
    "浠川路",
    "将军路",
    "陵园大道",
    "凤山大道",
    "温泉路",
    "蕲州大道",
    "黄梅大道",
    "龙池大道",
    "刊江大道",
    "江堤路",
    "考棚街",
]
ESTATES = [
    "阳光花园",
    "锦绣华庭",
    "江南春城",
    "东方名城",
    "书香名苑",
    "金色家园",
    "滨江一号",
    "龙湖湾",
    "桂花苑",
    "幸福里",
    "翰林府",
    "御景湾",
    "清水湾",
    "天鹅湖小区",
    "学府壹号",
    "悦澜山",
    "新港花园",
    "遗爱湖畔",
    "东坡印象",
    "碧水蓝天",
]
SHOPS = [
    "烧烤店",
    "KTV",
    "洗车店",
    "废品收购站",
    "麻将馆",
    "早餐店",
    "棋牌室",
    "汽修厂",
    "混凝土搅拌站",
    "养猪场",
    "广场舞队",
    "夜宵摊",
    "五金店",
    "快递驿站",
]
COMPANIES = [
    a + b
    for a in ["鑫源", "华诚", "恒泰", "宏达", "永安", "富康", "天宇", "金鹏", "盛世", "远航"]
    for b in ("建筑劳务公司", "物业服务公司", "房地产开发公司", "装饰工程公司", "餐饮公司")
]
COMMUNITIES = ["幸福", "和平", "先锋", "红旗", "新华", "光明", "团结", "胜利", "民主", "建设"]

# Each topic: title templates, detail sentences, the words a resident would search it by, and
# phrases typed as one (no spaces).
TOPICS = [
    dict(
        titles=[
            "{estate}附近{shop}夜间噪音扰民",
            "{road}工地夜间施工噪音大",
            "楼下{shop}噪音扰民严重",
        ],
        details=[
            "每天晚上十点以后还在营业，音响开得很大，吵得居民无法休息。",
            "工地经常凌晨还在打桩、浇筑混凝土，机器轰鸣声不断。",
            "家里有老人和准备高考的孩子，长期睡不好觉，身体吃不消。",
            "我们多次报警，民警来了安静一会儿，走了又照旧。",
            "夏天夜宵摊占道经营，划拳喝酒一直闹到凌晨两三点。",
            "广场舞音响声音过大，周边居民意见很大。",
        ],
        words=["噪音", "扰民", "施工", "夜宵摊", "广场舞", "音响"],
        phrases=["噪音扰民", "夜间施工", "工地噪音"],
    ),
    dict(
        titles=[
            "{estate}小区停车难，消防通道被占用",
            "{road}路边乱停车严重",
            "{estate}车位只售不租",
        ],
        details=[
            "小区车位严重不足，晚上回来根本找不到地方停车。",
            "很多车辆长期停在消防通道上，一旦发生火灾后果不堪设想。",
            "开发商车位只卖不租，一个车位要价十几万元。",
            "路边违停车辆占用人行道，行人只能走到机动车道上。",
            "僵尸车长期占用公共车位，无人清理。",
        ],
        words=["停车", "车位", "消防通道", "违停", "僵尸车", "人行道"],
        phrases=["停车难", "乱停车", "消防通道堵塞"],
    ),
    dict(
        titles=["{estate}物业不作为", "{estate}电梯经常故障", "{estate}物业费乱收费"],
        details=[
            "小区电梯经常出故障，上个月还发生了电梯困人事件。",
            "物业公司只收钱不办事，楼道卫生没人打扫。",
            "物业擅自上调物业费，没有经过业主大会表决。",
            "小区监控大部分坏了，业主电动车接连被盗。",
            "申请使用住宅专项维修资金，物业一直拖着不办。",
        ],
        words=["物业", "电梯", "物业费", "业主", "维修资金", "监控"],
        phrases=["物业不作为", "电梯故障", "物业乱收费"],
    ),
    dict(
        titles=["{town}{community}村停水多日", "{estate}自来水发黄有异味", "{road}一带水压太低"],
        details=[
            "已经停水三天了，没有任何通知，生活非常不便。",
            "自来水放出来发黄，还有一股怪味，不敢直接饮用。",
            "高层住户水压太低，白天基本没有水。",
            "供水管网老化，经常爆管漏水。",
        ],
        words=["停水", "自来水", "水压", "供水", "爆管"],
        phrases=["自来水发黄", "停水多日"],
    ),
    dict(
        titles=["{town}频繁停电", "{estate}电压不稳烧坏电器", "{community}村变压器老化"],
        details=[
            "这个月已经停电五六次，冰箱里的东西都坏了。",
            "电压忽高忽低，家里好几台电器被烧坏。",
            "村里的变压器容量太小，一到夏天就跳闸。",
            "供电所说要等线路改造，但一直没有动工。",
        ],
        words=["停电", "电压", "变压器", "供电所", "跳闸"],
        phrases=["频繁停电", "电压不稳"],
    ),
    dict(
        titles=["{road}路灯不亮", "{road}路面坑洼积水严重", "{road}井盖破损存在隐患"],
        details=[
            "这段路的路灯坏了很久，晚上漆黑一片，行人和骑车的人都很危险。",
            "路面坑坑洼洼，一下雨就积水，车辆经过溅得行人一身泥。",
            "人行道上的井盖破损，已经有老人不小心摔伤。",
            "道路修了一半就停工了，围挡一直没有拆除。",
        ],
        words=["路灯", "路面", "积水", "井盖", "围挡", "道路"],
        phrases=["路灯不亮", "路面坑洼"],
    ),
    dict(
        titles=["{estate}垃圾清运不及时", "{road}旁垃圾堆放散发恶臭", "{community}村垃圾乱倒"],
        details=[
            "垃圾桶满了好几天都没人清运，夏天臭气熏天，蚊蝇滋生。",
            "有人在路边空地上乱倒建筑垃圾，越堆越多。",
            "小区化粪池满溢，污水流到路面上。",
            "垃圾中转站离居民楼太近，味道很大。",
        ],
        words=["垃圾", "清运", "恶臭", "化粪池", "建筑垃圾", "垃圾中转站"],
        phrases=["垃圾清运不及时", "建筑垃圾乱倒"],
    ),
    dict(
        titles=["{road}餐馆油烟直排", "{shop}排放污水污染河道", "{town}有人焚烧秸秆"],
        details=[
            "楼下餐馆没有安装油烟净化器，油烟直接排进居民家里。",
            "工厂晚上偷偷往河里排污水，河水发黑发臭。",
            "每到收割季节就有人焚烧秸秆，浓烟呛人。",
            "养殖场粪污直排，周边农田都受到污染。",
        ],
        words=["油烟", "污水", "河道", "秸秆", "养殖场", "污染"],
        phrases=["油烟直排", "焚烧秸秆", "污水直排"],
    ),
    dict(
        titles=["{company}拖欠农民工工资", "讨要{company}工程款", "{company}欠薪不还"],
        details=[
            "我们在{company}的工地上干了八个月，工资一直拖着不发。",
            "包工头说公司没有拨款，让我们再等等，可过年回家的路费都没有。",
            "劳动监察大队受理后至今没有结果。",
            "一共拖欠我们二十多个工人工资三十多万元。",
        ],
        words=["工资", "拖欠", "农民工", "包工头", "劳动监察", "欠薪"],
        phrases=["拖欠工资", "拖欠农民工工资"],
    ),
    dict(
        titles=["咨询医保异地就医备案", "咨询社保转移接续", "养老金迟迟没有到账"],
        details=[
            "我在外地工作，想咨询医保异地就医备案需要什么材料。",
            "社保从外省转回来，办了两个月还没有转移成功。",
            "退休手续已经办完，养老金迟迟没有到账。",
            "城乡居民医保缴费后，在卫生院看病不能报销。",
        ],
        words=["医保", "社保", "养老金", "报销", "退休", "缴费"],
        phrases=["异地就医", "医保报销", "社保转移"],
    ),
    dict(
        titles=["{county}学区划分不合理", "校外培训机构退费难", "{town}中心小学校车安全隐患"],
        details=[
            "我家就住在学校旁边，却被划到三公里外的学校。",
            "校外培训机构突然关门，预交的学费一直退不了。",
            "接送学生的校车超载严重，存在很大安全隐患。",
            "孩子今年上小学，入学报名系统一直提示材料不全。",
        ],
        words=["学校", "学区", "培训机构", "校车", "入学", "学费"],
        phrases=["学区划分", "培训机构退费"],
    ),
    dict(
        titles=["{estate}开发商延期交房", "{estate}不动产权证迟迟办不下来", "{estate}新房漏水"],
        details=[
            "合同约定去年底交房，到现在还没有动静，开发商也不给说法。",
            "买房三年了，不动产权证一直办不下来，孩子上学都受影响。",
            "新交的房子墙面开裂、卫生间漏水，找开发商维修一直推诿。",
            "开发商资金链断裂，项目已经停工半年。",
        ],
        words=["开发商", "交房", "不动产权证", "漏水", "停工", "购房"],
        phrases=["延期交房", "办证难", "房屋漏水"],
    ),
    dict(
        titles=["{county}公交线路调整不合理", "{road}红绿灯时间太短", "共享单车乱停乱放"],
        details=[
            "公交线路调整后，我们这边的居民坐车要走二十分钟。",
            "路口红绿灯时间太短，老人还没走到对面就变灯了。",
            "共享单车堆在地铁口和人行道上，影响通行。",
            "网约车司机随意加价，投诉平台也不处理。",
        ],
        words=["公交", "红绿灯", "共享单车", "网约车", "线路", "班次"],
        phrases=["公交线路", "单车乱停"],
    ),
    dict(
        titles=["{community}村道路硬化", "{community}村低保评定不公", "{town}土地确权有误"],
        details=[
            "村里通往组上的路还是泥巴路，一下雨就没法走。",
            "村干部把低保名额给了自己的亲戚，真正困难的家庭却评不上。",
            "土地确权的时候把我家的责任田面积登记少了。",
            "山塘年久失修，汛期存在溃坝风险。",
            "危房改造补贴申请了两年还没有批下来。",
        ],
        words=["低保", "村干部", "土地确权", "山塘", "危房改造", "补贴", "责任田"],
        phrases=["道路硬化", "低保评定", "危房改造补贴"],
    ),
    dict(
        titles=["{road}{shop}销售过期食品", "{estate}附近健身房预付卡退费难", "药店高价销售药品"],
        details=[
            "在这家店买的牛奶已经过期半个月，店家拒绝退换。",
            "健身房突然停业，办的年卡还有大半年没用。",
            "药店同一种药比医院贵了一倍，还不给开发票。",
            "商家虚假宣传，消费者权益得不到保障。",
        ],
        words=["过期食品", "预付卡", "退费", "药店", "发票", "消费者"],
        phrases=["预付卡退费", "销售过期食品"],
    ),
    dict(
        titles=["{estate}流浪狗伤人", "{estate}有人遛狗不拴绳", "{town}有人当街宰杀活禽"],
        details=[
            "小区里流浪狗越来越多，前几天一个孩子被咬伤，去打了狂犬疫苗。",
            "有业主遛狗从不拴绳，大型犬追着小孩跑。",
            "菜市场外面有人当街宰杀活禽，血水横流。",
        ],
        words=["流浪狗", "狂犬疫苗", "遛狗", "拴绳", "活禽"],
        phrases=["遛狗不拴绳", "流浪狗伤人"],
    ),
    dict(
        titles=["{estate}楼顶违建阳光房", "{estate}有人私自占用绿地种菜", "{road}沿街门面违规搭建"],
        details=[
            "顶楼住户在楼顶搭建阳光房，压坏了防水层，下面几层都漏水。",
            "有人把小区公共绿地圈起来种菜，还浇粪水。",
            "沿街门面私自搭建雨棚，占用人行道经营。",
            "城管来看过一次，之后就没有下文了。",
        ],
        words=["违建", "阳光房", "绿地", "城管", "搭建", "种菜"],
        phrases=["违章搭建", "私搭乱建"],
    ),
    dict(
        titles=["咨询住房公积金提取", "咨询新生儿落户", "咨询退役军人优待证办理"],
        details=[
            "想咨询一下租房提取住房公积金需要提供哪些材料。",
            "孩子刚出生，想问落户需要到哪里办理，能不能网上办。",
            "退役军人优待证在哪里申请，多长时间能拿到。",
            "居住证到期了，续签需要什么手续。",
        ],
        words=["公积金", "落户", "退役军人", "优待证", "居住证", "户口"],
        phrases=["公积金提取", "新生儿落户"],
    ),
    dict(
        titles=["表扬{town}便民服务中心工作人员", "感谢{county}12345热线", "表扬{road}社区网格员"],
        details=[
            "工作人员耐心细致，帮我一次性办好了所有手续。",
            "反映的问题第二天就有人上门处理，效率很高。",
            "网格员冒雨帮独居老人送药，值得表扬。",
        ],
        words=["表扬", "感谢", "网格员", "便民服务中心", "效率"],
        phrases=["为民办实事"],
    ),
]
OPENINGS = [
    "我是{county}{town}{road}{estate}的居民。",
    "本人住在{county}{town}{community}村{n}组。",
    "反映{county}{town}{road}附近的问题。",
    "您好，我是{estate}{n}栋的业主。",
    "我在{county}{town}经营一家小店。",
]
MIDDLES = [
    "这个问题已经持续了{n}个多月。",
    "我们向社区和街道反映过多次，一直没有得到解决。",
    "之前打过12345热线，说已经转交相关部门，但至今没人回复。",
    "附近住着很多老人和小孩，存在很大的安全隐患。",
    "周边群众意见很大，希望领导重视。",
]
CLOSINGS = [
    "恳请相关部门尽快核实处理。",
    "请求{county}相关部门协调解决。",
    "希望尽快给出答复。",
    "请有关部门依法查处，还居民一个安宁的生活环境。",
    "谢谢！",
]
RARE = [
    ("白蚁", "家里木门被白蚁蛀空了，怀疑整栋楼都有白蚁。"),
    ("马蜂窝", "楼道窗户外面有一个很大的马蜂窝，已经有人被蛰。"),
    ("古树", "有人偷偷砍伐村口的古树，据说有三百多年树龄。"),
    ("高空抛物", "楼上经常高空抛物，前天差点砸到人。"),
    ("飞线充电", "有住户从楼上拉电线给电动车飞线充电。"),
    ("防汛", "汛期马上到了，河堤上的防汛物资还没有到位。"),
    ("二次供水", "二次供水水箱多年没有清洗，水里有沉淀物。"),
    ("燃气泄漏", "楼道里闻到明显的燃气泄漏味道，燃气公司迟迟不来。"),
    ("无障碍通道", "新修的无障碍通道被商户堆满杂物，轮椅过不去。"),
    ("殡葬", "村里有人在农田里违规修建豪华坟墓，殡葬改革落实不到位。"),
    ("电信诈骗", "家里老人接到冒充公检法的电话，差点遭遇电信诈骗。"),
    ("充电桩", "小区规划的充电桩一直没有安装，新能源车没法充电。"),
]
NUMS = ["两", "三", "四", "五", "六", "七", "八", "九", "十"]
STATES = {
    "closed": 52,
    "replied": 10,
    "in_progress": 10,
    "assigned": 8,
    "accepted": 5,
    "submitted": 5,
    "rejected": 4,
    "returned": 3,
    "reopened": 3,
}
KINDS = {
    "complaint": 40,
    "help": 20,
    "consultation": 15,
    "suggestion": 12,
    "report": 8,
    "praise": 5,
}
_SENTENCE = re.compile(r"(?<=[。！？!?；;])")


def sample_sentences() -> list[str]:
    if not SAMPLE.exists():
        return []
    with open(SAMPLE, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [s.strip() for r in rows for s in _SENTENCE.split(r["body"]) if 8 <= len(s.strip()) < 80]


def towns() -> list[tuple[str, str, str, str]]:
    """(town code, town name, county code, county name) of the generated region tree."""
    return [
        (f"{code}{i + 1:03d}", town, code, county)
        for code, (county, names) in COUNTIES.items()
        for i, town in enumerate(names)
    ]


def span_days(n: int) -> int:
    return max(30, n // 1100)


def generate(n: int, seed: int, extra: list[str]) -> list[dict]:
    """`n` appeals: a topic's title, an opening, 2–4 details, 0–3 common remarks, sometimes a rare
    detail or sentences of the labelled sample, and a closing; ~1,100 a day (90 days at 100k)."""
    rng = random.Random(seed)
    places = towns()
    states, state_w = list(STATES), list(STATES.values())
    kinds, kind_w = list(KINDS), list(KINDS.values())
    end = datetime(2025, 11, 1, tzinfo=UTC)
    span = timedelta(days=span_days(n)).total_seconds()
    out = []
    for _ in range(n):
        topic = TOPICS[rng.randrange(len(TOPICS))]
        town_code, town, _, county = places[rng.randrange(len(places))]
        slots = {
            "county": county,
            "town": town,
            "road": rng.choice(ROADS),
            "estate": rng.choice(ESTATES),
            "shop": rng.choice(SHOPS),
            "company": rng.choice(COMPANIES),
            "community": rng.choice(COMMUNITIES),
            "n": rng.choice(NUMS),
        }
        parts = [rng.choice(OPENINGS)]
        parts += rng.sample(topic["details"], rng.randint(2, min(4, len(topic["details"]))))
        parts += rng.sample(MIDDLES, rng.randint(0, 3))
        if rng.random() < 0.04:
            parts.append(rng.choice(RARE)[1])
        if extra and rng.random() < 0.4:
            parts += rng.sample(extra, rng.randint(1, 3))
        parts.append(rng.choice(CLOSINGS))
        out.append(
            {
                "title": rng.choice(topic["titles"]).format_map(slots),
                "body": "".join(parts).format_map(slots),
                "location": f"{county}{town}{slots['road']}" if rng.random() < 0.6 else "",
                "town": town_code,
                "state": rng.choices(states, state_w)[0],
                "kind": rng.choices(kinds, kind_w)[0],
                "created_at": end - timedelta(seconds=rng.random() * span),
            }
        )
    return out


def make_queries(rng: random.Random, count: int, extra_words: list[str]) -> list[str]:
    """Resident-style queries: 1–3 space-separated words or one unspaced phrase."""
    counties = [c for c, _ in COUNTIES.values()]
    rare = [w for w, _ in RARE] + COMPANIES[::5] + extra_words
    places = counties + ESTATES + ROADS
    out = []
    for i in range(count):
        topic = rng.choice(TOPICS)
        r = i % 20
        if r < 5:
            q = rng.choice(topic["words"])
        elif r < 9:
            q = rng.choice(rare)
        elif r < 10:
            q = rng.choice(places)
        elif r < 14:
            q = f"{rng.choice(places)} {rng.choice(topic['words'])}"
        elif r < 16:
            q = " ".join(rng.sample(topic["words"], 2))
        elif r < 18:
            q = f"{rng.choice(counties)} {rng.choice(ESTATES + ROADS)} {rng.choice(topic['words'])}"
        else:
            q = rng.choice(topic["phrases"])
        out.append(q)
    return out


def pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, round(p / 100 * (len(v) - 1)))] if v else float("nan")


class Corpus:
    """Substring ground truth: every field of every appeal in one string, found with str.find."""

    def __init__(self, docs: list[dict]):
        chunks, self.starts, self.owner = [], [], []
        pos = 0
        for i, d in enumerate(docs):
            for field in ("title", "body", "location"):
                self.starts.append(pos)
                self.owner.append(i)
                chunks.append(d[field])
                pos += len(d[field]) + 1
        self.text = "\x00".join(chunks)

    def having(self, word: str) -> set[int]:
        found, at = set(), self.text.find(word)
        while at >= 0:
            found.add(self.owner[bisect.bisect_right(self.starts, at) - 1])
            at = self.text.find(word, at + 1)
        return found

    def matching(self, q: str) -> set[int]:
        words = q.split()
        hits = self.having(words[0])
        for w in words[1:]:
            hits &= self.having(w)
        return hits


def run_worker(args) -> dict:
    import django

    django.setup()
    import rjieba
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import BooleanField, Q
    from django.db.models.expressions import RawSQL

    from massline.accounts.models import User
    from massline.appeals.models import Appeal
    from massline.appeals.search import _normalise, index_text, query_tokens, search
    from massline.orgs.models import Level, Org, OrgKind, Region

    vendor = connection.vendor

    def log(msg: str) -> None:
        print(f"  [{vendor}] {msg}", file=sys.stderr, flush=True)

    res: dict = {"vendor": vendor, "count": args.count}

    t = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    res["migrate_s"] = time.perf_counter() - t

    province = Region.objects.create(code="420000", name="湖北省", level=Level.PROVINCE)
    city = Region.objects.create(code="421100", name="黄冈市", level=Level.CITY, parent=province)
    regions, county_paths = {}, {}
    for code, (county, names) in COUNTIES.items():
        c = Region.objects.create(code=code, name=county, level=Level.COUNTY, parent=city)
        county_paths[code] = c.path
        for i, town in enumerate(names):
            r = Region.objects.create(
                code=f"{code}{i + 1:03d}", name=town, level=Level.TOWNSHIP, parent=c
            )
            regions[r.code] = r.pk
    hub = Org.objects.create(
        name="黄冈市12345热线中心", kind=OrgKind.HUB, level=Level.CITY, region=city
    )
    user = User.objects.create_user(username="bench-search", password=None, real_name="测试")

    extra = [] if args.no_sample else sample_sentences()
    res["sample_sentences"] = len(extra)
    docs = generate(args.count, args.seed, extra)
    res["avg_chars"] = statistics.fmean(len(d["title"]) + len(d["body"]) for d in docs)
    index_text("预热")
    t = time.process_time()
    texts = [index_text(d["title"], d["body"], d["location"]) for d in docs]
    res["index_text_us"] = (time.process_time() - t) / len(docs) * 1e6
    res["tokens_per_appeal"] = statistics.fmean(s.count(" ") + 1 for s in texts)
    log(f"index_text {res['index_text_us']:.0f} µs/appeal")

    def objects(rows, prefix, start=0):
        return [
            Appeal(
                tracking_no=f"{prefix}{i:08d}",
                kind=d["kind"],
                title=d["title"],
                body=d["body"],
                location=d["location"],
                region_id=regions[d["town"]],
                submitted_by_id=user.pk,
                hub_id=hub.pk,
                state=d["state"],
                created_at=d["created_at"],
                search_text=s,
            )
            for i, (d, s) in enumerate(rows, start)
        ]

    batch = 500 if vendor == "sqlite" else 1000
    t = time.perf_counter()
    for lo in range(0, len(docs), 10_000):
        with transaction.atomic():
            Appeal.objects.bulk_create(
                objects(
                    zip(docs[lo : lo + 10_000], texts[lo : lo + 10_000], strict=True), "BS", lo
                ),
                batch,
            )
    res["load_rows_s"] = len(docs) / (time.perf_counter() - t)
    log(f"loaded {len(docs)} rows, {res['load_rows_s']:.0f} rows/s")
    id_of = {int(tn[2:]): pk for pk, tn in Appeal.objects.values_list("pk", "tracking_no")}
    index_of = {pk: i for i, pk in id_of.items()}

    # Marginal cost of the index on insert, at the full table size, rolled back each time.
    m = min(5000, max(500, len(docs) // 20))
    drop = (
        "DROP TRIGGER appeals_appeal_fts_ai"
        if vendor == "sqlite"
        else "DROP INDEX appeals_appeal_search_gin"
    )

    class Rollback(Exception):
        pass

    def timed_insert(without_index: bool) -> float:
        rows = objects(zip(docs[:m], texts[:m], strict=True), "BX")
        try:
            with transaction.atomic():
                if without_index:
                    with connection.cursor() as cur:
                        cur.execute(drop)
                t0 = time.perf_counter()
                Appeal.objects.bulk_create(rows, batch)
                elapsed = time.perf_counter() - t0
                raise Rollback
        except Rollback:
            return elapsed

    timings = {False: [], True: []}
    for _ in range(2):
        for without in (True, False):
            timings[without].append(timed_insert(without))
    res["insert_with_us"] = min(timings[False]) / m * 1e6
    res["insert_without_us"] = min(timings[True]) / m * 1e6
    res["insert_sample"] = m
    with connection.cursor() as cur:
        cur.execute("ANALYZE" if vendor == "sqlite" else "VACUUM ANALYZE appeals_appeal")

    with connection.cursor() as cur:
        if vendor == "sqlite":
            cur.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
            sizes = dict(cur.fetchall())
            res["table_mb"] = sizes["appeals_appeal"] / 2**20
            res["index_mb"] = sum(v for k, v in sizes.items() if k.startswith("appeals_appeal_fts"))
            res["index_mb"] /= 2**20
            cur.execute("SELECT SUM(LENGTH(CAST(search_text AS BLOB))) FROM appeals_appeal")
        else:
            cur.execute(
                "SELECT pg_table_size('appeals_appeal'), "
                "pg_relation_size('appeals_appeal_search_gin')"
            )
            table, gin = cur.fetchone()
            res["table_mb"], res["index_mb"] = table / 2**20, gin / 2**20
            cur.execute("SELECT SUM(octet_length(search_text)) FROM appeals_appeal")
        res["search_text_mb"] = cur.fetchone()[0] / 2**20

    # Queries.
    rng = random.Random(args.seed + 1)
    sampled = sorted(
        {
            t
            for d in rng.sample(extra, min(len(extra), 300))
            for t in rjieba.cut(d)
            if len(t) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in t)
        }
    )
    queries = make_queries(rng, args.queries, rng.sample(sampled, min(20, len(sampled))))
    county_codes = list(COUNTIES)
    filters = [
        (rng.choice(["in_progress", "closed", "replied", "assigned"]), rng.choice(county_codes))
        for _ in queries
    ]
    corpus = Corpus(docs)
    base = Appeal.objects.all()

    def filtered(i):
        state, county = filters[i]
        return base.filter(state=state, region__path__startswith=county_paths[county])

    def direct(qs, q):
        """The proposed PostgreSQL form: the GIN predicate on the outer query, no self-join."""
        return qs.filter(
            RawSQL(
                "string_to_array(appeals_appeal.search_text, ' ') @> %s::text[]",
                (query_tokens(q),),
                output_field=BooleanField(),
            )
        )

    def naive(qs, q):
        for w in q.split():
            qs = qs.filter(Q(title__contains=w) | Q(body__contains=w) | Q(location__contains=w))
        return qs

    def first_page(qs):
        return list(
            qs.select_related("category", "region", "hub", "lead_org").order_by(
                "-created_at", "-id"
            )[:20]
        )

    def timed(fn, qs):
        t0 = time.perf_counter()
        value = fn(qs)
        return (time.perf_counter() - t0) * 1000, value

    def count(qs):
        return qs.count()

    for q in queries[:10]:
        search(base, q).count()
    lat = {k: [] for k in ("i_count", "i_page", "if_count", "if_page")}
    nlat = {k: [] for k in ("n_count", "n_page", "nf_count", "nf_page")}
    dlat = {k: [] for k in ("d_count", "d_page", "df_count", "df_page")}
    per_query, count_mismatch = [], []
    t = time.perf_counter()
    for i, q in enumerate(queries):
        ms, n_index = timed(count, search(base, q))
        lat["i_count"].append(ms)
        lat["i_page"].append(timed(first_page, search(base, q))[0])
        lat["if_count"].append(timed(count, search(filtered(i), q))[0])
        lat["if_page"].append(timed(first_page, search(filtered(i), q))[0])
        if vendor == "postgresql":
            dlat["d_count"].append(timed(count, direct(base, q))[0])
            dlat["d_page"].append(timed(first_page, direct(base, q))[0])
            dlat["df_count"].append(timed(count, direct(filtered(i), q))[0])
            dlat["df_page"].append(timed(first_page, direct(filtered(i), q))[0])
        truth = len(corpus.matching(q))
        per_query.append((q, n_index, truth, ms))
    res["index_queries_s"] = time.perf_counter() - t
    log(f"{len(queries)} index queries in {res['index_queries_s']:.1f} s")
    t = time.perf_counter()
    for i, q in list(enumerate(queries))[:: args.baseline_every]:
        ms, n_naive = timed(count, naive(base, q))
        nlat["n_count"].append(ms)
        nlat["n_page"].append(timed(first_page, naive(base, q))[0])
        nlat["nf_count"].append(timed(count, naive(filtered(i), q))[0])
        nlat["nf_page"].append(timed(first_page, naive(filtered(i), q))[0])
        if n_naive != per_query[i][2]:
            count_mismatch.append((q, n_naive, per_query[i][2]))
    res["naive_queries_s"] = time.perf_counter() - t
    log(f"{len(nlat['n_count'])} naive queries in {res['naive_queries_s']:.1f} s")
    res["latency"] = {k: (pct(v, 50), pct(v, 99), len(v)) for k, v in (lat | nlat | dlat).items()}
    common = [ms for q, n, truth, ms in per_query if truth >= len(docs) / 100]
    rare = [ms for q, n, truth, ms in per_query if truth < len(docs) / 1000]
    res["common_count"] = (pct(common, 50), pct(common, 99), len(common))
    res["rare_count"] = (pct(rare, 50), pct(rare, 99), len(rare))
    res["hits_median"] = statistics.median(n for _, n, _, _ in per_query)
    res["naive_count_mismatch"] = count_mismatch[:5]
    res["slowest"] = sorted(per_query, key=lambda r: -r[3])[:3]

    # Recall: single words that rjieba keeps whole, from the queries and the corpus vocabulary.
    words = sorted(
        {q for q in queries if " " not in q}
        | {
            w
            for _, w in zip(
                range(args.recall_words), rng.sample(sampled, len(sampled)), strict=False
            )
        }
        | {t for tp in TOPICS for t in tp["words"]}
        | {w for w, _ in RARE}
    )
    words = [w for w in words if query_tokens(w) == [_normalise(w)]]
    missed_words, missed_docs, extra_docs, disagree, examples = 0, 0, 0, [], []
    would_find, still_missed = 0, []
    for w in words:
        truth = corpus.having(w)
        found = {index_of[pk] for pk in search(base, w).values_list("pk", flat=True)}
        predicted = {i for i in truth | found if w in texts[i].split(" ")}
        if found != predicted:
            disagree.append((w, len(found - predicted), len(predicted - found)))
        missed = truth - found
        extra_docs += len(found - truth)
        if missed:
            missed_words += 1
            missed_docs += len(missed)
            for i in sorted(missed):
                d = docs[i]
                text = _normalise(" ".join(p for p in (d["title"], d["body"], d["location"]) if p))
                if w in set(rjieba.cut_all(text)):
                    would_find += 1
                elif len(still_missed) < 5 and w not in (x[0] for x in still_missed):
                    at = text.find(w)
                    still_missed.append((w, text[max(0, at - 6) : at + len(w) + 6]))
            i = min(missed)
            d = docs[i]
            text = _normalise(" ".join(p for p in (d["title"], d["body"], d["location"]) if p))
            at = text.find(w)
            around = [
                tok
                for tok, s, e in rjieba.tokenize(text, mode="search")
                if e > at - 2 and s < at + len(w) + 2
            ]
            examples.append(
                (
                    w,
                    len(missed),
                    len(truth),
                    text[max(0, at - 6) : at + len(w) + 6],
                    "/".join(around),
                )
            )
    res["recall"] = {
        "words": len(words),
        "missed_words": missed_words,
        "missed_docs": missed_docs,
        "truth_docs": sum(len(corpus.having(w)) for w in words),
        "extra_docs": extra_docs,
        "cut_all_would_find": would_find,
        "cut_all_still_missed": still_missed,
        "db_vs_tokens": disagree[:10],
        "examples": sorted(examples, key=lambda e: -e[1])[:12],
    }
    probe = [
        (texts[i], d["title"] + " " + d["body"] + " " + d["location"])
        for i, d in enumerate(docs[:2000])
    ]
    res["tokens_search_only"] = statistics.fmean(len(t.split(" ")) for t, _ in probe)
    res["tokens_with_cut_all"] = statistics.fmean(
        len(set(t.split(" ")) | {w for w in rjieba.cut_all(_normalise(p)) if len(w) >= 2})
        for t, p in probe
    )
    if vendor == "postgresql":
        res["pg"] = pending_list_effect(args, docs, texts, objects, timed_insert, queries, base)
    return res


def pending_list_effect(args, docs, texts, objects, timed_insert, queries, base) -> dict:
    """GIN fastupdate: new rows wait in an unsorted pending list that every search scans until
    a vacuum (or 4 MB of them) merges it; measure searches with a day's appeals pending, and the
    insert cost when the index is built with fastupdate off instead."""
    from django.db import connection

    from massline.appeals.models import Appeal
    from massline.appeals.search import search

    def counts() -> list[float]:
        out = []
        for q in queries:
            t0 = time.perf_counter()
            search(base, q).count()
            out.append((time.perf_counter() - t0) * 1000)
        return out

    day = len(docs) // span_days(len(docs))
    Appeal.objects.bulk_create(objects(zip(docs[:day], texts[:day], strict=True), "BP"), 1000)
    pending = counts()
    with connection.cursor() as cur:
        cur.execute("ALTER INDEX appeals_appeal_search_gin SET (fastupdate = off)")
        cur.execute("VACUUM ANALYZE appeals_appeal")
    m = min(5000, max(500, len(docs) // 20))
    return {
        "pending_rows": day,
        "pending_count": (pct(pending, 50), pct(pending, 99), len(pending)),
        "insert_fastupdate_off_us": min(timed_insert(False) for _ in range(2)) / m * 1e6,
    }


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    admin = urlunparse(urlparse(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def run_database(kind: str, args, tmp: Path) -> dict | None:
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'search.sqlite3'}"
    else:
        url = args.pg_url
        name = urlparse(url).path.lstrip("/")
        try:
            pg_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            pg_admin(url, f'CREATE DATABASE "{name}"')
        except Exception as exc:
            print(f"PostgreSQL unavailable ({exc}); skipped", file=sys.stderr)
            return None
    env = dict(
        os.environ,
        DATABASE_URL=url,
        MASSLINE_VAR_DIR=str(tmp),
        DJANGO_SETTINGS_MODULE="massline.settings",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only-key-" + "0" * 50,
        CONN_MAX_AGE="0",
        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    )
    out = tmp / f"{kind}.json"
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        str(out),
        "--count",
        str(args.count),
        "--queries",
        str(args.queries),
        "--seed",
        str(args.seed),
        "--baseline-every",
        str(args.baseline_every),
        "--recall-words",
        str(args.recall_words),
    ]
    if args.no_sample:
        cmd.append("--no-sample")
    t = time.perf_counter()
    try:
        subprocess.run(cmd, env=env, cwd=ROOT, check=True)
    finally:
        if kind == "postgres" and not args.keep:
            pg_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    res = json.loads(out.read_text())
    res["wall_s"] = time.perf_counter() - t
    return res


def print_report(results: list[dict]) -> None:
    names = [{"sqlite": "SQLite", "postgresql": "PostgreSQL"}[r["vendor"]] for r in results]
    first = results[0]
    print(
        f"\n{first['count']:,} appeals, {first['avg_chars']:.0f} chars title+body on average, "
        f"{first['tokens_per_appeal']:.0f} distinct tokens each; "
        f"{first['sample_sentences']} sample sentences mixed in"
    )
    w = 44
    print(f"\n{'':{w}}" + "".join(f"{n:>22}" for n in names))

    def row(label, fmt):
        print(f"{label:{w}}" + "".join(f"{fmt(r):>22}" for r in results))

    def lat(key):
        return lambda r: "{:.2f} / {:.2f}".format(*r["latency"][key][:2])

    row("index_text CPU µs/appeal", lambda r: f"{r['index_text_us']:.0f}")
    row("bulk load with index, rows/s", lambda r: f"{r['load_rows_s']:,.0f}")
    row(
        "insert µs/row without → with index",
        lambda r: f"{r['insert_without_us']:.0f} → {r['insert_with_us']:.0f}",
    )
    row(
        "insert µs/row, GIN fastupdate=off",
        lambda r: f"{r['pg']['insert_fastupdate_off_us']:.0f}" if "pg" in r else "–",
    )
    row(
        "table / search_text / index MB",
        lambda r: f"{r['table_mb']:.0f} / {r['search_text_mb']:.0f} / {r['index_mb']:.0f}",
    )
    n_idx, n_naive = first["latency"]["i_count"][2], first["latency"]["n_count"][2]
    print(f"latency ms p50 / p99{'':{w - 20}}" + "".join(f"{'':>22}" for _ in results))
    row(f"  index  count, {n_idx} queries", lat("i_count"))
    row("  index  first 20", lat("i_page"))
    row("  index  count, state+region filter", lat("if_count"))
    row("  index  first 20, state+region filter", lat("if_page"))
    row(
        "  index  count, common (≥1 % rows) [n]",
        lambda r: "{:.2f} / {:.2f} [{}]".format(*r["common_count"]),
    )
    row(
        "  index  count, rare (<0.1 % rows) [n]",
        lambda r: "{:.2f} / {:.2f} [{}]".format(*r["rare_count"]),
    )
    row(
        "  index  count, a day's rows in GIN pending",
        lambda r: "{:.2f} / {:.2f}".format(*r["pg"]["pending_count"][:2]) if "pg" in r else "–",
    )
    for key, label in (
        ("d_count", "count"),
        ("d_page", "first 20"),
        ("df_count", "count, state+region filter"),
        ("df_page", "first 20, state+region filter"),
    ):
        row(f"  direct @> {label}", lambda r, k=key: lat(k)(r) if r["latency"][k][2] else "–")
    row(f"  naive  count, {n_naive} queries", lat("n_count"))
    row("  naive  first 20", lat("n_page"))
    row("  naive  count, state+region filter", lat("nf_count"))
    row("  naive  first 20, state+region filter", lat("nf_page"))
    row(
        "recall: words / with misses",
        lambda r: f"{r['recall']['words']} / {r['recall']['missed_words']}",
    )
    row(
        "recall: docs missed / docs containing",
        lambda r: f"{r['recall']['missed_docs']:,} / {r['recall']['truth_docs']:,}",
    )
    row(
        "  missed docs cut_all tokens would find",
        lambda r: f"{r['recall']['cut_all_would_find']:,}",
    )
    row("  found without the substring", lambda r: f"{r['recall']['extra_docs']:,}")
    row("  DB result ≠ token-set prediction", lambda r: f"{len(r['recall']['db_vs_tokens'])}")
    row(
        "tokens/appeal search mode → +cut_all≥2",
        lambda r: f"{r['tokens_search_only']:.0f} → {r['tokens_with_cut_all']:.0f}",
    )
    row(
        "wall time s (queries: index + naive)",
        lambda r: f"{r['wall_s']:.0f} ({r['index_queries_s']:.0f} + {r['naive_queries_s']:.0f})",
    )
    for name, r in zip(names, results, strict=True):
        print(
            f"\n{name}: slowest index counts: "
            + "; ".join(f"{q!r} {n:,} hits {ms:.1f} ms" for q, n, _, ms in r["slowest"])
        )
        if r["naive_count_mismatch"]:
            print(f"{name}: naive SQL count ≠ substring count: {r['naive_count_mismatch']}")
        if r["recall"]["db_vs_tokens"]:
            print(f"{name}: DB ≠ tokens (word, extra, missing): {r['recall']['db_vs_tokens']}")
        if r is results[0] or r["recall"]["examples"] != results[0]["recall"]["examples"]:
            print(f"{name}: misses (word, missed, containing, context, search-mode tokens there):")
            for w, missed, total, ctx, toks in r["recall"]["examples"]:
                print(f"  {w}: {missed}/{total}  …{ctx}…  → {toks}")
            if r["recall"]["cut_all_still_missed"]:
                print(
                    f"{name}: missed even by cut_all tokens: {r['recall']['cut_all_still_missed']}"
                )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--baseline-every", type=int, default=4, help="run the naive scan for every k-th query"
    )
    parser.add_argument(
        "--recall-words",
        type=int,
        default=300,
        help="corpus words checked for recall besides the queries",
    )
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-sample", action="store_true", help="templates only")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        Path(args.worker).write_text(json.dumps(run_worker(args), ensure_ascii=False))
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="massline-search-") as tmp:
        for kind in args.db.split(","):
            print(f"{kind}: building {args.count:,} appeals …", file=sys.stderr, flush=True)
            if (res := run_database(kind.strip(), args, Path(tmp))) is not None:
                results.append(res)
    if not results:
        return 1
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        print_report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
