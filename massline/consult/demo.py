"""The demo's consultations in 黄冈: one closed with its 采纳情况 and a revised text, one open to
the public, one open to 黄州区's registered residents, one for a party branch's members.

Everything goes through the services, dated in the demo's past, so the pages, audit trail and
notices look as they would after real use."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from massline.consult import services, surveys
from massline.consult.models import Comment, Consultation, Survey
from massline.orgs.models import Membership, Org, Role

OLD_COMPOUNDS = "\n".join(
    [
        "第一条 为推进我市城镇老旧小区改造，尊重居民意愿，保障居民的知情权、参与权和监督权，"
        "结合本市实际，制定本规则。",
        "第二条 本规则适用于黄州区、团风县、麻城市等地纳入年度改造计划的2000年底前建"
        "成的城镇老旧小区。",
        "第三条 改造项目实行“居民提需求、社区议方案、部门审设计、群众评效果”的工作流程。",
        "社区居民委员会应当在项目启动前，通过入户走访、问卷和议事会等方式征集居民改造需求。",
        "第四条 改造方案须经小区三分之二以上户数的居民同意后方可报批。",
        "第五条 改造期间，施工单位应当在小区公示栏公布施工内容、工期和投诉电话，"
        "每日施工时间为7时至12时、14时至20时。",
        "第六条 改造完成后，由街道办事处组织居民代表参与竣工验收，验收意见向全体居民公示"
        "不少于7日。",
        "第七条 本规则自印发之日起施行。",
    ]
)

OLD_COMPOUNDS_COMMENTS: list[dict[str, Any]] = [
    {
        "para": 4,
        "who": 0,
        "body": "三分之二同意的门槛太高了，我们小区好多房子是出租的，房东根本联系不上，"
        "这样改造永远过不了。建议按实际居住户数计算。",
        "supports": 14,
    },
    {
        "para": 4,
        "who": 3,
        "body": "同意楼上的意见。另外建议允许线上表决，用微信小程序或者政务平台投票，"
        "在外地打工的业主也能参加。",
        "supports": 9,
    },
    {
        "para": 5,
        "who": 5,
        "body": "中午12点到14点不施工很好，但是晚上8点还在打电钻太晚了，小区里老人多，"
        "建议改成18点收工。",
        "supports": 11,
    },
    {
        "para": 5,
        "who": 7,
        "body": "投诉电话最好写明是哪个部门的，上次隔壁小区改造贴的电话一直没人接。",
        "supports": 6,
    },
    {
        "para": 3,
        "who": 9,
        "body": "征集需求的时候请把加装电梯、增设充电桩单列出来，这两个是我们赤壁街道"
        "老小区最迫切的事。",
        "supports": 17,
    },
    {
        "para": 6,
        "who": 11,
        "body": "验收一定要有居民代表签字，之前有的项目验收只有施工方和街道，"
        "下水道改完一下雨还是堵。",
        "supports": 8,
    },
    {
        "para": None,
        "who": 13,
        "body": "希望改造后明确物业管理怎么办，没有物业的老小区改完两三年又会变回原样。",
        "supports": 12,
    },
    {
        "para": 1,
        "who": 15,
        "body": "建议把2005年前建成、配套设施差的小区也纳入，我们东湖街道有几个"
        "2003年的小区情况比2000年的还差。",
        "supports": 5,
    },
]

OLD_COMPOUNDS_DECISIONS: list[dict[str, Any]] = [
    {
        "comments": [0, 1],
        "title": "改造方案的同意门槛和表决方式",
        "outcome": "partly",
        "reason": "同意门槛依据《湖北省城镇老旧小区改造工作导则》，仍按户数三分之二计算；"
        "采纳线上表决的建议，第四条增加“可通过政务服务平台进行线上表决”。",
    },
    {
        "comments": [2],
        "title": "缩短每日施工时间",
        "outcome": "adopted",
        "reason": "第五条每日施工时间改为7时至12时、14时至18时。",
    },
    {
        "comments": [3],
        "title": "公示投诉电话的责任部门",
        "outcome": "adopted",
        "reason": "第五条增加公示街道办事处和区住建局的监督电话。",
    },
    {
        "comments": [4],
        "title": "加装电梯和充电桩单列征集",
        "outcome": "adopted",
        "reason": "第三条明确加装电梯、增设电动自行车充电设施作为必征事项。",
    },
    {
        "comments": [5],
        "title": "居民代表参与验收并签字",
        "outcome": "adopted",
        "reason": "第六条增加“验收意见须经居民代表签字确认”。",
    },
    {
        "comments": [6],
        "title": "改造后的长效管理",
        "outcome": "partly",
        "reason": "长效管理另行制定专门办法；本规则新增第七条，要求改造方案同时明确后续管理方式。",
    },
    {
        "comments": [7],
        "title": "扩大纳入改造的建成年限",
        "outcome": "not_adopted",
        "reason": "纳入范围按国家和省的政策确定为2000年底前建成的小区；"
        "2000年后建成、设施老化的小区可申请纳入市级完整社区建设项目。",
    },
]

OLD_COMPOUNDS_REVISED = {
    3: "社区居民委员会应当在项目启动前，通过入户走访、问卷和议事会等方式征集居民改造需求，"
    "加装电梯、增设电动自行车充电设施应当单独征询。",
    4: "第四条 改造方案须经小区三分之二以上户数的居民同意后方可报批；居民可通过政务服务平台"
    "进行线上表决。",
    5: "第五条 改造期间，施工单位应当在小区公示栏公布施工内容、工期以及街道办事处和区住建局的"
    "监督电话，每日施工时间为7时至12时、14时至18时。",
    6: "第六条 改造完成后，由街道办事处组织居民代表参与竣工验收，验收意见须经居民代表签字确认，"
    "并向全体居民公示不少于7日。",
}

E_BIKES = """第一条 为加强城区电动自行车停放充电管理，预防和减少火灾事故，制定本办法。
第二条 禁止在住宅楼的门厅、楼梯间、共用走道、安全出口等公共区域停放电动自行车或者为其充电。
禁止携带电动自行车或者其蓄电池进入电梯轿厢。
第三条 新建住宅小区应当按照不低于户数一比一的比例配建电动自行车集中停放场所和充电设施。
既有住宅小区由街道办事处、社区居民委员会组织业主、物业服务企业因地制宜设置集中充电设施。
第四条 集中充电设施的收费标准应当公示，每度电价格不得高于当地居民电价的两倍。
第五条 物业服务企业发现违规停放、充电的，应当劝阻；劝阻无效的，报告消防救援机构处理。
第六条 本办法自2027年3月1日起施行。"""

E_BIKE_COMMENTS = [
    (4, 2, "老小区哪有地方建充电棚？我们小区连停车位都没有。建议允许在楼栋附近空地建小型充电柜。"),
    (5, 8, "两倍电价还是贵，现在有的充电桩充一次要两三块，建议按居民电价加服务费，服务费设上限。"),
    (2, 10, "电梯里装阻车识别系统很有用，建议写进去，要求有电梯的小区都装。"),
    (None, 12, "办法很及时！去年西湖街道那起电动车火灾太吓人了，希望尽快施行。"),
    (6, 16, "光劝阻没用，建议明确物业可以采取什么措施，比如拍照报社区。"),
]

PARKING = """黄州区遗爱湖公园周边停车优化方案（征求意见稿）
一、在遗爱湖公园东门、清淮楼、东坡外滩三处新增临时停车泊位约420个，节假日开放。
二、东门至宝塔路段实行单侧停车，每日7时至22时限时2小时，超时按标准收费。
三、周边小区居民凭电子通行证享受夜间（20时至次日8时）免费停车。
四、周末和法定节假日开通公园至火车站、黄冈中学的免费接驳公交。
五、方案试行半年后，根据居民意见评估调整。"""

PARKING_COMMENTS = [
    (2, 4, "宝塔路早上7点就开始收费太早了，附近居民出门买菜都要交钱，建议从9点开始。"),
    (3, 6, "夜间免费停车很好，但是电子通行证在哪里办？希望能在网上直接办，不要跑社区。"),
    (4, 14, "接驳公交能不能增加到东湖街道的站点？老人去公园锻炼不方便。"),
]

BRANCH = """余家湾第一支部2027年主题党日活动安排（征求意见稿）
一、每月第一个星期五下午开展主题党日活动，原则上不少于两小时。
二、一季度以“学习贯彻全会精神”为主题，组织集中学习和研讨。
三、二季度结合“我为群众办实事”，组织党员到余家湾社区开展志愿服务。
四、三季度组织参观黄麻起义和鄂豫皖苏区首府革命博物馆。
五、四季度开展党员民主评议。"""


PARKING_SURVEY = """单选：您家是否有小汽车？
- 有
- 没有 [跳到第5题]
单选：您平时主要把车停在哪里？
- 小区内固定车位
- 小区内临时停放
- 路边停车位
- 公共停车场
多选：您停车遇到的主要困难有哪些？
- 车位不够
- 收费太贵
- 离家太远
- 乱停车占道
- 晚上找不到车位
评分(满分5)：您对所住小区停车秩序的满意程度
矩阵：您对以下措施的态度
行：机关单位停车场错时向居民开放 / 老旧小区挖潜增设车位 / 路边停车分时段收费
- 支持
- 无所谓
- 反对
排序：您认为下列做法哪个最该优先？
- 新建公共停车场
- 共享停车
- 规范停车收费
- 加强违停执法
地区：您住在哪个区县或街道？
填空(选答)：您对改善城区停车还有什么建议？
"""

PARKING_IDEAS = [
    "赤壁街道老小区晚上七点以后根本没有车位，希望附近的学校操场晚上能开放停车。",
    "建议在东门路口建立体停车楼，现在路边停满了，公交车都过不去。",
    "收费标准要公开，有的停车场一小时收五块，比武汉还贵。",
    "希望新建小区按一户一个车位配建，不要把车位卖得那么贵。",
    "机关大院晚上空着，开放出来能解决不少问题，支持错时停车。",
    "电动车也需要停车的地方，不要只考虑小汽车。",
    "宝塔路一到周末就堵，违停的车太多，希望加强执法。",
    "可以做一个手机上查空车位的小程序，少绕路。",
    "医院周边停车最难，看病的老人下车还要走很远。",
    "老旧小区改造的时候请把停车一起规划进去。",
    "建议共享停车先在东湖街道试点。",
    "路边停车收费时段太长了，晚上十点以后应该免费。",
]


def _survey_answers(rng: random.Random, ideas: list[str], regions: list[str]) -> dict:
    has_car = rng.random() < 0.72
    data: dict[str, list[str]] = {"q1": ["0" if has_car else "1"]}
    if has_car:
        data["q2"] = [str(rng.choices(range(4), weights=[3, 4, 5, 2])[0])]
        hard = rng.sample(range(5), rng.choice([1, 2, 2, 3]))
        data["q3"] = [str(h) for h in sorted(hard)]
        data["q4"] = [str(rng.choices(range(1, 6), weights=[3, 5, 6, 4, 2])[0])]
    for row, weights in enumerate(([7, 2, 1], [8, 1, 1], [3, 3, 4])):
        data[f"q5-r{row}"] = [str(rng.choices(range(3), weights=weights)[0])]
    order = sorted(range(4), key=lambda i: rng.random() * (1.6, 1.2, 2.0, 1.4)[i])
    for rank, option in enumerate(order, start=1):
        data[f"q6-o{option}"] = [str(rank)]
    data["q7"] = [rng.choice(regions)]
    if ideas and rng.random() < 0.45:
        data["q8"] = [ideas.pop()]
    return data


def _day(now: datetime, days: int):
    return timezone.localtime(now - timedelta(days=days)).date()


def _at(now: datetime, days: float, hour: int) -> datetime:
    local = timezone.localtime(now - timedelta(days=days))
    return local.replace(hour=hour, minute=int(days * 37) % 60, second=0, microsecond=0)


def _paragraph_ids(c: Consultation) -> list[int]:
    revision = c.revisions.order_by("-number").first()
    assert revision is not None
    return [t.paragraph_id for t in revision.texts.order_by("position")]


def _support(comment: Comment, people: list, n: int, when: datetime) -> None:
    for person in people:
        if n <= 0:
            break
        if person.pk == comment.author_id:
            continue
        services.support_comment(person, comment.pk, now=when)
        n -= 1


def load(*, orgs: dict[str, Org], users: dict[str, Any], residents: list, now: datetime) -> int:
    """Create the demo consultations (after removing earlier ones); returns how many."""
    Survey.objects.all().delete()
    Comment.objects.all().delete()
    Consultation.objects.all().delete()
    housing = users["handler_city_zhujian"]
    district = users["leader_huangzhou"]
    secretary = users["secretary_yujiawan"]
    huangzhou = orgs["county_gov:421102"]
    for r in residents[:40]:
        Membership.objects.get_or_create(user=r, org=huangzhou, role=Role.RESIDENT)
        for memo in ("_massline_memberships", "_massline_consult_policy"):
            r.__dict__.pop(memo, None)  # read before the membership existed

    closed = services.create_consultation(
        housing,
        org=orgs["city_dept:住建"],
        title="黄冈市城镇老旧小区改造居民议事规则（征求意见稿）",
        summary="为把老旧小区改造这件好事办好、办实，市住建局起草了居民议事规则，"
        "现向社会公开征求意见。意见请针对具体条款提出，我们将逐条研究并公布采纳情况。",
        text=OLD_COMPOUNDS,
        first_day=_day(now, 45),
        last_day=_day(now, 31),
        now=_at(now, 46, 16),
    )
    ids = _paragraph_ids(closed)
    made = []
    for i, spec in enumerate(OLD_COMPOUNDS_COMMENTS):
        made.append(
            services.add_comment(
                residents[spec["who"]],
                closed.pk,
                body=spec["body"],
                paragraph_id=ids[spec["para"]] if spec["para"] is not None else None,
                now=_at(now, 44 - i * 1.5, 9 + i % 10),
            )
        )
    for i, (spec, comment) in enumerate(zip(OLD_COMPOUNDS_COMMENTS, made, strict=True)):
        _support(comment, residents[20:], spec["supports"], _at(now, 32 - i * 0.1, 20))
    for i, d in enumerate(OLD_COMPOUNDS_DECISIONS):
        services.decide(
            housing,
            closed.pk,
            comment_ids=[made[k].pk for k in d["comments"]],
            title=d["title"],
            outcome=d["outcome"],
            reason=d["reason"],
            now=_at(now, 24 - i * 0.3, 10),
        )
    services.revise(
        housing,
        closed.pk,
        texts={ids[k]: text for k, text in OLD_COMPOUNDS_REVISED.items()},
        added="第七条 改造方案应当同时明确改造后的物业管理或者居民自治管理方式。\n"
        "第八条 本规则自印发之日起施行。",
        note="根据征求意见情况修改第三条至第六条，增加长效管理条款。",
        now=_at(now, 20, 15),
    )
    services.revise(
        housing,
        closed.pk,
        texts={ids[7]: ""},
        note="施行条款移至第八条。",
        now=_at(now, 20, 16),
    )
    services.publish_report(
        housing,
        closed.pk,
        summary="征求意见期间共收到有效意见8条，涉及5个条款和全文。经逐条研究，采纳4条，部分采纳3条，"
        "未采纳1条，采纳情况及理由如下。感谢广大市民的参与！",
        now=_at(now, 18, 10),
    )

    decisions = {d.title: d for d in closed.decisions.all()}
    plan = [
        (
            "缩短每日施工时间",
            "向各施工单位印发施工时间调整通知",
            15,
            12,
            "已印发《关于调整老旧小区改造施工作业时间的通知》（黄建办〔2026〕41号）。",
        ),
        (
            "居民代表参与验收并签字",
            "修订竣工验收表，增加居民代表签字栏",
            12,
            9,
            "新版验收表已在赤壁街道、东湖街道6个在建项目使用。",
        ),
        ("加装电梯和充电桩单列征集", "2027年度项目需求征集表单列加装电梯和充电设施", -20, None, ""),
        ("改造方案的同意门槛和表决方式", "政务服务平台上线线上表决功能", -45, None, ""),
    ]
    for title, step, due, done, evidence in plan:
        m = services.add_milestone(
            housing, closed.pk, decision_id=decisions[title].pk, title=step,
            due_on=_day(now, due), now=_at(now, 17, 11),
        )  # fmt: skip
        if done is not None:
            services.complete_milestone(
                housing, m.pk, done_on=_day(now, done), evidence=evidence, now=_at(now, done, 17)
            )

    bikes = services.create_consultation(
        users["leader_city"],
        org=orgs["city_gov"],
        title="黄冈市城区电动自行车停放充电管理办法（征求意见稿）",
        summary="电动自行车进楼入户、飞线充电是火灾的主要隐患。市政府起草了本办法，"
        "征求意见截止后将公布采纳情况。",
        text=E_BIKES,
        first_day=_day(now, 6),
        last_day=_day(now, -24),
        now=_at(now, 7, 17),
    )
    ids = _paragraph_ids(bikes)
    for i, (para, who, body) in enumerate(E_BIKE_COMMENTS):
        comment = services.add_comment(
            residents[who],
            bikes.pk,
            body=body,
            paragraph_id=ids[para] if para is not None else None,
            now=_at(now, 5 - i, 8 + i * 2),
        )
        _support(comment, residents[25:], 7 - i, _at(now, 1, 21))

    parking = services.create_consultation(
        district,
        org=huangzhou,
        title="黄州区遗爱湖公园周边停车优化方案（征求意见稿）",
        summary="本方案仅面向黄州区实名登记居民征求意见，先审后发。",
        text=PARKING,
        first_day=_day(now, 3),
        last_day=_day(now, -11),
        audience="residents",
        region=huangzhou.region,
        premoderate=True,
        now=_at(now, 4, 11),
    )
    ids = _paragraph_ids(parking)
    for i, (para, who, body) in enumerate(PARKING_COMMENTS):
        comment = services.add_comment(
            residents[who],
            parking.pk,
            body=body,
            paragraph_id=ids[para],
            now=_at(now, 2 - i * 0.5, 19),
        )
        if i < 2:
            services.moderate(district, comment.pk, publish=True, now=_at(now, 1 - i * 0.3, 9))

    services.create_consultation(
        secretary,
        org=orgs["party:余家湾第一支部"],
        title="余家湾第一支部2027年主题党日活动安排（征求意见稿）",
        summary="请支部党员对明年主题党日安排提出意见。",
        text=BRANCH,
        first_day=_day(now, 2),
        last_day=_day(now, -12),
        audience="party",
        party_org=orgs["party:余家湾第一支部"],
        now=_at(now, 2, 9),
    )
    _parking_survey(users["leader_city"], orgs["city_gov"], residents, now)
    _publications(users, orgs, residents, now)
    _interviews(users, orgs, residents, now)
    return Consultation.objects.count()


def _parking_survey(leader, org: Org, residents: list, now: datetime) -> None:
    survey = services.create_survey(
        leader,
        org=org,
        title="黄冈城区居民停车状况网上调研",
        intro="为编制城区停车设施专项规划，市政府开展本次调研。问卷约需3分钟，实名参与、每人一次，"
        "调查结果实时公开。",
        questions=surveys.parse_outline(PARKING_SURVEY),
        first_day=_day(now, 12),
        last_day=_day(now, -10),
        now=_at(now, 13, 15),
    )
    rng = random.Random(19)
    towns = [r.code for r in services.region_choices(survey) if r.code.startswith("421102")]
    ideas = list(PARKING_IDEAS)
    rng.shuffle(ideas)
    for i, person in enumerate(residents[2:48]):
        services.submit_response(
            person,
            survey.pk,
            _survey_answers(rng, ideas, towns or [r.code for r in services.region_choices(survey)]),
            now=_at(now, 11 - i * 0.22, 8 + i % 13),
        )


CATEGORIES = ["住房城建", "交通出行", "教育", "医疗卫生", "社会保障", "生态环境", "文化旅游"]

ELEVATORS = """第一条 为改善既有住宅居住条件，方便老年人、残疾人出行，制定本办法。
第二条 本办法适用于本市城区范围内已建成投入使用、未设电梯的四层及以上住宅。
第三条 加装电梯应当经本单元房屋专有部分面积占比三分之二以上且人数占比三分之二以上的业主同意。
第四条 市、区财政对加装电梯项目每台给予15万元补助；业主可以提取本人及配偶的住房公积金用于加装电梯。
第五条 加装电梯项目实行并联审批，住建、自然资源和规划、市场监管部门应当在10个工作日内办结。
第六条 本办法自2026年12月1日起施行，有效期5年。"""

ELEVATOR_READING = """一、为什么出台《办法》？
我市城区2000年前建成的多层住宅约1.2万栋，60岁以上居民占比超过三成，“爬楼难”是12345热线的高频诉求。
二、哪些住宅可以加装？
城区范围内已建成投入使用、没有电梯的四层及以上住宅，都可以申请。
三、需要多少业主同意？
“双三分之二”：本单元专有部分面积占比三分之二以上、人数占比三分之二以上的业主同意即可，不再要求全体同意。
四、政府补多少钱？
每台补助15万元，业主还可以提取住房公积金。以一个六层单元为例，扣除补助后每户平均出资约3万元。
五、审批要多久？
住建、自规、市场监管三部门并联审批，10个工作日内办结。"""

INSURANCE = """第一条 为健全城乡居民基本医疗保险制度，制定本办法。
第二条 2027年度城乡居民医保个人缴费标准为每人每年400元，缴费期为2026年9月1日至12月31日。
第三条 参保居民在一级医疗机构住院，政策范围内费用报销比例为90%；二级为80%；三级为65%。
第四条 门诊慢特病患者在定点医疗机构发生的政策范围内费用，年度支付限额为5000元。"""

INSURANCE_READING = """2027年度居民医保缴费标准为每人每年400元，比上年提高20元。
在乡镇卫生院住院报销90%，市级医院报销65%，鼓励“小病在基层”。
缴费可以通过“鄂汇办”APP、微信“湖北医保服务平台”或村（社区）代缴，截止时间为12月31日。"""


def _publications(users: dict[str, Any], orgs: dict[str, Org], residents: list, now) -> None:
    from massline.consult.models import Category, Publication

    Publication.objects.filter(interprets__isnull=False).delete()
    Publication.objects.all().delete()
    Category.objects.all().delete()
    cats = {
        name: Category.objects.create(name=name, position=i)
        for i, name in enumerate(CATEGORIES, start=1)
    }
    city = users["leader_city"]
    housing = users["handler_city_zhujian"]
    pub = services.publish
    elevators = pub(
        housing, org=orgs["city_dept:住建"], kind="policy", category=cats["住房城建"],
        title="黄冈市城区既有住宅加装电梯实施办法", doc_number="黄政规〔2026〕8号",
        body=ELEVATORS, now=_at(now, 21, 9),
    )  # fmt: skip
    reading = pub(
        housing, org=orgs["city_dept:住建"], kind="interpretation", category=cats["住房城建"],
        title="五问五答：读懂《黄冈市城区既有住宅加装电梯实施办法》", body=ELEVATOR_READING,
        interprets=elevators, now=_at(now, 20, 15),
    )  # fmt: skip
    asked = services.ask(
        residents[6], reading.pk, body="我家是老单位宿舍，产权已经分户了，还能申请补助吗？",
        now=_at(now, 17, 20),
    )  # fmt: skip
    services.answer_inquiry(
        housing, asked.pk,
        answer="可以。已办理分户产权的房改房属于本办法所称住宅，符合“双三分之二”同意条件即可申请，"
        "补助标准相同。",
        now=_at(now, 16, 10),
    )  # fmt: skip
    asked = services.ask(
        residents[9], elevators.pk, body="一楼住户不同意、担心采光，怎么协调？",
        now=_at(now, 12, 21),
    )  # fmt: skip
    services.answer_inquiry(
        housing, asked.pk,
        answer="社区将组织听证协商；设计单位须出具采光影响评估，对低层住户可以通过出资比例调节给予补偿。",
        now=_at(now, 10, 11),
    )  # fmt: skip
    services.ask(
        residents[12], elevators.pk, body="提取公积金加装电梯需要准备哪些材料？",
        now=_at(now, 1, 19),
    )  # fmt: skip
    insurance = pub(
        city, org=orgs["city_dept:医保"], kind="policy", category=cats["社会保障"],
        title="黄冈市2027年度城乡居民基本医疗保险实施办法", doc_number="黄医保发〔2026〕12号",
        body=INSURANCE, now=_at(now, 40, 10),
    )  # fmt: skip
    pub(
        city, org=orgs["city_dept:医保"], kind="interpretation", category=cats["医疗卫生"],
        title="2027年度城乡居民医保缴费，这些变化要知道", body=INSURANCE_READING,
        interprets=insurance, now=_at(now, 39, 16),
    )  # fmt: skip
    pub(
        city, org=orgs["city_dept:交通运输"], kind="announcement", category=cats["交通出行"],
        title="关于2027年元旦期间城区部分路段临时交通管制的通告",
        body="2026年12月31日20时至2027年1月1日2时，东坡大道（宝塔路至西湖路段）、遗爱湖东门广场周边"
        "道路实行临时交通管制，禁止机动车通行。请市民提前规划出行路线，乘坐公共交通。",
        now=_at(now, 2, 9),
    )  # fmt: skip
    pub(
        city, org=orgs["city_dept:教育"], kind="announcement", category=cats["教育"],
        title="关于做好2027年春季学期城区中小学转学工作的通知",
        body="2027年春季学期转学申请受理时间为2027年1月10日至1月20日，家长可通过“黄冈教育”"
        "公众号在线申请，无需到校提交纸质材料。",
        now=_at(now, 5, 10),
    )  # fmt: skip
    pub(
        city, org=orgs["city_dept:生态环境"], kind="announcement", category=cats["生态环境"],
        title="黄冈市2026年11月城区环境空气质量状况",
        body="11月城区空气质量优良天数27天，优良率90.0%，PM2.5平均浓度为34微克/立方米，同比下降5.6%。",
        now=_at(now, 3, 16),
    )  # fmt: skip
    pub(
        city, org=orgs["city_gov"], kind="refutation", category=cats["交通出行"],
        title="“黄冈城区明年起电动自行车全面禁行”系谣言",
        rumour="有短视频称，黄冈城区自2027年1月1日起全面禁止电动自行车上路，未上牌车辆一律扣车。",
        body="经核实，该说法不实。我市从未出台电动自行车禁行规定。正在征求意见的《黄冈市城区电动自行车"
        "停放充电管理办法》规范的是停放和充电，不涉及禁行。请广大市民不信谣、不传谣。",
        now=_at(now, 4, 18),
    )  # fmt: skip
    pub(
        city, org=orgs["city_dept:文旅"], kind="refutation", category=cats["文化旅游"],
        title="遗爱湖公园将收门票？不实！",
        rumour="网传遗爱湖公园明年起改造为景区，进园须购买门票30元。",
        body="遗爱湖公园是免费开放的城市公园，没有收费计划。东坡外滩改造期间部分区域临时围挡，"
        "其余区域正常开放。",
        now=_at(now, 8, 11),
    )  # fmt: skip


ARCHIVED_QA = [
    (
        3,
        "黄州区哪些小区列入了明年的老旧小区改造计划？在哪里能查到？",
        "2027年计划改造黄州区老旧小区46个，名单已在市住建局网站和各街道公示栏公布，"
        "本周内也会在“信息发布”栏目发布。",
    ),
    (
        5,
        "改造的时候能不能顺便把雨污分流做了？我们赤壁街道的小区一下大雨就淹。",
        "可以，雨污分流是这次改造的必改项目。赤壁街道的6个小区排水管网改造已纳入一期，"
        "明年汛期前完工。",
    ),
    (
        8,
        "加装电梯一楼住户不同意，协商不下来怎么办？",
        "社区会组织听证协商，设计单位出具采光、噪音影响评估。低层住户可以少出资或不出资，"
        "我们也会请人民调解员参与。",
    ),
    (
        11,
        "改造以后停车位会增加吗？",
        "会结合小区空间挖潜增设停车位和电动自行车充电棚，具体方案在设计阶段征求居民意见。",
    ),
    (
        14,
        "施工期间老人出行不方便，有什么安排？",
        "施工单位要分段施工，保留安全通道，每个小区设施工联络员，电话公示在单元门口。",
    ),
    (
        17,
        "改造完了以后没人管，过两年又破了怎么办？",
        "改造方案要同时明确物业管理方式，没有物业的小区由街道引入专业物业或组织居民自治管理。",
    ),
]
UNANSWERED = [
    (20, "我家是2002年的房子，不在改造范围，能不能申请？"),
    (23, "东湖街道考棚街的小区什么时候改？"),
]


def _interviews(users: dict[str, Any], orgs: dict[str, Org], residents: list, now) -> None:
    from massline.consult.models import Interview

    Interview.objects.all().delete()
    housing = users["handler_city_zhujian"]
    org = orgs["city_dept:住建"]
    start = _at(now, 9, 15)
    archived = services.schedule_interview(
        housing, org=org, title="老旧小区改造，居民关心的事",
        guests="黄冈市住房和城乡建设局局长、副局长", starts_at=start,
        ends_at=start + timedelta(minutes=90),
        intro="市住建局负责人走进网上群众路线，就老旧小区改造、加装电梯、雨污分流等问题在线回答网友提问。",
        now=_at(now, 16, 10),
    )  # fmt: skip
    for n, (who, body, answer) in enumerate(ARCHIVED_QA):
        asked = services.ask_interview(
            residents[who], archived.pk, body=body, now=start - timedelta(hours=30 - n * 3)
        )
        services.moderate_question(housing, asked.pk, pick=True)
        services.answer_question(
            housing, asked.pk, answer=answer, now=start + timedelta(minutes=6 + n * 13)
        )
    for n, (who, body) in enumerate(UNANSWERED):
        services.ask_interview(
            residents[who], archived.pk, body=body, now=start + timedelta(minutes=40 + n * 20)
        )
    soon = _at(now, -3, 10)
    upcoming = services.schedule_interview(
        users["leader_city"], org=orgs["city_dept:医保"], title="2027年度居民医保缴费与报销政策",
        guests="黄冈市医疗保障局局长", starts_at=soon, ends_at=soon + timedelta(hours=1),
        intro="欢迎提前提问，访谈当天在线回答。", now=_at(now, 2, 9),
    )  # fmt: skip
    services.ask_interview(
        residents[27], upcoming.pk, body="在外地打工，医保能在务工地报销吗？", now=_at(now, 1, 20)
    )
