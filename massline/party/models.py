"""掌上党建: member records, branch committees, study with its points ledger, the question
bank, quizzes and exams. Party organisations are the org tree's 党委/党总支/党支部."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from massline.orgs.models import Org, OrgKind

PARTY_KINDS = (OrgKind.PARTY_COMMITTEE, OrgKind.PARTY_GENERAL_BRANCH, OrgKind.PARTY_BRANCH)


class Stage(models.TextChoices):
    """The development pipeline (发展党员), in order; the last two are party members."""

    APPLICANT = "applicant", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    CANDIDATE = "candidate", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "正式党员"


MEMBER_STAGES = (Stage.PROBATIONARY, Stage.FULL)


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    MOBILE = "mobile", "流动党员"
    ABROAD = "abroad", "出国（境）"
    TRANSFERRED = "transferred", "已转出"


class PartyMember(models.Model):
    """One person on a branch's roll: a party member, or someone on the way to becoming one.

    `points_total` is the sum of the person's point entries; it is only changed together with
    a new entry, under this row's lock."""

    branch = models.ForeignKey(
        Org,
        on_delete=models.PROTECT,
        related_name="party_members",
        limit_choices_to={"kind": OrgKind.PARTY_BRANCH},
        verbose_name="所在支部",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_member",
        verbose_name="登录账号",
    )
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=2, blank=True)
    stage = models.CharField("类别", max_length=16, choices=Stage.choices, default=Stage.FULL)
    applied_on = models.DateField("申请入党日期", null=True, blank=True)
    activist_on = models.DateField("确定为积极分子日期", null=True, blank=True)
    candidate_on = models.DateField("列为发展对象日期", null=True, blank=True)
    joined_on = models.DateField("入党日期", null=True, blank=True)
    full_on = models.DateField("转正日期", null=True, blank=True)
    post = models.CharField("工作岗位", max_length=60, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    points_total = models.PositiveIntegerField("学习积分", default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["branch_id", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_party_member(self) -> bool:
        return self.stage in MEMBER_STAGES


class CommitteePost(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY = "deputy", "副书记"
    ORGANISATION = "organisation", "组织委员"
    PUBLICITY = "publicity", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    YOUTH = "youth", "青年委员"
    TREASURER = "treasurer", "党费收缴员"


class CommitteeSeat(models.Model):
    """A seat on a branch committee (支部委员会) for one term."""

    branch = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="committee_seats", verbose_name="支部"
    )
    member = models.ForeignKey(
        PartyMember, on_delete=models.PROTECT, related_name="seats", verbose_name="委员"
    )
    post = models.CharField("职务", max_length=16, choices=CommitteePost.choices)
    term_start = models.DateField("任期开始")
    term_end = models.DateField("任期届满")

    class Meta:
        verbose_name = "支部委员"
        verbose_name_plural = "支部委员"
        ordering = ["branch_id", "-term_end", "post"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gt=models.F("term_start")), name="seat_term_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.get_post_display()} · {self.member}"


# ---- study and points --------------------------------------------------------------------


class PointKind(models.TextChoices):
    LOGIN = "login", "登录"
    ARTICLE = "article", "阅读文章"
    VIDEO = "video", "观看视频"
    READING_TIME = "reading_time", "文章学习时长"
    VIDEO_TIME = "video_time", "视听学习时长"
    DAILY_QUIZ = "daily_quiz", "每日答题"
    WEEKLY_QUIZ = "weekly_quiz", "每周答题"
    EXAM = "exam", "专项答题"


class PointRule(models.Model):
    """One row of the points table (configurable; seeded with 学习强国's 2019 values).

    `points` is what one unit earns (for the quiz kinds: what a passed, imperfect answer
    earns, `perfect_points` a perfect one); a time kind counts one unit per `unit_seconds`
    of study; an article or video counts once `min_seconds` of it were studied."""

    kind = models.CharField("积分项", max_length=16, choices=PointKind.choices, unique=True)
    points = models.PositiveSmallIntegerField("每次积分")
    perfect_points = models.PositiveSmallIntegerField("全对积分", null=True, blank=True)
    daily_cap = models.PositiveSmallIntegerField("每日上限")
    unit_seconds = models.PositiveIntegerField("计时单位（秒）", null=True, blank=True)
    min_seconds = models.PositiveIntegerField("有效学习时长（秒）", null=True, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "积分规则"
        verbose_name_plural = "积分规则"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class PointEntry(models.Model):
    """One award of points, with its reason; append-only. `day` is the Asia/Shanghai date the
    daily caps count by."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="points")
    kind = models.CharField("积分项", max_length=16, choices=PointKind.choices)
    points = models.PositiveSmallIntegerField("积分")
    reason = models.CharField("原因", max_length=200)
    ref = models.CharField("来源", max_length=60, blank=True)
    day = models.DateField("日期")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "积分明细"
        verbose_name_plural = "积分明细"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["member", "day", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "ref"],
                condition=~Q(ref=""),
                name="point_entry_once_per_ref",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} +{self.points} {self.reason}"


class Course(models.Model):
    """A course (微党课 / 网上党校) of lessons; published to the branches under `org`."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="courses", verbose_name="发布组织"
    )
    title = models.CharField("课程名称", max_length=100)
    summary = models.TextField("简介", blank=True)
    published = models.BooleanField("已发布", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "课程"
        verbose_name_plural = "课程"
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class LessonKind(models.TextChoices):
    ARTICLE = "article", "文章"
    VIDEO = "video", "视频"
    DOCUMENT = "document", "文件"


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    kind = models.CharField("类型", max_length=10, choices=LessonKind.choices)
    title = models.CharField("标题", max_length=120)
    body = models.TextField("正文", blank=True)
    video_url = models.URLField("视频链接", blank=True)
    video_file = models.FileField("视频文件", upload_to="party/videos/%Y/%m/", blank=True)
    source = models.CharField("来源", max_length=60, blank=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "课程内容"
        verbose_name_plural = "课程内容"
        ordering = ["course_id", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class StudySession(models.Model):
    """One sitting with one lesson: the time credited from the page's heartbeats."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="sessions")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="sessions")
    started_at = models.DateTimeField()
    last_beat_at = models.DateTimeField()
    seconds = models.PositiveIntegerField("有效学习时长（秒）", default=0)

    class Meta:
        verbose_name = "学习记录"
        verbose_name_plural = "学习记录"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.member} · {self.lesson} · {self.seconds}s"


class StudyDay(models.Model):
    """Seconds of study per member, Asia/Shanghai day and kind (reading or video time): what the
    time rules count."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="study_days")
    day = models.DateField()
    kind = models.CharField(max_length=16, choices=PointKind.choices)
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "day", "kind"], name="study_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.day} · {self.kind}"


# ---- question bank, quizzes and exams ----------------------------------------------------


class QuestionKind(models.TextChoices):
    SINGLE = "single", "单选题"
    MULTIPLE = "multiple", "多选题"
    JUDGE = "judge", "判断题"
    FILL = "fill", "填空题"


class Question(models.Model):
    """`options` are the choices' texts (A, B, …); `answer` is a list: the correct options'
    letters (single, multiple), ["对"] or ["错"] (judge), or one entry per blank whose
    accepted wordings are separated by "|" (fill)."""

    kind = models.CharField("题型", max_length=10, choices=QuestionKind.choices)
    stem = models.TextField("题干")
    options = models.JSONField("选项", default=list, blank=True)
    answer = models.JSONField("答案", default=list)
    difficulty = models.PositiveSmallIntegerField(
        "难度", default=2, choices=[(1, "易"), (2, "中"), (3, "难")]
    )
    tags = models.CharField("标签", max_length=100, blank=True)
    explanation = models.TextField("解析", blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "试题"
        verbose_name_plural = "试题"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.stem[:40]


class Exam(models.Model):
    """A timed exam (专项答题 / 知识测试) for the branches under `org`."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="exams", verbose_name="组织单位"
    )
    title = models.CharField("名称", max_length=100)
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("结束时间")
    duration_minutes = models.PositiveSmallIntegerField("答题时长（分钟）")
    question_count = models.PositiveSmallIntegerField("题量")
    tags = models.CharField("出题范围（标签）", max_length=100, blank=True)
    pass_mark = models.PositiveSmallIntegerField("及格分（百分制）", default=60)
    attempts_allowed = models.PositiveSmallIntegerField("可答次数", default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "考试"
        verbose_name_plural = "考试"
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="exam_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AttemptKind(models.TextChoices):
    DAILY = "daily", "每日答题"
    EXAM = "exam", "考试"


class Attempt(models.Model):
    """One sitting of a quiz or exam. `paper` is what was shown: per question its pk and the
    order its options were shown in (indexes into `Question.options`)."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="attempts")
    kind = models.CharField(max_length=8, choices=AttemptKind.choices)
    exam = models.ForeignKey(
        Exam, null=True, blank=True, on_delete=models.PROTECT, related_name="attempts"
    )
    paper = models.JSONField(default=list)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    timed_out = models.BooleanField(default=False)
    correct = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveSmallIntegerField("得分（百分制）", default=0)
    passed = models.BooleanField(default=False)

    class Meta:
        verbose_name = "答题记录"
        verbose_name_plural = "答题记录"
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()} · {self.score}"


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    given = models.JSONField(default=list)
    correct = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="answer_once_per_attempt")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} · {self.question_id} · {self.correct}"


# ---- 三会一课 and organisational life ----------------------------------------------------


class Period(models.TextChoices):
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"
    HALF = "half", "每半年"
    YEAR = "year", "每年"


class MeetingKind(models.Model):
    """A kind of meeting with how often a branch must hold it (configurable)."""

    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=30)
    period = models.CharField("周期", max_length=8, choices=Period.choices)
    required = models.PositiveSmallIntegerField("每周期至少次数", default=1)
    active = models.BooleanField("启用", default=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "会议类型"
        verbose_name_plural = "会议类型"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "已安排"
    HELD = "held", "已召开"
    CANCELLED = "cancelled", "已取消"


class Meeting(models.Model):
    branch = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="meetings", verbose_name="支部"
    )
    kind = models.ForeignKey(
        MeetingKind, on_delete=models.PROTECT, related_name="meetings", verbose_name="会议类型"
    )
    title = models.CharField("主题", max_length=100)
    starts_at = models.DateTimeField("开始时间")
    place = models.CharField("地点", max_length=100)
    agenda = models.TextField("议程", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    checkin_code = models.CharField("签到码", max_length=6)
    minutes = models.TextField("会议记录", blank=True)
    held_on = models.DateField("召开日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "组织生活会议"
        verbose_name_plural = "组织生活会议"
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} · {self.title}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "出席"
    LEAVE = "leave", "请假"


class Attendance(models.Model):
    """A member's answer to one meeting: checked in, or on leave with a reason. A member with
    no row for a held meeting was absent."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField("出席情况", max_length=8, choices=AttendanceStatus.choices)
    reason = models.CharField("请假事由", max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "出席记录"
        verbose_name_plural = "出席记录"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.member} · {self.get_status_display()}"


class MinutesAttachment(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to="party/minutes/%Y/%m/")
    name = models.CharField("文件名", max_length=120)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "会议记录附件"
        verbose_name_plural = "会议记录附件"

    def __str__(self) -> str:
        return self.name


# ---- 党费 ----------------------------------------------------------------------------------


class DuesCategory(models.TextChoices):
    SALARIED = "salaried", "在职党员（按税后月工资收入）"
    RETIRED = "retired", "离退休党员（按月离退休费）"
    FARMER = "farmer", "农民党员及其他"
    LOW_INCOME = "low_income", "学生、失业、领取低保等困难党员"


class DuesRate(models.Model):
    """One row of the rate table: for a category, a base above `above` pays `percent` of it,
    or the fixed `amount` a month."""

    category = models.CharField("类别", max_length=12, choices=DuesCategory.choices)
    above = models.DecimalField("月基数超过（元）", max_digits=10, decimal_places=2, default=0)
    percent = models.DecimalField(
        "比例（%）", max_digits=5, decimal_places=2, null=True, blank=True
    )
    amount = models.DecimalField(
        "固定金额（元/月）", max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "党费标准"
        verbose_name_plural = "党费标准"
        ordering = ["category", "above"]
        constraints = [
            models.UniqueConstraint(fields=["category", "above"], name="dues_rate_unique_band")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} > {self.above}"


class DuesAccount(models.Model):
    """A member's dues base (核定的交纳基数), set by the branch each year."""

    member = models.OneToOneField(PartyMember, on_delete=models.CASCADE, related_name="dues")
    category = models.CharField(
        "类别", max_length=12, choices=DuesCategory.choices, default=DuesCategory.SALARIED
    )
    base = models.DecimalField("月交纳基数（元）", max_digits=10, decimal_places=2, default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "党费基数"
        verbose_name_plural = "党费基数"

    def __str__(self) -> str:
        return f"{self.member} · {self.base}"


class DuesRecord(models.Model):
    """One member's dues of one month: what is due, and its payment once made."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="dues_records")
    month = models.DateField("月份")
    amount = models.DecimalField("应交（元）", max_digits=8, decimal_places=2)
    paid_at = models.DateTimeField("交纳时间", null=True, blank=True)
    backend = models.CharField("交纳方式", max_length=40, blank=True)
    reference = models.CharField("凭证号", max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "党费记录"
        verbose_name_plural = "党费记录"
        ordering = ["-month", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_once_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.month:%Y-%m} · {self.amount}"

    @property
    def paid(self) -> bool:
        return self.paid_at is not None


# ---- 双报到 and 微心愿 ---------------------------------------------------------------------


class CommunityReport(models.Model):
    """双报到: a member working elsewhere reports to the community where they live; the
    community's branch sees them and the service they give."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="reports")
    community = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="reported_members", verbose_name="报到社区"
    )
    reported_on = models.DateField("报到日期")
    active = models.BooleanField("在册", default=True)

    class Meta:
        verbose_name = "双报到"
        verbose_name_plural = "双报到"
        constraints = [models.UniqueConstraint(fields=["member", "community"], name="report_once")]

    def __str__(self) -> str:
        return f"{self.member} → {self.community}"


class ServiceRecord(models.Model):
    report = models.ForeignKey(CommunityReport, on_delete=models.CASCADE, related_name="services")
    day = models.DateField("日期")
    hours = models.DecimalField("服务时长（小时）", max_digits=5, decimal_places=1)
    task = models.CharField("服务内容", max_length=200)

    class Meta:
        verbose_name = "报到服务记录"
        verbose_name_plural = "报到服务记录"
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.report} · {self.day} · {self.hours}h"


class WishStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    PUBLISHED = "published", "待认领"
    REJECTED = "rejected", "未通过"
    CLAIMED = "claimed", "已认领"
    FULFILLED = "fulfilled", "已实现"
    THANKED = "thanked", "已致谢"


PUBLIC_WISH_STATES = (
    WishStatus.PUBLISHED,
    WishStatus.CLAIMED,
    WishStatus.FULFILLED,
    WishStatus.THANKED,
)


class Wish(models.Model):
    """微心愿: a resident's small wish, reviewed by the community's branch, claimed and
    fulfilled by a party member."""

    branch = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="wishes", verbose_name="社区党组织"
    )
    title = models.CharField("心愿", max_length=60)
    body = models.TextField("详细说明", max_length=1000)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wishes",
        verbose_name="群众账号",
    )
    resident_name = models.CharField("群众姓名", max_length=50)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=WishStatus.choices, default=WishStatus.SUBMITTED
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    claim_by = models.DateTimeField("认领期限", null=True, blank=True)
    claimed_by = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="wishes"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    fulfil_by = models.DateTimeField("实现期限", null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfilment = models.TextField("实现情况", blank=True)
    photo = models.ImageField("照片", upload_to="party/wishes/%Y/%m/", blank=True)
    thanks = models.CharField("致谢", max_length=200, blank=True)
    reason = models.CharField("未通过原因", max_length=200, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "微心愿"
        verbose_name_plural = "微心愿"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class WishAction(models.TextChoices):
    POSTED = "posted", "提交心愿"
    PUBLISHED = "published", "审核通过并公开"
    REJECTED = "rejected", "审核未通过"
    CLAIMED = "claimed", "党员认领"
    FULFILLED = "fulfilled", "心愿实现"
    THANKED = "thanked", "群众致谢"
    ESCALATED = "escalated", "无人认领，提醒支部"


class WishEvent(models.Model):
    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=WishAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.wish_id} · {self.action}"


class StageStep(models.Model):
    """One dated step of a member's development (发展党员), as the branch recorded it."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField("阶段", max_length=16, choices=Stage.choices)
    on = models.DateField("日期")
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "发展党员记录"
        verbose_name_plural = "发展党员记录"
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_stage_display()} · {self.on}"


class TransferStatus(models.TextChoices):
    RELEASED = "released", "转出支部已同意，待转入支部接收"
    RECEIVED = "received", "已转入"
    REFUSED = "refused", "转入支部未接收"


class Transfer(models.Model):
    """组织关系转接 between two branches: the branch the member leaves releases them, the branch
    they join receives them; both steps with who and when."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="transfers")
    from_branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    to_branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="incoming_transfers")
    status = models.CharField(max_length=10, choices=TransferStatus.choices)
    reason = models.CharField("转接原因", max_length=200)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = models.CharField("接收意见", max_length=200, blank=True)

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-released_at"]

    def __str__(self) -> str:
        return f"{self.member}: {self.from_branch} → {self.to_branch}"


class Suggestion(models.Model):
    """建言献策: a member's suggestion to a party organisation (their branch or one above it),
    and its answer."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="suggestions")
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="party_suggestions", verbose_name="提交给"
    )
    title = models.CharField("标题", max_length=80)
    body = models.TextField("内容", max_length=3000)
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "建言献策"
        verbose_name_plural = "建言献策"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title
