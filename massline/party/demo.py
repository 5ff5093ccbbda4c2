"""The 掌上党建 demo: branch rolls at every development stage, committees, courses, a question
bank written for the demo, and 30 days of study and quizzes, all through the real domain code
(`points.award`, `study.beat`, `quiz.start_daily` / `quiz.submit`) at the moment each
happened."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from massline.orgs.models import Org, OrgKind
from massline.party import bank, dues, meetings, quiz, reports, study, suggestions, wishes
from massline.party.models import (
    Answer,
    Attempt,
    Attendance,
    CommitteePost,
    CommitteeSeat,
    CommunityReport,
    Course,
    DuesAccount,
    DuesRecord,
    Exam,
    Lesson,
    LessonKind,
    Meeting,
    MemberStatus,
    MinutesAttachment,
    PartyMember,
    PointEntry,
    Question,
    ServiceRecord,
    Stage,
    StageStep,
    StudyDay,
    StudySession,
    Suggestion,
    Transfer,
    Wish,
    WishEvent,
)
from massline.party.points import award_login, seed_rules
from massline.party.rules import LETTERS, SHANGHAI, points_day

DATA = Path(__file__).parent / "data"
HOME_BRANCH = "party:余家湾第一支部"
COMMUNITY = "party:余家湾社区党委"
POSTS = ["社区网格员", "退休职工", "个体经营户", "社区志愿者", "教师", "医生", "快递站站长",
         "物业管理员", "社区民警", "居民小组长"]  # fmt: skip
OFFICE_POSTS = ["科员", "副科长", "科长", "主任科员", "工程师", "接线员", "热线班长"]


def _questions() -> list[Question]:
    errors: list[bank.RowError] = []
    found = []
    for n, line in enumerate((DATA / "questions.jsonl").read_text("utf-8").splitlines(), 1):
        kind, stem, options, answer, tags, difficulty, note = json.loads(line)
        cells = dict.fromkeys(bank.HEAD, "")
        cells.update({"题型": kind, "题干": stem, "答案": answer, "标签": tags, "解析": note})
        cells["难度"] = {1: "易", 2: "中", 3: "难"}[difficulty]
        for i, text in enumerate(options):
            cells[f"选项{LETTERS[i]}"] = text
        q = bank.parse_row(n, cells, errors)
        if q is not None:
            found.append(q)
    if errors:
        raise ValueError("演示题库有误：" + "；".join(str(e) for e in errors))
    return found


def _wipe() -> None:
    Suggestion.objects.all().delete()
    Transfer.objects.all().delete()
    StageStep.objects.all().delete()
    WishEvent.objects.all().delete()
    Wish.objects.all().delete()
    ServiceRecord.objects.all().delete()
    CommunityReport.objects.all().delete()
    DuesRecord.objects.all().delete()
    DuesAccount.objects.all().delete()
    MinutesAttachment.objects.all().delete()
    Attendance.objects.all().delete()
    Meeting.objects.all().delete()
    Answer.objects.all().delete()
    Attempt.objects.all().delete()
    Exam.objects.all().delete()
    PointEntry.objects.all().delete()
    StudySession.objects.all().delete()
    StudyDay.objects.all().delete()
    Lesson.objects.all().delete()
    Course.objects.all().delete()
    CommitteeSeat.objects.all().delete()
    PartyMember.objects.all().delete()
    Question.objects.all().delete()


def _stage_dates(stage: str, now: date, rng: random.Random) -> dict:
    """Dates that keep the required intervals: a year or more as 积极分子 before 发展对象, a
    year's probation before 转正."""
    day = timedelta(days=1)
    if stage == Stage.APPLICANT:
        return {"applied_on": now - rng.randint(20, 200) * day}
    if stage == Stage.ACTIVIST:
        activist = now - rng.randint(300, 420) * day  # some are due to become 发展对象
        return {"applied_on": activist - rng.randint(60, 200) * day, "activist_on": activist}
    if stage == Stage.CANDIDATE:
        candidate = now - rng.randint(20, 150) * day
        activist = candidate - rng.randint(370, 500) * day
        return {"applied_on": activist - 120 * day, "activist_on": activist,
                "candidate_on": candidate}  # fmt: skip
    joined = now - rng.randint(300, 360) * day
    if stage == Stage.FULL:
        joined = now - rng.randint(2 * 365, 40 * 365) * day
    candidate = joined - rng.randint(60, 120) * day
    activist = candidate - rng.randint(370, 450) * day
    out = {"applied_on": activist - 150 * day, "activist_on": activist,
           "candidate_on": candidate, "joined_on": joined}  # fmt: skip
    if stage == Stage.FULL:
        out["full_on"] = joined + 365 * day
    return out


def _roll(branch: Org, count: int, today: date, rng, name: Callable[[random.Random], str]):
    office = branch.region.code == "421100" or "机关" in branch.name or "12345" in branch.name
    stages = [Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY]
    stages += [Stage.FULL] * (count - len(stages))
    made = []
    for i, stage in enumerate(stages):
        status = MemberStatus.ACTIVE
        if stage == Stage.FULL and i == count - 1:
            status = MemberStatus.MOBILE
        made.append(
            PartyMember(
                branch=branch,
                name=name(rng),
                gender=rng.choice(["男", "女"]),
                stage=stage,
                post=rng.choice(OFFICE_POSTS if office else POSTS),
                status=status,
                phone=f"139{rng.randint(10000000, 99999999)}",
                **_stage_dates(stage, today, rng),
            )
        )
    return PartyMember.objects.bulk_create(made)


COURSES = [
    (
        "学党章 守党规",
        "逐章学习《中国共产党章程》，把党章作为党员的“总规矩”。",
        [
            (LessonKind.ARTICLE, "党章为什么是党的“总规矩”", "本平台编写",
             "党章是党的根本大法，是全党必须共同遵守的根本行为规范。入党时，每名党员都在党旗下"
             "宣誓“遵守党的章程”；入党以后，学习党章、遵守党章、贯彻党章、维护党章，是每名党员"
             "的基本义务。\n\n学党章，首先要读原文。总纲讲清了党的性质、宗旨、指导思想和奋斗目标；"
             "各章规定了党员、党的组织制度、党的中央组织、地方组织和基层组织、党的干部、纪律和"
             "纪律检查机关、党组、党同共青团的关系以及党徽党旗。\n\n守党规，要落在日常。按时参加"
             "“三会一课”，按月足额交纳党费，在群众面前亮身份、作表率，遇到群众的急难愁盼不推不拖，"
             "这些就是党章要求在一名普通党员身上的样子。"),
            (LessonKind.ARTICLE, "党员的八项义务和八项权利", "本平台编写",
             "党章第三条规定党员必须履行八项义务，从认真学习马克思列宁主义、毛泽东思想、邓小平"
             "理论、“三个代表”重要思想、科学发展观、习近平新时代中国特色社会主义思想，到发扬"
             "社会主义新风尚、带头实践社会主义核心价值观。\n\n党章第四条规定党员享有八项权利，"
             "包括参加党的有关会议、阅读党的有关文件、接受党的教育和培训；在党的会议上和党报党刊"
             "上参加关于党的政策问题的讨论；对党的工作提出建议和倡议；行使表决权、选举权，有"
             "被选举权等。\n\n义务和权利是统一的。一名党员既要履行义务，也要珍惜和正确行使权利，"
             "在支部的会议上把群众反映的问题讲出来，就是在行使对党的工作提出建议的权利。"),
            (LessonKind.VIDEO, "微党课：预备党员怎样转正", "本平台编写",
             "预备期为一年，从支部大会通过其为预备党员之日算起。预备期满，预备党员应主动提交"
             "转正申请；支部大会讨论、表决，报上级党组织审批。认真履行党员义务、具备党员条件的，"
             "应当按期转为正式党员；需要继续考察和教育的，可以延长一次预备期，最长不超过一年。"),
        ],
    ),
    (
        "从群众中来 到群众中去",
        "群众路线是党的生命线和根本工作路线。结合本平台群众留言办理，学习新时代的群众工作。",
        [
            (LessonKind.ARTICLE, "群众路线是党的生命线", "本平台编写",
             "一切为了群众，一切依靠群众，从群众中来，到群众中去，是党的群众路线。把群众的"
             "意见集中起来，化为党的主张，再回到群众中去检验，是党领导人民取得一个又一个胜利的"
             "根本方法。\n\n今天，群众的意见很多是从网上来的：一条关于楼道灯不亮的留言、一个"
             "12345热线的来电，背后都是群众对美好生活的期盼。社区党员在网格里走一走、问一问，"
             "把能解决的当场解决，把解决不了的如实反映，就是在走新时代的群众路线。"),
            (LessonKind.ARTICLE, "新时代“枫桥经验”在社区", "本平台编写",
             "“枫桥经验”产生于20世纪60年代浙江诸暨枫桥，核心是依靠群众就地化解矛盾。小事不出"
             "村、大事不出镇、矛盾不上交，是它最为人熟知的表述。\n\n在城市社区，楼栋长、网格员和"
             "在职报到党员组成的队伍，是化解邻里纠纷、收集群众诉求的第一道防线。一次及时的上门"
             "调解，往往比事后的多次投诉更能让群众满意。"),
        ],
    ),
    (
        "黄冈红色记忆",
        "大别山革命老区的红色故事：黄麻起义、鄂豫皖苏区与“将军县”。",
        [
            (LessonKind.ARTICLE, "黄麻起义：大别山的第一声枪响", "本平台编写",
             "1927年11月，在中共黄安、麻城县委领导下，黄安、麻城两县农民自卫军和义勇队举行"
             "武装起义，攻克黄安县城，建立了黄安农民政府和中国工农革命军鄂东军。\n\n黄麻起义是"
             "大革命失败后党在鄂东北领导的一次重要武装起义，为后来鄂豫皖革命根据地的创建奠定了"
             "基础。今天的红安、麻城一带，仍保存着许多起义旧址，是党员教育的生动课堂。"),
            (LessonKind.VIDEO, "红安：从“将军县”看初心", "本平台编写",
             "红安县原名黄安，走出了董必武、李先念两位国家主席和两百多位将军，被誉为“中国第一"
             "将军县”。“一家一个红军，一村一个烈士”的故事，诉说着老区人民跟党走的坚定信念。"),
        ],
    ),
]  # fmt: skip


def _courses(owner: Org, now: datetime) -> list[Lesson]:
    lessons = []
    for n, (title, summary, items) in enumerate(COURSES):
        course = Course.objects.create(
            org=owner, title=title, summary=summary, created_at=now - timedelta(days=40 - n)
        )
        for position, (kind, lesson_title, source, body) in enumerate(items):
            lessons.append(
                Lesson.objects.create(
                    course=course,
                    kind=kind,
                    title=lesson_title,
                    body=body,
                    source=source,
                    position=position,
                )
            )
    return lessons


def _study(member: PartyMember, lesson: Lesson, at: datetime, minutes: int) -> None:
    """A sitting of `minutes` with beats every heartbeat interval, as the page would send."""
    session = study.start_session(member, lesson, at)
    step = study.heartbeat_seconds()
    for i in range(1, minutes * 60 // step + 1):
        study.beat(member, session.pk, at + timedelta(seconds=i * step))


def _quiz(member: PartyMember, at: datetime, skill: float, rng: random.Random) -> None:
    try:
        attempt = quiz.start_daily(member, at, seed=rng.randint(0, 10**6))
    except Exception:
        return
    answers: dict[int, list[str]] = {}
    for s in quiz.shown(attempt):
        q = s.question
        order = next(d["o"] for d in attempt.paper if d["q"] == q.pk)
        if rng.random() < skill:
            if q.kind == "fill":
                answers[q.pk] = [a.split("|")[0] for a in q.answer]
            elif q.kind == "judge":
                answers[q.pk] = list(q.answer)
            else:
                answers[q.pk] = [LETTERS[i] for i, j in enumerate(order) if LETTERS[j] in q.answer]
        elif s.options:
            answers[q.pk] = [rng.choice(s.options)[0]]
        else:
            answers[q.pk] = ["不知道"]
    quiz.submit(member, attempt.pk, answers, at + timedelta(minutes=rng.randint(2, 6)))


def _history(members: list[PartyMember], lessons: list[Lesson], now: datetime, rng) -> None:
    """30 days of logins, study and quizzes for the members who have accounts or are keen."""
    for day in range(30, 0, -1):
        for member in members:
            keen = 0.8 if member.user_id else 0.35
            if rng.random() > keen:
                continue
            at = now - timedelta(days=day, hours=rng.randint(0, 10), minutes=rng.randint(0, 59))
            at = at.replace(hour=rng.choice([7, 12, 20, 21]))
            award_login(member, at)
            lesson = rng.choice(lessons)
            _study(member, lesson, at + timedelta(minutes=1), rng.choice([2, 3, 5]))
            if rng.random() < 0.6:
                _quiz(member, at + timedelta(minutes=15), 0.55 + rng.random() * 0.4, rng)


MINUTES = {
    "general": "传达学习上级党组织会议精神；通报本季度党费收缴情况；"
    "讨论确定入党积极分子培养联系人。",
    "committee": "研究本月主题党日安排；梳理网格内群众反映较多的问题，明确分工跟进；"
    "审议党员请假情况。",
    "group": "党小组成员交流学习体会；对接本楼栋独居老人走访名单。",
    "lecture": "书记讲党课：从群众中来，到群众中去——结合社区留言办理谈党员责任。",
    "theme_day": "重温入党誓词；开展社区环境整治志愿服务，清理楼道杂物。",
    "life": "对照党章党规查摆问题，开展批评与自我批评，制定整改清单。",
    "review": "党员个人述评，民主测评，评定等次并公示。",
}


def _meetings(branch: Org, actor, roll: list[PartyMember], now: datetime, rng, *, lax: bool):
    """Four months of meetings; a `lax` branch skips some, so its compliance shows overdue."""
    kinds = {k.code: k for k in meetings.kinds()}
    today = points_day(now)
    present = [m for m in roll if m.is_party_member]
    for back in range(4, 0, -1):
        month = (today.replace(day=1) - timedelta(days=28 * back)).replace(day=10)
        plan = ["committee", "theme_day"]
        if month.month % 3 == 0:
            plan += ["general", "lecture"]
        for code in plan:
            if lax and rng.random() < 0.35:
                continue
            at = datetime.combine(
                month + timedelta(days=rng.randint(0, 12)), datetime.min.time(), tzinfo=SHANGHAI
            ).replace(hour=rng.choice([9, 15, 19]))
            meeting = meetings.schedule(
                actor, branch, kind=kinds[code], title=f"{at.month}月{kinds[code].name}",
                starts_at=at, place="社区党群服务中心", now=at - timedelta(days=3),
            )  # fmt: skip
            for m in present:
                if rng.random() < 0.8:
                    meetings.check_in(m, meeting.checkin_code, at + timedelta(minutes=5))
            meetings.record_minutes(actor, meeting.pk, MINUTES[code], now=at + timedelta(hours=3))
    soon = now + timedelta(hours=1)
    meetings.schedule(
        actor, branch, kind=kinds["theme_day"], title=f"{soon.month}月主题党日：走访独居老人",
        starts_at=soon, place="社区党群服务中心二楼", agenda="1. 重温入党誓词\n2. 分组走访",
        now=now - timedelta(days=2),
    )  # fmt: skip


def _dues(branch: Org, actor, roll: list[PartyMember], now: datetime, rng) -> None:
    """Bases for every paying member, six months billed, most paid in the month, a few owed."""
    for m in roll:
        if not m.is_party_member:
            continue
        category = rng.choice(["salaried"] * 3 + ["retired", "farmer"])
        base = Decimal(rng.randint(18, 140) * 100) if category != "farmer" else Decimal(0)
        dues.set_base(actor, m, category, base)
    month = dues.month_of(now)
    months = []
    for _ in range(6):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    late = {m.pk for m in rng.sample([m for m in roll if m.is_party_member], 2)}
    for month in [*reversed(months), dues.month_of(now)]:
        dues.bill(branch, month, actor)
        for record in DuesRecord.objects.filter(member__branch=branch, month=month):
            owed = record.member_id in late and month >= months[2]
            if owed or (month == dues.month_of(now) and rng.random() < 0.5):
                continue
            paid = datetime.combine(month, datetime.min.time(), tzinfo=SHANGHAI) + timedelta(
                days=rng.randint(3, 20), hours=10
            )
            dues.pay(actor, record.pk, f"现金-{paid:%m%d}", min(paid, now))


WISHES = [
    ("想要一副助行拐杖", "老伴去年摔了一跤，现在走路不稳，想要一副带四脚的助行拐杖。"),
    ("请人帮忙在手机上缴医保", "不会用手机，今年的城乡居民医保还没缴，想请人教一教。"),
    ("孩子的课外书", "孩子上四年级，喜欢看书，家里条件不好，想要几本课外读物。"),
    ("楼道里装个扶手", "三楼到五楼的楼梯没有扶手，老人上下楼不方便。"),
    ("帮独居老人换灯泡", "厨房的灯坏了好几天，自己够不着，想请人帮忙换一下。"),
    ("学会用视频通话", "儿子在外地打工，想学会用手机和他视频。"),
    ("一台二手轮椅", "家里老人瘫痪在床，出门看病需要一台轮椅。"),
    ("冬天的棉被", "天冷了，家里的被子太薄，想要一床厚棉被。"),
]


def _wishes(branch: Org, secretary, members: list[PartyMember], now: datetime, rng) -> None:
    """Wishes in every state, each through the real steps at its own moments."""
    User = get_user_model()
    residents = list(User.objects.filter(username__startswith="138000000").order_by("username")[:8])
    if not residents or secretary is None:
        return
    states = ["submitted", "rejected", "published", "published", "claimed", "fulfilled",
              "thanked", "thanked"]  # fmt: skip
    for i, ((title, body), state) in enumerate(zip(WISHES, states, strict=True)):
        at = now - timedelta(days=rng.randint(10, 25), hours=rng.randint(0, 8))
        if state == "published" and i == 3:
            at = now - timedelta(days=9)  # past its claim deadline: escalated
        elif state in ("submitted", "published"):
            at = now - timedelta(days=rng.randint(1, 3))
        resident = residents[i % len(residents)]
        behalf = i == 1
        wish = wishes.post(
            secretary if behalf else resident, branch, title=title, body=body,
            resident_name="陈桂芳" if behalf else "", now=at,
        )  # fmt: skip
        if state == "submitted":
            continue
        at += timedelta(hours=5)
        if state == "rejected":
            wishes.review(secretary, wish.pk, False, "已由民政部门按临时救助办理。", now=at)
            continue
        wishes.review(secretary, wish.pk, True, now=at)
        if state == "published":
            continue
        at += timedelta(days=1, hours=rng.randint(0, 10))
        claimer = rng.choice(members)
        wishes.claim(claimer, wish.pk, now=at)
        if state == "claimed":
            continue
        at += timedelta(days=rng.randint(1, 5))
        wishes.fulfil(claimer, wish.pk, "已上门办好，群众很满意。", now=at)
        if state == "thanked":
            wishes.thank(wish.posted_by, wish.pk, "谢谢党员同志！", now=at + timedelta(hours=3))
    wishes.escalate(now - timedelta(minutes=1))


def _reports(community: Org, elsewhere: list[PartyMember], now: datetime, rng) -> None:
    tasks = ["社区环境整治", "陪独居老人就医", "反诈宣传进楼栋", "疫苗接种点引导", "防汛值守",
             "关爱留守儿童课堂"]  # fmt: skip
    for m in elsewhere:
        row = reports.report(
            m, community, on=points_day(now) - timedelta(days=rng.randint(30, 200))
        )
        for _ in range(rng.randint(1, 4)):
            day = points_day(now) - timedelta(days=rng.randint(1, 28))
            reports.log_service(
                m, row.pk, day=day, hours=Decimal(rng.choice([1, 2, 3])), task=rng.choice(tasks)
            )


def load_party_demo(
    orgs: dict[str, Org],
    now: datetime,
    rng: random.Random,
    name: Callable[[random.Random], str],
    *,
    reset: bool = False,
) -> int:
    """Build the demo's party data unless it is there already; returns the members made."""
    if PartyMember.objects.exists() and not reset:
        return 0
    User = get_user_model()
    with transaction.atomic():
        _wipe()
        seed_rules()
        Question.objects.bulk_create(_questions())
        today = points_day(now)
        branches = [
            o for k, o in orgs.items() if k.startswith("party:") and o.kind == OrgKind.PARTY_BRANCH
        ]
        rolls: dict[int, list[PartyMember]] = {}
        for branch in branches:
            size = 14 if orgs.get(HOME_BRANCH) == branch else rng.randint(8, 12)
            rolls[branch.pk] = _roll(branch, size, today, rng, name)
        home = orgs[HOME_BRANCH]
        roll = rolls[home.pk]
        people = {
            u.username: u
            for u in User.objects.filter(username__in=["secretary_yujiawan", "member_yujiawan"])
        }
        full = [m for m in roll if m.stage == Stage.FULL]
        secretary, member = full[0], full[1]
        for record, username in ((secretary, "secretary_yujiawan"), (member, "member_yujiawan")):
            user = people.get(username)
            if user is not None:
                record.user = user
                record.name = user.real_name or record.name
                record.status = MemberStatus.ACTIVE
                record.save(update_fields=["user", "name", "status"])
        for branch in branches:
            seated = [m for m in rolls[branch.pk] if m.stage == Stage.FULL][:3]
            if branch == home:
                seated = [secretary, *[m for m in full[2:4]]]
                start = date(today.year - 3, today.month, 1)
                end = today + timedelta(days=45)  # due for 换届 soon
            else:
                start = today - timedelta(days=rng.randint(200, 700))
                end = start + timedelta(days=3 * 365)
            for seat_member, post in zip(
                seated,
                [CommitteePost.SECRETARY, CommitteePost.ORGANISATION, CommitteePost.PUBLICITY],
                strict=False,
            ):
                CommitteeSeat.objects.create(
                    branch=branch, member=seat_member, post=post, term_start=start, term_end=end
                )
        owner = orgs.get("city_party") or orgs[COMMUNITY]
        lessons = _courses(owner, now)
        keen = [m for b in branches for m in rolls[b.pk] if m.is_party_member][:60]
        local = [m for m in roll if m.is_party_member]
        _history(list(dict.fromkeys([*local, *keen[:10]])), lessons, now, rng)
        admin = User.objects.filter(is_superuser=True).order_by("pk").first()
        home_actor = people.get("secretary_yujiawan") or admin
        if home_actor is not None:
            _meetings(home, home_actor, roll, now, rng, lax=False)
            _dues(home, home_actor, roll, now, rng)
        if admin is not None:
            second = orgs.get("party:余家湾第二支部")
            if second is not None:
                _meetings(second, admin, rolls[second.pk], now, rng, lax=True)
                _dues(second, admin, rolls[second.pk], now, rng)
        office = [
            m
            for key in ("party:住建机关第一支部", "party:12345支部")
            if key in orgs
            for m in rolls[orgs[key].pk]
            if m.is_party_member
        ][:5]
        _reports(home, office, now, rng)
        _wishes(home, home_actor, [*local[:4], *office[:2]], now, rng)
        if home_actor is not None and len(local) > 3:
            answered = suggestions.send(
                local[2], home, "在党群服务中心设老年人智能手机课堂",
                "不少老人不会用手机缴费、挂号，建议每周六上午由党员志愿者轮流授课。",
                now=now - timedelta(days=12),
            )  # fmt: skip
            suggestions.reply(
                home_actor, answered.pk, "支委会已研究同意，从下月起每周六上午开课，请报名授课。",
                now=now - timedelta(days=9),
            )  # fmt: skip
            suggestions.send(
                local[3], orgs[COMMUNITY], "小区停车难问题",
                "建议社区党委协调物业，把闲置的空地改作临时停车位。", now=now - timedelta(days=2),
            )  # fmt: skip
        community = orgs[COMMUNITY]
        Exam.objects.create(
            org=community,
            title="党章党规知识测试（本月）",
            opens_at=now - timedelta(days=2),
            closes_at=now + timedelta(days=12),
            duration_minutes=20,
            question_count=10,
            tags="党章",
            pass_mark=60,
            attempts_allowed=2,
        )
        Exam.objects.create(
            org=orgs.get("city_party") or community,
            title="党史知识竞赛（初赛）",
            opens_at=now - timedelta(days=40),
            closes_at=now - timedelta(days=33),
            duration_minutes=30,
            question_count=20,
            tags="党史",
        )
    return sum(len(r) for r in rolls.values())
